// The room screen's words, and those of its controls in the secretary's console (issue 10).

export const SCREEN = {
  'screen.present_of': { vi: 'Có mặt {present}/{members} thành viên', en: '{present}/{members} members present' },
  'screen.quorum_ok': { vi: 'Đủ số thành viên tham dự theo quy định', en: 'Quorum present' },
  'screen.quorum_missing': { vi: 'Chưa đủ số thành viên tham dự theo quy định (cần {required})', en: 'No quorum ({required} required)' },
  'screen.ended_at': { vi: 'Kết thúc lúc {time}', en: 'Ended at {time}' },
  'console.screen': { vi: 'Màn hình phòng họp', en: 'Room screen' },
  'console.result_hold': { vi: 'Thời gian hiển thị kết quả biểu quyết', en: 'How long a vote result stays up' },
  'console.result_hold_seconds': { vi: '{n} giây', en: '{n} seconds' },
  'console.result_hold_minutes': { vi: '{n} phút', en: '{n} minutes' },
  'console.result_hold_until': { vi: 'Cho đến khi ẩn kết quả', en: 'Until dismissed' },
  'console.result_up': { vi: 'Đang hiển thị kết quả: {question}', en: 'Showing the result of: {question}' },
  'console.result_left': { vi: 'Còn {n} giây', en: '{n} s left' },
  'console.result_until_dismissed': { vi: 'Hiển thị cho đến khi ẩn', en: 'Shown until dismissed' },
  'console.result_dismiss': { vi: 'Ẩn kết quả trên màn hình', en: 'Dismiss the result' },
};
