// Times as the meeting room reads them: Vietnam time (+07:00, no daylight saving), whatever
// the zone of the device or of the server's ISO strings; in the reader's language: "14 giờ 05
// phút, ngày 30/11/2026" as the record writes it, or "14:05, 30/11/2026" in English
// (meetings/clock.py says the same on the server). Signing times keep ISO 8601 (`isoVietnam`).

import { t } from './i18n.js';

const VIETNAM_OFFSET_MS = 7 * 3600 * 1000;
const pad = (n) => String(n).padStart(2, '0');

function vietnamParts(iso) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms + VIETNAM_OFFSET_MS);
  return {
    y: d.getUTCFullYear(), mo: pad(d.getUTCMonth() + 1), d: pad(d.getUTCDate()),
    h: pad(d.getUTCHours()), mi: pad(d.getUTCMinutes()), s: pad(d.getUTCSeconds()),
  };
}

export function formatDate(iso) {
  const p = iso && vietnamParts(iso);
  return p ? `${p.d}/${p.mo}/${p.y}` : '';
}

export function formatDateTime(iso) {
  const p = iso && vietnamParts(iso);
  return p ? t('format.moment', { h: p.h, m: p.mi, date: `${p.d}/${p.mo}/${p.y}` }) : '';
}

export function formatTime(iso) {
  const p = iso && vietnamParts(iso);
  return p ? t('format.time', { h: p.h, m: p.mi }) : '';
}

// ISO 8601 in Vietnam time, as signing times are shown: 2026-11-26T16:05:00+07:00.
export function isoVietnam(iso) {
  const p = iso && vietnamParts(iso);
  return p ? `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}:${p.s}+07:00` : '';
}

// The value of an <input type="datetime-local">, read as Vietnam time.
export function localInputToIso(value) {
  return value ? `${value.slice(0, 16)}+07:00` : '';
}

export function isoToLocalInput(iso) {
  const p = iso && vietnamParts(iso);
  return p ? `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}` : '';
}

// Minutes numbers under 10 take a leading zero (Nghị định 30/2020).
export function minutesNumber(n) {
  return n == null ? '' : pad(n);
}

// A calendar day ("2026-12-14", a deadline): its weekday (0 Sunday .. 6 Saturday) and how many
// days from today in Vietnam (negative: past).
export function weekdayOf(isoDay) {
  const ms = Date.parse(isoDay);
  return Number.isNaN(ms) ? null : new Date(ms).getUTCDay();
}

export function daysFromToday(isoDay) {
  const today = vietnamParts(new Date().toISOString());
  const ms = Date.parse(isoDay);
  if (!today || Number.isNaN(ms)) return null;
  return Math.round((ms - Date.parse(`${today.y}-${today.mo}-${today.d}`)) / 86_400_000);
}

// A byte count as people read it: 850 KB, 4,2 MB (decimal comma in Vietnamese).
export function formatBytes(n, lang = 'vi') {
  const mb = n / (1024 * 1024);
  const text = mb >= 1 ? `${mb.toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;
  return lang === 'vi' ? text.replace('.', ',') : text;
}
