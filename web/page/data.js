// @ts-check
// The data to train on: MNIST fetched into the training worker with a progress bar, or four IDX
// files of your own (picked or dropped), and the names of the ten classes.

import { Request } from '../shared/protocol.js';
import { CLASS_PRESETS } from '../shared/idx.js';
import { siteUrl } from '../shared/site.js';
import { watch } from './store.js';
import { byId, inputById, createClassNameFields, formatCount } from './views.js';

/** @param {import('./app.js').App} app */
export function startData(app) {
  const { store, trainer, patch, showError, clearError, on } = app;
  const status = byId('data-status');
  const bar = /** @type {HTMLProgressElement} */ (byId('data-progress'));

  on('dataProgress', ({ loaded, total, done }) => {
    if (total > 0) {
      bar.max = total;
      bar.value = loaded;
    }
    const mb = (/** @type {number} */ n) => (n / 1e6).toFixed(1);
    status.textContent = done ? 'Unpacking…' : `${mb(loaded)} of ${total ? mb(total) : '?'} MB`;
  });

  /** Fetches the four MNIST files into the worker (from the browser's cache after the first time). */
  async function loadMnist() {
    patch('data', { loading: true });
    status.textContent = 'Starting download…';
    try {
      const info = await trainer.request(Request.LOAD_DATA, { baseUrl: siteUrl('data/') });
      patch('engine', { memoryLimit: info.memoryLimit });
      patch('data', { loaded: true, name: 'MNIST', trainCount: info.train.count });
      bar.value = bar.max;
      status.textContent = `${formatCount(info.train.count)} training and ${formatCount(info.test.count)} test images loaded.`;
      byId('load-data').textContent = 'MNIST loaded';
      if (store.get().classNames.join() !== CLASS_PRESETS.digits.join()) store.update({ classNames: [...CLASS_PRESETS.digits] });
    } catch (err) {
      status.textContent = 'Download failed.';
      showError(`Loading MNIST failed: ${/** @type {Error} */ (err).message}. Check the connection and try again; the model still works.`);
    } finally {
      patch('data', { loading: false });
    }
  }
  byId('load-data').addEventListener('click', () => {
    clearError();
    loadMnist();
  });

  /** Four IDX files from the picker or a drop. */
  async function loadFiles(/** @type {Iterable<File>} */ fileList) {
    clearError();
    patch('data', { loading: true });
    status.textContent = 'Reading the files…';
    try {
      const files = await Promise.all([...fileList].map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
      const info = await trainer.request(Request.LOAD_FILES, { files }, files.map((f) => f.bytes));
      const names = Object.values(info.files);
      patch('engine', { memoryLimit: info.memoryLimit });
      patch('data', { loaded: true, name: names.join(', '), trainCount: info.train.count });
      patch('evaluation', { result: null, cell: null });
      status.textContent = `${formatCount(info.train.count)} training and ${formatCount(info.test.count)} test images loaded from ${names.join(', ')}.`;
      byId('load-data').textContent = 'Load MNIST';
    } catch (err) {
      status.textContent = 'Those files could not be used.';
      showError(`Loading your data failed: ${/** @type {Error} */ (err).message}. The data loaded before (if any) is still there.`);
    } finally {
      patch('data', { loading: false });
    }
  }
  const picker = inputById('data-files');
  picker.addEventListener('change', async () => {
    if (picker.files?.length) await loadFiles(picker.files);
    picker.value = '';
  });

  // Class names: ten fields, with presets.
  const fields = createClassNameFields(byId('class-grid'), store.get().classNames.length, (i, name) => {
    store.update((s) => ({ classNames: s.classNames.map((old, k) => (k === i ? name || String(i) : old)) }));
  });
  watch(store, (s) => s.classNames, (names) => fields.show(names));
  byId('names-digits').addEventListener('click', () => store.update({ classNames: [...CLASS_PRESETS.digits] }));
  byId('names-fashion').addEventListener('click', () => store.update({ classNames: [...CLASS_PRESETS.fashion] }));

  return {
    loadMnist,
    loadFiles,
    /** The worker died: its data went with it. */
    lost() {
      patch('data', { loaded: false, name: '' });
      byId('load-data').textContent = 'Load MNIST again';
    },
  };
}
