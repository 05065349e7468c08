// The client-side router: the page shell is the same at every app address, so the
// current page is a function of location.pathname. Links inside the app navigate with
// history.pushState instead of reloading the shell.

const listeners = new Set();

export function currentLocation() {
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

export function navigate(to, { replace = false } = {}) {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.scrollTo(0, 0);
  listeners.forEach((fn) => fn(currentLocation()));
}

export function onNavigate(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

window.addEventListener('popstate', () => listeners.forEach((fn) => fn(currentLocation())));

// Same-origin links to app pages stay in the app; API files, static files, new tabs and
// downloads are left to the browser.
function isAppLink(a, event) {
  if (event.defaultPrevented || event.button !== 0) return false;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return false;
  if (a.target || a.hasAttribute('download') || a.origin !== location.origin) return false;
  return !a.pathname.startsWith('/api/') && !a.pathname.startsWith('/static/');
}

document.addEventListener('click', (event) => {
  const a = event.target.closest && event.target.closest('a[href]');
  if (!a || !isAppLink(a, event)) return;
  event.preventDefault();
  navigate(a.pathname + a.search);
});

export function loginAddress() {
  const here = location.pathname + location.search;
  // Already there (a second refusal of the same page): keep the `next` it carries.
  return location.pathname === '/login' ? here : `/login?next=${encodeURIComponent(here)}`;
}
