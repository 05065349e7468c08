// The installable app at start: the service worker (/sw.js, scope /) registered, and the
// meetings kept past their expiry deleted, before anything else and without the network.

import { deleteExpired } from './store.js';

export function startOffline() {
  const expired = deleteExpired().catch(() => []);
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // No worker (a browser without one, or a private window): the app works online.
    });
  }
  return expired;
}
