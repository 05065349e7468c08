// My notes panel's changes not yet acknowledged (issue 13 §3): a note added, edited or
// deleted goes into the outbox (IndexedDB, offline/queue.js) and is shown at once, marked as
// waiting; the outbox is sent in order when the socket comes back, the browser is online again,
// the page is shown again, and on a timer (iPad Safari has no Background Sync).
//
// A new note carries its idempotency key: the server adds one note per key, so an add sent
// again after a lost reply adds nothing. A note still waiting to be added is named by its key
// (`local`) until the server gives it its number; an edit of it before it is sent rewrites the
// waiting add, and a delete takes the add out of the outbox: nothing is sent. Once the add is
// on its way, an edit or a delete waits behind it and is sent to the number the server gave.

import { useEffect, useMemo, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { del, post, put } from '../api.js';
import { StoredList } from '../offline/queue.js';
import { randomId } from './annotations/ids.js';

const TICK_MS = 10_000;
// Tried again later: the network, the server restarting or asking to slow down, a lost session
// (the login page follows and the outbox is wiped with the rest).
const again = (err) => !err || !err.status || err.status >= 500 || err.status === 429 || err.status === 401;
const newKey = () => `n-${randomId(16)}`;
// Does the change `c` concern the note `n` (a note from the server, or one still waiting)?
const about = (c, n) => (n.id != null && c.id === n.id) || (n.local != null && c.local === n.local);

// The notes of a document as the panel shows them: the server's, with what waits applied on
// top (edits and adds marked `waiting`, deletions left out and counted).
export function withWaiting(notes, changes, documentId) {
  let shown = [...(notes || [])];
  let deletions = 0;
  for (const c of changes.filter((x) => x.document_id === documentId)) {
    if (c.op === 'add') {
      shown.push({ id: null, local: c.local, document_id: documentId, page: c.page, text: c.text, waiting: true });
      continue;
    }
    const at = shown.findIndex((n) => about(c, n));
    if (c.op === 'delete') {
      if (at >= 0) shown = shown.filter((_, i) => i !== at);
      deletions += 1;
    } else if (at >= 0) {
      shown[at] = { ...shown[at], page: c.page, text: c.text, waiting: true };
    }
  }
  return { shown, deletions };
}

export function useNotesOutbox({ userId, liveCount, onSaved, onDeleted }) {
  const list = useMemo(() => (userId ? new StoredList(`notes.${userId}`) : null), [userId]);
  const [items, setItems] = useState([]);
  const [refused, setRefused] = useState(null);
  const busy = useRef(false);
  const more = useRef(false);
  const sending = useRef(null); // the key of the change on its way
  const acked = useRef(0); // changes the server has acknowledged, for a list fetched meanwhile
  const told = useRef({});
  told.current = { onSaved, onDeleted };

  const drop = (key) => list.replace(list.items.filter((c) => c.key !== key));

  const send = async (change) => {
    if (change.op === 'add') {
      const { note } = await post(`/api/documents/${change.document_id}/notes`,
        { page: change.page, text: change.text, key: change.key });
      // What waited behind the add now names the note by its number.
      await list.replace(list.items.filter((c) => c.key !== change.key)
        .map((c) => (c.local === change.local ? { ...c, id: note.id } : c)));
      told.current.onSaved(note);
    } else if (change.op === 'edit') {
      const { note } = await put(`/api/notes/${change.id}`,
        { document_id: change.document_id, page: change.page, text: change.text });
      await drop(change.key);
      told.current.onSaved(note);
    } else {
      try {
        await del(`/api/notes/${change.id}`);
      } catch (err) {
        if (err.status !== 404) throw err; // gone already (deleted on another device)
      }
      await drop(change.key);
      told.current.onDeleted({ id: change.id, document_id: change.document_id });
    }
    acked.current += 1;
  };

  const flush = async () => {
    if (!list) return;
    if (busy.current) {
      more.current = true;
      return;
    }
    busy.current = true;
    try {
      await list.ready;
      for (;;) {
        const change = list.items[0];
        if (!change) break;
        if (change.op !== 'add' && change.id == null) {
          // Its add was refused: there is no note to change.
          // eslint-disable-next-line no-await-in-loop
          await drop(change.key);
          continue;
        }
        sending.current = change.key;
        try {
          // eslint-disable-next-line no-await-in-loop
          await send(change);
        } catch (err) {
          if (again(err)) break;
          setRefused(err);
          // A refused add takes what waited behind it along; a refused edit leaves the note as
          // the server has it.
          // eslint-disable-next-line no-await-in-loop
          await list.replace(list.items.filter((c) => c.key !== change.key
            && !(change.op === 'add' && c.local === change.local)));
          acked.current += 1;
        } finally {
          sending.current = null;
        }
      }
    } finally {
      busy.current = false;
      if (more.current) {
        more.current = false;
        flush();
      }
    }
  };

  useEffect(() => {
    if (!list) return undefined;
    // Shown once written on the device: a reload right after keeps what the panel showed.
    const stop = list.subscribe(() => list.writing.then(() => setItems(list.items)));
    list.ready.then(() => setItems(list.items));
    const visible = () => { if (document.visibilityState === 'visible') flush(); };
    const tick = setInterval(() => { if (list.items.length) flush(); }, TICK_MS);
    window.addEventListener('online', flush);
    document.addEventListener('visibilitychange', visible);
    return () => {
      stop();
      clearInterval(tick);
      window.removeEventListener('online', flush);
      document.removeEventListener('visibilitychange', visible);
    };
  }, [list]);
  // Every (re)connection of the meeting's socket.
  useEffect(() => { flush(); }, [list, liveCount]);


  return {
    items,
    refused,
    dismiss: () => setRefused(null),
    acked: () => acked.current,
    add: async (documentId, page, text) => {
      setRefused(null);
      if (!list) return;
      await list.ready;
      const key = newKey();
      await list.replace([...list.items, { key, local: key, op: 'add', document_id: documentId, page, text,
        made_at: new Date().toISOString() }]);
      await flush();
    },
    // An edit rewrites the note's add or edit still waiting (not the one on its way).
    edit: async (note, page, text) => {
      setRefused(null);
      if (!list) return;
      await list.ready;
      const waiting = list.items.find((c) => c.key !== sending.current && about(c, note) && c.op !== 'delete');
      await list.replace(waiting ? list.items.map((c) => (c === waiting ? { ...c, page, text } : c))
        : [...list.items, { key: newKey(), op: 'edit', id: note.id ?? null, local: note.local ?? null,
          document_id: note.document_id, page, text }]);
      await flush();
    },
    // A delete takes out what waits for the note; a note the server never had is just forgotten.
    remove: async (note) => {
      setRefused(null);
      if (!list) return;
      await list.ready;
      const unsent = list.items.some((c) => about(c, note) && c.op === 'add' && c.key !== sending.current);
      const kept = list.items.filter((c) => !about(c, note) || c.key === sending.current);
      await list.replace(unsent ? kept : [...kept, { key: newKey(), op: 'delete', id: note.id ?? null,
        local: note.local ?? null, document_id: note.document_id }]);
      await flush();
    },
  };
}
