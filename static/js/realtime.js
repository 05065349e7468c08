// One tablet's live connection to a meeting (docs/protocol.md): connect with the positions
// last seen, take a snapshot or the missed publications, apply every publication exactly
// once in offset order, answer pings, and come back after a drop with jittered backoff.

import { ApiError } from './api.js';
import { both } from './i18n.js';

export const ConnState = Object.freeze({
  CONNECTING: 'connecting',
  LIVE: 'live',
  RECONNECTING: 'reconnecting',
  OFFLINE: 'offline',
  CLOSED: 'closed', // a terminal close (4100-4199) or stop(): no reconnect
});

const SILENCE_MS = 25_000;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 15_000;
const JITTER = 0.3;

export function backoffDelay(attempt) {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** attempt);
  return Math.round(base * (1 + (Math.random() * 2 - 1) * JITTER));
}

function isTerminal(code) {
  return code >= 4100 && code <= 4199;
}

function localError(key, code) {
  const { vi, en } = both(key);
  return new ApiError(0, { error: code, message_vi: vi, message_en: en });
}

// A short, human name for this device, shown to the secretary in the presence list.
export function describeDevice() {
  const ua = navigator.userAgent;
  if (/iPad/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1)) return 'iPad';
  if (/iPhone/.test(ua)) return 'iPhone';
  if (/Android/.test(ua)) return 'Android';
  if (/Windows/.test(ua)) return 'Windows';
  if (/Mac OS X/.test(ua)) return 'Mac';
  if (/Linux/.test(ua)) return 'Linux';
  return 'Web';
}

// Instead of a meeting id: my inbox channel, outside any meeting (the meetings list hears
// there that a meeting's documents were published).
export const INBOX = 'inbox';

export class MeetingConnection {
  /**
   * handlers: onSnapshot(snapshot), onPublication(pub), onPresence(data), onState(state),
   * onLive() after each successful connect, onTerminal(code) on a 4100-4199 close.
   */
  constructor(meetingId, { device = describeDevice(), ...handlers } = {}) {
    this.meetingId = meetingId;
    this.device = device;
    this.handlers = handlers;
    this.state = null;
    this.ws = null;
    this.attempt = 0;
    this.nextId = 1;
    this.pending = new Map(); // command id -> {resolve, reject}
    this.connectId = null;
    this.buffer = null; // publications received before the connect reply
    this.silenceTimer = null;
    this.retryTimer = null;
    this.refusedTimer = null;
    this.stopped = false;
    this.storageKey = `phonghop.positions.${meetingId}`;
    this.positions = this._loadPositions();
    this._online = () => this._retryNow();
    // The browser knows it lost the network (Wi-Fi gone) before the socket's silence does:
    // say so now, and do not take anything for sent over a socket that may be dead.
    this._offline = () => {
      if (!this.stopped && this.state !== ConnState.CLOSED) this._drop();
    };
  }

  get live() {
    return this.state === ConnState.LIVE;
  }

  start() {
    window.addEventListener('online', this._online);
    window.addEventListener('offline', this._offline);
    this._open();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this._online);
    window.removeEventListener('offline', this._offline);
    clearTimeout(this.retryTimer);
    this._detach(1000, 'leaving');
    this._setState(ConnState.CLOSED);
  }

  // Send a command; the promise settles with its reply, or its error.
  command(type, data = {}) {
    if (!this.live) return Promise.reject(localError('conn.not_live', 'offline'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this._send({ id, type, data });
    });
  }

  // ---- positions -------------------------------------------------------

  _loadPositions() {
    try {
      return JSON.parse(sessionStorage.getItem(this.storageKey) || '{}') || {};
    } catch {
      return {};
    }
  }

  _savePositions() {
    try {
      sessionStorage.setItem(this.storageKey, JSON.stringify(this.positions));
    } catch {
      // Private mode or a full quota: recovery falls back to a snapshot, nothing is lost.
    }
  }

  // ---- the socket ----------------------------------------------------

  _setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.handlers.onState?.(state);
  }

  _open() {
    if (this.stopped) return;
    this._setState(this.attempt === 0 && this.state !== ConnState.RECONNECTING
      ? ConnState.CONNECTING : ConnState.RECONNECTING);
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/ws`);
    this.ws = ws;
    this.buffer = [];
    this._heard(); // a handshake that never completes counts as silence too
    ws.onopen = () => {
      this._heard();
      this.connectId = this.nextId++;
      this._send({
        id: this.connectId,
        type: 'connect',
        data: this.meetingId === INBOX ? { inbox: true, positions: this.positions }
          : { meeting_id: this.meetingId, device: this.device, positions: this.positions },
      });
    };
    ws.onmessage = (event) => this._received(event.data);
    ws.onclose = (event) => this._closed(event.code);
    ws.onerror = () => {}; // a close event always follows; it decides what to do.
  }

  _send(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  _heard() {
    clearTimeout(this.silenceTimer);
    // A server silent for 25 s is gone, even if the socket has not noticed yet.
    this.silenceTimer = setTimeout(() => this._drop(), SILENCE_MS);
  }

  _received(text) {
    this._heard();
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.type === 'ping') {
      this._send({ type: 'pong' });
    } else if (msg.channel !== undefined) {
      if (this.buffer) this.buffer.push(msg);
      else this._apply(msg);
    } else if (msg.type === 'presence') {
      this.handlers.onPresence?.(msg.data);
    } else if (msg.id != null && msg.id === this.connectId) {
      this._connected(msg);
    } else if (msg.id != null && this.pending.has(msg.id)) {
      const { resolve, reject } = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.type === 'reply') resolve(msg.data);
      else reject(new ApiError(0, msg));
    }
  }

  _connected(msg) {
    this.connectId = null;
    if (msg.type !== 'reply') {
      // A refusal: the server closes with its code next. If it does not, start over.
      this.refusedTimer = setTimeout(() => this._drop(), 5000);
      return;
    }
    const data = msg.data;
    const ws = this.ws;
    if (data.recovered) {
      for (const pub of data.publications) {
        this._apply(pub);
        if (this.ws !== ws) return; // a gap: already reconnecting
      }
      for (const [channel, pos] of Object.entries(data.positions)) {
        const held = this.positions[channel];
        if (!held || held.epoch !== pos.epoch || held.offset < pos.offset) {
          this.positions[channel] = pos;
        }
      }
    } else {
      this.positions = { ...data.positions };
      this.handlers.onSnapshot?.(data.snapshot);
    }
    this._savePositions();
    const waiting = this.buffer || [];
    this.buffer = null;
    for (const pub of waiting) {
      this._apply(pub);
      if (this.ws !== ws) return;
    }
    this.attempt = 0;
    this._setState(ConnState.LIVE);
    this.handlers.onLive?.();
  }

  // Apply a publication once, in order; a gap or a new epoch means we missed something,
  // so reconnect and let the server recover it (or send a snapshot).
  _apply(pub) {
    const held = this.positions[pub.channel];
    if (held) {
      if (held.epoch === pub.epoch && pub.offset <= held.offset) return;
      if (held.epoch !== pub.epoch || pub.offset > held.offset + 1) {
        this._drop();
        return;
      }
    }
    this.positions[pub.channel] = { offset: pub.offset, epoch: pub.epoch };
    this._savePositions();
    this.handlers.onPublication?.(pub);
  }

  _detach(code, reason) {
    clearTimeout(this.silenceTimer);
    clearTimeout(this.refusedTimer);
    const ws = this.ws;
    this.ws = null;
    this.buffer = null;
    this.connectId = null;
    for (const { reject } of this.pending.values()) {
      reject(localError('conn.lost', 'disconnected'));
    }
    this.pending.clear();
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      ws.close(code, reason);
    } catch {
      // already closing
    }
  }

  // Give up on this socket (silence, or a gap in offsets) and connect again.
  _drop() {
    this._detach(1000, 'reconnecting');
    this._scheduleReconnect();
  }

  _closed(code) {
    this.ws = null;
    this._detach();
    if (this.stopped) return;
    if (isTerminal(code)) {
      this._setState(ConnState.CLOSED);
      this.handlers.onTerminal?.(code);
      return;
    }
    this._scheduleReconnect();
  }

  _scheduleReconnect() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this._setState(navigator.onLine === false ? ConnState.OFFLINE : ConnState.RECONNECTING);
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this._open(), delay);
  }

  _retryNow() {
    if (this.stopped || this.ws || this.state === ConnState.CLOSED) return;
    clearTimeout(this.retryTimer);
    this._open();
  }
}
