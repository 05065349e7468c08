// Who is logged in: GET /api/me, fetched once and shared by every page until logout.

import { useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get, post } from './api.js';
import { navigate } from './router.js';
import { wipeDevice } from './offline/store.js';

let mePromise = null;

export function loadMe() {
  if (!mePromise) {
    mePromise = get('/api/me').catch((err) => {
      mePromise = null;
      throw err;
    });
  }
  return mePromise;
}

export function forgetMe() {
  mePromise = null;
}

// The logged-in person ({user, can_prepare}), or null while it loads. A 401 has already
// sent the browser to the login page (api.js).
export function useMe() {
  const [me, setMe] = useState(null);
  useEffect(() => {
    let live = true;
    loadMe().then((m) => live && setMe(m), () => {});
    return () => { live = false; };
  }, []);
  return me;
}

// The server's answer clears the site's data (Clear-Site-Data); the app deletes its caches
// and databases itself as well, before it leaves: the answer may never come (no network).
export async function logOut() {
  try {
    await post('/api/logout');
  } catch {
    // No network: the login stays valid on the server until it expires, but this device
    // forgets what it kept all the same.
  } finally {
    forgetMe();
    await wipeDevice().catch(() => {});
    navigate('/login');
  }
}

export const isAdmin = (me) => me?.user?.global_role === 'admin';
export const isArchivist = (me) => ['archivist', 'admin'].includes(me?.user?.global_role);
