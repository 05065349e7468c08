// Words of uploads (where a file is on its way in, what became of it) and of who may
// download the originals, in Vietnamese (default) and English.

export const UPLOADS = {
  'uploads.stage_waiting': {
    vi: 'Đã gửi xong. Tệp đang chờ đến lượt đọc (máy chủ đang đọc tệp khác)…',
    en: 'Sent. The file is waiting its turn (the server is reading other files)…',
  },
  'uploads.stage_converting': {
    vi: 'Đã gửi xong. Máy chủ đang chuyển tài liệu sang PDF…',
    en: 'Sent. The server is converting the document to PDF…',
  },
  'uploads.pending_title': { vi: 'Tệp đang tải lên', en: 'Files on their way in' },
  'uploads.refused': { vi: 'Không nhận tệp {filename}:', en: 'The file {filename} was not accepted:' },
  'uploads.failed': { vi: 'Chưa xử lý được tệp {filename}:', en: 'The file {filename} could not be processed:' },
  'uploads.dismiss': { vi: 'Đã xem', en: 'Dismiss' },
  'uploads.dismiss_label': { vi: 'Ẩn thông báo về tệp {filename}', en: 'Hide the notice about {filename}' },
  'uploads.ready': { vi: 'Đã tải lên: {title}.', en: 'Uploaded: {title}.' },
  'uploads.policy_downloads': { vi: 'Cho phép tải tài liệu về máy', en: 'Allow downloading documents' },
  'uploads.policy_originals': {
    vi: 'Tệp gốc (như khi tải lên, có thể chứa mã lệnh, tệp đính kèm) được tải bởi',
    en: 'The original files (as uploaded, possibly with scripts or attached files) may be downloaded by',
  },
  'uploads.originals_staff': { vi: 'Thư ký và chủ tọa', en: 'The secretary and the chair' },
  'uploads.originals_participants': { vi: 'Mọi người tham dự cuộc họp', en: 'Everyone in the meeting' },
  'uploads.originals_nobody': { vi: 'Không ai', en: 'Nobody' },
  'uploads.originals_hint': {
    vi: 'Những người khác tải bản PDF đã gỡ bỏ nội dung tự chạy.',
    en: 'Everyone else downloads the PDF with active content removed.',
  },
};
