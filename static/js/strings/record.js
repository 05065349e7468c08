// Strings of the record (issue 10): the vote's agenda item and default question in the
// console, the passing conditions in words, the presets, the "Nơi nhận" list, attendance in
// the archive, the answers of a written opinion form. Terms follow shared/VIETNAMESE.md.

export const RECORD = {
  // --- dates and times people read (static/js/format.js; meetings/clock.py on the server)
  'format.moment': { vi: '{h} giờ {m} phút, ngày {date}', en: '{h}:{m}, {date}' },
  'format.time': { vi: '{h} giờ {m} phút', en: '{h}:{m}' },

  // --- opening a vote on an agenda item
  'record.vote_item': { vi: 'Thuộc nội dung', en: 'Agenda item' },
  'record.vote_item_option': { vi: '{n}. {title}', en: '{n}. {title}' },
  'record.vote_item_current': { vi: '{n}. {title} (đang trình chiếu)', en: '{n}. {title} (on screen)' },
  'record.vote_item_hint': {
    vi: 'Biểu quyết được ghi vào biên bản dưới nội dung này.',
    en: 'The minutes file the vote under this item.',
  },
  'record.question_default': {
    vi: 'Để trống: biên bản ghi “{question}”.',
    en: 'Left empty, the minutes read “{question}”.',
  },
  'record.started_at': { vi: 'Bắt đầu lúc {when}', en: 'Started {when}' },
  'record.closed_at': { vi: 'Kết thúc lúc {when}', en: 'Closed {when}' },

  // --- passing conditions (meetings/votes/majority.py) and their presets
  'rule.frac_1_2': { vi: 'nửa', en: 'half' },
  'rule.frac_2_3': { vi: 'hai phần ba', en: 'two thirds' },
  'rule.frac_3_4': { vi: 'ba phần tư', en: 'three quarters' },
  'rule.frac_1_3': { vi: 'một phần ba', en: 'one third' },
  'rule.frac_1_1': { vi: 'toàn bộ', en: 'all' },
  'rule.basis.all_members_council': { vi: 'tổng số đại biểu Hội đồng nhân dân', en: 'of all delegates' },
  'rule.basis.present_council': { vi: 'số đại biểu có mặt', en: 'of delegates present' },
  'record.preset.people_committee': {
    vi: 'Ủy ban nhân dân: quá nửa tổng số thành viên',
    en: "People's Committee: more than half of all members",
  },
  'record.preset.people_council': {
    vi: 'Hội đồng nhân dân: quá nửa tổng số đại biểu',
    en: "People's Council: more than half of all delegates",
  },
  'record.preset.people_council_two_thirds': {
    vi: 'Hội đồng nhân dân: ít nhất hai phần ba tổng số đại biểu',
    en: "People's Council: at least two thirds of all delegates",
  },
  'record.preset.company_board': {
    vi: 'Hội đồng quản trị: quá nửa số thành viên có mặt',
    en: 'Company board: more than half of the members present',
  },

  // --- "Nơi nhận": one list, the filing line fixed at its end
  'record.recipients': { vi: 'Nơi nhận', en: 'Recipients' },
  'record.recipient_n': { vi: 'Nơi nhận {n}', en: 'Recipient {n}' },
  'record.recipient_add': { vi: 'Thêm nơi nhận', en: 'Add a recipient' },
  'record.recipient_remove': { vi: 'Bỏ nơi nhận {n}', en: 'Remove recipient {n}' },
  'record.recipient_placeholder': { vi: 'Ví dụ: Thường trực HĐND xã', en: 'E.g. Standing Committee of the commune People\'s Council' },
  'record.filing_fixed': {
    vi: 'Dòng cuối do biên bản tự ghi, không cần nhập.',
    en: 'The minutes end with this line themselves; no need to type it.',
  },

  // --- attendance: "vắng không có lý do" keeps a note, not a reason
  'record.note': { vi: 'Ghi chú', en: 'Note' },
  'record.note_line': { vi: 'Ghi chú: {reason}', en: 'Note: {reason}' },

  // --- attendance in the archive, as the minutes print it
  'record.attendance_of': { vi: 'Tình trạng tham dự', en: 'Attendance' },
  'record.did_not_attend': { vi: 'Không tham dự', en: 'Did not attend' },
  'record.proxy_to': { vi: 'Ủy quyền cho: {name}', en: 'Proxy held by {name}' },
  'record.vote_under_item': { vi: 'Nội dung {n}: {title}', en: 'Item {n}: {title}' },

  // --- the answers of a written opinion form (phiếu lấy ý kiến)
  'record.opinion_choice.yes': { vi: 'Đồng ý', en: 'Agree' },
  'record.opinion_choice.no': { vi: 'Không đồng ý', en: 'Disagree' },
  'record.opinion_choice.abstain': { vi: 'Ý kiến khác', en: 'Other opinion' },
};
