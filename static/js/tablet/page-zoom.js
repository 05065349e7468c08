// Where the page sits on the stage and how large: fit to the width or to the whole page,
// then zoomed and panned with CSS transforms (no reflow, no scroll position to lose).
// Gestures come as pointer events on the stage: two fingers pinch and pan, one finger (or a
// mouse) drags a zoomed page, a quick horizontal swipe turns the page, a double tap zooms in
// or back out; the wheel pans, ctrl + wheel (a trackpad pinch) zooms.

import { useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';

export const MAX_SCALE = 4;
export const ZOOM_STEPS = [1, 1.5, 2, 3, 4];
// The paper's margin on the stage: a phone gives the page all the width it can.
const padFor = (w) => (w < 640 ? 4 : 12);
const SWIPE = 60; // px a finger travels for a page turn
const TAP_SLOP = 10; // px a finger may wander and still tap
const DOUBLE_TAP_MS = 320;

const clampNum = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

// The page's size at scale 1 on a stage of w × h for the chosen fit.
export function baseSize(stage, ratio, fit) {
  const pad = padFor(stage.w);
  const room = Math.max(40, stage.w - 2 * pad);
  const tall = Math.max(40, stage.h - 2 * pad);
  const w = fit === 'page' ? Math.min(room, tall / ratio) : room;
  return { w, h: w * ratio };
}

// Keep the page on the stage: centred along an axis where it fits, never dragged past its
// edges where it does not.
function clampView(view, stage, base) {
  const pad = padFor(stage.w);
  const s = clampNum(view.s, 1, MAX_SCALE);
  const dw = base.w * s;
  const dh = base.h * s;
  const x = dw <= stage.w - 2 * pad ? (stage.w - dw) / 2 : clampNum(view.x, stage.w - pad - dw, pad);
  const y = dh <= stage.h - 2 * pad ? (stage.h - dh) / 2 : clampNum(view.y, stage.h - pad - dh, pad);
  return { s, x, y };
}

// Zoom to `s` keeping the stage point (px, py) over the same spot of the paper.
function zoomAt(view, s, px, py) {
  const k = s / view.s;
  return { s, x: px - (px - view.x) * k, y: py - (py - view.y) * k };
}

function stageSize(el) {
  return el ? { w: el.clientWidth, h: el.clientHeight } : { w: 0, h: 0 };
}

export function usePageZoom({ stageRef, ratio, fit, docKey, pageKey, onSwipe }) {
  const [stage, setStage] = useState({ w: 0, h: 0 });
  const [view, setViewRaw] = useState({ s: 1, x: 0, y: 0 });
  const base = baseSize(stage, ratio, fit);
  // Handlers read the latest values through this ref: they are attached once.
  const live = useRef({});
  live.current = { stage, base, view, onSwipe };

  const setView = (next) => {
    const { stage: st, base: b } = live.current;
    const v = clampView(next, st, b);
    live.current.view = v;
    setViewRaw(v);
  };

  useEffect(() => {
    const el = stageRef.current;
    if (!el) return undefined;
    const observer = new ResizeObserver(() => setStage(stageSize(el)));
    observer.observe(el);
    setStage(stageSize(el));
    return () => observer.disconnect();
  }, [stageRef.current]);

  // A new page starts at its top; a new document or fit starts unzoomed.
  useEffect(() => { setView({ ...live.current.view, y: padFor(live.current.stage.w) }); }, [pageKey]);
  useEffect(() => { setView({ s: 1, x: 0, y: padFor(live.current.stage.w) }); }, [fit, docKey]);
  // The stage or the paper changed size: keep the view valid.
  useEffect(() => { setView(live.current.view); }, [stage.w, stage.h, base.w, base.h]);

  useEffect(() => {
    const el = stageRef.current;
    if (!el) return undefined;
    const ptrs = new Map();
    let gesture = null;
    let lastTap = null;
    const at = (e) => {
      const r = el.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };
    const pair = () => {
      const [a, b] = [...ptrs.values()];
      return { d: Math.hypot(a.x - b.x, a.y - b.y) || 1, mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } };
    };
    const startPan = (p) => ({ kind: 'pan', p0: p, view0: live.current.view, moved: false, t0: Date.now() });

    const down = (e) => {
      if (e.pointerType === 'mouse' && e.button !== 0) return;
      if (!el.querySelector('.page-frame')) return; // no page on the stage: nothing to zoom
      if (e.target.closest && e.target.closest('button, a, input, textarea, select, label')) return;
      ptrs.set(e.pointerId, at(e));
      try { el.setPointerCapture(e.pointerId); } catch { /* the pointer is already gone */ }
      if (ptrs.size === 1) gesture = startPan(at(e));
      else if (ptrs.size === 2) {
        const { d, mid } = pair();
        gesture = { kind: 'pinch', d0: d, mid0: mid, view0: live.current.view };
        lastTap = null;
      }
    };
    const move = (e) => {
      if (!ptrs.has(e.pointerId)) return;
      ptrs.set(e.pointerId, at(e));
      if (gesture?.kind === 'pinch' && ptrs.size >= 2) {
        const { d, mid } = pair();
        const { d0, mid0, view0 } = gesture;
        const s = clampNum(view0.s * (d / d0), 1, MAX_SCALE);
        // The paper point under the fingers' first midpoint follows the midpoint (pan + zoom).
        const px = (mid0.x - view0.x) / view0.s;
        const py = (mid0.y - view0.y) / view0.s;
        setView({ s, x: mid.x - px * s, y: mid.y - py * s });
      } else if (gesture?.kind === 'pan') {
        const p = at(e);
        const dx = p.x - gesture.p0.x;
        const dy = p.y - gesture.p0.y;
        if (Math.hypot(dx, dy) > TAP_SLOP) gesture.moved = true;
        if (gesture.moved) setView({ ...gesture.view0, x: gesture.view0.x + dx, y: gesture.view0.y + dy });
      }
    };
    const up = (e) => {
      if (!ptrs.has(e.pointerId)) return;
      const p = at(e);
      ptrs.delete(e.pointerId);
      if (gesture?.kind === 'pinch') {
        // One finger left on the glass goes on panning from where it is.
        gesture = ptrs.size === 1 ? { ...startPan([...ptrs.values()][0]), moved: true } : null;
        return;
      }
      if (gesture?.kind !== 'pan' || ptrs.size > 0 || e.type === 'pointercancel') { gesture = null; return; }
      const g = gesture;
      gesture = null;
      const dx = p.x - g.p0.x;
      const dy = p.y - g.p0.y;
      if (!g.moved) {
        const now = Date.now();
        if (lastTap && now - lastTap.t < DOUBLE_TAP_MS && Math.hypot(p.x - lastTap.x, p.y - lastTap.y) < 30) {
          lastTap = null;
          const v = live.current.view;
          setView(v.s > 1.05 ? { s: 1, x: 0, y: v.y } : zoomAt(v, 2, p.x, p.y));
        } else {
          lastTap = { t: now, x: p.x, y: p.y };
        }
        return;
      }
      // A swipe turns the page when the page is not wider than the stage (else it was a pan).
      const { base: b, view: v, stage: st } = live.current;
      const wide = b.w * v.s > st.w - 2 * padFor(st.w) + 1;
      if (!wide && Math.abs(dx) > SWIPE && Math.abs(dx) > 2 * Math.abs(dy) && Date.now() - g.t0 < 800) {
        live.current.onSwipe?.(dx < 0 ? 1 : -1);
      }
    };
    const wheel = (e) => {
      e.preventDefault();
      const v = live.current.view;
      if (e.ctrlKey) {
        const p = at(e);
        setView(zoomAt(v, clampNum(v.s * Math.exp(-e.deltaY / 200), 1, MAX_SCALE), p.x, p.y));
      } else {
        setView({ ...v, x: v.x - e.deltaX, y: v.y - e.deltaY });
      }
    };
    el.addEventListener('pointerdown', down);
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
    el.addEventListener('pointercancel', up);
    el.addEventListener('wheel', wheel, { passive: false });
    return () => {
      el.removeEventListener('pointerdown', down);
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      el.removeEventListener('pointercancel', up);
      el.removeEventListener('wheel', wheel);
    };
  }, [stageRef.current]);

  // The buttons zoom by steps around the middle of the stage.
  const zoomBy = (step) => {
    const v = live.current.view;
    const next = step > 0 ? ZOOM_STEPS.find((z) => z > v.s + 0.01) : [...ZOOM_STEPS].reverse().find((z) => z < v.s - 0.01);
    if (next === undefined) return;
    setView(zoomAt(v, next, stage.w / 2, stage.h / 2));
  };

  return { stage, base, view, zoomBy, ready: stage.w > 0 };
}
