// The changes this device has made and the server has not yet acknowledged, kept in
// localStorage so that a tablet that loses the network, or is closed, sends them later.
// Each change has its idempotency key from the moment it is made: sending it twice (a reply
// lost on the way back) is answered `duplicate` and changes nothing.

import { randomId } from './ids.js';

export class Outbox {
  constructor(userId) {
    this.key = `phonghop.annotations.outbox.${userId}`;
    this.items = this._load();
    this.listeners = new Set();
  }

  _load() {
    try {
      const v = JSON.parse(localStorage.getItem(this.key) || '[]');
      return Array.isArray(v) ? v : [];
    } catch {
      return [];
    }
  }

  _save() {
    try { localStorage.setItem(this.key, JSON.stringify(this.items)); } catch { /* kept in memory */ }
    this.listeners.forEach((fn) => fn(this.items.length));
  }

  // A put replaces a put of the same annotation still waiting (only the latest state is
  // worth sending); a delete replaces whatever was waiting for it.
  add(op, annotation) {
    const change = { key: `k-${randomId(12)}`, op, annotation: op === 'delete' ? { id: annotation.id } : annotation,
      document_id: annotation.document_id };
    this.items = this.items.filter((c) => c.annotation.id !== annotation.id || c.sending);
    this.items.push(change);
    this._save();
    return change;
  }

  pending(documentId = null) {
    return this.items.filter((c) => documentId === null || c.document_id === documentId);
  }

  done(keys) {
    const gone = new Set(keys);
    this.items = this.items.filter((c) => !gone.has(c.key));
    this._save();
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
