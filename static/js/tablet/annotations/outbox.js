// The changes this device has made and the server has not yet acknowledged, kept in
// IndexedDB (offline/queue.js) so that a tablet that loses the network, or is closed, sends
// them later; what an older version kept in localStorage moves there once. Each change has its
// idempotency key from the moment it is made: sending it twice (a reply lost on the way back)
// is answered `duplicate` and changes nothing.

import { StoredList } from '../../offline/queue.js';
import { randomId } from './ids.js';

export class Outbox {
  constructor(userId) {
    this.list = new StoredList(`annotations.${userId}`,
      { legacyKey: `phonghop.annotations.outbox.${userId}` });
    this.ready = this.list.ready;
  }

  get items() {
    return this.list.items;
  }

  // A put replaces a put of the same annotation still waiting (only the latest state is
  // worth sending); a delete replaces whatever was waiting for it.
  add(op, annotation) {
    const change = { key: `k-${randomId(12)}`, op, annotation: op === 'delete' ? { id: annotation.id } : annotation,
      document_id: annotation.document_id };
    this.list.replace([...this.items.filter((c) => c.annotation.id !== annotation.id || c.sending), change]);
    return change;
  }

  pending(documentId = null) {
    return this.items.filter((c) => documentId === null || c.document_id === documentId);
  }

  done(keys) {
    const gone = new Set(keys);
    this.list.replace(this.items.filter((c) => !gone.has(c.key)));
  }

  subscribe(fn) {
    return this.list.subscribe(fn);
  }
}
