// My annotations kept in step with the server: the document's annotations (and my unplaced
// ones) fetched when it opens and after every reconnect; the outbox sent over the open
// WebSocket (`annotation.change`), or as one HTTP batch when the socket is not up, and again
// whenever the socket comes back, the browser is back online, the page is shown again, or on a
// timer while anything waits; `annotation.saved` and
// `annotation.deleted` from my other devices and from those who share with me applied at
// once (my own device's echo is skipped: I drew it already).

import { useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get, post } from '../../api.js';
import { deviceId } from './ids.js';

const BATCH = 200;
const RETRY_MS = 5000;
const TICK_MS = 15000;

const wire = ({ key, op, annotation }) => ({ key, op, annotation });
// The server saw the change and refused it (it will refuse it again), as opposed to a lost
// network or a server asking to slow down: those are tried again later.
const AGAIN = new Set(['network', 'offline', 'disconnected', 'rate_limited', 'unknown_type']);
const answered = (err) => Boolean(err && err.error && !AGAIN.has(err.error));

export function useAnnotationSync({ doc, book, outbox, meeting }) {
  const [unplaced, setUnplaced] = useState([]);
  const [failed, setFailed] = useState(null); // the last change the server refused
  const [round, setRound] = useState(0); // a reload asked for (after sharing)
  const [waiting, setWaiting] = useState(outbox.pending().length); // changes not yet saved
  useEffect(() => outbox.subscribe(setWaiting), [outbox]);
  const live = useRef({});
  live.current = { doc, book, outbox, meeting };
  // What the server acknowledged while the document's list was on its way (id → annotation,
  // or null when deleted): the list may predate it, so it is applied again on top of it.
  const late = useRef(null);
  const device = deviceId();

  // The document's annotations (of all its versions) and which version is the current one
  // (the page shows those placed on it), whenever it opens or the connection comes back.
  const [version, setVersion] = useState(null);
  useEffect(() => {
    if (!doc) return undefined;
    let current = true;
    get(`/api/documents/${doc.id}/versions`).then((r) => {
      const numbers = (r.versions || []).map((v) => v.number);
      if (current && numbers.length) setVersion(Math.max(...numbers));
    }, () => {});
    const acknowledged = new Map();
    late.current = acknowledged;
    Promise.all([get(`/api/documents/${doc.id}/annotations`), outbox.ready]).then(([r]) => {
      if (!current) return;
      const pending = new Set(outbox.pending(doc.id).map((c) => c.annotation.id));
      book.load(r.annotations || [], pending);
      acknowledged.forEach((a, id) => (a ? book.receive(a) : book.forget(id)));
      if (late.current === acknowledged) late.current = null;
      setUnplaced(r.unplaced || []);
    }, () => {});
    return () => { current = false; };
  }, [doc?.id, doc?.sha256, meeting.liveCount, round]);

  // Sending: one flush at a time; changes made meanwhile go in the next round.
  useEffect(() => {
    let busy = false;
    let again = false;
    let timer = null;
    const settle = (sent, results) => {
      if (!results.length) throw new Error('no results');
      const done = [];
      results.forEach((r, i) => {
        const change = sent[i];
        done.push(r?.key || change.key);
        if (r?.status === 'error') {
          // Deleting what the server never had (made and unmade offline) is done already.
          if (!(change.op === 'delete' && r.error === 'not_found')) setFailed({ ...r, change });
        } else if (change.op === 'delete') {
          late.current?.set(change.annotation.id, null);
        } else if (r?.annotation) {
          const id = r.annotation.id;
          const newer = outbox.pending().some((c) => c.annotation.id === id && c.key !== change.key);
          if (!newer) {
            live.current.book.receive(r.annotation);
            late.current?.set(id, r.annotation);
          }
        }
      });
      outbox.done(done);
    };
    const flush = async () => {
      if (busy) { again = true; return; }
      busy = true;
      clearTimeout(timer);
      try {
        for (;;) {
          const batch = outbox.pending().slice(0, BATCH);
          if (!batch.length) break;
          const c = live.current.meeting.conn();
          if (c && c.live) {
            for (const change of batch) {
              let result;
              try {
                // eslint-disable-next-line no-await-in-loop
                const reply = await c.command('annotation.change', { device, ...wire(change) });
                result = reply.result || reply;
              } catch (err) {
                if (!answered(err)) throw err;
                result = { key: change.key, status: 'error', error: err.error, message_vi: err.message_vi, message_en: err.message_en };
              }
              settle([change], [result]);
            }
          } else {
            let results;
            try {
              // eslint-disable-next-line no-await-in-loop
              results = (await post('/api/annotations/changes', { device, changes: batch.map(wire) })).results || [];
            } catch (err) {
              if (!answered(err) || err.status >= 500 || err.status === 401) throw err;
              results = batch.map((change) => ({ key: change.key, status: 'error', error: err.error,
                message_vi: err.message_vi, message_en: err.message_en }));
            }
            settle(batch, results);
          }
        }
      } catch {
        // No network, or the socket dropped mid-way: all that is unacknowledged stays queued.
        timer = setTimeout(flush, RETRY_MS);
      } finally {
        busy = false;
        if (again) { again = false; flush(); }
      }
    };
    // No Background Sync on iPad Safari: the outbox is sent when the network or the page
    // comes back, and on a timer while anything waits.
    const stop = outbox.subscribe(() => flush());
    const visible = () => { if (document.visibilityState === 'visible') flush(); };
    const tick = setInterval(() => { if (outbox.pending().length) flush(); }, TICK_MS);
    window.addEventListener('online', flush);
    document.addEventListener('visibilitychange', visible);
    flush();
    return () => {
      stop();
      window.removeEventListener('online', flush);
      document.removeEventListener('visibilitychange', visible);
      clearInterval(tick);
      clearTimeout(timer);
    };
  }, [outbox, meeting.liveCount]);

  // What the others (and my other devices) change.
  useEffect(() => meeting.listen((pub) => {
    const { book: b } = live.current;
    const d = pub.data || {};
    // A note written in the notes panel is an annotation too: fetch the page's again.
    if ((pub.type === 'note.saved' || pub.type === 'note.deleted') && d.document_id === live.current.doc?.id) {
      setRound((n) => n + 1);
      return;
    }
    if (pub.type !== 'annotation.saved' && pub.type !== 'annotation.deleted') return;
    if (d.device && d.device === device) return;
    if (pub.type === 'annotation.saved' && d.annotation) b.receive(d.annotation);
    if (pub.type === 'annotation.deleted' && d.id) b.forget(d.id);
  }), [meeting.listen]);

  return { version, unplaced, waiting, failed, dismissFailed: () => setFailed(null), reload: () => setRound((n) => n + 1) };
}
