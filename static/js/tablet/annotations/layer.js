// The annotation layer over one page: an SVG the size of the page image (inside the page's
// frame, so it follows zoom, pan and fit with it) drawing ink, marker and highlights, with
// sticky notes and text boxes as buttons over it; and the input that makes them. A pen
// draws with the chosen tool; once a pen has been seen, a finger never draws (the palm that
// rests on the glass) and pans or zooms instead; with no pen, a finger or a mouse draws only
// when a drawing tool is chosen. Input the layer does not take goes on to the page's zoom
// and swipe handlers (page-zoom.js) as before. The presenter's laser pointer and ink
// (presenter.js) are drawn with the same input, and sent instead of kept. The eraser's rub
// shows at once what it leaves of each stroke, and is kept as one change when it lifts; with
// the text tool in hand, my text boxes have two corner handles that resize them.

import { html, useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { t } from '../../i18n.js';
import { hitsStroke, MAX_POINTS, rubOut, strokePath, StrokeBuilder } from './ink.js';
import { lineRects, textTarget, wordAt } from './highlight.js';
import { randomId } from './ids.js';

const S = 1000; // the SVG's units across the page
const TAP_SLOP_PX = 8;
const ERASER_PX = 10; // the eraser's radius on screen

let penSeen = false;
export const penInUse = () => penSeen;

function toPage(svg, e) {
  const r = svg.getBoundingClientRect();
  return { x: (e.clientX - r.left) / r.width, y: (e.clientY - r.top) / r.height, pxPerPage: r.width };
}

const inside = ([x0, y0, x1, y1], x, y, slop) => x >= x0 - slop && x <= x1 + slop && y >= y0 - slop && y <= y1 + slop;

// `version`: the document's version shown; `tools` (tools.js); `create(kind, color, data,
// from?)` makes a new annotation of mine on this page; `onPlace(kind, x, y, to?)` for a note or a
// text box;
// `onOpen(annotation)` when a note, a text box or (browsing) one of my strokes is tapped;
// `presenter`: presenterSender(...) when I may point and draw for the room on this page.
export function AnnotationLayer({
  book, tools, create, doc, version, page, ratio, baseWidth, me, words, onPlace, onOpen, presenter = null,
}) {
  const svgRef = useRef(null);
  const liveRef = useRef(null);
  const [liveRects, setLiveRects] = useState(null);
  const [trail, setTrail] = useState(null);
  const [moving, setMoving] = useState(null); // {id, dx, dy} while a note or a box is dragged
  const [sizing, setSizing] = useState(null); // {id, rect} while a text box's handle is dragged
  // While the eraser rubs: {pieces: {id: [points, ...]}, gone: Set of highlight ids}, drawn
  // in place of the strokes it has touched so far.
  const [rubbed, setRubbed] = useState(null);
  // Those placed on this page of the version shown (`version` null: not known yet, all).
  const here = book.all.filter((a) => a.page === page && a.placement !== 'unplaced'
    && (version === null || a.version === version));
  const mine = (a) => a.owner?.id === me.user_id;
  const live = useRef({});
  live.current = { book, tools, create, doc, page, ratio, me, words, onPlace, here, presenter };

  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return undefined;
    let active = null;

    const cancel = () => {
      active = null;
      liveRef.current?.setAttribute('d', '');
      setLiveRects(null);
      setTrail(null);
      setRubbed(null);
    };

    const startInk = (e, pt, tool) => {
      const L = live.current;
      const width = L.tools.widthFor(tool);
      active = {
        kind: 'ink', pointerId: e.pointerId, pointerType: e.pointerType, tool, width, color: L.tools.colorFor(tool),
        builder: new StrokeBuilder({ ratio: L.ratio, simulate: e.pointerType !== 'pen' }), done: [],
        present: tool === 'present' ? `p-${randomId(8)}` : null,
      };
      active.builder.add(pt.x, pt.y, e.pressure, e.timeStamp);
      liveRef.current.setAttribute('fill', active.color);
      liveRef.current.setAttribute('opacity', tool === 'marker' ? '0.35' : '1');
      drawLive();
    };
    const drawLive = () => {
      const { ratio } = live.current;
      const paths = [...active.done, active.builder.points]
        .map((pts) => strokePath(pts, active.width, ratio, active.tool === 'marker')).join('');
      liveRef.current.setAttribute('d', paths);
    };

    // The words from the one the stroke started on to the one under `pt`, once known.
    const snap = (pt) => {
      const { words, ratio } = live.current;
      const sn = active.snap;
      if (!words) return;
      if (sn.a === -1) {
        const i = wordAt(words, sn.first.x, sn.first.y, ratio);
        sn.a = i >= 0 ? i : -2;
      }
      if (sn.a < 0) return; // -2: not on text, a marker stroke it stays
      const j = wordAt(words, pt.x, pt.y, ratio, 0.06);
      const b = j >= 0 ? j : (sn.b >= 0 ? sn.b : sn.a);
      if (b !== sn.b) {
        sn.b = b;
        setLiveRects(lineRects(words, sn.a, b));
      }
      liveRef.current.setAttribute('d', '');
    };

    const handOver = (first) => {
      const stage = svg.closest('.viewer-stage');
      if (!stage || !first.at) return;
      try { svg.releasePointerCapture(first.pointerId); } catch { /* not held */ }
      stage.dispatchEvent(new PointerEvent('pointerdown', {
        pointerId: first.pointerId, pointerType: 'touch', isPrimary: true, bubbles: true,
        button: 0, buttons: 1, clientX: first.at.x, clientY: first.at.y,
      }));
    };

    const down = (e) => {
      const L = live.current;
      if (e.pointerType === 'pen') penSeen = true;
      if (L.tools.tool === 'hand') return;
      if (e.pointerType === 'touch' && penSeen) return; // the palm: pan and zoom, never ink
      if (e.pointerType === 'mouse' && e.button !== 0) return;
      if (active && active.pointerId !== e.pointerId) {
        // A second finger while a finger draws: it was a pinch, so both fingers go to the
        // page's zoom (the first handed over where it is now); the pen wins over a palm.
        const first = active;
        if (first.pointerType === 'touch') cancel();
        if (first.pointerType === 'touch' && e.pointerType === 'touch') handOver(first);
        if (e.pointerType !== 'pen') return;
      }
      e.stopPropagation();
      e.preventDefault();
      try { svg.setPointerCapture(e.pointerId); } catch { /* gone already */ }
      const pt = toPage(svg, e);
      const { tool } = L.tools;
      if (tool === 'pen' || tool === 'marker') startInk(e, pt, tool);
      else if (tool === 'present' && L.presenter) startInk(e, pt, tool);
      else if (tool === 'laser' && L.presenter) {
        active = { kind: 'laser', pointerId: e.pointerId, pointerType: e.pointerType };
        L.presenter.point(pt.x, pt.y);
      }
      else if (tool === 'highlight') {
        // Drawn as a marker stroke until it is known to start on a word (the page's words
        // may still be on their way); one that does not stays a free marker stroke.
        startInk(e, pt, 'marker');
        active.color = L.tools.colorFor('highlight');
        liveRef.current.setAttribute('fill', active.color);
        active.snap = { first: pt, a: -1, b: -1 };
        snap(pt);
      } else if (tool === 'eraser') {
        active = {
          kind: 'eraser', pointerId: e.pointerId, pointerType: e.pointerType, path: [[pt.x, pt.y]], p0: pt,
          moved: false, px: pt.pxPerPage, rubbed: 0, pieces: new Map(), gone: new Set(),
        };
        setTrail([[pt.x, pt.y]]);
      } else if (tool === 'note' || tool === 'text') {
        active = { kind: 'place', pointerId: e.pointerId, pointerType: e.pointerType, tool, p0: pt };
      }
      if (active) active.at = { x: e.clientX, y: e.clientY };
    };

    const move = (e) => {
      if (!active || e.pointerId !== active.pointerId) return;
      e.stopPropagation();
      active.at = { x: e.clientX, y: e.clientY };
      const L = live.current;
      const list = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
      const events = list.length ? list : [e];
      if (active.kind === 'ink') {
        events.forEach((ev) => {
          const pt = toPage(svg, ev);
          active.builder.add(pt.x, pt.y, ev.pressure, ev.timeStamp);
          if (active.builder.points.length >= MAX_POINTS) {
            // The contract's limit: the rest of the line goes on as a stroke of its own.
            const last = active.builder.points[active.builder.points.length - 1];
            active.done.push(active.builder.points);
            active.builder = new StrokeBuilder({ ratio: L.ratio, simulate: active.pointerType !== 'pen' });
            active.builder.add(last[0], last[1], last[2], ev.timeStamp);
          }
        });
        if (active.snap) snap(toPage(svg, e));
        if (!active.snap || active.snap.a < 0) drawLive();
        if (active.present) L.presenter?.ink(presented(active, active.builder.points, L), false);
      } else if (active.kind === 'laser') {
        const pt = toPage(svg, e);
        L.presenter?.point(pt.x, pt.y);
      } else if (active.kind === 'eraser') {
        events.forEach((ev) => {
          const pt = toPage(svg, ev);
          active.path.push([pt.x, pt.y]);
          if (Math.hypot(pt.x - active.p0.x, pt.y - active.p0.y) * active.px > TAP_SLOP_PX) active.moved = true;
        });
        setTrail([...active.path]);
        if (active.moved) rub(active, L);
      }
    };

    const up = (e) => {
      if (!active || e.pointerId !== active.pointerId) return;
      e.stopPropagation();
      const a = active;
      const L = live.current;
      if (e.type === 'pointercancel') { cancel(); return; }
      const pt = toPage(svg, e);
      if (a.snap) snap(pt);
      cancel();
      if (a.snap && a.snap.a >= 0) {
        const { a: i, b: j } = a.snap;
        L.book.apply([{ before: null, after: L.create('highlight', a.color,
          { rects: lineRects(L.words, i, j), target: textTarget(L.words, i, j) }) }]);
      } else if (a.kind === 'ink' && a.present) {
        L.presenter?.ink(presented(a, a.builder.finish(pt.x, pt.y), L), true);
      } else if (a.kind === 'laser') {
        L.presenter?.hide();
      } else if (a.kind === 'ink') {
        const strokes = [...a.done, a.builder.finish(pt.x, pt.y)].filter((pts) => pts.length);
        L.book.apply(strokes.map((points) => ({
          before: null,
          after: L.create('ink', a.color, { points, width: a.width, tool: a.tool }),
        })));
      } else if (a.kind === 'eraser') {
        erase(a, L);
      } else if (a.kind === 'place') {
        // A text box dragged out takes the drag's rectangle; tapped, a standard one.
        const dragged = a.tool === 'text' && Math.hypot(pt.x - a.p0.x, pt.y - a.p0.y) * a.p0.pxPerPage > TAP_SLOP_PX;
        L.onPlace(a.tool, a.p0.x, a.p0.y, dragged ? { x: pt.x, y: pt.y } : null);
      }
    };

    const erase = (a, L) => {
      const own = L.here.filter((x) => x.owner?.id === L.me.user_id);
      const radius = ERASER_PX / a.px;
      if (!a.moved) {
        // A tap: the topmost annotation of mine under it goes whole.
        const [x, y] = a.path[0];
        const hit = [...own].reverse().find((x2) => (x2.kind === 'ink'
          ? hitsStroke(x2.data.points, x2.data.width, L.ratio, x, y, radius)
          : x2.kind === 'highlight' && x2.data.rects.some((r) => inside(r, x, y, radius / 2))));
        if (hit) L.book.apply([{ before: hit, after: null }]);
        return;
      }
      rub(a, L);
      // One undoable step: each stroke touched goes, its pieces (ids made here) come.
      const steps = [];
      a.pieces.forEach(({ stroke, pieces }) => {
        steps.push({ before: stroke, after: null });
        pieces.forEach((points) => steps.push({
          before: null, after: L.create('ink', stroke.color, { ...stroke.data, points }, stroke),
        }));
      });
      a.gone.forEach((h) => steps.push({ before: h, after: null }));
      L.book.apply(steps);
      setRubbed(null);
    };

    // The path rubbed since the last call taken out of my strokes on this page (of what is
    // left of them: a rub cuts the pieces an earlier part of it left) and the highlights it
    // crossed, shown at once: the split appears under the eraser, not when it lifts.
    const rub = (a, L) => {
      const from = Math.max(0, a.rubbed - 1);
      const path = a.path.slice(from);
      if (path.length < 1 || (a.rubbed > 0 && path.length < 2)) return;
      a.rubbed = a.path.length;
      const radius = ERASER_PX / a.px;
      let changed = false;
      L.here.forEach((x) => {
        if (x.owner?.id !== L.me.user_id) return;
        if (x.kind === 'ink') {
          const known = a.pieces.get(x.id);
          const before = known ? known.pieces : [x.data.points];
          let touched = false;
          const after = before.flatMap((points) => {
            const left = rubOut(points, x.data.width, L.ratio, path, radius);
            if (left === null) return [points];
            touched = true;
            return left;
          });
          if (!touched) return;
          a.pieces.set(x.id, { stroke: known ? known.stroke : x, pieces: after });
          changed = true;
        } else if (x.kind === 'highlight' && !a.gone.has(x)
          && path.some(([px, py]) => x.data.rects.some((r) => inside(r, px, py, 0)))) {
          a.gone.add(x);
          changed = true;
        }
      });
      if (changed) {
        setRubbed({
          pieces: Object.fromEntries([...a.pieces].map(([id, v]) => [id, v.pieces])),
          gone: new Set([...a.gone].map((h) => h.id)),
        });
      }
    };

    svg.addEventListener('pointerdown', down);
    svg.addEventListener('pointermove', move);
    svg.addEventListener('pointerup', up);
    svg.addEventListener('pointercancel', up);
    return () => {
      svg.removeEventListener('pointerdown', down);
      svg.removeEventListener('pointermove', move);
      svg.removeEventListener('pointerup', up);
      svg.removeEventListener('pointercancel', up);
    };
  }, []);

  // A note or a text box: dragged, it moves (mine only); tapped, it opens (or, with the
  // eraser, goes).
  const grab = (e, a) => {
    e.stopPropagation();
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    const el = e.currentTarget;
    const svg = svgRef.current;
    const start = toPage(svg, e);
    let moved = false;
    let delta = { dx: 0, dy: 0 };
    try { el.setPointerCapture(e.pointerId); } catch { /* gone */ }
    const onMove = (ev) => {
      if (ev.pointerId !== e.pointerId) return;
      ev.stopPropagation();
      const pt = toPage(svg, ev);
      delta = { dx: pt.x - start.x, dy: pt.y - start.y };
      if (Math.hypot(delta.dx, delta.dy) * start.pxPerPage > TAP_SLOP_PX && mine(a)) moved = true;
      if (moved) setMoving({ id: a.id, ...delta });
    };
    const onUp = (ev) => {
      if (ev.pointerId !== e.pointerId) return;
      ev.stopPropagation();
      el.removeEventListener('pointermove', onMove);
      el.removeEventListener('pointerup', onUp);
      el.removeEventListener('pointercancel', onUp);
      setMoving(null);
      if (ev.type === 'pointercancel') return;
      if (moved) {
        book.apply([{ before: a, after: { ...a, data: shifted(a, delta.dx, delta.dy) } }]);
      } else if (tools.tool === 'eraser' && mine(a)) {
        book.apply([{ before: a, after: null }]);
      } else {
        onOpen(a);
      }
    };
    el.addEventListener('pointermove', onMove);
    el.addEventListener('pointerup', onUp);
    el.addEventListener('pointercancel', onUp);
  };

  // A text box's corner handle dragged: the corner follows (the box kept on the page and
  // not smaller than a word), and the new rectangle is one change when the finger lifts.
  const resize = (e, a, corner) => {
    e.stopPropagation();
    e.preventDefault();
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    const el = e.currentTarget;
    const svg = svgRef.current;
    const start = toPage(svg, e);
    let rect = a.data.rect;
    try { el.setPointerCapture(e.pointerId); } catch { /* gone */ }
    const onMove = (ev) => {
      if (ev.pointerId !== e.pointerId) return;
      ev.stopPropagation();
      const pt = toPage(svg, ev);
      rect = resized(a.data.rect, corner, pt.x - start.x, pt.y - start.y);
      setSizing({ id: a.id, rect });
    };
    const onUp = (ev) => {
      if (ev.pointerId !== e.pointerId) return;
      ev.stopPropagation();
      el.removeEventListener('pointermove', onMove);
      el.removeEventListener('pointerup', onUp);
      el.removeEventListener('pointercancel', onUp);
      setSizing(null);
      if (ev.type === 'pointercancel' || rect.every((v, i) => v === a.data.rect[i])) return;
      book.apply([{ before: a, after: { ...a, data: { ...a.data, rect } } }]);
    };
    el.addEventListener('pointermove', onMove);
    el.addEventListener('pointerup', onUp);
    el.addEventListener('pointercancel', onUp);
  };

  const drawing = tools.tool !== 'hand';
  // What the eraser has rubbed so far is drawn as what it leaves.
  const strokes = here.filter((a) => a.kind === 'ink' && !rubbed?.pieces[a.id]);
  const pieces = here.filter((a) => a.kind === 'ink' && rubbed?.pieces[a.id])
    .flatMap((a) => rubbed.pieces[a.id].map((points, i) => ({ a, i, points })));
  return html`
    <svg class=${`annot-layer${drawing ? ' annot-drawing' : ''}`} ref=${svgRef} data-testid="annot-layer"
      data-tool=${tools.tool} data-words=${words ? 'ready' : 'none'} data-strokes=${strokes.length + pieces.length}
      data-rubbing=${rubbed ? 'true' : 'false'} viewBox=${`0 0 ${S} ${S * ratio}`} preserveAspectRatio="none">
      ${here.filter((a) => a.kind === 'highlight' && !rubbed?.gone.has(a.id)).map((a) => html`
        <g key=${a.id} class="annot-highlight" data-testid="annot-highlight" data-id=${a.id} fill=${a.color}
          onPointerDown=${(e) => !drawing && tapped(e, () => onOpen(a))}>
          ${a.data.rects.map(([x0, y0, x1, y1], i) => html`<rect key=${i} x=${x0 * S} y=${y0 * S * ratio}
            width=${(x1 - x0) * S} height=${(y1 - y0) * S * ratio} rx="2" />`)}
        </g>`)}
      ${strokes.map((a) => html`
        <path key=${a.id} class="annot-ink" data-testid="annot-ink" data-id=${a.id} data-tool=${a.data.tool}
          data-mine=${mine(a) ? 'true' : 'false'} fill=${a.color} opacity=${a.data.tool === 'marker' ? 0.35 : 1}
          onPointerDown=${(e) => !drawing && tapped(e, () => onOpen(a))}
          d=${outline(a, ratio)} />`)}
      ${pieces.map(({ a, i, points }) => html`
        <path key=${`${a.id}:${i}`} class="annot-ink annot-rubbed" data-testid="annot-ink" data-piece-of=${a.id}
          data-tool=${a.data.tool} data-mine="true" fill=${a.color} opacity=${a.data.tool === 'marker' ? 0.35 : 1}
          d=${pieceOutline(points, a, ratio)} />`)}
      ${liveRects && html`<g class="annot-highlight annot-live" data-testid="annot-highlight-live" fill=${tools.colorFor('highlight')}>
        ${liveRects.map(([x0, y0, x1, y1], i) => html`<rect key=${i} x=${x0 * S} y=${y0 * S * ratio}
          width=${(x1 - x0) * S} height=${(y1 - y0) * S * ratio} rx="2" />`)}</g>`}
      <path ref=${liveRef} class="annot-live" data-testid="annot-live" d="" />
      ${trail && html`<polyline class="annot-eraser-trail" fill="none"
        points=${trail.map(([x, y]) => `${x * S},${y * S * ratio}`).join(' ')} />`}
    </svg>
    ${here.filter((a) => a.kind === 'text').map((a) => {
      let d = moving?.id === a.id ? shifted(a, moving.dx, moving.dy) : a.data;
      if (sizing?.id === a.id) d = { ...d, rect: sizing.rect };
      const [x0, y0, x1, y1] = d.rect;
      return html`<button type="button" key=${a.id} class=${`annot-text${mine(a) ? '' : ' annot-theirs'}`}
        data-testid="annot-text" data-id=${a.id} onPointerDown=${(e) => grab(e, a)}
        aria-label=${t('annot.text_box')}
        style=${`left:${x0 * 100}%;top:${y0 * 100}%;width:${(x1 - x0) * 100}%;min-height:${(y1 - y0) * 100}%;`
          + `font-size:${Math.max(6, d.size * baseWidth)}px;color:${a.color}`}>${d.text}</button>`;
    })}
    ${tools.tool === 'text' && here.filter((a) => a.kind === 'text' && mine(a)).flatMap((a) => {
      const d = moving?.id === a.id ? shifted(a, moving.dx, moving.dy) : a.data;
      const [x0, y0, x1, y1] = sizing?.id === a.id ? sizing.rect : d.rect;
      return [['nw', x0, y0], ['se', x1, y1]].map(([corner, x, y]) => html`<span key=${`${a.id}-${corner}`}
        class=${`annot-handle annot-handle-${corner}`} data-testid="annot-text-handle" data-id=${a.id}
        data-corner=${corner} title=${t('annot.resize')}
        style=${`left:${x * 100}%;top:${y * 100}%`} onPointerDown=${(e) => resize(e, a, corner)}></span>`);
    })}
    ${here.filter((a) => a.kind === 'note').map((a) => {
      const d = moving?.id === a.id ? shifted(a, moving.dx, moving.dy) : a.data;
      return html`<button type="button" key=${a.id} class=${`annot-note${mine(a) ? '' : ' annot-theirs'}`}
        data-testid="annot-note" data-id=${a.id} onPointerDown=${(e) => grab(e, a)}
        title=${mine(a) ? d.text : `${a.owner?.name}: ${d.text}`} aria-label=${t('annot.note')}
        style=${`left:${d.x * 100}%;top:${d.y * 100}%;--note:${a.color}`}>
        <svg viewBox="0 0 24 24" width="100%" height="100%" aria-hidden="true">
          <path d="M3 3h18v13l-5 5H3z" fill="var(--note)" stroke="rgba(0,0,0,.45)" stroke-width="1.2" />
          <path d="M16 21v-5h5" fill="rgba(0,0,0,.15)" stroke="rgba(0,0,0,.45)" stroke-width="1.2" />
          <path d="M7 8h10M7 12h7" stroke="rgba(0,0,0,.55)" stroke-width="1.6" stroke-linecap="round" /></svg>
      </button>`;
    })}
    ${here.filter((a) => !mine(a)).map((a) => {
      const [x, y] = anchor(a);
      return html`<span key=${`by-${a.id}`} class="annot-author-label" data-testid="annot-author-label"
        data-id=${a.id} style=${`left:${x * 100}%;top:${y * 100}%;--c:${a.color}`}>${a.owner?.name}</span>`;
    })}`;
}

// Where a shared annotation's author is named: at its start.
function anchor(a) {
  if (a.kind === 'ink') return a.data.points[0] || [0, 0];
  if (a.kind === 'highlight') return a.data.rects[0] || [0, 0];
  if (a.kind === 'text') return a.data.rect;
  return [a.data.x, a.data.y];
}

// A presenter's stroke as `presenter.ink` carries it: the whole stroke so far, its latest
// points when it is longer than one message takes.
const PRESENTER_POINTS = 2000;
const presented = (a, points, L) => ({
  stroke: a.present, points: points.slice(-PRESENTER_POINTS), width: a.width, color: a.color, keep: Boolean(L.tools.keep),
});

// A stroke's outline, worked out once per version of the annotation (a page of long strokes
// would otherwise be recomputed at every step of a drag).
const outlines = new WeakMap();
function outline(a, ratio) {
  const known = outlines.get(a);
  if (known && known.ratio === ratio) return known.d;
  const d = strokePath(a.data.points, a.data.width, ratio, a.data.tool === 'marker');
  outlines.set(a, { ratio, d });
  return d;
}

// The same for a piece the eraser has left so far (kept while the rub goes on elsewhere).
const pieceOutlines = new WeakMap();
function pieceOutline(points, a, ratio) {
  const known = pieceOutlines.get(points);
  if (known && known.ratio === ratio) return known.d;
  const d = strokePath(points, a.data.width, ratio, a.data.tool === 'marker');
  pieceOutlines.set(points, { ratio, d });
  return d;
}

// While browsing, the page's own handlers take the pointer (and capture it, so no click
// reaches a stroke): a tap on a stroke is told from a pan here, by where and when it ends.
function tapped(e, then) {
  const x0 = e.clientX;
  const y0 = e.clientY;
  const t0 = Date.now();
  const end = (ev) => {
    if (ev.pointerId !== e.pointerId) return;
    window.removeEventListener('pointerup', end, true);
    window.removeEventListener('pointercancel', end, true);
    if (ev.type === 'pointerup' && Math.hypot(ev.clientX - x0, ev.clientY - y0) < TAP_SLOP_PX && Date.now() - t0 < 600) then();
  };
  window.addEventListener('pointerup', end, true);
  window.addEventListener('pointercancel', end, true);
}

const clamp01 = (v) => Math.min(1, Math.max(0, v));

// A note's or a text box's data moved by (dx, dy) page fractions, kept on the page.
function shifted(a, dx, dy) {
  if (a.kind === 'note') return { ...a.data, x: round(clamp01(a.data.x + dx)), y: round(clamp01(a.data.y + dy)) };
  const [x0, y0, x1, y1] = a.data.rect;
  const mx = Math.min(Math.max(dx, -x0), 1 - x1);
  const my = Math.min(Math.max(dy, -y0), 1 - y1);
  return { ...a.data, rect: [x0 + mx, y0 + my, x1 + mx, y1 + my].map(round) };
}

const round = (v) => Math.round(v * 1e5) / 1e5;

// The smallest text box a handle leaves, in page fractions (as a new box dragged out).
const MIN_BOX = { w: 0.05, h: 0.02 };

// A text box's rectangle with its `corner` ('nw' or 'se') moved by (dx, dy), kept on the
// page and no smaller than MIN_BOX.
function resized([x0, y0, x1, y1], corner, dx, dy) {
  if (corner === 'nw') {
    return [Math.min(Math.max(0, x0 + dx), x1 - MIN_BOX.w), Math.min(Math.max(0, y0 + dy), y1 - MIN_BOX.h), x1, y1]
      .map(round);
  }
  return [x0, y0, Math.max(Math.min(1, x1 + dx), x0 + MIN_BOX.w), Math.max(Math.min(1, y1 + dy), y0 + MIN_BOX.h)]
    .map(round);
}
