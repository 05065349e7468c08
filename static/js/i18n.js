// Every word the app shows, in Vietnamese (the default) and English, and the reader's
// choice between them (kept in localStorage). Server messages come in both languages
// already (message_vi, message_en): `pick` chooses.

import { useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { SCREEN } from './strings/screen.js';
import { RECORD } from './strings/record.js';
import { INVITE } from './strings/invite.js';
import { PREPARE } from './strings/prepare.js';
import { UPLOADS } from './strings/uploads.js';
import { VERIFY } from './strings/verify.js';
import { READER } from './strings/reader.js';
import { ANNOTATIONS } from './strings/annotations.js';
import { ARCHIVE, ARCHIVE_PAGE } from './strings/archive.js';
import { ADMIN } from './strings/admin.js';
import { STATEMENTS } from './strings/statements.js';
import { RETENTION } from './strings/retention.js';
import { SCANS } from './strings/scans.js';
import { OFFLINE } from './strings/offline.js';

const STORAGE_KEY = 'phonghop.lang';
const LANGS = ['vi', 'en'];

function storedLang() {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(value) ? value : 'vi';
  } catch {
    return 'vi';
  }
}

// The installable app's name and description in the reader's language (index.html links the
// Vietnamese manifest; the English one sits beside it).
function linkManifest() {
  const link = document.querySelector('link[rel=manifest]');
  if (link) link.href = lang === 'en' ? '/static/manifest.en.webmanifest' : '/static/manifest.webmanifest';
}

let lang = storedLang();
const listeners = new Set();
document.documentElement.lang = lang;
linkManifest();

export const getLang = () => lang;

export function setLang(next) {
  if (!LANGS.includes(next) || next === lang) return;
  lang = next;
  document.documentElement.lang = lang;
  linkManifest();
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // The choice lasts for this page only.
  }
  listeners.forEach((fn) => fn(lang));
}

// Re-renders the calling component (the app root) when the language changes.
export function useLang() {
  const [current, setCurrent] = useState(lang);
  useEffect(() => {
    listeners.add(setCurrent);
    return () => listeners.delete(setCurrent);
  }, []);
  return current;
}

export const pick = (vi, en) => (lang === 'en' ? en || vi : vi || en);

function fill(text, vars) {
  return vars ? text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? vars[name] : m)) : text;
}

export function t(key, vars) {
  const entry = STRINGS[key];
  if (!entry) {
    console.warn(`i18n: missing key ${key}`);
    return key;
  }
  return fill(entry[lang], vars);
}

export function both(key, vars) {
  const entry = STRINGS[key] || { vi: key, en: key };
  return { vi: fill(entry.vi, vars), en: fill(entry.en, vars) };
}

export const STRINGS = {
  ...INVITE,
  ...PREPARE,
  ...UPLOADS,
  ...VERIFY,
  ...READER,
  ...ANNOTATIONS,
  ...ARCHIVE,
  ...ARCHIVE_PAGE,
  ...ADMIN,
  ...RETENTION,
  ...SCANS,
  ...OFFLINE,
  // --- the app around the pages
  'app.name': { vi: 'Phòng họp không giấy', en: 'Paperless meeting room' },
  'lang.switch': { vi: 'English', en: 'Tiếng Việt' },
  'nav.meetings': { vi: 'Cuộc họp của tôi', en: 'My meetings' },
  'nav.archive': { vi: 'Lưu trữ', en: 'Archive' },
  'nav.logout': { vi: 'Đăng xuất', en: 'Log out' },
  'nav.back_meetings': { vi: '← Cuộc họp của tôi', en: '← My meetings' },
  'nav.not_found': { vi: 'Không có trang này.', en: 'There is no such page.' },
  'common.loading': { vi: 'Đang tải…', en: 'Loading…' },
  'common.working': { vi: 'Đang xử lý…', en: 'Working…' },
  'common.cancel': { vi: 'Hủy', en: 'Cancel' },
  'common.save': { vi: 'Lưu', en: 'Save' },
  'common.saved': { vi: 'Đã lưu.', en: 'Saved.' },
  'common.saving': { vi: 'Đang lưu…', en: 'Saving…' },
  'common.edit': { vi: 'Sửa', en: 'Edit' },
  'common.delete': { vi: 'Xóa', en: 'Delete' },
  'common.remove': { vi: 'Bỏ', en: 'Remove' },
  'common.add': { vi: 'Thêm', en: 'Add' },
  'common.search': { vi: 'Tìm kiếm', en: 'Search' },
  'common.yes': { vi: 'Có', en: 'Yes' },
  'common.no': { vi: 'Không', en: 'No' },
  'common.minutes_short': { vi: '{n} phút', en: '{n} min' },
  'common.page_of': { vi: 'Trang {page}/{count}', en: 'Page {page} of {count}' },
  'common.pages': { vi: '{n} trang', en: '{n} pages' },
  'error.network': {
    vi: 'Không kết nối được máy chủ. Vui lòng kiểm tra mạng rồi thử lại.',
    en: 'Cannot reach the server. Check the network and try again.',
  },

  // --- statuses, roles, connection
  'status.draft': { vi: 'Chưa bắt đầu', en: 'Not started' },
  'status.running': { vi: 'Đang họp', en: 'In session' },
  'status.ended': { vi: 'Đã kết thúc', en: 'Ended' },
  'status.sealed': { vi: 'Đã ký số', en: 'Signed' },
  'role.secretary': { vi: 'Thư ký', en: 'Secretary' },
  'role.chair': { vi: 'Chủ tọa', en: 'Chair' },
  'role.member': { vi: 'Thành viên', en: 'Member' },
  'role.guest': { vi: 'Khách mời', en: 'Guest' },
  'conn.live': { vi: 'Đã kết nối', en: 'Connected' },
  'conn.connecting': { vi: 'Đang kết nối…', en: 'Connecting…' },
  'conn.reconnecting': { vi: 'Đang kết nối lại…', en: 'Reconnecting…' },
  'conn.offline': { vi: 'Mất kết nối', en: 'Offline' },
  'conn.since': { vi: 'từ {time}', en: 'since {time}' },
  'conn.waiting': { vi: '{n} chờ gửi', en: '{n} unsent' },
  'conn.not_live': {
    vi: 'Chưa kết nối với phòng họp. Vui lòng chờ kết nối lại rồi thử lại.',
    en: 'Not connected to the meeting. Wait for the connection to return, then try again.',
  },
  'conn.lost': {
    vi: 'Mất kết nối trước khi máy chủ trả lời. Vui lòng kiểm tra lại sau khi kết nối lại.',
    en: 'The connection dropped before the server answered. Check again once reconnected.',
  },
  'conn.closed_4100': {
    vi: 'Phiên đăng nhập đã kết thúc. Vui lòng đăng nhập lại.',
    en: 'Your session has ended. Please log in again.',
  },
  'conn.closed_4101': {
    vi: 'Tài khoản này không (hoặc không còn) có tên trong thành phần tham dự cuộc họp.',
    en: 'You are not (or no longer) a participant of this meeting.',
  },
  'conn.closed_4102': {
    vi: 'Cuộc họp đã kết thúc và biên bản đã được ký số, phát hành.',
    en: 'The meeting is over and its minutes are signed and issued.',
  },
  'conn.closed_4105': {
    vi: 'Tài khoản này đang mở quá nhiều kết nối. Vui lòng đóng ứng dụng trên một thiết bị hoặc thẻ trình duyệt khác rồi tải lại trang.',
    en: 'This account has too many connections open. Close the app on another device or browser tab, then reload the page.',
  },
  'conn.closed_other': {
    vi: 'Máy chủ đã đóng kết nối (mã {code}). Vui lòng tải lại trang.',
    en: 'The server closed the connection (code {code}). Reload the page.',
  },
  'conn.see_minutes': { vi: 'Xem biên bản', en: 'See the minutes' },

  // --- login
  'login.title': { vi: 'Đăng nhập', en: 'Log in' },
  'login.intro': {
    vi: 'Phòng họp không giấy: tài liệu, biểu quyết và biên bản trong một nơi.',
    en: 'Paperless meeting room: documents, votes and minutes in one place.',
  },
  'login.username': { vi: 'Tên đăng nhập', en: 'Username' },
  'login.password': { vi: 'Mật khẩu', en: 'Password' },
  'login.submit': { vi: 'Đăng nhập', en: 'Log in' },
  'login.busy': { vi: 'Đang đăng nhập…', en: 'Logging in…' },

  // --- my meetings
  'meetings.title': { vi: 'Cuộc họp của tôi', en: 'My meetings' },
  'meetings.none': { vi: 'Chưa có cuộc họp nào.', en: 'No meetings yet.' },
  'meetings.my_role': { vi: 'Vai trò: {role}', en: 'Role: {role}' },
  'meetings.open_tablet': { vi: 'Vào phòng họp', en: 'Open the meeting' },
  'meetings.prepare': { vi: 'Chuẩn bị', en: 'Prepare' },
  'meetings.minutes': { vi: 'Biên bản', en: 'Minutes' },
  'meetings.screen': { vi: 'Màn hình phòng họp', en: 'Room screen' },
  'meetings.archive_link': { vi: 'Tra cứu lưu trữ', en: 'Search the archive' },
  'meetings.archive_hint': {
    vi: 'Tra cứu biên bản đã ký số của các cuộc họp.',
    en: 'Find the signed minutes of past meetings.',
  },
  'meetings.new': { vi: 'Tạo cuộc họp mới', en: 'New meeting' },
  'meetings.field_title': { vi: 'Tên cuộc họp', en: 'Title' },
  'meetings.field_body': { vi: 'Cơ quan', en: 'Body' },
  'meetings.field_start': { vi: 'Thời gian bắt đầu (giờ Việt Nam)', en: 'Starts at (Vietnam time)' },
  'meetings.field_place': { vi: 'Địa điểm', en: 'Place' },
  'meetings.create': { vi: 'Tạo cuộc họp', en: 'Create the meeting' },
  'meetings.starts': { vi: 'Bắt đầu: {when}', en: 'Starts: {when}' },
  'meetings.place': { vi: 'Địa điểm: {place}', en: 'Place: {place}' },

  // --- prepare
  'prepare.title': { vi: 'Chuẩn bị cuộc họp', en: 'Prepare the meeting' },
  'prepare.details': { vi: 'Thông tin cuộc họp', en: 'Meeting details' },
  'prepare.locked': {
    vi: 'Cuộc họp đã bắt đầu: thông tin chung không còn sửa được.',
    en: 'The meeting has started: its details can no longer be changed.',
  },
  'prepare.save_details': { vi: 'Lưu thông tin', en: 'Save details' },
  'prepare.participants': { vi: 'Thành phần tham dự ({n})', en: 'Participants ({n})' },
  'prepare.add_people': { vi: 'Mời thêm người', en: 'Invite people' },
  'prepare.search_people': { vi: 'Tìm theo tên hoặc tên đăng nhập', en: 'Search by name or username' },
  'prepare.no_people': { vi: 'Không tìm thấy ai.', en: 'Nobody found.' },
  'prepare.role': { vi: 'Vai trò', en: 'Role' },
  'prepare.invite': { vi: 'Mời', en: 'Invite' },
  'prepare.already_in': { vi: 'Đã có trong danh sách ({role})', en: 'Already invited ({role})' },
  'prepare.remove_person': { vi: 'Bỏ {name} khỏi cuộc họp', en: 'Remove {name} from the meeting' },
  'prepare.agenda': { vi: 'Chương trình họp', en: 'Agenda' },
  'prepare.no_items': { vi: 'Chưa có nội dung nào.', en: 'No agenda items yet.' },
  'prepare.add_item': { vi: 'Thêm nội dung', en: 'Add an item' },
  'prepare.item_title': { vi: 'Tên nội dung', en: 'Item title' },
  'prepare.presenter': { vi: 'Người trình bày', en: 'Presenter' },
  'prepare.planned': { vi: 'Thời lượng (phút)', en: 'Planned minutes' },
  'prepare.documents': { vi: 'Tài liệu', en: 'Documents' },
  'prepare.no_documents': { vi: 'Chưa có tài liệu.', en: 'No documents yet.' },
  'prepare.upload': { vi: 'Tải lên', en: 'Upload' },
  'prepare.upload_file': { vi: 'Tệp PDF', en: 'PDF file' },
  'prepare.choose_pdf': { vi: 'Chọn tệp PDF…', en: 'Choose a PDF…' },
  'prepare.no_file': { vi: 'Chưa chọn tệp', en: 'No file chosen' },
  'prepare.upload_title': { vi: 'Tên tài liệu (không bắt buộc)', en: 'Document title (optional)' },
  'prepare.uploading': { vi: 'Đang tải lên… {pct}%', en: 'Uploading… {pct}%' },
  'prepare.processing': { vi: 'Máy chủ đang kiểm tra tệp…', en: 'The server is checking the file…' },
  'prepare.uploaded': { vi: 'Đã tải lên: {title} ({pages} trang).', en: 'Uploaded: {title} ({pages} pages).' },
  'prepare.choose_file': { vi: 'Vui lòng chọn một tệp PDF.', en: 'Choose a PDF file.' },
  'prepare.read_only': {
    vi: 'Chỉ thư ký cuộc họp được chuẩn bị cuộc họp này.',
    en: 'Only the meeting\'s secretary may prepare this meeting.',
  },
  'prepare.go_tablet': { vi: 'Vào phòng họp', en: 'Open the meeting' },

  // --- the tablet
  'tablet.agenda': { vi: 'Chương trình họp', en: 'Agenda' },
  'tablet.show_agenda': { vi: 'Chương trình', en: 'Agenda' },
  'tablet.hide_agenda': { vi: 'Ẩn chương trình', en: 'Hide agenda' },
  'tablet.item_n': { vi: 'Nội dung {n}', en: 'Item {n}' },
  'tablet.presenting_now': { vi: 'Đang trình chiếu', en: 'On screen' },
  'tablet.no_documents': { vi: 'Không có tài liệu', en: 'No documents' },
  'tablet.nothing_presented': {
    vi: 'Chưa có tài liệu nào được trình chiếu. Chọn một tài liệu trong chương trình họp để xem trước.',
    en: 'Nothing is on screen yet. Pick a document in the agenda to read it now.',
  },
  'tablet.prev_page': { vi: 'Trang trước', en: 'Previous page' },
  'tablet.next_page': { vi: 'Trang sau', en: 'Next page' },
  'tablet.page_alt': { vi: '{title}, trang {page}', en: '{title}, page {page}' },
  'tablet.page_failed': {
    vi: 'Không tải được trang này. Đang thử lại…',
    en: 'This page did not load. Retrying…',
  },
  'tablet.mode_follow': { vi: 'Đang theo người trình bày', en: 'Following the presenter' },
  'tablet.mode_browse': { vi: 'Đang tự xem tài liệu', en: 'Browsing on your own' },
  'tablet.back_to_presenter': { vi: 'Về trang đang trình chiếu', en: 'Back to presenter' },
  'tablet.check_in': { vi: 'Điểm danh', en: 'Check in' },
  'tablet.checked_in': { vi: 'Đã điểm danh', en: 'Checked in' },
  'tablet.not_checked_in': { vi: 'Chưa điểm danh', en: 'Not checked in' },
  'tablet.you_are': { vi: '{name} · {role}', en: '{name} · {role}' },
  'tablet.draft_notice': {
    vi: 'Cuộc họp chưa bắt đầu. Có thể đọc trước tài liệu.',
    en: 'The meeting has not started. You can read the documents now.',
  },
  'tablet.ended_notice': { vi: 'Cuộc họp đã kết thúc.', en: 'The meeting has ended.' },
  'tablet.load_failed': { vi: 'Không mở được cuộc họp.', en: 'Could not open the meeting.' },

  // --- votes
  'vote.title': { vi: 'Biểu quyết', en: 'Vote' },
  'vote.open_now': { vi: 'Đang biểu quyết', en: 'Vote in progress' },
  'choice.yes': { vi: 'Tán thành', en: 'Yes' },
  'choice.no': { vi: 'Không tán thành', en: 'No' },
  'choice.abstain': { vi: 'Không biểu quyết', en: 'Abstain' },
  'vote.sending': { vi: 'Đang gửi phiếu…', en: 'Sending your ballot…' },
  'vote.recorded': { vi: 'Phiếu đã được ghi nhận: {choice}', en: 'Your ballot is recorded: {choice}' },
  'vote.final': {
    vi: 'Phiếu đã ghi nhận không thể thay đổi.',
    en: 'An accepted ballot cannot be changed.',
  },
  'vote.progress': { vi: '{cast}/{eligible} đã biểu quyết', en: '{cast}/{eligible} have voted' },
  'vote.needs_connection': {
    vi: 'Biểu quyết cần kết nối với máy chủ. Phiếu không được lưu trên máy để gửi sau; vui lòng chờ kết nối lại rồi biểu quyết.',
    en: 'Voting needs the connection to the server. A ballot is never kept on the tablet to send later; wait for the connection to return, then vote.',
  },
  'vote.unsure': {
    vi: 'Mất kết nối trước khi máy chủ xác nhận phiếu. Khi kết nối lại, máy sẽ cho biết phiếu đã được ghi nhận hay chưa.',
    en: 'The connection dropped before the server confirmed the ballot. Once reconnected, the tablet shows whether it was recorded.',
  },
  'vote.not_recorded': {
    vi: 'Phiếu chưa được ghi nhận. Vui lòng biểu quyết lại.',
    en: 'The ballot was not recorded. Please vote again.',
  },
  'vote.guest': { vi: 'Khách mời không biểu quyết', en: 'Guests do not vote' },
  'vote.secretary': { vi: 'Thư ký không biểu quyết', en: 'The secretary does not vote' },
  'vote.passed': { vi: 'Được thông qua', en: 'Passed' },
  'vote.not_passed': { vi: 'Không được thông qua', en: 'Not passed' },
  'vote.result': { vi: 'Kết quả biểu quyết', en: 'Vote result' },
  'vote.cast_of': { vi: '{cast}/{eligible} phiếu', en: '{cast} of {eligible} voted' },
  'vote.rule': { vi: 'Điều kiện thông qua: {rule}', en: 'Passes with {rule}' },
  'vote.must_check_in': {
    vi: 'Vui lòng điểm danh để biểu quyết.',
    en: 'Check in to vote.',
  },
  'rule.more_than': { vi: 'quá {frac} {basis}', en: 'more than {frac} {basis}' },
  'rule.at_least': { vi: 'ít nhất {frac} {basis}', en: 'at least {frac} {basis}' },
  'rule.basis.all_members': { vi: 'tổng số thành viên', en: 'of all members' },
  'rule.basis.present': { vi: 'số thành viên có mặt', en: 'of members present' },
  'rule.basis.cast': { vi: 'tổng số phiếu hợp lệ', en: 'of valid ballots' },

  // --- notes
  'notes.title': { vi: 'Ghi chú riêng', en: 'Private notes' },
  'notes.where': { vi: 'Trang {page} · {title}', en: 'Page {page} · {title}' },
  'notes.hint': { vi: 'Ghi chú riêng chỉ người viết nhìn thấy.', en: 'Only you can see your notes.' },
  'notes.placeholder': { vi: 'Ghi chú cho trang này…', en: 'A note on this page…' },
  'notes.save': { vi: 'Lưu ghi chú', en: 'Save note' },
  'notes.update': { vi: 'Lưu thay đổi', en: 'Save changes' },
  'notes.none': { vi: 'Chưa có ghi chú trên trang này.', en: 'No notes on this page.' },
  'notes.other_pages': { vi: 'Ghi chú ở trang khác:', en: 'Notes on other pages:' },
  'notes.no_document': { vi: 'Mở một tài liệu để ghi chú.', en: 'Open a document to take notes.' },
  'notes.empty': { vi: 'Vui lòng nhập nội dung ghi chú.', en: 'Write something first.' },
  'notes.delete_confirm': { vi: 'Xóa ghi chú này?', en: 'Delete this note?' },

  // --- the secretary's and the chair's console
  'console.title': { vi: 'Điều hành cuộc họp', en: 'Run the meeting' },
  'console.start': { vi: 'Bắt đầu cuộc họp', en: 'Start the meeting' },
  'console.end': { vi: 'Kết thúc cuộc họp', en: 'End the meeting' },
  'console.end_confirm_title': { vi: 'Kết thúc cuộc họp?', en: 'End the meeting?' },
  'console.end_confirm': {
    vi: 'Sau khi kết thúc, không thể trình chiếu, điểm danh hay biểu quyết nữa. Thư ký sẽ hoàn thiện và ký số biên bản.',
    en: 'Once ended, nothing more can be presented, checked in or voted. The secretary then completes and signs the minutes.',
  },
  'console.to_minutes': { vi: 'Soạn biên bản', en: 'Write the minutes' },
  'console.to_prepare': { vi: 'Chuẩn bị', en: 'Prepare' },
  'console.open_screen': { vi: 'Mở màn hình phòng họp', en: 'Open the room screen' },
  'console.presenting': { vi: 'Trình chiếu', en: 'Presenting' },
  'console.presenting_now': { vi: 'Đang chiếu: {title}', en: 'On screen: {title}' },
  'console.nothing': { vi: 'Chưa trình chiếu tài liệu nào.', en: 'Nothing on screen.' },
  'console.present_prev': { vi: '‹ Trang trước', en: '‹ Previous page' },
  'console.present_next': { vi: 'Trang sau ›', en: 'Next page ›' },
  'console.present_doc': { vi: 'Chiếu', en: 'Show' },
  'console.present_item': { vi: 'Chuyển sang nội dung này', en: 'Move to this item' },
  'console.present_this': { vi: 'Trình chiếu trang đang xem ({page})', en: 'Show the page you are viewing ({page})' },
  'console.vote': { vi: 'Biểu quyết', en: 'Vote' },
  'console.vote_question': { vi: 'Nội dung biểu quyết', en: 'Question' },
  'console.open_vote': { vi: 'Mở biểu quyết', en: 'Open the vote' },
  'console.close_vote': { vi: 'Kết thúc biểu quyết', en: 'Close the vote' },
  'console.live_tally': { vi: 'Kết quả tạm thời', en: 'Live tally' },
  'console.vote_needs_running': {
    vi: 'Chỉ mở biểu quyết khi cuộc họp đang diễn ra.',
    en: 'Votes can be opened only while the meeting runs.',
  },
  'console.past_votes': { vi: 'Các lần biểu quyết ({n})', en: 'Votes so far ({n})' },
  'console.participants': { vi: 'Điểm danh ({present}/{total})', en: 'Attendance ({present}/{total})' },
  'console.check_in_for': { vi: 'Điểm danh', en: 'Check in' },
  'console.present': { vi: 'Có mặt', en: 'Present' },
  'console.absent': { vi: 'Chưa điểm danh', en: 'Not checked in' },
  'console.connected': { vi: 'Đã kết nối: {devices}', en: 'Connected: {devices}' },
  'console.not_connected': { vi: 'Chưa kết nối', en: 'Not connected' },
  'console.presence': { vi: 'Thiết bị đang kết nối ({n})', en: 'Connected devices ({n})' },
  'console.following': { vi: 'Theo trình chiếu', en: 'Following' },
  'console.browsing': { vi: 'Tự xem', en: 'Browsing' },
  'console.browsing_at': { vi: 'Tự xem · trang {page}', en: 'Browsing · page {page}' },

  // --- the room screen
  'screen.waiting': { vi: 'Cuộc họp sắp bắt đầu', en: 'The meeting will start soon' },
  'screen.ended': { vi: 'Cuộc họp đã kết thúc', en: 'The meeting has ended' },

  // --- minutes
  'minutes.title': { vi: 'Biên bản cuộc họp', en: 'Meeting minutes' },
  'minutes.items': { vi: 'Kết luận từng nội dung', en: 'Conclusion of each item' },
  'minutes.general': { vi: 'Kết luận chung', en: 'General conclusion' },
  'minutes.recipients': { vi: 'Nơi nhận', en: 'Recipients' },
  'minutes.save': { vi: 'Lưu biên bản', en: 'Save the minutes' },
  'minutes.preview': { vi: 'Xem trước', en: 'Preview' },
  'minutes.preview_title': { vi: 'Bản xem trước (dự thảo)', en: 'Preview (draft)' },
  'minutes.preview_tab': { vi: 'Mở bản xem trước trong thẻ mới', en: 'Open the preview in a new tab' },
  'minutes.seal': { vi: 'Ký số và phát hành biên bản', en: 'Sign and issue the minutes' },
  'minutes.seal_confirm_title': { vi: 'Ký số và phát hành biên bản?', en: 'Sign and issue the minutes?' },
  'minutes.seal_confirm': {
    vi: 'Biên bản sẽ được đánh số, ký bằng chữ ký số của cơ quan, tổ chức và phát hành. Sau đó biên bản và nhật ký diễn biến cuộc họp không thể chỉnh sửa.',
    en: 'The minutes will be numbered, signed with the body\'s digital signature and issued. After that neither the minutes nor the meeting\'s record can be changed.',
  },
  'minutes.seal_needs_end': {
    vi: 'Chỉ ký số và phát hành biên bản sau khi cuộc họp kết thúc.',
    en: 'The minutes can be signed and issued only after the meeting has ended.',
  },
  'minutes.sealed': { vi: 'Biên bản đã được ký số và phát hành', en: 'The minutes are signed and issued' },
  'minutes.number': { vi: 'Số biên bản', en: 'Number' },
  'minutes.signer': { vi: 'Người ký', en: 'Signed by' },
  'minutes.sealed_at': { vi: 'Thời gian ký', en: 'Signing time' },
  'minutes.download': { vi: 'Tải biên bản đã ký (PDF)', en: 'Download the signed minutes (PDF)' },
  'minutes.read_only': {
    vi: 'Chỉ thư ký cuộc họp soạn và ký biên bản.',
    en: 'Only the meeting\'s secretary writes and signs the minutes.',
  },
  'minutes.not_yet': { vi: 'Biên bản chưa được ký.', en: 'The minutes are not signed yet.' },
  'minutes.unsaved': { vi: 'Có thay đổi chưa lưu.', en: 'Unsaved changes.' },
  'minutes.back_tablet': { vi: 'Về phòng họp', en: 'Back to the meeting' },

  // --- archive
  'archive.title': { vi: 'Lưu trữ biên bản', en: 'Archive of minutes' },
  'archive.query': { vi: 'Từ khóa trong tên cuộc họp', en: 'Words in the meeting title' },
  'archive.from': { vi: 'Từ ngày', en: 'From' },
  'archive.to': { vi: 'Đến ngày', en: 'To' },
  'archive.none': { vi: 'Không có biên bản đã ký số nào phù hợp.', en: 'No signed minutes match.' },
  'archive.found': { vi: 'Tìm thấy {n} cuộc họp', en: '{n} meetings found' },
  'archive.col_number': { vi: 'Số', en: 'No.' },
  'archive.col_title': { vi: 'Cuộc họp', en: 'Meeting' },
  'archive.col_body': { vi: 'Cơ quan', en: 'Body' },
  'archive.col_date': { vi: 'Ngày họp', en: 'Date' },
  'archive.col_sealed': { vi: 'Thời gian ký', en: 'Signing time' },
  'archive.back': { vi: '← Lưu trữ', en: '← Archive' },
  'archive.signature': { vi: 'Kiểm tra chữ ký số', en: 'Signature check' },
  'archive.sig_valid': { vi: 'Chữ ký hợp lệ', en: 'Valid signature' },
  'archive.sig_invalid': { vi: 'Chữ ký không hợp lệ', en: 'Invalid signature' },
  'archive.no_signature': { vi: 'Biên bản không có chữ ký số.', en: 'The minutes carry no signature.' },
  'archive.signer': { vi: 'Người ký', en: 'Signer' },
  'archive.organization': { vi: 'Tổ chức', en: 'Organization' },
  'archive.signing_time': { vi: 'Thời gian ký', en: 'Signing time' },
  'archive.intact': { vi: 'Nội dung toàn vẹn', en: 'Content intact' },
  'archive.trusted': { vi: 'Chứng thư chữ ký số được tin cậy', en: 'Certificate trusted' },
  'archive.whole': { vi: 'Chữ ký bao toàn bộ tài liệu', en: 'Signature covers the whole document' },
  'archive.record': { vi: 'Nhật ký diễn biến cuộc họp', en: 'Meeting record' },
  'archive.record_ok': { vi: 'Nhật ký diễn biến cuộc họp toàn vẹn, khớp với biên bản', en: 'Record intact, matches the minutes' },
  'archive.record_bad': { vi: 'Nhật ký diễn biến cuộc họp đã bị thay đổi', en: 'The record has been altered' },
  'archive.number': { vi: 'Biên bản số {number}', en: 'Minutes no. {number}' },
  'archive.items': { vi: 'Nội dung và kết luận', en: 'Items and conclusions' },
  'archive.votes': { vi: 'Biểu quyết', en: 'Votes' },
  'archive.no_votes': { vi: 'Không có biểu quyết.', en: 'No votes.' },
  'archive.participants': { vi: 'Thành phần tham dự', en: 'Participants and attendance' },
  'archive.attended': { vi: 'Có mặt', en: 'Present' },
  'archive.absent': { vi: 'Vắng không có lý do', en: 'Absent' },
  'archive.download': { vi: 'Tải biên bản đã ký (PDF)', en: 'Download the signed minutes (PDF)' },
  'archive.digest': { vi: 'Mã băm SHA-256', en: 'SHA-256' },
  'archive.no_conclusion': { vi: '(không có kết luận)', en: '(no conclusion)' },
  'archive.held': { vi: 'Họp lúc {when} · {place}', en: 'Held {when} · {place}' },

  // --- speakers' list and written opinions (issue 5, part B)
  'speakers.title': { vi: 'Đăng ký phát biểu', en: 'Speakers' },
  'speakers.now': { vi: 'Đang phát biểu', en: 'Speaking now' },
  'speakers.nobody': { vi: 'Chưa có ai phát biểu.', en: 'Nobody has the floor.' },
  'speakers.queue_empty': { vi: 'Chưa có ai đăng ký.', en: 'Nobody is waiting.' },
  'speakers.request': { vi: 'Đăng ký phát biểu', en: 'Ask to speak' },
  'speakers.request_order': { vi: 'Kiến nghị về thủ tục', en: 'Point of order' },
  'speakers.point_of_order': { vi: 'Thủ tục', en: 'Point of order' },
  'speakers.speech': { vi: 'Phát biểu', en: 'Speech' },
  'speakers.waiting': { vi: 'Đã đăng ký · số thứ tự {n}', en: 'Waiting · number {n}' },
  'speakers.waiting_far': { vi: 'Đã đăng ký · {n} người đang chờ', en: 'Waiting · {n} in the queue' },
  'speakers.more': { vi: 'và {n} người nữa đang chờ', en: 'and {n} more waiting' },
  'speakers.withdraw': { vi: 'Rút đăng ký', en: 'Withdraw' },
  'speakers.unsent': { vi: '{kind} · đang chờ gửi', en: '{kind} · waiting to be sent' },
  'speakers.unsent_hint': {
    vi: 'Đăng ký được lưu trên máy và sẽ tự động gửi khi có kết nối.',
    en: 'The request is kept on this tablet and is sent by itself when the connection returns.',
  },
  'speakers.give_floor': { vi: 'Mời phát biểu', en: 'Give the floor' },
  'speakers.end': { vi: 'Kết thúc lượt', en: 'End the turn' },
  'speakers.end_mine': { vi: 'Tôi đã phát biểu xong', en: 'I have finished' },
  'speakers.up': { vi: 'Lên trước', en: 'Move up' },
  'speakers.time_left': { vi: 'Thời gian còn lại', en: 'Time left' },
  'speakers.over_time': { vi: 'Quá thời gian', en: 'Over time' },
  'speakers.default': { vi: 'Thời gian mặc định mỗi lượt: {s}', en: 'Default time per turn: {s}' },
  'speakers.guest': {
    vi: 'Khách mời phát biểu khi được chủ tọa mời.',
    en: 'Guests speak when the chair invites them.',
  },
  'opinions.title': { vi: 'Phiếu lấy ý kiến', en: 'Written opinions' },
  'opinions.link': { vi: 'Phiếu lấy ý kiến bằng văn bản', en: 'Written opinion forms' },
  'opinions.hint': {
    vi: 'Giữa các phiên họp, cơ quan lấy ý kiến thành viên bằng phiếu.',
    en: 'Between meetings, the body asks its members in writing.',
  },
  'opinions.none': { vi: 'Chưa có phiếu lấy ý kiến nào.', en: 'No written opinion forms yet.' },
  'opinions.new': { vi: 'Soạn phiếu lấy ý kiến', en: 'New written opinion form' },
  'opinions.question': { vi: 'Nội dung lấy ý kiến', en: 'Question' },
  'opinions.details': { vi: 'Thuyết minh', en: 'Explanation' },
  'opinions.deadline': { vi: 'Hạn trả lời', en: 'Deadline' },
  'opinions.deadline_at': { vi: 'Hạn trả lời: {when}', en: 'Deadline: {when}' },
  'opinions.create': { vi: 'Tạo phiếu (bản nháp)', en: 'Create (draft)' },
  'opinions.status_draft': { vi: 'Bản nháp', en: 'Draft' },
  'opinions.status_open': { vi: 'Đang lấy ý kiến', en: 'Open' },
  'opinions.status_closed': { vi: 'Đã kết thúc', en: 'Closed' },
  'opinions.to_answer': { vi: 'Đang chờ ý kiến trả lời', en: 'Awaiting your answer' },
  'opinions.answered_mine': { vi: 'Đã trả lời: {choice}', en: 'You answered: {choice}' },
  'opinions.count': { vi: '{n}/{of} thành viên đã trả lời', en: '{n} of {of} members answered' },
  'opinions.your_answer': { vi: 'Ý kiến trả lời', en: 'Your answer' },
  'opinions.comment': { vi: 'Góp ý (không bắt buộc)', en: 'Comment (optional)' },
  'opinions.final': {
    vi: 'Ý kiến đã gửi không thể thay đổi.',
    en: 'An answer cannot be changed once sent.',
  },
  'opinions.attach': { vi: 'Đính kèm PDF', en: 'Attach PDF' },
  'opinions.send': { vi: 'Gửi phiếu cho thành viên', en: 'Send to the members' },
  'opinions.close': { vi: 'Kết thúc và tính kết quả', en: 'Close and count' },
  'opinions.no_answer': { vi: 'chưa trả lời', en: 'no answer' },
  'opinions.documents': { vi: 'Tài liệu kèm theo', en: 'Documents' },
  'opinions.rule': { vi: 'Điều kiện thông qua: {rule}', en: 'Passing rule: {rule}' },
  'opinions.back': { vi: '← Phiếu lấy ý kiến', en: '← Written opinions' },
  // --- documents (issue 4): viewer tools, upload progress ---
  'docs.thumbnails': { vi: 'Trang thu nhỏ', en: 'Thumbnails' },
  'docs.search': { vi: 'Tìm', en: 'Search' },
  'docs.search_placeholder': { vi: 'Tìm trong tài liệu (có dấu hoặc không dấu)', en: 'Search the document (with or without diacritics)' },
  'docs.hits': { vi: '{count} kết quả trên {pages} trang', en: '{count} hits on {pages} pages' },
  'docs.no_hits': { vi: 'Không tìm thấy.', en: 'Nothing found.' },
  'docs.meeting_search_placeholder': { vi: 'Tìm trong mọi tài liệu của cuộc họp', en: "Search all the meeting's documents" },
  'docs.meeting_hits': { vi: 'Tìm thấy: {pages} trang, {documents} tài liệu', en: 'Found: pages {pages}, documents {documents}' },
  'docs.clear_search': { vi: 'Xóa kết quả', en: 'Clear results' },
  'docs.page_n': { vi: 'Trang {page}', en: 'Page {page}' },
  'docs.zoom': { vi: 'Thu phóng', en: 'Zoom' },
  'docs.zoom_in': { vi: 'Phóng to', en: 'Zoom in' },
  'docs.zoom_out': { vi: 'Thu nhỏ', en: 'Zoom out' },
  'docs.new_version': { vi: 'Đã có phiên bản {version} của tài liệu', en: 'Version {version} of the document is here' },
  'docs.replace': { vi: 'Thay bằng phiên bản mới', en: 'Replace with a new version' },
  'docs.replaced': { vi: 'Đã thay: phiên bản {version}, {pages} trang.', en: 'Replaced: version {version}, {pages} pages.' },
  'docs.rendering': { vi: 'Đang dựng trang: {ready}/{total}', en: 'Rendering pages: {ready}/{total}' },
  'docs.rendered': { vi: 'Sẵn sàng: {total} trang', en: 'Ready: {total} pages' },
  'docs.confidential': { vi: 'Cuộc họp có nội dung mật: in chìm tên người xem, không cho tải về', en: 'Confidential: viewer watermark, no downloads' },
  'docs.downloads': { vi: 'Cho phép tải tài liệu gốc', en: 'Allow downloading originals' },
  // --- votes and attendance (issue 5) ---
  'vote.recorded_secret': { vi: 'Phiếu kín đã được ghi nhận.', en: 'Your secret ballot has been counted.' },
  'vote.recorded_marks': { vi: 'Phiếu đã được ghi nhận: {names}', en: 'Your ballot has been counted: {names}' },
  'vote.marks_hint': { vi: 'Chọn từ {min} đến {max} phương án', en: 'Mark {min} to {max} options' },
  'vote.submit_marks': { vi: 'Gửi phiếu', en: 'Cast ballot' },
  'vote.kind_named': { vi: 'Công khai, ghi tên', en: 'Open, with names' },
  'vote.kind_counts': { vi: 'Công khai, chỉ đếm phiếu', en: 'Open, counts only' },
  'vote.kind_secret': { vi: 'Bỏ phiếu kín', en: 'Secret ballot' },
  'console.vote_kind': { vi: 'Hình thức', en: 'Kind' },
  'console.vote_options': { vi: 'Phương án / người ứng cử (mỗi dòng một; để trống: Tán thành / Không tán thành / Không biểu quyết)', en: 'Options / candidates (one per line; empty: yes/no/abstain)' },
  'console.vote_max_marks': { vi: 'Số phương án tối đa được chọn', en: 'Most options a voter may mark' },
  'console.vote_preset': { vi: 'Điều kiện thông qua', en: 'Passing condition' },
  'console.vote_preset_body': { vi: 'Theo quy định của cơ quan', en: "The body's rule" },
  'console.vote_timer': { vi: 'Thời gian (giây, để trống: không giới hạn)', en: 'Timer (seconds; empty: none)' },
  'console.override_quorum': { vi: 'Mở dù chưa đủ số thành viên tham dự theo quy định (ghi vào nhật ký diễn biến cuộc họp)', en: 'Open without quorum (recorded)' },
  'console.cancel_vote': { vi: 'Hủy biểu quyết', en: 'Cancel the vote' },
  'console.not_voted': { vi: 'Chưa biểu quyết: {names}', en: 'Not voted yet: {names}' },
  'console.secret_no_tally': { vi: 'Bỏ phiếu kín: không hiển thị kết quả trước khi kết thúc.', en: 'Secret ballot: no counts before the close.' },
  'console.mark_absent': { vi: 'Vắng không có lý do', en: 'Absent' },
  'quorum.line': { vi: 'Có mặt {present}/{members} thành viên · cần {required}', en: '{present}/{members} members present · {required} required' },
  'quorum.ok': { vi: 'Đủ số thành viên tham dự theo quy định', en: 'Quorum present' },
  'quorum.missing': { vi: 'Chưa đủ số thành viên tham dự theo quy định', en: 'No quorum' },
  'screen.scan_to_check_in': { vi: 'Quét mã để điểm danh', en: 'Scan to check in' },
  'tablet.checking_in_by_code': { vi: 'Đang điểm danh bằng mã…', en: 'Checking in with the code…' },
  // --- attendance board, proxy ballots, result charts (issue 5, web app) ---
  'att.state.present': { vi: 'Có mặt', en: 'Present' },
  'att.state.remote': { vi: 'Dự họp trực tuyến', en: 'Online' },
  'att.state.absent': { vi: 'Vắng không có lý do', en: 'Absent, no reason given' },
  'att.state.excused': { vi: 'Vắng có lý do', en: 'Absent with a reason' },
  'att.state.none': { vi: 'Chưa điểm danh', en: 'Not checked in' },
  'att.state_label': { vi: 'Tình trạng tham dự', en: 'Attendance' },
  'att.reason': { vi: 'Lý do vắng', en: 'Reason' },
  'att.reason_line': { vi: 'Lý do: {reason}', en: 'Reason: {reason}' },
  'att.proxy': { vi: 'Ủy quyền biểu quyết cho', en: 'Proxy held by' },
  'att.no_proxy': { vi: 'Không ủy quyền', en: 'No proxy' },
  'att.proxy_line': { vi: 'Ủy quyền cho: {name}', en: 'Proxy held by {name}' },
  'att.holds_proxy': { vi: 'Nhận ủy quyền của: {names}', en: 'Holds the proxy of {names}' },
  'att.guest_not_counted': { vi: 'Khách mời: không tính vào số thành viên tham dự', en: 'Guest: not counted for the quorum' },
  'att.change': { vi: 'Cập nhật', en: 'Change' },
  'tablet.recorded_away': { vi: 'Thư ký đã ghi nhận: {state}', en: 'The secretary recorded you as: {state}' },
  'vote.own_ballot': { vi: 'Phiếu của tôi', en: 'Your ballot' },
  'vote.proxy_for': { vi: 'Phiếu thay cho {name} (ủy quyền)', en: 'On behalf of {name} (proxy)' },
  'vote.proxy_recorded': { vi: 'Đã ghi nhận phiếu thay cho {name}: {choice}', en: 'Ballot on behalf of {name} recorded: {choice}' },
  'vote.proxy_recorded_secret': { vi: 'Phiếu kín thay cho {name} đã được ghi nhận.', en: 'The secret ballot on behalf of {name} has been counted.' },
  'vote.elected_mark': { vi: 'Trúng cử', en: 'Elected' },
  'vote.elected': { vi: 'Trúng cử: {names}', en: 'Elected: {names}' },
  'vote.none_elected': { vi: 'Không có người trúng cử', en: 'No one elected' },
  'vote.threshold': { vi: 'Cần {n} phiếu tán thành để thông qua', en: '{n} yes votes needed to pass' },
  'vote.threshold_elect': { vi: 'Cần {n} phiếu để trúng cử', en: '{n} votes needed to be elected' },
  ...SCREEN,
  ...RECORD,
  ...STATEMENTS,
};
