// Times as the meeting room reads them: Vietnam time (+07:00, no daylight saving), whatever
// the zone of the device or of the server's ISO strings.

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
  return p ? `${p.h}:${p.mi}, ${p.d}/${p.mo}/${p.y}` : '';
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
