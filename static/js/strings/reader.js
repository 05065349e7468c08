// The reader's words (issue 11 §1): the toolbar, the sheets over the page, fit and zoom.

export const READER = {
  'reader.tools': { vi: 'Công cụ của trang', en: 'Page tools' },
  'reader.vote': { vi: 'Biểu quyết', en: 'Vote' },
  'reader.speakers': { vi: 'Phát biểu', en: 'Speakers' },
  'reader.notes': { vi: 'Ghi chú', en: 'Notes' },
  'reader.console': { vi: 'Điều hành', en: 'Chair\'s console' },
  'reader.search': { vi: 'Tìm trong tài liệu', en: 'Search the document' },
  'reader.close': { vi: 'Đóng', en: 'Close' },
  'reader.follow_short': { vi: 'Theo dõi', en: 'Following' },
  'reader.browse_short': { vi: 'Tự xem', en: 'Browsing' },
  'reader.fit_width': { vi: 'Vừa chiều rộng', en: 'Fit width' },
  'reader.fit_page': { vi: 'Vừa trang', en: 'Fit page' },
  'reader.fit_label': { vi: 'Cách hiển thị trang', en: 'How the page fits' },
  'reader.thumbs_show': { vi: 'Hiện trang thu nhỏ', en: 'Show thumbnails' },
  'reader.thumbs_hide': { vi: 'Ẩn trang thu nhỏ', en: 'Hide thumbnails' },
  'reader.vote_open': { vi: 'Đang biểu quyết', en: 'Vote open' },
  'reader.stage': {
    vi: 'Trang tài liệu: chụm hai ngón để phóng to, chạm hai lần để phóng to hoặc thu lại, vuốt ngang để lật trang khi tự xem',
    en: 'Document page: pinch to zoom, double-tap to zoom in or out, swipe to turn pages while browsing',
  },
};
