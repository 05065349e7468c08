// The annotations of one document as this tablet knows them: what is drawn, the undo and
// redo history of my own changes, a copy in localStorage so a reload (or no network) keeps
// them, and every change of mine handed to the outbox for the server. Changes that arrive
// from elsewhere (my other devices, others sharing) are taken in without entering my history.

import { useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { randomId } from './ids.js';

const HISTORY = 100;

function cacheKey(userId, documentId) {
  return `phonghop.annotations.${userId}.${documentId}`;
}

function loadCache(userId, documentId) {
  try {
    const v = JSON.parse(localStorage.getItem(cacheKey(userId, documentId)) || '{}');
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

export function newAnnotation({ doc, version, page, me, kind, color, data }) {
  const now = new Date().toISOString();
  return {
    id: `a-${randomId(12)}`,
    document_id: doc.id,
    version,
    page,
    kind,
    color,
    data,
    owner: { id: me.user_id, name: me.full_name },
    sharing: { meeting: false, users: [] },
    placement: 'placed',
    origin: { version, page },
    rev: 0,
    created_at: now,
    updated_at: now,
  };
}

// `outbox` (optional) receives each of my changes: add(op, annotation).
export function useAnnotationBook({ documentId, userId, outbox }) {
  const [byId, setById] = useState(() => (documentId ? loadCache(userId, documentId) : {}));
  const history = useRef({ done: [], undone: [] });
  const [, setTick] = useState(0);
  const live = useRef(byId);
  live.current = byId;

  useEffect(() => {
    const fresh = documentId ? loadCache(userId, documentId) : {};
    live.current = fresh;
    setById(fresh);
    history.current = { done: [], undone: [] };
    setTick((n) => n + 1);
  }, [documentId, userId]);

  const store = (next) => {
    live.current = next;
    setById(next);
    const mine = Object.fromEntries(Object.entries(next).filter(([, a]) => a.owner?.id === userId));
    try { localStorage.setItem(cacheKey(userId, documentId), JSON.stringify(mine)); } catch { /* memory only */ }
  };

  // One change of mine: `after` null deletes `before`.
  const write = (next, before, after) => {
    if (after) {
      const a = { ...after, updated_at: new Date().toISOString() };
      next[a.id] = a;
      outbox?.add('put', a);
    } else if (before) {
      delete next[before.id];
      outbox?.add('delete', before);
    }
  };

  // A user's action: a list of {before, after} (null for "did not exist" / "deleted").
  const apply = (steps) => {
    if (!steps.length) return;
    const next = { ...live.current };
    steps.forEach(({ before, after }) => write(next, before, after));
    store(next);
    const h = history.current;
    h.done = [...h.done.slice(-HISTORY + 1), steps];
    h.undone = [];
    setTick((n) => n + 1);
  };

  const replay = (from, to, backwards) => {
    const h = history.current;
    const steps = h[from].pop();
    if (!steps) return;
    const next = { ...live.current };
    const order = backwards ? [...steps].reverse() : steps;
    order.forEach(({ before, after }) => (backwards ? write(next, after, before) : write(next, before, after)));
    store(next);
    h[to].push(steps);
    setTick((n) => n + 1);
  };

  // From the server or another device: placed as is, outside my history.
  const receive = (annotation) => {
    if (annotation.document_id !== documentId) return;
    const old = live.current[annotation.id];
    if (old && old.rev > annotation.rev) return;
    store({ ...live.current, [annotation.id]: annotation });
  };
  const forget = (id) => {
    if (!live.current[id]) return;
    const next = { ...live.current };
    delete next[id];
    store(next);
  };
  // The server's whole list: it replaces what it knows about; my changes it has not yet
  // acknowledged stay as I made them.
  const load = (annotations, pendingIds = new Set()) => {
    const next = {};
    annotations.forEach((a) => { next[a.id] = a; });
    Object.values(live.current).forEach((a) => { if (pendingIds.has(a.id)) next[a.id] = a; });
    pendingIds.forEach((id) => { if (!live.current[id]) delete next[id]; });
    store(next);
  };

  return {
    byId,
    all: Object.values(byId),
    get: (id) => live.current[id],
    apply,
    undo: () => replay('done', 'undone', true),
    redo: () => replay('undone', 'done', false),
    canUndo: history.current.done.length > 0,
    canRedo: history.current.undone.length > 0,
    receive,
    forget,
    load,
  };
}
