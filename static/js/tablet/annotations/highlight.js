// The highlighter that snaps to the text: the page's words (boxes from the server's text
// extraction, in page fractions, reading order), the word under a finger, the run of words
// between two of them as one box per line, and the W3C selectors of that run (the quote
// with its prefix and suffix, and its character position in the page's text), as the
// annotations contract defines them.

import { get } from '../../api.js';

const cache = new Map(); // "doc:page:version" -> Promise of words (or null if unknown)

// The page's words, or null when the server has none for it (a scanned page, or no route).
export function pageWords(documentId, page, version) {
  const key = `${documentId}:${page}:${version || ''}`;
  if (!cache.has(key)) {
    const q = version ? `?version=${version}` : '';
    cache.set(key, get(`/api/documents/${documentId}/pages/${page}/words${q}`).then(
      (r) => (Array.isArray(r.words) && r.words.length ? r.words : null),
      () => { cache.delete(key); return null; },
    ));
  }
  return cache.get(key);
}

// The page's text, as selectors count it: the words joined by single spaces.
export const pageText = (words) => words.map((w) => w[4]).join(' ');

// The word nearest to (x, y), if one is within `reach` page widths of it.
export function wordAt(words, x, y, ratio, reach = 0.02) {
  let best = -1;
  let bestD = reach;
  words.forEach(([x0, y0, x1, y1], i) => {
    const dx = Math.max(x0 - x, 0, x - x1);
    const dy = Math.max(y0 - y, 0, y - y1) * ratio;
    const d = Math.hypot(dx, dy);
    if (d < bestD || (best < 0 && d <= bestD)) {
      best = i;
      bestD = d;
    }
  });
  return best;
}

// One rectangle per line for words a..b (inclusive, reading order): a word starts a new line
// when it does not share most of its height with the line so far or goes back leftwards.
export function lineRects(words, a, b) {
  const rects = [];
  let cur = null;
  for (let i = Math.min(a, b); i <= Math.max(a, b); i += 1) {
    const [x0, y0, x1, y1] = words[i];
    const overlap = cur ? Math.min(cur[3], y1) - Math.max(cur[1], y0) : 0;
    if (cur && overlap > 0.5 * Math.min(cur[3] - cur[1], y1 - y0) && x0 >= cur[0] - 0.005) {
      cur = [Math.min(cur[0], x0), Math.min(cur[1], y0), Math.max(cur[2], x1), Math.max(cur[3], y1)];
      rects[rects.length - 1] = cur;
    } else {
      cur = [x0, y0, x1, y1];
      rects.push(cur);
    }
  }
  return rects.map((r) => r.map((v) => Math.round(v * 1e5) / 1e5));
}

const CONTEXT = 32;

// The selectors of words a..b: a TextQuoteSelector (exact, prefix, suffix) and a
// TextPositionSelector (start, end exclusive) into the page's text.
export function textTarget(words, a, b) {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const text = pageText(words);
  let start = 0;
  for (let i = 0; i < lo; i += 1) start += words[i][4].length + 1;
  let end = start;
  for (let i = lo; i <= hi; i += 1) end += words[i][4].length + (i > lo ? 1 : 0);
  return {
    quote: { exact: text.slice(start, end), prefix: text.slice(Math.max(0, start - CONTEXT), start), suffix: text.slice(end, end + CONTEXT) },
    position: { start, end },
  };
}
