// Strings of the verification page (/verify) and `phonghop verify`'s words in the app.

export const VERIFY = {
  'verify.title': { vi: 'Kiểm tra biên bản đã ký', en: 'Check signed minutes' },
  'verify.intro': {
    vi: 'Chọn một tệp PDF (biên bản hoặc văn bản đã ký số). Hệ thống kiểm tra từng chữ ký số, '
      + 'chuỗi chứng thư, thời gian ký, nội dung có bị sửa sau khi ký không, và tệp có đúng là '
      + 'bản lưu trong kho lưu trữ không. Tệp không được lưu lại.',
    en: 'Choose a PDF (signed minutes or another signed document). Each digital signature, its '
      + 'certificate chain and signing time are checked, whether the content was changed after '
      + 'signing, and whether the file is the archive\'s own copy. The file is not kept.',
  },
  'verify.file': { vi: 'Tệp PDF', en: 'PDF file' },
  'verify.check': { vi: 'Kiểm tra', en: 'Check' },
  'verify.checking': { vi: 'Đang kiểm tra…', en: 'Checking…' },
  'verify.valid': { vi: 'Hợp lệ: mọi chữ ký số xác nhận đúng tệp này', en: 'Valid: every signature vouches for this file' },
  'verify.invalid': { vi: 'Không hợp lệ', en: 'Not valid' },
  'verify.unsigned': { vi: 'Tệp không có chữ ký số', en: 'The file is not signed' },
  'verify.signature_n': { vi: 'Chữ ký số {n}', en: 'Signature {n}' },
  'verify.chain': { vi: 'Chuỗi chứng thư', en: 'Certificate chain' },
  'verify.timestamp': { vi: 'Dấu thời gian', en: 'Timestamp' },
  'verify.none': { vi: 'Không có', en: 'None' },
  'verify.revocation': { vi: 'Tình trạng thu hồi', en: 'Revocation status' },
  'verify.revocation_checked': { vi: 'Đã kiểm tra với dữ liệu kèm theo', en: 'Checked against embedded data' },
  'verify.revocation_not_checked': { vi: 'Chưa kiểm tra (không có dữ liệu thu hồi kèm theo)', en: 'Not checked (no revocation data embedded)' },
  'verify.not_modified': { vi: 'Không bị sửa sau khi ký', en: 'Not modified after signing' },
  'verify.archive': { vi: 'Kho lưu trữ', en: 'Archive' },
  'verify.archived': {
    vi: 'Đúng bản biên bản số {number} của cuộc họp «{title}» trong kho lưu trữ.',
    en: 'This is the archive\'s copy of minutes no. {number} of «{title}».',
  },
  'verify.not_archived': {
    vi: 'Không tìm thấy tệp này trong phần kho lưu trữ được phép xem.',
    en: 'This file is not in the archive you may read.',
  },
  'verify.record_ok': { vi: 'Nhật ký cuộc họp khớp mã băm ghi trong biên bản', en: 'The meeting record matches the digest in the minutes' },
  'verify.open_meeting': { vi: 'Mở trang lưu trữ của cuộc họp', en: 'Open the meeting\'s record' },
  'verify.package': { vi: 'Tải gói hồ sơ lưu trữ (BagIt)', en: 'Download the archival package (BagIt)' },
  'verify.link': { vi: 'Kiểm tra một tệp biên bản', en: 'Check a minutes file' },
};
