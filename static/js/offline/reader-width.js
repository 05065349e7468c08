// The width (device pixels) at which the reader asks for page images, unzoomed: the offline
// copy is fetched at that width so the reader finds its pages in it. Kept for the next visit.

const KEY = 'phonghop.reader.width';
const listeners = new Set();
let width = 0;
try { width = Number(localStorage.getItem(KEY)) || 0; } catch { /* none kept */ }

export const readerWidth = () => width;

export function noteReaderWidth(next) {
  if (!next || next === width) return;
  width = next;
  try { localStorage.setItem(KEY, String(next)); } catch { /* this page only */ }
  listeners.forEach((fn) => fn(width));
}

// listen(fn) → stop(): fn(width) at each change.
export function onReaderWidth(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
