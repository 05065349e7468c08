// The page viewer: one PDF page as an image sized for this screen, page buttons, swipe
// and arrow keys, and the next page fetched ahead so turning is instant.

import { html, useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { t } from '../i18n.js';

// The widths the server renders (it rounds up to these); asking for them exactly keeps
// one browser-cache entry per page.
const WIDTHS = [320, 480, 640, 800, 1024, 1280, 1600, 2048, 2560];

export function snapWidth(px) {
  return WIDTHS.find((w) => w >= px) || WIDTHS[WIDTHS.length - 1];
}

export function pageUrl(documentId, page, width) {
  return `/api/documents/${documentId}/pages/${page}?w=${width}`;
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
  const src = pageUrl(doc.id, page, width) + (attempt ? `&retry=${attempt}` : '');
  return html`
    <img class=${className} src=${src} data-testid=${testid} data-page=${page}
      data-document=${doc.id} alt=${t('tablet.page_alt', { title: doc.title || doc.filename, page })}
      onError=${() => setFailed(true)} />
    ${failed && html`<p class="page-failed" role="status">${t('tablet.page_failed')}</p>`}`;
}

export function Viewer({ doc, page, onPage, children }) {
  const box = useRef(null);
  const cssWidth = useWidth(box);
  const width = snapWidth(Math.ceil((cssWidth || 800) * (window.devicePixelRatio || 1)));
  const count = doc ? doc.page_count : 0;
  const go = (n) => { if (doc && n >= 1 && n <= count && n !== page) onPage(n); };

  usePreload(doc ? [page < count && pageUrl(doc.id, page + 1, width),
    page > 1 && pageUrl(doc.id, page - 1, width)] : []);

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
  const onPointerDown = (e) => { if (e.pointerType !== 'mouse') start.current = [e.clientX, e.clientY]; };
  const onPointerUp = (e) => {
    if (!start.current) return;
    const [x, y] = start.current;
    start.current = null;
    const dx = e.clientX - x;
    if (Math.abs(dx) > 60 && Math.abs(dx) > 2 * Math.abs(e.clientY - y)) go(dx < 0 ? page + 1 : page - 1);
  };

  return html`
    <div class="viewer">
      <div class="viewer-stage" ref=${box} onPointerDown=${onPointerDown} onPointerUp=${onPointerUp}>
        ${doc ? html`<${PageImage} doc=${doc} page=${page} width=${width} testid="viewer-img" />`
          : children}
      </div>
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
