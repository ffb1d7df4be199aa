// @ts-check
// Registers the page's service worker (workers/service-worker.js, built to sw.js), which keeps
// the app for offline use and gives the page's own responses the COOP/COEP headers the threads
// build needs. On a host that sends no such headers the page reloads once, under the service
// worker, to become cross-origin isolated; where service workers are not allowed it goes on
// without threads, and isolationNote() says why.

import { siteUrl } from '../shared/site.js';

const RELOADED = 'cnn-playground-isolation-reload'; // sessionStorage: the reload was done
const TAKE_OVER_MS = 60_000; // the service worker's install downloads the app (about 8 MB)

let note = '';
/** @type {ServiceWorkerRegistration | null} */
let registration = null;

/** Why the page has no service worker, or why it did not make the page cross-origin isolated
 *  ('' when neither went wrong). */
export const isolationNote = () => note;

/** The page's service worker, or null where none runs. */
export const serviceWorker = () => registration;

/** Resolves once the service worker controls the page, or after `ms`. */
function controlled(/** @type {ServiceWorkerContainer} */ container, /** @type {number} */ ms) {
  if (container.controller) return Promise.resolve();
  return new Promise((resolve) => {
    container.addEventListener('controllerchange', () => resolve(undefined), { once: true });
    setTimeout(resolve, ms);
  });
}

/** Registers the service worker; reloads the page (and never resolves) when that will make it
 *  cross-origin isolated. Only in the built page: the dev server sends the headers itself. */
export async function isolate() {
  if (!import.meta.env.PROD) return;
  const container = navigator.serviceWorker;
  if (!container) {
    note = 'the server sends no COOP/COEP headers, and this browser allows the page no service worker to add them';
    return;
  }
  try {
    registration = (await container.register(siteUrl('sw.js'))) ?? null;
  } catch (err) {
    note = `the server sends no COOP/COEP headers, and the service worker that adds them could not start: ${/** @type {Error} */ (err).message}`;
  }
  if (!registration) {
    note ||= 'the server sends no COOP/COEP headers, and this browser allows the page no service worker to add them';
    return;
  }
  try {
    if (self.crossOriginIsolated) {
      sessionStorage.removeItem(RELOADED);
      return;
    }
    if (sessionStorage.getItem(RELOADED)) {
      note = "the service worker's COOP/COEP headers did not make the page cross-origin isolated";
      return;
    }
    await controlled(container, TAKE_OVER_MS);
    if (!container.controller) {
      note = `the server sends no COOP/COEP headers, and the service worker that adds them did not start within ${TAKE_OVER_MS / 1000} s`;
      return;
    }
    sessionStorage.setItem(RELOADED, '1');
  } catch (err) {
    note = `the page could not reload under its service worker: ${/** @type {Error} */ (err).message}`;
    return;
  }
  location.reload();
  await new Promise(() => {}); // the page is going away
}
