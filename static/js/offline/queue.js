// Lists of things done on the tablet and not yet acknowledged by the server (issue 13 §3):
// the annotations' changes, the requests to speak. Each list is one record in IndexedDB
// (database `phonghop-outbox`), named for what it holds and whose it is, so it survives a
// reload, a closed tab and a restarted tablet; logging out deletes the database with the
// others (offline/store.js wipeDevice). The list is also held in memory: reading it is
// synchronous, and what is added before the stored copy has loaded is kept after it.

import { OUTBOX_DB, mayStore, withIdbStore } from './store.js';

const STORE = 'lists';

const withStore = (mode, use) => withIdbStore(OUTBOX_DB, STORE, mode, use);

export class StoredList {
  // `legacyKey`: a localStorage key an older version of the app kept this list under; what it
  // holds moves into IndexedDB once, and the key is removed when the move is written.
  constructor(id, { legacyKey = null } = {}) {
    this.id = id;
    this.items = [];
    this.listeners = new Set();
    this.writing = Promise.resolve();
    this.ready = this._load(legacyKey);
  }

  async _load(legacyKey) {
    let kept = [];
    if (mayStore()) {
      try {
        const record = await withStore('readonly', (s) => s.get(this.id));
        if (Array.isArray(record?.items)) kept = record.items;
      } catch { /* no IndexedDB here (a private window): memory only */ }
    }
    let legacy = [];
    if (legacyKey) {
      try {
        const v = JSON.parse(localStorage.getItem(legacyKey) || '[]');
        if (Array.isArray(v)) legacy = v;
      } catch { /* unreadable: nothing to move */ }
    }
    const fresh = this.items; // added while the stored copy was loading
    const seen = new Set();
    this.items = [...kept, ...legacy, ...fresh]
      .filter((c) => c && c.key && !seen.has(c.key) && seen.add(c.key));
    await this._save();
    if (legacyKey && mayStore()) {
      try { localStorage.removeItem(legacyKey); } catch { /* read-only storage */ }
    }
  }

  // Writes go one after the other, so the last list written is the last one made.
  _save() {
    const items = this.items;
    this.writing = this.writing
      .then(() => (mayStore() ? withStore('readwrite', (s) => s.put({ id: this.id, items })) : null))
      .catch(() => { /* kept in memory; written with the next change */ });
    this.listeners.forEach((fn) => fn(this.items.length));
    return this.writing;
  }

  replace(items) {
    this.items = items;
    return this._save();
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
