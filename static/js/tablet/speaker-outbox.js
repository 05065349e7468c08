// Requests to speak made on this tablet and not yet acknowledged (issue 13 §3). A tap makes
// the request with its idempotency key and puts it in the outbox (IndexedDB, offline/queue.js),
// then sends it; without the network it waits, and is sent again when the socket comes back,
// the browser is online again, the page is shown again, and on a timer (iPad Safari has no
// Background Sync). The server answers a key it has seen with the request it made then, so
// sending twice puts nobody on the list twice. A request that arrives when the meeting has
// ended (or that the server refuses for another reason) leaves the outbox and is shown refused.

import { useEffect, useMemo, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { post } from '../api.js';
import { StoredList } from '../offline/queue.js';
import { randomId } from './annotations/ids.js';

const TICK_MS = 10_000;
// Tried again later: the network, the server restarting or asking to slow down, a lost session
// (the login page follows and the outbox is wiped with the rest).
const again = (err) => !err || !err.status || err.status >= 500 || err.status === 429 || err.status === 401;

export function useSpeakerOutbox({ meetingId, userId, liveCount }) {
  const list = useMemo(() => (userId ? new StoredList(`speakers.${userId}`) : null), [userId]);
  const [items, setItems] = useState([]);
  const [refused, setRefused] = useState(null);
  const busy = useRef(false);
  const more = useRef(false);

  const mine = items.filter((c) => c.meeting_id === meetingId);

  const flush = async () => {
    if (!list) return;
    if (busy.current) {
      more.current = true;
      return;
    }
    busy.current = true;
    try {
      await list.ready;
      for (const change of list.items.filter((c) => c.meeting_id === meetingId)) {
        try {
          // eslint-disable-next-line no-await-in-loop
          await post(`/api/meetings/${meetingId}/speakers`, { kind: change.kind, key: change.key });
        } catch (err) {
          if (again(err)) break;
          setRefused(err);
        }
        // eslint-disable-next-line no-await-in-loop
        await list.replace(list.items.filter((c) => c.key !== change.key));
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
    const stop = list.subscribe(() => setItems(list.items));
    list.ready.then(() => setItems(list.items));
    const visible = () => { if (document.visibilityState === 'visible') flush(); };
    const tick = setInterval(() => { if (list.items.some((c) => c.meeting_id === meetingId)) flush(); }, TICK_MS);
    window.addEventListener('online', flush);
    document.addEventListener('visibilitychange', visible);
    return () => {
      stop();
      clearInterval(tick);
      window.removeEventListener('online', flush);
      document.removeEventListener('visibilitychange', visible);
    };
  }, [list, meetingId]);
  // Every (re)connection of the meeting's socket.
  useEffect(() => { flush(); }, [list, meetingId, liveCount]);

  return {
    waiting: mine,
    refused,
    dismiss: () => setRefused(null),
    ask: async (kind) => {
      setRefused(null);
      if (!list || mine.some((c) => c.kind === kind)) return;
      await list.ready;
      await list.replace([...list.items, { key: `s-${randomId(16)}`, meeting_id: meetingId, kind,
        made_at: new Date().toISOString() }]);
      await flush();
    },
  };
}
