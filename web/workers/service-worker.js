// @ts-check
// The page's service worker, built to sw.js at the site's root (vite.config.js writes the build's
// file list and version into BUILD). It does two things for the page's own files:
//
// - Cross-origin isolation on any static host: every same-origin response it hands the page gets
//   the COOP/COEP headers that SharedArrayBuffer, and so the threads build, need. A host that
//   sends no such headers gets them after one reload (page/isolation.js does it).
// - Offline use: the app, both wasm builds and the shipped model are cached at install (one cache
//   per build, older ones deleted on activation); the MNIST files when the page has loaded them
//   (it asks: on the first visit its workers started before this service worker did, so their
//   downloads did not pass through here). Both are served from the cache first.
//
// The page asks it by message to keep MNIST, to forget it, and how much the caches hold: the
// cache names live here only.

const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

/** Replaced at build time: the build's version (a hash of its files) and its files (relative to
 *  the scope), MNIST's data/ excepted. */
const BUILD = { version: 'dev', files: /** @type {string[]} */ ([]) };

const APP_CACHE = `cnn-playground-app-${BUILD.version}`;
const DATA_CACHE = 'cnn-playground-data';
const DATA_PATH = /\/data\/[^/]+\.gz$/;
const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

const inScope = (/** @type {string} */ file) => new URL(file, sw.registration.scope).href;

sw.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(APP_CACHE);
    // The browser's HTTP cache may hold files of an older build under the same names.
    await cache.addAll(BUILD.files.map((file) => new Request(inScope(file), { cache: 'reload' })));
    await sw.skipWaiting();
  })());
});

sw.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const old = (await caches.keys()).filter((name) => name.startsWith('cnn-playground-app-') && name !== APP_CACHE);
    await Promise.all(old.map((name) => caches.delete(name)));
    await sw.clients.claim(); // the page that registered it is controlled at once
  })());
});

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== sw.location.origin) return;
  event.respondWith(respond(request).then(isolated));
});

/** From the app's cache (a navigation gets the page itself) or MNIST's, else the network. */
async function respond(/** @type {Request} */ request) {
  const key = request.mode === 'navigate' ? inScope('./') : request.url;
  return (await caches.match(key, { ignoreSearch: request.mode === 'navigate' })) ?? fetch(request);
}

/** `response` with the isolation headers (a new response: cached ones cannot be changed). */
function isolated(/** @type {Response} */ response) {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** Bytes held by the caches whose names `match`. */
async function bytesIn(/** @type {(name: string) => boolean} */ match) {
  let total = 0;
  for (const name of (await caches.keys()).filter(match)) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      total += Number(response?.headers.get('Content-Length')) || (await response?.blob())?.size || 0;
    }
  }
  return total;
}

/** Keeps those of `urls` (MNIST's files on this site) that are not kept yet. */
async function keepData(/** @type {unknown} */ urls) {
  const ours = (Array.isArray(urls) ? urls : []).map((url) => new URL(url, sw.location.href))
    .filter((url) => url.origin === sw.location.origin && DATA_PATH.test(url.pathname));
  const cache = await caches.open(DATA_CACHE);
  for (const url of ours) if (!(await cache.match(url.href))) await cache.add(url.href);
}

/** The page's requests: { type: 'usage' | 'keepData' | 'forgetData', urls? }. The answer, on
 *  the port sent with it, is what the caches hold then: { app, data } in bytes, or { error }. */
sw.addEventListener('message', (event) => {
  const port = event.ports[0];
  const { type, urls } = event.data ?? {};
  event.waitUntil((async () => {
    try {
      if (type === 'keepData') await keepData(urls);
      if (type === 'forgetData') await caches.delete(DATA_CACHE);
      port?.postMessage({
        app: await bytesIn((name) => name === APP_CACHE),
        data: await bytesIn((name) => name === DATA_CACHE),
      });
    } catch (err) {
      port?.postMessage({ error: String(/** @type {Error} */ (err)?.message ?? err) });
    }
  })());
});
