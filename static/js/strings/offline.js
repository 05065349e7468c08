// The words of the offline copy (issue 13 §1, §4): the pages kept on the tablet, the space
// they take, and why a meeting's pages are not kept.

export const OFFLINE = {
  'offline.saving': { vi: 'Đã tải {done}/{total} trang về máy', en: '{done} of {total} pages saved on this tablet' },
  'offline.saved': { vi: 'Đã tải {done}/{total} trang về máy, đọc được khi mất mạng', en: '{done} of {total} pages saved on this tablet, readable offline' },
  'offline.used': { vi: 'dung lượng đang dùng: {size}', en: '{size} used' },
  'offline.short': {
    vi: 'Máy không đủ dung lượng trống: chỉ giữ tài liệu của nội dung đang họp và nội dung kế tiếp.',
    en: 'This tablet is short of space: only the documents of the current and the next item are kept.',
  },
  'offline.confidential': {
    vi: 'Cuộc họp có nội dung mật: tài liệu không được lưu trên máy.',
    en: 'A meeting with confidential content: its documents are not kept on this tablet.',
  },
  'offline.sealed': {
    vi: 'Biên bản đã ký số: tài liệu lưu trên máy đã được xóa.',
    en: 'The minutes are signed: the documents kept on this tablet have been deleted.',
  },
  'offline.failed': {
    vi: 'Chưa tải được {count} trang về máy; sẽ thử lại khi mở lại cuộc họp.',
    en: '{count} pages could not be saved on this tablet; they will be tried again when the meeting is opened.',
  },
  'offline.until': { vi: 'lưu đến {time}', en: 'kept until {time}' },
  // The notes panel's outbox (issue 13 §3): notes written without the connection.
  'notes.waiting': { vi: 'Chờ gửi', en: 'Waiting to send' },
  'notes.deletions_waiting': { vi: 'Ghi chú đã xóa, chờ gửi: {n}', en: 'Deleted notes waiting to send: {n}' },
  'notes.unloaded': {
    vi: 'Chưa tải được ghi chú đã lưu; sẽ tải khi có kết nối. Ghi chú mới vẫn được giữ trên máy.',
    en: 'The saved notes could not be loaded; they load when the connection returns. New notes are kept on this tablet.',
  },
};
