// The words of the secretary's preparation (agenda, documents, deadline, publication, copy)
// and of what members see of it (the unpublished agenda, the live amendments, the meetings
// list's news), in Vietnamese and English.

export const PREPARE = {
  // --- a participant's login throttled after wrong passwords
  'prep.unlock': { vi: 'Mở khóa đăng nhập', en: 'Unlock login' },
  'prep.unlock_person': { vi: 'Mở khóa đăng nhập cho {name}', en: 'Unlock the login of {name}' },
  'prep.unlock_hint': {
    vi: 'Sau nhiều lần nhập sai mật khẩu, tài khoản phải chờ trước khi thử lại; mở khóa để người này đăng nhập được ngay.',
    en: 'After several wrong passwords an account must wait before trying again; unlock it so this person can log in at once.',
  },
  'prep.unlocked': {
    vi: 'Đã mở khóa: {name} có thể đăng nhập lại ngay.',
    en: 'Unlocked: {name} can log in again now.',
  },
  // --- a member's devices wiped (a tablet lost or handed on)
  'prep.wipe': { vi: 'Xóa dữ liệu trên thiết bị', en: 'Wipe devices' },
  'prep.wipe_person': { vi: 'Xóa dữ liệu trên thiết bị của {name}', en: 'Wipe the devices of {name}' },
  'prep.wipe_confirm': {
    vi: 'Xóa tài liệu và ghi chú đã lưu trên mọi thiết bị của {name}? Người này bị đăng xuất; thiết bị đang mất kết nối sẽ tự xóa khi kết nối lại. Người này đăng nhập lại bằng mật khẩu của mình.',
    en: 'Wipe the documents and notes kept on every device of {name}? They are logged out; a device that is offline wipes itself when it reconnects. They log in again with their own password.',
  },
  'prep.wiped': {
    vi: 'Đã yêu cầu xóa dữ liệu trên thiết bị của {name}.',
    en: 'The devices of {name} were told to wipe.',
  },
  // --- the kind of session and the deadline the law sets
  'kind.label': { vi: 'Loại phiên họp', en: 'Kind of session' },
  'kind.regular': { vi: 'Phiên họp thường kỳ', en: 'Regular session' },
  'kind.special': { vi: 'Phiên họp chuyên đề', en: 'Special session' },
  'kind.urgent': { vi: 'Phiên họp đột xuất', en: 'Urgent session' },
  'weekday.0': { vi: 'Chủ nhật', en: 'Sunday' },
  'weekday.1': { vi: 'thứ Hai', en: 'Monday' },
  'weekday.2': { vi: 'thứ Ba', en: 'Tuesday' },
  'weekday.3': { vi: 'thứ Tư', en: 'Wednesday' },
  'weekday.4': { vi: 'thứ Năm', en: 'Thursday' },
  'weekday.5': { vi: 'thứ Sáu', en: 'Friday' },
  'weekday.6': { vi: 'thứ Bảy', en: 'Saturday' },
  'prep.sending': { vi: 'Gửi chương trình và tài liệu', en: 'Sending the agenda and documents' },
  'prep.due': {
    vi: 'Hạn gửi đến thành viên: hết ngày {date} ({weekday})',
    en: 'Deadline for reaching the members: end of {weekday}, {date}',
  },
  'prep.due_rule_regular': {
    vi: 'Phiên họp thường kỳ: chậm nhất 03 ngày làm việc trước ngày họp (không tính thứ Bảy, Chủ nhật và ngày nghỉ lễ).',
    en: 'Regular session: at least 3 working days before the meeting (Saturdays, Sundays and public holidays not counted).',
  },
  'prep.due_rule_short': {
    vi: 'Phiên họp chuyên đề, đột xuất: chậm nhất 01 ngày trước ngày họp.',
    en: 'Special or urgent session: at least 1 day before the meeting.',
  },
  'prep.due_in': { vi: 'Còn {n} ngày đến hạn.', en: '{n} days left.' },
  'prep.due_today': { vi: 'Hôm nay là ngày cuối cùng của thời hạn.', en: 'Today is the last day.' },
  'prep.due_past': { vi: 'Đã quá hạn {n} ngày.', en: 'The deadline passed {n} days ago.' },
  'prep.not_published': {
    vi: 'Chưa phát hành: thành viên và khách mời mới thấy tên, thời gian và địa điểm cuộc họp, chưa thấy chương trình và tài liệu.',
    en: 'Not published: members and guests see the title, time and place, not the agenda or the documents.',
  },
  'prep.published_at': { vi: 'Đã phát hành lúc {when}.', en: 'Published at {when}.' },
  'prep.published_late': { vi: 'Đã phát hành lúc {when}, sau thời hạn.', en: 'Published at {when}, after the deadline.' },
  'prep.published_running': {
    vi: 'Cuộc họp đã bắt đầu: mọi người tham dự đều thấy chương trình và tài liệu.',
    en: 'The meeting has started: every participant sees the agenda and documents.',
  },
  'prep.late_count': { vi: 'Tài liệu bổ sung sau thời hạn: {n}.', en: 'Documents added after the deadline: {n}.' },
  'prep.publish': { vi: 'Phát hành tài liệu họp', en: 'Publish the documents' },
  'prep.publish_title': { vi: 'Phát hành chương trình và tài liệu họp?', en: 'Publish the agenda and documents?' },
  'prep.publish_body': {
    vi: 'Thành viên và khách mời sẽ thấy chương trình và {n} tài liệu, và được thông báo trên máy tính bảng và trong danh sách cuộc họp. Tài liệu bổ sung sau đó đến thành viên ngay khi tải lên.',
    en: 'Members and guests will see the agenda and {n} documents, and be told on their tablets and in their meetings list. Documents added later reach them as soon as they are uploaded.',
  },
  'prep.publish_after_due': {
    vi: 'Đã quá thời hạn gửi tài liệu; việc phát hành sau thời hạn được ghi vào nhật ký diễn biến cuộc họp.',
    en: 'The deadline has passed; publishing after it is kept in the meeting record.',
  },

  // --- the agenda as the secretary arranges it
  'prep.agenda_running': {
    vi: 'Cuộc họp đang diễn ra: mỗi thay đổi chương trình được thông báo ngay đến mọi người tham dự và ghi vào nhật ký diễn biến cuộc họp.',
    en: 'The meeting is running: every change to the agenda is announced at once to every participant and kept in the meeting record.',
  },
  'prep.keyboard_hint': {
    vi: 'Sắp xếp: kéo thả nội dung, hoặc chọn nút ⠿ của nội dung rồi nhấn Alt + mũi tên lên/xuống; Alt + mũi tên phải/trái để đưa thành nội dung con hoặc nội dung chính.',
    en: 'To reorder: drag an item, or focus its ⠿ button and press Alt + Up/Down; Alt + Right/Left makes it a sub-item or a main item.',
  },
  'prep.handle': {
    vi: 'Nội dung {number}: {title}. Alt + mũi tên để sắp xếp',
    en: 'Item {number}: {title}. Alt + arrows to reorder',
  },
  'prep.move_up': { vi: 'Chuyển lên', en: 'Move up' },
  'prep.move_down': { vi: 'Chuyển xuống', en: 'Move down' },
  'prep.move_up_label': { vi: 'Chuyển nội dung {number} lên', en: 'Move item {number} up' },
  'prep.move_down_label': { vi: 'Chuyển nội dung {number} xuống', en: 'Move item {number} down' },
  'prep.indent': { vi: 'Thành nội dung con', en: 'Make a sub-item' },
  'prep.indent_label': {
    vi: 'Đưa nội dung {number} thành nội dung con của nội dung phía trên',
    en: 'Make item {number} a sub-item of the item above',
  },
  'prep.outdent': { vi: 'Thành nội dung chính', en: 'Make a main item' },
  'prep.outdent_label': { vi: 'Đưa nội dung {number} thành nội dung chính', en: 'Make item {number} a main item' },
  'prep.moved': { vi: 'Đã chuyển "{title}" đến vị trí {number}.', en: 'Moved "{title}" to position {number}.' },
  'prep.add_sub': { vi: 'Thêm nội dung con', en: 'Add a sub-item' },
  'prep.edit_item': { vi: 'Sửa', en: 'Edit' },
  'prep.edit_label': { vi: 'Sửa nội dung {number}', en: 'Edit item {number}' },
  'prep.delete_item': { vi: 'Xóa', en: 'Delete' },
  'prep.delete_label': { vi: 'Xóa nội dung {number}', en: 'Delete item {number}' },
  'prep.delete_title': { vi: 'Xóa nội dung {number}?', en: 'Delete item {number}?' },
  'prep.delete_body': { vi: 'Nội dung "{title}" sẽ bị xóa khỏi chương trình họp.', en: '"{title}" will be removed from the agenda.' },
  'prep.delete_docs': { vi: 'Các tài liệu của nội dung này ({n}) cũng bị xóa.', en: 'Its documents ({n}) are deleted with it.' },
  'prep.delete_running': {
    vi: 'Việc xóa được thông báo đến mọi người tham dự và ghi vào nhật ký diễn biến cuộc họp.',
    en: 'The deletion is announced to every participant and kept in the meeting record.',
  },
  'prep.parent': { vi: 'Thuộc nội dung', en: 'Under item' },
  'prep.parent_none': { vi: 'Nội dung chính', en: 'A main item' },
  'prep.save_item': { vi: 'Lưu nội dung', en: 'Save the item' },

  // --- documents
  'prep.policy_confidential': {
    vi: 'Cuộc họp có nội dung mật: in chìm (hình mờ) tên người xem trên trang, không cho tải về',
    en: 'Confidential meeting: the viewer\'s name watermarked on pages, no downloads',
  },
  'prep.policy_downloads': { vi: 'Cho phép tải tài liệu gốc', en: 'Allow downloading the originals' },
  'prep.formats': {
    vi: 'Nhận tệp PDF, Word (DOCX, DOC), Excel (XLSX, XLS), PowerPoint (PPTX, PPT), OpenDocument (ODT, ODS, ODP) và RTF.',
    en: 'Takes PDF, Word (DOCX, DOC), Excel (XLSX, XLS), PowerPoint (PPTX, PPT), OpenDocument (ODT, ODS, ODP) and RTF files.',
  },
  'prep.choose_file': { vi: 'Chọn tệp…', en: 'Choose a file…' },
  'prep.upload_file': { vi: 'Tệp tài liệu', en: 'Document file' },
  'prep.pick_file_first': { vi: 'Vui lòng chọn một tệp tài liệu.', en: 'Choose a document file.' },
  'prep.stage_sending': { vi: 'Đang gửi tệp: {pct}% ({sent}/{total})', en: 'Sending the file: {pct}% ({sent} of {total})' },
  'prep.stage_reading': { vi: 'Đã gửi xong. Máy chủ đang đọc và kiểm tra tệp…', en: 'Sent. The server is reading and checking the file…' },
  'prep.stage_first_page': { vi: 'Trang 1 đã sẵn sàng; đang dựng các trang…', en: 'Page 1 is ready; rendering the pages…' },
  'prep.stage_rendering': { vi: 'Trang 1 đã sẵn sàng; đang dựng các trang: {ready}/{total}', en: 'Page 1 is ready; rendering pages: {ready}/{total}' },
  'prep.stage_done': { vi: 'Sẵn sàng: {total} trang.', en: 'Ready: {total} pages.' },
  'prep.late': { vi: 'Bổ sung sau thời hạn', en: 'Added after the deadline' },
  'prep.withdrawn': { vi: 'Đã rút', en: 'Withdrawn' },
  'prep.doc_up_label': { vi: 'Chuyển tài liệu "{title}" lên', en: 'Move "{title}" up' },
  'prep.doc_down_label': { vi: 'Chuyển tài liệu "{title}" xuống', en: 'Move "{title}" down' },
  'prep.doc_move_to': { vi: 'Chuyển sang nội dung', en: 'Move to item' },
  'prep.doc_move_label': { vi: 'Chuyển tài liệu "{title}" sang nội dung khác', en: 'Move "{title}" to another item' },
  'prep.doc_remove': { vi: 'Gỡ bỏ', en: 'Remove' },
  'prep.doc_withdraw': { vi: 'Rút tài liệu', en: 'Withdraw' },
  'prep.doc_remove_title': { vi: 'Gỡ bỏ tài liệu "{title}"?', en: 'Remove "{title}"?' },
  'prep.doc_remove_body': { vi: 'Tài liệu sẽ bị xóa khỏi cuộc họp.', en: 'The document will be deleted from the meeting.' },
  'prep.doc_withdraw_title': { vi: 'Rút tài liệu "{title}"?', en: 'Withdraw "{title}"?' },
  'prep.doc_withdraw_body': {
    vi: 'Thành viên không còn thấy tài liệu này; nhật ký diễn biến cuộc họp, biên bản và hồ sơ lưu trữ vẫn giữ tài liệu.',
    en: 'Members no longer see it; the meeting record, the minutes and the archive keep it.',
  },

  // --- copy for the next meeting of a series
  'prep.copy': { vi: 'Sao chép cho cuộc họp tiếp theo', en: 'Copy for the next meeting' },
  'prep.copy_hint': {
    vi: 'Tạo cuộc họp mới của cùng cơ quan, cùng loại phiên họp, với người tham dự và vai trò, khung chương trình (nội dung, nội dung con, người trình bày, thời lượng). Không sao chép tài liệu, biểu quyết và điểm danh.',
    en: 'A new meeting of the same body and kind, with the participants and their roles and the agenda\'s skeleton (items, sub-items, presenters, durations). Documents, votes and attendance are not copied.',
  },
  'prep.copy_title': { vi: 'Tên cuộc họp mới', en: 'Title of the new meeting' },
  'prep.copy_submit': { vi: 'Tạo cuộc họp mới', en: 'Create the new meeting' },

  // --- what members see: the tablet and the meetings list
  'pub.not_yet': {
    vi: 'Chương trình và tài liệu họp chưa được phát hành. Thư ký cuộc họp sẽ gửi trước ngày họp; máy tính bảng sẽ nhận ngay khi phát hành.',
    en: 'The agenda and documents are not published yet. The secretary sends them before the meeting; this tablet receives them as soon as they are.',
  },
  'pub.not_yet_short': {
    vi: 'Chương trình và tài liệu họp chưa được phát hành.',
    en: 'The agenda and documents are not published yet.',
  },
  'pub.published_now': { vi: 'Chương trình và tài liệu họp đã được phát hành.', en: 'The agenda and documents have been published.' },
  'pub.news': { vi: 'Tài liệu cuộc họp "{title}" đã được phát hành.', en: 'The documents of "{title}" have been published.' },
  'pub.badge_published': { vi: 'Đã phát hành tài liệu', en: 'Documents published' },
  'pub.badge_waiting': { vi: 'Chưa phát hành tài liệu', en: 'Documents not published' },
  'pub.dismiss': { vi: 'Đóng thông báo', en: 'Dismiss' },
  'amend.title': { vi: 'Chương trình họp được điều chỉnh', en: 'The agenda has changed' },
  'amend.item.added': { vi: 'Bổ sung nội dung {number}. {title}', en: 'Item {number} added: {title}' },
  'amend.item.edited': { vi: 'Sửa nội dung {number}. {title}', en: 'Item {number} changed: {title}' },
  'amend.item.deleted': { vi: 'Bỏ nội dung {number}. {title}', en: 'Item {number} removed: {title}' },
  'amend.agenda.reordered': { vi: 'Thay đổi thứ tự các nội dung', en: 'The items were reordered' },
  'amend.document.added': { vi: 'Bổ sung tài liệu "{title}" (nội dung {number})', en: 'Document added: "{title}" (item {number})' },
  'amend.document.withdrawn': { vi: 'Rút tài liệu "{title}"', en: 'Document withdrawn: "{title}"' },
  'amend.document.moved': { vi: 'Chuyển tài liệu "{title}" sang nội dung khác', en: 'Document moved to another item: "{title}"' },
  'amend.document.renamed': { vi: 'Đổi tên tài liệu thành "{title}"', en: 'Document renamed: "{title}"' },
  'amend.documents.reordered': { vi: 'Thay đổi thứ tự tài liệu', en: 'The documents were reordered' },
};
