// Strings of the scans shown in the signature of the minutes (issue 14 §1): each person's own
// handwritten signature and a body's seal, uploaded as transparent PNGs; the software draws
// neither. Terms follow shared/VIETNAMESE.md (Nghị định 30 on văn thư).

export const SCANS = {
  'nav.my_signature': { vi: 'Chữ ký của tôi', en: 'My signature' },
  'scan.signature.page': { vi: 'Chữ ký của tôi', en: 'My signature' },
  'scan.signature.title': { vi: 'Hình ảnh chữ ký của tôi', en: 'Image of my signature' },
  'scan.signature.hint': {
    vi: 'Ảnh quét chữ ký tay (mực xanh, nền trong suốt, định dạng PNG, tối đa 700 KB) được đặt giữa chức danh và họ tên ở phần chữ ký của chủ tọa trong biên bản các cuộc họp do mình chủ tọa. Không tải lên thì phần chữ ký chỉ gồm chữ, không có hình ảnh.',
    en: 'A scan of your handwritten signature (blue ink, transparent background, PNG, at most 700 KB) is placed between the title and the name in the chair\'s signature of the minutes of meetings you chair. Without one, the signature is text only, with no image.',
  },
  'scan.signature.none': { vi: 'Chưa có hình ảnh chữ ký.', en: 'No signature image yet.' },
  'scan.signature.saved': { vi: 'Đã lưu hình ảnh chữ ký.', en: 'Signature image saved.' },
  'scan.signature.removed': { vi: 'Đã xóa hình ảnh chữ ký.', en: 'Signature image removed.' },
  'scan.signature.remove_title': { vi: 'Xóa hình ảnh chữ ký?', en: 'Remove the signature image?' },
  'scan.seal.title': { vi: 'Hình ảnh con dấu', en: 'Image of the seal' },
  'scan.seal.hint': {
    vi: 'Ảnh quét con dấu thật của cơ quan (mực đỏ, nền trong suốt, định dạng PNG, đúng kích thước thật: quét ở 300 dpi, đường kính 20–60 mm). Con dấu được đóng trùm lên khoảng 1/3 chữ ký về phía bên trái trong chữ ký số của cơ quan, theo Phụ lục I Nghị định 30/2020/NĐ-CP. Không tải lên thì không có hình con dấu.',
    en: 'A scan of the body\'s real seal (red, transparent background, PNG, at real size: scanned at 300 dpi, 20–60 mm across). It overlaps the left third of the signature in the body\'s digital signature, as Decree 30/2020 appendix I sets out. Without one, no seal image is shown.',
  },
  'scan.seal.none': { vi: 'Chưa có hình ảnh con dấu.', en: 'No seal image yet.' },
  'scan.seal.saved': { vi: 'Đã lưu hình ảnh con dấu.', en: 'Seal image saved.' },
  'scan.seal.removed': { vi: 'Đã xóa hình ảnh con dấu.', en: 'Seal image removed.' },
  'scan.seal.remove_title': { vi: 'Xóa hình ảnh con dấu?', en: 'Remove the seal image?' },
  'scan.size': { vi: 'Kích thước khi in: {w} × {h} mm ({px} điểm ảnh).', en: 'Printed size: {w} × {h} mm ({px} pixels).' },
  'scan.audit_size': { vi: 'in ra {w} × {h} mm', en: 'prints {w} × {h} mm' },
  'scan.assumed_dpi': { vi: 'Tệp không ghi độ phân giải: tính theo 300 dpi.', en: 'The file records no resolution: 300 dpi assumed.' },
  'scan.choose': { vi: 'Chọn ảnh PNG', en: 'Choose a PNG image' },
  'scan.replace': { vi: 'Thay bằng ảnh PNG khác', en: 'Replace with another PNG image' },
  'scan.upload': { vi: 'Tải lên', en: 'Upload' },
  'scan.remove': { vi: 'Xóa hình ảnh', en: 'Remove the image' },
  'scan.remove_text': {
    vi: 'Biên bản ký số sau này sẽ không có hình ảnh này. Biên bản đã ký số trước đó không thay đổi.',
    en: 'Minutes signed from now on will not show this image. Minutes already signed do not change.',
  },
  'audit.body.seal_set': { vi: 'Tải lên hình ảnh con dấu', en: 'Seal image uploaded' },
  'audit.body.seal_removed': { vi: 'Xóa hình ảnh con dấu', en: 'Seal image removed' },
  'audit.user.signature_set': { vi: 'Tải lên hình ảnh chữ ký của mình', en: 'Own signature image uploaded' },
  'audit.user.signature_removed': { vi: 'Xóa hình ảnh chữ ký của mình', en: 'Own signature image removed' },
};
