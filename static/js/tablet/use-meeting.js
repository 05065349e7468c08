// A meeting kept live in a component: the HTTP snapshot first, then the WebSocket
// (realtime.js) with every publication applied through meeting-state.js, and handed to
// whoever listens (the annotations, the presenter's pointer and ink: they keep their own state).

import { useCallback, useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get } from '../api.js';
import { applyPublication, fromSnapshot, withAgenda } from '../meeting-state.js';
import { ConnState, MeetingConnection } from '../realtime.js';
import { loginAddress, navigate } from '../router.js';
import { forgetMeeting, wipeDevice } from '../offline/store.js';

export function useMeeting(meetingId, { device } = {}) {
  const [state, setState] = useState(null);
  const [connState, setConnState] = useState(ConnState.CONNECTING);
  const [terminal, setTerminal] = useState(null);
  const [loadError, setLoadError] = useState(null);
  const [liveCount, setLiveCount] = useState(0);
  // When the live connection was lost (ms), null while live or before it first was.
  const [lostAt, setLostAt] = useState(null);
  const held = useRef({ state: null, conn: null, listeners: new Set() });

  // Every change goes through here, so publications apply to the latest state in order.
  const update = useCallback((change) => {
    held.current.state = change(held.current.state);
    setState(held.current.state);
  }, []);

  useEffect(() => {
    let stopped = false;
    const url = `/api/meetings/${meetingId}`;
    // A roomful of tablets hears `agenda.changed` at once: spread their reloads over a
    // second or so, and fold a burst of changes into one reload. A change heard while the
    // reload is already on its way may be missing from its answer: one more reload follows.
    let reloading = null;
    let again = false;
    const reloadAgenda = () => {
      if (reloading) {
        again = true;
        return;
      }
      reloading = setTimeout(() => {
        again = false;
        get(url).then(
          (snap) => !stopped && update((s) => (s ? withAgenda(s, snap) : fromSnapshot(snap))),
          () => {},
        ).finally(() => {
          reloading = null;
          if (again && !stopped) reloadAgenda();
        });
      }, Math.random() * 1500);
    };
    // Opened with no network (the app started from its saved shell): the snapshot is asked for
    // again when the browser is back online, and on a timer; what waits in the outboxes is
    // sent once the meeting is open.
    let retry = null;
    const openAgain = () => {
      clearTimeout(retry);
      window.removeEventListener('online', openAgain);
      if (!stopped) open();
    };
    // The HTTP snapshot first: the page shows at once, and a reconnect from the positions
    // kept in sessionStorage then only adds what happened since.
    const open = () => get(url).then((snap) => {
      if (stopped) return;
      setLoadError(null);
      update((s) => fromSnapshot(snap, s));
      const conn = new MeetingConnection(meetingId, {
        ...(device ? { device } : {}),
        onSnapshot: (s2) => update((s) => fromSnapshot(s2, s)),
        onPublication: (pub) => {
          update((s) => applyPublication(s, pub));
          if (pub.type === 'agenda.changed') reloadAgenda();
          held.current.listeners.forEach((fn) => fn(pub));
        },
        onPresence: (data) => update((s) => s && { ...s, presence: data.connections }),
        onState: (next) => {
          setConnState(next);
          if (next === ConnState.LIVE) setLostAt(null);
          else if (held.current.wasLive) setLostAt((at) => at ?? Date.now());
          if (next === ConnState.LIVE) held.current.wasLive = true;
        },
        onLive: () => setLiveCount((n) => n + 1),
        onTerminal: (code) => {
          setTerminal(code);
          // The session ended (logged out elsewhere, account deactivated): the device forgets
          // everything it kept. No longer a participant, or the minutes signed: this meeting.
          if (code === 4100) {
            const to = loginAddress();
            wipeDevice().finally(() => navigate(to, { replace: true }));
          }
          if (code === 4101 || code === 4102) forgetMeeting(meetingId).catch(() => {});
        },
      });
      held.current.conn = conn;
      conn.start();
    }, (err) => {
      if (stopped) return;
      setLoadError(err);
      if (!err.status || err.status >= 500) {
        window.addEventListener('online', openAgain);
        retry = setTimeout(openAgain, 10_000);
      }
    });
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      window.removeEventListener('online', openAgain);
      clearTimeout(reloading);
      held.current.conn?.stop();
      held.current.conn = null;
    };
  }, [meetingId]);

  return {
    state, update, connState, lostAt, terminal, loadError, liveCount,
    conn: () => held.current.conn,
    // listen(fn) → stop(): fn(publication) for every publication from now on.
    listen: useCallback((fn) => {
      held.current.listeners.add(fn);
      return () => held.current.listeners.delete(fn);
    }, []),
  };
}
