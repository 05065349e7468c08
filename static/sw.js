// The service worker (issue 13 §1), served at /sw.js by phonghop.service_worker, which fills in
// the build and the app shell's files. It keeps the app shell of this build, so the app starts
// with no network, and answers page images from the meeting caches the reader fills
// (static/js/offline/prefetch.js) before asking the server. It stores nothing by itself: what
// a page image cache holds, and for how long, is the reader's decision (a confidential
// meeting's watermarked pages are never kept).

const BUILD = '__BUILD__';
const SHELL = ['__SHELL__'];
const SHELL_CACHE = `phonghop-shell-${BUILD}`;
const MEETING_PREFIX = 'phonghop-meeting-';
const PAGE_PATH = /^\/api\/documents\/\d+\/pages\/\d+$/;
// The app's own pages: every one is the same shell, routed on the client (phonghop.app).
const APP_PAGE = /^\/($|login$|meetings$|m\/|archive|verify$|opinions|admin)/;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    await cache.addAll(SHELL.map((path) => new Request(path, { cache: 'no-cache' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    // A new release: the shells of the old ones go (the meetings' pages stay).
    for (const name of await caches.keys()) {
      if (name.startsWith('phonghop-shell-') && name !== SHELL_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// The address a page image is kept under: the document, the page, the width and the file's
// hash; a retry counter or anything else the reader adds does not make another image.
function pageKey(url) {
  const extra = [...url.searchParams.keys()].filter((k) => !['w', 'r', 'retry'].includes(k));
  if (extra.length) return null; // an older version or another format: always the server's
  const rev = url.searchParams.get('r');
  return `${url.origin}${url.pathname}?w=${url.searchParams.get('w')}${rev ? `&r=${rev}` : ''}`;
}

async function pageImage(request, url) {
  const key = pageKey(url);
  if (!key) return fetch(request);
  const kept = await caches.match(key);
  if (kept) return kept;
  try {
    return await fetch(request);
  } catch (err) {
    // No network: the same page kept at another width is better than none.
    const same = `${url.origin}${url.pathname}?`;
    const rev = url.searchParams.get('r');
    for (const name of await caches.keys()) {
      if (!name.startsWith(MEETING_PREFIX)) continue;
      const cache = await caches.open(name);
      for (const req of await cache.keys()) {
        const u = new URL(req.url);
        if (req.url.startsWith(same) && u.searchParams.get('r') === rev) return cache.match(req);
      }
    }
    throw err;
  }
}

// This build's shell, if the device still has it: a logout deletes every cache, and opening
// one would make it again (empty).
async function kept(request, options = {}) {
  if (!(await caches.has(SHELL_CACHE))) return undefined;
  return (await caches.open(SHELL_CACHE)).match(request, options);
}

// The shell's files: this build's copy first; the network for anything it does not hold.
async function shellFile(request) {
  return (await kept(request, { ignoreSearch: true })) || fetch(request);
}

// A page of the app: the server's shell when it answers, else the one kept.
async function appPage(request) {
  try {
    return await fetch(request);
  } catch (err) {
    const shell = await kept('/static/index.html');
    if (shell) return shell;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (PAGE_PATH.test(url.pathname)) {
    event.respondWith(pageImage(request, url));
  } else if (url.pathname.startsWith('/static/') && SHELL.includes(url.pathname)) {
    event.respondWith(shellFile(request));
  } else if (request.mode === 'navigate' && APP_PAGE.test(url.pathname)) {
    event.respondWith(appPage(request));
  }
});
