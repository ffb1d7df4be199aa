// @ts-check
// What the service worker keeps for offline use (the app, both engines, the shipped model, and
// MNIST once loaded), how much space that takes, and forgetting MNIST. The caches are the
// service worker's (workers/service-worker.js); the page asks it by message.

import { watch } from './store.js';
import { byId, buttonById } from './views.js';
import { isolationNote, serviceWorker } from './isolation.js';
import { MNIST_FILES } from '../shared/protocol.js';
import { siteUrl } from '../shared/site.js';

/** @typedef {{ app: number, data: number, error?: string }} Usage */

const megabytes = (/** @type {number} */ bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/** @typedef {'usage' | 'keepData' | 'forgetData'} Ask */

/** Asks the active service worker `type` (with `urls` to keep); resolves to what its caches hold. */
async function ask(/** @type {Ask} */ type, /** @type {string[]} */ urls = []) {
  const active = (await navigator.serviceWorker.ready).active;
  if (!active) throw new Error('the service worker is not running');
  const channel = new MessageChannel();
  /** @type {Promise<Usage>} */
  const answer = new Promise((resolve) => (channel.port1.onmessage = ({ data }) => resolve(data)));
  active.postMessage({ type, urls }, [channel.port2]);
  const usage = await answer;
  if (usage.error) throw new Error(usage.error);
  return usage;
}

/** @param {import('./app.js').App} app */
export function startOffline({ store, patch, showError }) {
  const running = serviceWorker() !== null;
  patch('offline', { serviceWorker: running, isolationNote: self.crossOriginIsolated ? '' : isolationNote() });

  async function update(/** @type {Ask} */ type = 'usage', /** @type {string[]} */ urls = []) {
    try {
      const { app, data } = await ask(type, urls);
      patch('offline', { appBytes: app, dataBytes: data });
    } catch (err) {
      showError(`The page could not ask its offline cache (${/** @type {Error} */ (err).message}).`);
    }
  }
  if (running) {
    update();
    // MNIST once loaded: the service worker keeps its files (a second download only on the
    // first visit, whose workers started before the service worker could serve them).
    watch(store, (s) => s.data.loaded && s.data.name === 'MNIST', (mnist) => {
      if (mnist) update('keepData', Object.values(MNIST_FILES).map((file) => siteUrl(`data/${file}`)));
    });
    buttonById('forget-data').addEventListener('click', () => update('forgetData'));
  }

  watch(store, (s) => s.offline, ({ serviceWorker: on, appBytes, dataBytes }) => {
    const forget = buttonById('forget-data');
    forget.hidden = !on || !dataBytes;
    byId('offline-status').textContent = !on
      ? 'Offline use is off: this browser gives the page no service worker.'
      : appBytes === null
        ? 'Keeping the page for offline use…'
        : `Works offline: this browser keeps the page, both engines and the shipped model (${megabytes(appBytes)})` +
          (dataBytes ? ` and MNIST (${megabytes(dataBytes)}).` : '; MNIST too, once loaded.');
  });
}
