// What the tablet keeps for reading offline, and its deletion (issue 13 §1, §3, §4): one Cache
// Storage cache of page images per meeting (`phonghop-meeting-<id>`) and, in IndexedDB, one
// record per meeting saying until when it may be kept. Expired meetings go when the app
// starts, with or without network; logging out (or a session the server ended) deletes
// every cache and database of the app.

export const MEETING_PREFIX = 'phonghop-meeting-';
const DB_NAME = 'phonghop-offline';
const STORE = 'meetings';

export const cacheName = (meetingId) => `${MEETING_PREFIX}${meetingId}`;

// After a logout nothing is kept again until someone logs in: a reader still saving pages
// when the session ended must not make its cache or its database again.
let closed = false;
export const canKeep = () => !closed && 'caches' in window && 'indexedDB' in window;
// The outboxes (offline/queue.js) need only IndexedDB, which plain http on the room's network has.
export const mayStore = () => !closed && 'indexedDB' in window;
export const OUTBOX_DB = 'phonghop-outbox';
export function reopen() { closed = false; }

// One transaction on a one-store IndexedDB database (`name`, store `store`, records keyed by
// `id`); the connection is closed at once, so a logout's deleteDatabase is never blocked by a
// reader. The meetings' records here and the outboxes (offline/queue.js) both use it.
export async function withIdbStore(name, store, mode, use) {
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(store, { keyPath: 'id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const req = use(tx.objectStore(store));
      tx.oncomplete = () => resolve(req ? req.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

const withStore = (mode, use) => withIdbStore(DB_NAME, STORE, mode, use);

export const allRecords = () => withStore('readonly', (s) => s.getAll());
export async function writeRecord(record) {
  if (!canKeep()) return;
  await withStore('readwrite', (s) => s.put(record));
}

// A meeting's cache, to save pages in; null after a logout.
export async function meetingCache(meetingId) {
  return canKeep() ? caches.open(cacheName(meetingId)) : null;
}
const dropRecord = (meetingId) => withStore('readwrite', (s) => s.delete(meetingId));

// A meeting's pages leave the device (sealed, confidential, no longer mine).
export async function forgetMeeting(meetingId) {
  if (!canKeep()) return;
  await caches.delete(cacheName(meetingId));
  await dropRecord(meetingId);
}

// At the app's start: every meeting past its expiry goes, and any meeting cache without a
// record (its expiry unknown). The caches are listed before the records are read, so a
// meeting being saved right now (record first, then cache) is never taken for an orphan.
export async function deleteExpired(now = Date.now()) {
  if (!canKeep()) return [];
  const names = (await caches.keys()).filter((n) => n.startsWith(MEETING_PREFIX));
  const records = new Map((await allRecords()).map((r) => [r.id, r]));
  const expired = (r) => !(Date.parse(r.expires_at) > now);
  const gone = [];
  for (const name of names) {
    const record = records.get(Number(name.slice(MEETING_PREFIX.length)));
    if (!record || expired(record)) {
      await caches.delete(name);
      gone.push(name);
    }
  }
  for (const record of records.values()) if (expired(record)) await dropRecord(record.id);
  return gone;
}

function deleteDatabase(name) {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => resolve();
    req.onblocked = () => resolve(); // deleted once the last connection closes
  });
}

// Logging out: every cache (the meetings' pages, the app shell), every database of the app
// (the outboxes too: what was not sent is not left for the next person on this tablet), and
// the copies of my annotations an older version kept in localStorage.
export async function wipeDevice() {
  closed = true;
  const work = [];
  try {
    Object.keys(localStorage).filter((k) => k.startsWith('phonghop.annotations.'))
      .forEach((k) => localStorage.removeItem(k));
  } catch { /* no localStorage */ }
  if ('caches' in window) {
    for (const name of await caches.keys().catch(() => [])) work.push(caches.delete(name));
  }
  if ('indexedDB' in window) {
    const listed = indexedDB.databases ? await indexedDB.databases().catch(() => []) : [];
    const names = new Set([DB_NAME, OUTBOX_DB, ...listed.map((d) => d.name).filter(Boolean)]);
    names.forEach((name) => work.push(deleteDatabase(name)));
  }
  await Promise.allSettled(work);
}
