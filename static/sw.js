/*
 * Boothlead service worker, served at /sw.js (Service-Worker-Allowed: /).
 * Registered by app.js from <meta name="sw" content="/sw.js">.
 *
 * - Staff pages (/events/…, /leads/…, GET navigations): network first; the latest
 *   good copy of each page is kept so a tablet that loses the network can
 *   still open the board and the lead pages it has seen (also when the
 *   network hangs for 8 s). Offline with no copy: a small built-in page.
 * - /static/… with a content-hashed name (static.URL in Go: "app.1a2b3c4d5e.js"):
 *   cache first, since such a file never changes.
 * - Everything else (candidate pages /c/ /me/ /p/ /thanks/ and a kiosk's, POSTs, /metrics,
 *   the /live SSE stream, htmx partial requests, other origins) is not
 *   touched: the browser handles it as if there were no service worker.
 *
 * Captures are NOT queued here: app.js's IndexedDB outbox does that, with a
 * retry loop that also works on Safari (no Background Sync there).
 * app.js deletes every cache on sign-out.
 */
'use strict';

// Bump to drop every cache of older versions on activate.
const VERSION = 'v2';
const PAGES = 'boothlead-pages-' + VERSION;
const STATIC = 'boothlead-static-' + VERSION;
const PAGES_MAX = 150; // board + lead pages of a busy event day
const NAV_TIMEOUT_MS = 8000;

const HASHED = /\.[0-9a-f]{10}\.[A-Za-z0-9]+$/;
const NEVER = [/^\/c\//, /^\/me\//, /^\/p\//, /^\/thanks\//, /^\/metrics(\/|$)/, /\/live(\/|$)/, /\/kiosk(\/|$)/];

const OFFLINE_HTML = '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width, initial-scale=1">' +
  '<title>Offline — Boothlead</title></head><body>' +
  '<main><h1>You\'re offline.</h1>' +
  '<p>You\'re offline. Captures are saved on this tablet and will be sent when the connection is back.</p>' +
  '<p>This page has not been opened on this tablet before, so there is no saved copy of it. ' +
  'Go back to a page you have seen, or try again when the network is back.</p>' +
  '<p><a href="">Try again</a></p></main></body></html>';

const OFFLINE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

self.addEventListener('install', (event) => {
  // Nothing to precache: pages are cached as they are visited, assets on
  // first use. Take over at once so the first visit is already covered.
  event.waitUntil(self.skipWaiting());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const keys = await caches.keys();
    await Promise.all(keys.filter((k) => k !== PAGES && k !== STATIC).map((k) => caches.delete(k)));
    await self.clients.claim();
  })());
});

// The board, the walk-in form and every lead page opened load offline after a reload.
function isStaffNavigation(req, url) {
  return req.mode === 'navigate' && (url.pathname.startsWith('/events/') || url.pathname.startsWith('/leads/'));
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (NEVER.some((re) => re.test(url.pathname))) return;
  if ((req.headers.get('Accept') || '').includes('text/event-stream')) return;

  if (url.pathname.startsWith('/static/')) {
    // Only content-hashed names ("app.1a2b3c4d5e.js") never change; a plain
    // name is left to the browser's normal revalidation.
    if (HASHED.test(url.pathname)) event.respondWith(cacheFirst(req));
  } else if (isStaffNavigation(req, url)) {
    event.respondWith(networkFirst(event));
  }
});

async function cacheFirst(req) {
  const cache = await caches.open(STATIC);
  const hit = await cache.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok && res.type === 'basic') {
    cache.put(req, res.clone()).catch(() => {});
  }
  return res;
}

function offlinePage() {
  return new Response(OFFLINE_HTML, {
    status: 503,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': OFFLINE_CSP,
    },
  });
}

async function networkFirst(event) {
  const req = event.request;
  // Keep the worker alive until the answer (maybe a late one) is cached.
  // (Called before the first await, while the event is being dispatched.)
  let storeDone = null;
  event.waitUntil(new Promise((resolve) => { storeDone = resolve; }));
  const cacheP = caches.open(PAGES);
  const network = fetch(req).then((res) => {
    // Keep only a real page: not an error, and not the login page that a
    // lapsed session redirects to (it would be stored under a staff URL).
    const type = res.headers.get('Content-Type') || '';
    if (res.status === 200 && !res.redirected && res.type === 'basic' && type.includes('text/html')) {
      const copy = res.clone();
      cacheP.then((cache) => cache.put(req, copy).then(() => trim(cache))).catch(() => {}).then(storeDone);
    } else {
      storeDone();
    }
    return res;
  }, (err) => {
    storeDone();
    throw err;
  });
  const cache = await cacheP;
  const cached = (await cache.match(req, { ignoreVary: true })) ||
    (await cache.match(req, { ignoreSearch: true, ignoreVary: true }));
  if (!cached) return network.catch(offlinePage);
  // Venue Wi-Fi often hangs rather than fails: after NAV_TIMEOUT_MS show the
  // saved copy (the network answer still refreshes the cache for next time).
  // A proxy's "app unreachable" answer also gets the saved copy.
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(cached), NAV_TIMEOUT_MS);
    network.then((res) => {
      clearTimeout(timer);
      resolve(res.status === 502 || res.status === 503 || res.status === 504 ? cached : res);
    }, () => {
      clearTimeout(timer);
      resolve(cached);
    });
  });
}

// Forget the oldest pages past PAGES_MAX (cache.keys() is in insertion
// order, and put() of an existing URL moves it to the end).
async function trim(cache) {
  const keys = await cache.keys();
  for (let i = 0; i < keys.length - PAGES_MAX; i++) await cache.delete(keys[i]);
}
