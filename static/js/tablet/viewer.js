// The page viewer: one PDF page as an image sized for this screen, page buttons, swipe
// and arrow keys, and the next page fetched ahead so turning is instant. Zoom (buttons or
// pinch) asks the server for a sharper image; a strip of thumbnails; search in the document
// with the hits boxed on the page (boxes from the server, as fractions of the page); the
// hits of the meeting-wide search (`found`) are boxed the same way.

import { html, useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { errorText, get } from '../api.js';
import { t } from '../i18n.js';

// The widths the server renders (it rounds up to these); asking for them exactly keeps
// one browser-cache entry per page.
const WIDTHS = [160, 320, 480, 640, 800, 1024, 1280, 1600, 2048, 2560];
const ZOOMS = [1, 1.5, 2, 3];
const THUMB = 160;

export function snapWidth(px) {
  return WIDTHS.find((w) => w >= px) || WIDTHS[WIDTHS.length - 1];
}

// The file's hash is in the address: images are cached as immutable, and a new version of
// the document must not be shown from the old one's cache.
export function pageUrl(doc, page, width) {
  const rev = doc.sha256 ? `&r=${doc.sha256.slice(0, 16)}` : '';
  return `/api/documents/${doc.id}/pages/${page}?w=${width}${rev}`;
}

// The CSS width of an element, kept current as the layout changes.
export function useWidth(ref) {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    setWidth(el.clientWidth);
    return () => observer.disconnect();
  }, []);
  return width;
}

function usePreload(urls) {
  useEffect(() => {
    urls.filter(Boolean).forEach((u) => { new Image().src = u; });
  }, [urls.join(' ')]);
}

export function PageImage({ doc, page, width, testid, className = 'page-img' }) {
  const [attempt, setAttempt] = useState(0);
  const [failed, setFailed] = useState(false);
  useEffect(() => { setAttempt(0); setFailed(false); }, [doc.id, page, width]);
  useEffect(() => {
    if (!failed) return undefined;
    // A page still rendering on the server, or Wi-Fi blinking: try again shortly.
    const timer = setTimeout(() => { setFailed(false); setAttempt((n) => n + 1); }, 2000);
    return () => clearTimeout(timer);
  }, [failed]);
  const src = pageUrl(doc, page, width) + (attempt ? `&retry=${attempt}` : '');
  return html`
    <img class=${className} src=${src} data-testid=${testid} data-page=${page}
      data-document=${doc.id} alt=${t('tablet.page_alt', { title: doc.title || doc.filename, page })}
      onError=${() => setFailed(true)} />
    ${failed && html`<p class="page-failed" role="status">${t('tablet.page_failed')}</p>`}`;
}

function Thumbnails({ doc, page, go }) {
  const strip = useRef(null);
  useEffect(() => {
    const el = strip.current?.querySelector(`[data-page="${page}"]`);
    if (el && el.scrollIntoView) el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [page, doc.id]);
  const pages = Array.from({ length: doc.page_count }, (_, i) => i + 1);
  return html`
    <nav class="thumbs" ref=${strip} data-testid="thumbs" aria-label=${t('docs.thumbnails')}>
      ${pages.map((n) => html`
        <button type="button" key=${n} data-page=${n} data-testid="thumb"
          class=${`thumb${n === page ? ' thumb-current' : ''}`} aria-current=${n === page ? 'page' : null}
          onClick=${() => go(n)} title=${t('common.page_of', { page: n, count: doc.page_count })}>
          <img loading="lazy" src=${pageUrl(doc, n, THUMB)} alt="" width="80" />
          <span>${n}</span></button>`)}
    </nav>`;
}

function SearchBox({ doc, onHits, go }) {
  const [query, setQuery] = useState('');
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { setResult(null); onHits([]); }, [doc.id, doc.sha256]);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    if (!query.trim()) { setResult(null); onHits([]); return; }
    try {
      const data = await get(`/api/documents/${doc.id}/search?q=${encodeURIComponent(query)}`);
      setResult(data.hits);
      onHits(data.hits);
      if (data.hits.length) go(data.hits[0].page);
    } catch (err) {
      setError(err);
    }
  };
  const boxes = (result || []).reduce((n, h) => n + h.boxes.length, 0);
  return html`
    <form class="doc-search" onSubmit=${submit} role="search" data-testid="doc-search">
      <input type="search" value=${query} placeholder=${t('docs.search_placeholder')}
        aria-label=${t('docs.search_placeholder')} data-testid="doc-search-input"
        onInput=${(e) => setQuery(e.target.value)} />
      <button type="submit" class="btn" data-testid="doc-search-go">${t('docs.search')}</button>
      ${result && html`<span class="small muted" data-testid="doc-search-count">
        ${result.length ? t('docs.hits', { count: boxes, pages: result.length }) : t('docs.no_hits')}</span>`}
      ${result && result.length > 0 && html`<span class="hit-pages">${result.slice(0, 12).map((h) => html`
        <button type="button" class="btn btn-quiet btn-small" data-testid="hit-page"
          onClick=${() => go(h.page)}>${h.page}</button>`)}</span>`}
      ${error && html`<span class="error-text small">${errorText(error)}</span>`}
    </form>`;
}

function usePinch(onScale) {
  const pointers = useRef(new Map());
  const startDist = useRef(0);
  const dist = () => {
    const [a, b] = [...pointers.current.values()];
    return Math.hypot(a[0] - b[0], a[1] - b[1]);
  };
  return {
    down(e) {
      pointers.current.set(e.pointerId, [e.clientX, e.clientY]);
      if (pointers.current.size === 2) startDist.current = dist();
    },
    move(e) {
      if (!pointers.current.has(e.pointerId)) return;
      pointers.current.set(e.pointerId, [e.clientX, e.clientY]);
      if (pointers.current.size === 2 && startDist.current > 0) {
        const ratio = dist() / startDist.current;
        if (ratio > 1.25 || ratio < 0.8) { onScale(ratio > 1 ? 1 : -1); startDist.current = dist(); }
      }
    },
    up(e) {
      pointers.current.delete(e.pointerId);
      if (pointers.current.size < 2) startDist.current = 0;
    },
    active: () => pointers.current.size >= 2,
  };
}

export function Viewer({ doc, page, onPage, found, children }) {
  const box = useRef(null);
  const cssWidth = useWidth(box);
  const [zoom, setZoom] = useState(1);
  const [hits, setHits] = useState([]);
  const [thumbs, setThumbs] = useState(true);
  useEffect(() => { setZoom(1); }, [doc?.id]);
  const zoomBy = (step) => setZoom((z) => {
    const i = Math.max(0, Math.min(ZOOMS.length - 1, ZOOMS.indexOf(z) + step));
    return ZOOMS[i];
  });
  const pinch = usePinch(zoomBy);
  // Zoomed in, the page is fetched wider: sharp at its shown size, not a blown-up image.
  const width = snapWidth(Math.ceil((cssWidth || 800) * zoom * (window.devicePixelRatio || 1)));
  const count = doc ? doc.page_count : 0;
  const go = (n) => { if (doc && n >= 1 && n <= count && n !== page) onPage(n); };
  // A search within this document takes over from one across the meeting.
  const shownHits = hits.length ? hits : found || [];
  const boxes = (shownHits.find((h) => h.page === page) || { boxes: [] }).boxes;

  usePreload(doc ? [page < count && pageUrl(doc, page + 1, width),
    page > 1 && pageUrl(doc, page - 1, width)] : []);
  useEffect(() => {
    const onKey = (e) => {
      if (e.target.closest && e.target.closest('input, textarea, select')) return;
      if (e.key === 'ArrowRight' || e.key === 'PageDown') go(page + 1);
      if (e.key === 'ArrowLeft' || e.key === 'PageUp') go(page - 1);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  // A horizontal swipe turns the page, as on paper.
  const start = useRef(null);
  const onPointerDown = (e) => {
    pinch.down(e);
    if (e.pointerType !== 'mouse' && !pinch.active()) start.current = [e.clientX, e.clientY];
    else start.current = null;
  };
  const onPointerUp = (e) => {
    pinch.up(e);
    if (!start.current || zoom > 1) { start.current = null; return; }
    const [x, y] = start.current;
    start.current = null;
    const dx = e.clientX - x;
    if (Math.abs(dx) > 60 && Math.abs(dx) > 2 * Math.abs(e.clientY - y)) go(dx < 0 ? page + 1 : page - 1);
  };

  return html`
    <div class="viewer">
      ${doc && html`
        <div class="viewer-tools">
          <${SearchBox} doc=${doc} onHits=${setHits} go=${(n) => (n === page ? null : go(n))} />
          <span class="grow"></span>
          <span class="zoom" role="group" aria-label=${t('docs.zoom')}>
            <button type="button" class="btn btn-small" data-testid="zoom-out" disabled=${zoom <= 1}
              aria-label=${t('docs.zoom_out')} onClick=${() => zoomBy(-1)}>−</button>
            <span class="small" data-testid="zoom-level" data-zoom=${zoom}>${Math.round(zoom * 100)}%</span>
            <button type="button" class="btn btn-small" data-testid="zoom-in"
              disabled=${zoom >= ZOOMS[ZOOMS.length - 1]} aria-label=${t('docs.zoom_in')}
              onClick=${() => zoomBy(1)}>+</button>
          </span>
          <button type="button" class="btn btn-small btn-quiet" data-testid="thumbs-toggle"
            aria-pressed=${thumbs} onClick=${() => setThumbs(!thumbs)}>${t('docs.thumbnails')}</button>
        </div>`}
      <div class=${`viewer-stage${zoom > 1 ? ' zoomed' : ''}`} ref=${box}
        onPointerDown=${onPointerDown} onPointerMove=${pinch.move} onPointerUp=${onPointerUp}
        onPointerCancel=${pinch.up}>
        ${doc ? html`<div class="page-frame" style=${`width: ${zoom * 100}%`}>
            <${PageImage} doc=${doc} page=${page} width=${width} testid="viewer-img" />
            ${boxes.map(([x0, y0, x1, y1], i) => html`<span class="hit-box" key=${i} data-testid="hit-box"
              style=${`left:${x0 * 100}%;top:${y0 * 100}%;width:${(x1 - x0) * 100}%;height:${(y1 - y0) * 100}%`}></span>`)}
          </div>`
          : children}
      </div>
      ${doc && thumbs && html`<${Thumbnails} doc=${doc} page=${page} go=${go} />`}
      ${doc && html`
        <div class="pager" role="group">
          <button type="button" class="btn btn-pager" data-testid="page-prev" disabled=${page <= 1}
            aria-label=${t('tablet.prev_page')} onClick=${() => go(page - 1)}>
            <span aria-hidden="true">‹</span><span class="pager-word">${t('tablet.prev_page')}</span></button>
          <span class="page-number" data-testid="page-number" data-page=${page}>
            ${t('common.page_of', { page, count })}</span>
          <button type="button" class="btn btn-pager" data-testid="page-next"
            disabled=${page >= count} aria-label=${t('tablet.next_page')} onClick=${() => go(page + 1)}>
            <span class="pager-word">${t('tablet.next_page')}</span><span aria-hidden="true">›</span></button>
        </div>`}
    </div>`;
}
