// The page viewer: one PDF page as an image sized for this screen's pixels, fit to the width
// or the whole page, zoomed and panned by pinch, double tap, buttons or wheel (page-zoom.js),
// page buttons, swipe and arrow keys, and the next page fetched ahead so turning is instant.
// Zooming in asks the server for a sharper image; a strip of thumbnails that can be hidden; search in the document
// with the hits boxed on the page (boxes from the server, as fractions of the page); the
// hits of the meeting-wide search (`found`) are boxed the same way. An `overlay` (the
// annotations) is drawn inside the page's frame, so it zooms and pans with the page, and a
// `tools` row sits between the search row and the stage.

import { html, useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { errorText, get } from '../api.js';
import { t } from '../i18n.js';
import { icon } from './icons.js';
import { MAX_SCALE, usePageZoom } from './page-zoom.js';
import { noteReaderWidth } from '../offline/reader-width.js';

// The widths the server renders (it rounds up to these); asking for them exactly keeps
// one browser-cache entry per page.
const WIDTHS = [160, 320, 480, 640, 800, 1024, 1280, 1600, 2048, 2560];
export const THUMB = 160;

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

export function PageImage({ doc, page, width, testid, className = 'page-img', onLoad = null }) {
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
      onLoad=${onLoad} onError=${() => setFailed(true)} />
    ${failed && html`<p class="page-failed" role="status">${t('tablet.page_failed')}</p>`}`;
}

function Thumbnails({ doc, page, go }) {
  const strip = useRef(null);
  useEffect(() => {
    // Scroll the strip alone: scrollIntoView would scroll the window too, and the header
    // would leave the screen at every page the presenter turns.
    const box = strip.current;
    const el = box?.querySelector(`[data-page="${page}"]`);
    if (!el) return;
    const at = el.getBoundingClientRect().left - box.getBoundingClientRect().left;
    box.scrollLeft += at - (box.clientWidth - el.offsetWidth) / 2;
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

function SearchBox({ doc, onHits, go, open }) {
  const [query, setQuery] = useState('');
  const input = useRef(null);
  // Opened from the toolbar: ready to type (without scrolling anything to it).
  useEffect(() => { if (open) input.current?.focus({ preventScroll: true }); }, [open]);
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
      <input type="search" value=${query} ref=${input} placeholder=${t('docs.search_placeholder')}
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

// The reader's choices that outlast a page: fit and the thumbnail strip.
function useStored(key, initial) {
  const [value, setValue] = useState(() => {
    try {
      const v = localStorage.getItem(key);
      return v === null ? initial : JSON.parse(v);
    } catch {
      return initial;
    }
  });
  const set = (v) => {
    setValue(v);
    try { localStorage.setItem(key, JSON.stringify(v)); } catch { /* this page only */ }
  };
  return [value, set];
}

// `canSwipe`: a swipe turns the page only while browsing; following, the presenter turns it.
// `searchOpen`: the in-document search row, opened from the toolbar above.
// `status`: shown in the page bar beside the thumbnails' button (the pages saved on the tablet).
export function Viewer({
  doc, page, onPage, found, children, canSwipe = true, searchOpen = true, overlay = null, tools = null,
  status = null,
}) {
  const stageRef = useRef(null);
  const [hits, setHits] = useState([]);
  // Tall screens (a portrait tablet) have room for the strip; landscape ones keep it for the page.
  const [thumbs, setThumbs] = useStored('phonghop.reader.thumbs', window.innerHeight >= 1000);
  const [fit, setFit] = useStored('phonghop.reader.fit', 'width');
  // The page's height over its width, known once its image has loaded (A4 until then).
  const [ratio, setRatio] = useState(Math.SQRT2);
  const count = doc ? doc.page_count : 0;
  const go = (n) => { if (doc && n >= 1 && n <= count && n !== page) onPage(n); };
  const zoom = usePageZoom({
    stageRef, ratio, fit: fit === 'page' ? 'page' : 'width', docKey: `${doc?.id}`, pageKey: `${doc?.id}:${page}`,
    onSwipe: (by) => { if (canSwipe) go(page + by); },
  });
  const { view, base } = zoom;
  // The image is asked for at the device's pixels for its shown size, once a pinch has
  // settled (not at every step of it), so text stays sharp on a retina tablet and zoomed in.
  const [settled, setSettled] = useState(1);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(view.s), 250);
    return () => clearTimeout(timer);
  }, [view.s]);
  const dpr = window.devicePixelRatio || 1;
  const width = snapWidth(Math.ceil((zoom.ready ? base.w : 800) * settled * dpr));
  // The width the meeting's pages are saved at on the tablet (offline/prefetch.js).
  useEffect(() => { if (zoom.ready && settled === 1) noteReaderWidth(width); }, [width, zoom.ready, settled]);
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
  const onLoad = (e) => {
    const img = e.currentTarget;
    if (!img.naturalWidth) return;
    const r = img.naturalHeight / img.naturalWidth;
    if (Math.abs(r - ratio) > 0.005) setRatio(r);
  };
  const scale = Math.round(view.s * 100) / 100;
  const nextFit = fit === 'page' ? 'width' : 'page';

  return html`
    <div class="viewer">
      ${doc && html`
        <div class="viewer-tools" hidden=${!searchOpen}>
          <${SearchBox} doc=${doc} onHits=${setHits} go=${(n) => (n === page ? null : go(n))}
            open=${searchOpen} />
        </div>`}
      ${tools}
      <div class=${`viewer-stage${view.s > 1.01 ? ' zoomed' : ''}${doc ? '' : ' empty'}`} ref=${stageRef}
        data-testid="viewer-stage" data-scale=${scale} data-fit=${fit}
        aria-label=${doc ? t('reader.stage') : null}>
        ${doc ? html`<div class="page-frame" data-testid="page-frame"
            style=${`width:${base.w}px;height:${base.h}px;transform:translate(${view.x}px,${view.y}px) scale(${view.s})`}>
            <${PageImage} doc=${doc} page=${page} width=${width} testid="viewer-img" onLoad=${onLoad} />
            ${boxes.map(([x0, y0, x1, y1], i) => html`<span class="hit-box" key=${i} data-testid="hit-box"
              style=${`left:${x0 * 100}%;top:${y0 * 100}%;width:${(x1 - x0) * 100}%;height:${(y1 - y0) * 100}%`}></span>`)}
            ${overlay && overlay.frame({ ratio, baseWidth: base.w })}
          </div>`
          : html`<div class="viewer-empty-wrap">${children}</div>`}
        ${doc && overlay && overlay.stage}
      </div>
      ${doc && thumbs && html`<${Thumbnails} doc=${doc} page=${page} go=${go} />`}
      ${doc && html`
        <div class="pager" role="toolbar" aria-label=${t('reader.tools')}>
          <span class="pager-side">
            <button type="button" class="btn btn-tool" data-testid="fit-toggle" data-fit=${fit}
              aria-label=${t('reader.fit_label')} title=${t(nextFit === 'page' ? 'reader.fit_page' : 'reader.fit_width')}
              onClick=${() => setFit(nextFit)}>
              ${icon(nextFit === 'page' ? 'fitPage' : 'fitWidth')}
              <span class="tool-word">${t(nextFit === 'page' ? 'reader.fit_page' : 'reader.fit_width')}</span></button>
            <span class="zoom" role="group" aria-label=${t('docs.zoom')}>
              <button type="button" class="btn btn-tool" data-testid="zoom-out" disabled=${view.s <= 1.001}
                aria-label=${t('docs.zoom_out')} onClick=${() => zoom.zoomBy(-1)}>−</button>
              <span class="zoom-level small" data-testid="zoom-level" data-zoom=${scale}>${Math.round(view.s * 100)}%</span>
              <button type="button" class="btn btn-tool" data-testid="zoom-in"
                disabled=${view.s >= MAX_SCALE - 0.001} aria-label=${t('docs.zoom_in')}
                onClick=${() => zoom.zoomBy(1)}>+</button>
            </span>
          </span>
          <span class="pager-turn">
            <button type="button" class="btn btn-pager" data-testid="page-prev" disabled=${page <= 1}
              aria-label=${t('tablet.prev_page')} onClick=${() => go(page - 1)}>
              <span aria-hidden="true">‹</span><span class="pager-word">${t('tablet.prev_page')}</span></button>
            <span class="page-number" data-testid="page-number" data-page=${page}>
              ${t('common.page_of', { page, count })}</span>
            <button type="button" class="btn btn-pager" data-testid="page-next"
              disabled=${page >= count} aria-label=${t('tablet.next_page')} onClick=${() => go(page + 1)}>
              <span class="pager-word">${t('tablet.next_page')}</span><span aria-hidden="true">›</span></button>
          </span>
          <span class="pager-side pager-end">
            ${status}
            <button type="button" class="btn btn-tool" data-testid="thumbs-toggle"
              aria-pressed=${thumbs} aria-label=${t(thumbs ? 'reader.thumbs_hide' : 'reader.thumbs_show')}
              title=${t(thumbs ? 'reader.thumbs_hide' : 'reader.thumbs_show')}
              onClick=${() => setThumbs(!thumbs)}>${icon('thumbs')}
              <span class="tool-word">${t('docs.thumbnails')}</span></button>
          </span>
        </div>`}
    </div>`;
}
