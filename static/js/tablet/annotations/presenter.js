// The presenter's laser pointer and ink on the presented page: what the secretary or the
// chair sends (`pointer` and `presenter.ink` commands, throttled to what a room needs: a
// pointer about 30 times a second, a stroke's points so far about 25 times a second and
// once more when the pen lifts), and what every following tablet and the room screen draw
// from the publications (`pointer`, `presenter.ink`, `presenter.clear`). Each `presenter.ink`
// carries the whole stroke so far (absolute state, as every publication): one that is lost
// or arrives late is made good by the next.

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { strokePath } from './ink.js';

const POINTER_MS = 33;
const INK_MS = 40;

// What the presenter has on the page now, from the publications.
export function usePresenterMarks(listen) {
  const [marks, setMarks] = useState({ pointer: null, strokes: {} });
  useEffect(() => listen((pub) => {
    const d = pub.data || {};
    if (pub.type === 'pointer') {
      setMarks((m) => ({ ...m, pointer: d.hide ? null : d }));
    } else if (pub.type === 'presenter.ink') {
      setMarks((m) => ({ ...m, strokes: { ...m.strokes, [d.stroke]: d } }));
    } else if (pub.type === 'presenter.clear') {
      setMarks((m) => ({ ...m, strokes: {} }));
    }
  }), [listen]);
  return marks;
}

// The marks of one page, over it (a viewBox of 1000 × 1000·ratio, as the annotation layer).
export function PresenterMarks({ marks, documentId, page, ratio, className = 'presenter-marks' }) {
  const S = 1000;
  const on = (m) => m && m.document_id === documentId && m.page === page;
  const strokes = Object.values(marks.strokes).filter(on);
  const p = on(marks.pointer) ? marks.pointer : null;
  if (!strokes.length && !p) return null;
  return html`
    <svg class=${className} data-testid="presenter-marks" viewBox=${`0 0 ${S} ${S * ratio}`} preserveAspectRatio="none"
      aria-hidden="true">
      ${strokes.map((s) => html`<path key=${s.stroke} data-testid="presenter-ink" data-stroke=${s.stroke}
        data-done=${s.done ? 'true' : 'false'} fill=${s.color || '#d32f2f'} d=${strokePath(s.points || [], s.width || 0.004, ratio)} />`)}
      ${p && html`<g data-testid="presenter-pointer" data-x=${p.x} data-y=${p.y}>
        <circle cx=${p.x * S} cy=${p.y * S * ratio} r="24" fill="rgba(229,57,53,.28)" />
        <circle cx=${p.x * S} cy=${p.y * S * ratio} r="9" fill="#e53935" stroke="#fff" stroke-width="2" /></g>`}
    </svg>`;
}

// A small throttle that always sends the latest value last.
function throttled(ms, send) {
  let last = 0;
  let timer = null;
  let pending = null;
  const fire = () => {
    timer = null;
    last = Date.now();
    const v = pending;
    pending = null;
    send(v);
  };
  return {
    push(v, now = false) {
      pending = v;
      if (now) { clearTimeout(timer); fire(); return; }
      if (timer) return;
      const wait = Math.max(0, ms - (Date.now() - last));
      timer = setTimeout(fire, wait);
    },
  };
}

// The presenter's side: `conn()` is the meeting's connection.
export function presenterSender(conn, where) {
  const command = (type, data) => {
    const c = conn();
    if (c && c.live) c.command(type, data).catch(() => {});
  };
  const pointer = throttled(POINTER_MS, (d) => command('pointer', d));
  const ink = throttled(INK_MS, (d) => command('presenter.ink', d));
  return {
    point: (x, y) => pointer.push({ ...where(), x, y }),
    hide: () => pointer.push({ ...where(), hide: true }, true),
    ink: (stroke, done) => ink.push({ ...where(), ...stroke, done }, done),
  };
}
