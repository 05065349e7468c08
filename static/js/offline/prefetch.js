// The meeting's documents saved on the tablet (issue 13 §1): when a participant opens a
// meeting, every page of every document on its agenda is fetched at the reader's width into
// the meeting's cache (store.js), the current item first, then the ones after it, then the
// ones before; the reader is told how far it got and how much space the app uses. When space
// runs out, only the current and the next item are kept. A new version of a document replaces
// that document's pages only; a document taken off the agenda leaves. Meetings with
// confidential content, sealed meetings and expired ones are never kept (and are deleted if
// they were). The service worker (sw.js) answers the reader's page images from this cache.

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { formatBytes, formatDateTime } from '../format.js';
import { getLang, t } from '../i18n.js';
import { icon } from '../tablet/icons.js';
import { pageUrl, snapWidth, THUMB } from '../tablet/viewer.js';
import { onReaderWidth, readerWidth } from './reader-width.js';
import { canKeep, forgetMeeting, meetingCache, writeRecord } from './store.js';

const PARALLEL = 2; // pages fetched at once: a roomful of tablets shares the server
const PAGE_PATH = /\/api\/documents\/(\d+)\/pages\/\d+/;
// The pages the newest run for each meeting means to keep. A run the next one replaced (the
// agenda changed: a document withdrawn, the member excluded from an item) may still have a
// page on its way: once it lands, it stays only if the newest run wants it.
const latestPlan = new Map();

// The agenda's items in the order their documents are saved: the current item (or the
// first), the ones after it, then the ones before.
export function itemsInOrder(items, currentItemId) {
  const live = (items || []).filter((i) => !i.withdrawn);
  const at = Math.max(0, live.findIndex((i) => i.id === currentItemId));
  return [...live.slice(at), ...live.slice(0, at)];
}

// Every page to save, in order: {url, itemId, thumb}; each item's thumbnails (for the strip
// under the page) after its pages, and not counted as pages.
function pagesToSave(ordered, width) {
  const out = [];
  const at = (doc, n, w) => new URL(pageUrl(doc, n, w), location.origin).href;
  for (const item of ordered) {
    const docs = (item.documents || []).filter((d) => !d.withdrawn_at && d.page_count);
    for (const doc of docs) {
      for (let n = 1; n <= doc.page_count; n += 1) out.push({ url: at(doc, n, width), itemId: item.id, docId: doc.id, thumb: false });
    }
    if (width === THUMB) continue;
    for (const doc of docs) {
      for (let n = 1; n <= doc.page_count; n += 1) out.push({ url: at(doc, n, THUMB), itemId: item.id, docId: doc.id, thumb: true });
    }
  }
  return out;
}

const isQuotaError = (err) => err && (err.name === 'QuotaExceededError' || err.code === 22);

async function usedBytes() {
  try {
    return (await navigator.storage.estimate()).usage ?? null;
  } catch {
    return null;
  }
}

// The reader's width for the pages, or an estimate from the screen until a page is shown.
function useSaveWidth() {
  const guess = () => readerWidth() || snapWidth(Math.ceil(window.innerWidth * (window.devicePixelRatio || 1)));
  const [width, setWidth] = useState(guess);
  useEffect(() => onReaderWidth(setWidth), []);
  return width;
}

// Saves the meeting on the tablet while it is open; answers how far it got:
// {kind: 'saving' | 'saved' | 'confidential' | 'sealed' | 'off', done, total, failed, short,
//  used, expiresAt}.
export function useOfflineCopy(state) {
  const width = useSaveWidth();
  const [status, setStatus] = useState(null);
  const meetingId = state?.meeting?.id;
  const offline = state?.offline;
  const sealed = state?.meeting?.status === 'sealed';
  const ordered = itemsInOrder(state?.items, state?.presentation?.item_id);
  const plan = ordered.map((i) => `${i.id}:${(i.documents || []).filter((d) => !d.withdrawn_at)
    .map((d) => `${d.id}@${d.sha256}#${d.page_count}`).join(',')}`).join(';');
  const allowed = Boolean(offline?.allowed) && !sealed;

  const known = Boolean(offline);
  const expiresAt = offline?.expires_at;
  const keep = allowed && Date.parse(expiresAt) > Date.now();

  // Each snapshot moves a running meeting's expiry on: the record follows it.
  useEffect(() => {
    if (meetingId && keep && canKeep()) {
      writeRecord({ id: meetingId, expires_at: expiresAt, saved_at: new Date().toISOString() }).catch(() => {});
    }
  }, [meetingId, keep, expiresAt]);

  useEffect(() => {
    if (!meetingId || !known || !canKeep()) return undefined;
    let stopped = false;
    const report = (s) => { if (!stopped) setStatus(s); };
    (async () => {
      if (!keep) {
        await forgetMeeting(meetingId);
        report({ kind: offline.confidential ? 'confidential' : sealed ? 'sealed' : 'off' });
        return;
      }
      // The record first: the start-up sweep deletes a cache it finds without one.
      await writeRecord({ id: meetingId, expires_at: expiresAt, saved_at: new Date().toISOString() });
      navigator.storage?.persist?.().catch(() => {});
      let pages = pagesToSave(ordered, width);
      let planned = new Set(pages.map((p) => p.url));
      latestPlan.set(meetingId, planned);
      const current = new Map(ordered.flatMap((i) => (i.documents || []).map((d) => [d.id, d])));
      const cache = await meetingCache(meetingId);
      if (!cache) return;
      const have = new Set();
      for (const request of await cache.keys()) {
        if (planned.has(request.url)) { have.add(request.url); continue; }
        // Another width of a page still current stays (the other orientation); a replaced
        // version's pages, and a document no longer on the agenda, go.
        const url = new URL(request.url);
        const doc = current.get(Number(url.pathname.match(PAGE_PATH)?.[1]));
        if (!doc || url.searchParams.get('r') !== (doc.sha256 || '').slice(0, 16)) await cache.delete(request);
      }
      // Pages are counted for the reader; thumbnails are saved too, but not counted.
      let counted = new Set(pages.filter((p) => !p.thumb).map((p) => p.url));
      const done = () => [...have].filter((u) => counted.has(u)).length;
      const progress = { kind: 'saving', done: done(), total: counted.size, failed: 0, short: false,
        used: await usedBytes(), expiresAt };
      report({ ...progress });
      // Space ran out: keep the current and the next item, drop the rest, go on with those.
      const keepTwoItems = async () => {
        const two = new Set(ordered.slice(0, 2).map((i) => i.id));
        pages = pages.filter((p) => two.has(p.itemId));
        planned = new Set(pages.map((p) => p.url));
        latestPlan.set(meetingId, planned);
        for (const request of await cache.keys()) if (!planned.has(request.url)) await cache.delete(request);
        have.forEach((u) => { if (!planned.has(u)) have.delete(u); });
        counted = new Set(pages.filter((p) => !p.thumb).map((p) => p.url));
        Object.assign(progress, { short: true, total: counted.size, done: done() });
      };
      const queue = pages.filter((p) => !have.has(p.url));
      let at = 0;
      // A document the server refused a page of (the member excluded from its item, the
      // document withdrawn) is not asked for again in this run: the new agenda is on its way.
      const refused = new Set();
      const next = () => {
        while (at < queue.length && (!planned.has(queue[at].url) || refused.has(queue[at].docId))) at += 1;
        return at < queue.length ? queue[at++] : null;
      };
      let full = false;
      let secret = false;
      const worker = async () => {
        for (let p = next(); p && !stopped && !full && !secret; p = next()) {
          const missed = () => { if (!p.thumb) progress.failed += 1; };
          let response;
          try {
            response = await fetch(p.url, { credentials: 'same-origin' });
          } catch {
            missed(); // the network went: what is saved stays
            continue;
          }
          if (!response.ok) {
            if (response.status === 403 || response.status === 404) refused.add(p.docId);
            missed();
            continue;
          }
          // A page made for one viewer (the meeting turned confidential meanwhile): not kept.
          if ((response.headers.get('cache-control') || '').includes('no-store')) { secret = true; break; }
          try {
            await cache.put(p.url, response);
          } catch (err) {
            if (!isQuotaError(err)) { missed(); continue; }
            if (!planned.has(p.url)) continue;
            if (progress.short) { full = true; break; }
            await keepTwoItems();
            if (planned.has(p.url)) queue.push(p); // room was made: once more, later
            report({ ...progress });
            continue;
          }
          // Given up while it came (space ran short, or a newer run no longer wants it): it
          // does not stay.
          if (stopped ? !latestPlan.get(meetingId)?.has(p.url) : !planned.has(p.url)) {
            await cache.delete(p.url);
            continue;
          }
          if (stopped) break;
          have.add(p.url);
          if (p.thumb) continue;
          progress.done += 1;
          if (progress.done % 5 === 0) progress.used = await usedBytes();
          report({ ...progress });
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      if (secret) {
        await forgetMeeting(meetingId);
        report({ kind: 'confidential' });
        return;
      }
      if (stopped) return;
      progress.used = await usedBytes();
      report({ ...progress, kind: 'saved' });
    })().catch(() => {});
    return () => { stopped = true; };
  }, [meetingId, known, keep, width, plan]);
  return status;
}

// One line on what is kept: pages saved, the space used, until when.
export function offlineText(status) {
  if (!status) return '';
  if (status.kind === 'confidential') return t('offline.confidential');
  if (status.kind === 'sealed') return t('offline.sealed');
  if (status.kind === 'off' || !status.total) return ''; // nothing to save (an unpublished agenda)
  const parts = [t(status.kind === 'saved' && !status.failed ? 'offline.saved' : 'offline.saving',
    { done: status.done, total: status.total })];
  if (status.used != null) parts.push(t('offline.used', { size: formatBytes(status.used, getLang()) }));
  if (status.kind === 'saved' && status.expiresAt) parts.push(t('offline.until', { time: formatDateTime(status.expiresAt) }));
  return parts.join(' · ');
}

// In the reader's page bar: how many pages are saved ("34/120"); a tap opens the whole line
// above it (pages, space used, until when). It opens by itself a few seconds when something
// needs saying (space short, pages missing, not kept), and never lies over the page otherwise,
// where a pen is drawing.
export function OfflineStatus({ status }) {
  const [open, setOpen] = useState(false);
  const notice = status?.kind === 'confidential' || status?.kind === 'sealed';
  const warn = Boolean(status?.short) || (status?.kind === 'saved' && status.failed > 0);
  useEffect(() => {
    if (!notice && !warn) return undefined;
    setOpen(true);
    const timer = setTimeout(() => setOpen(false), 8000);
    return () => clearTimeout(timer);
  }, [status?.kind, warn]);
  const text = offlineText(status);
  if (!text) return null;
  return html`<span class=${`offline-status${warn ? ' offline-warned' : ''}`} data-testid="offline-status"
      data-kind=${status.kind} data-done=${status.done} data-total=${status.total}>
    <button type="button" class="btn btn-tool offline-chip" data-testid="offline-chip"
      aria-expanded=${open} aria-label=${text} title=${text} onClick=${() => setOpen(!open)}>
      ${icon(notice ? 'lock' : 'saved')}
      ${!notice && html`<span class="offline-count">${status.done}/${status.total}</span>`}</button>
    <span class="offline-pop" role="status" hidden=${!open}>
      <span>${text}</span>
      ${status.short && html`<span class="offline-warn">${t('offline.short')}</span>`}
      ${status.failed > 0 && status.kind === 'saved'
        && html`<span class="offline-warn">${t('offline.failed', { count: status.failed })}</span>`}
    </span>
  </span>`;
}
