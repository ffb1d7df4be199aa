// @ts-check
// Fine-tune on my digits: a few hundred steps in the training worker that mix the user's digits
// with MNIST (loaded first if it is not), then their accuracy and MNIST's before and after, and
// the choice to keep the new weights or to undo (the old ones come back exactly).

import { Request } from '../shared/protocol.js';
import { packDigits } from '../shared/my-digits.js';
import { byId, buttonById, formatPercent } from './views.js';
import { WorkerRestarted } from './worker-client.js';

/**
 * @param {import('./app.js').App} app
 * @param {{ loadMnist: () => Promise<void> }} data
 * @param {ReturnType<typeof import('./my-digits.js').startMyDigits>} myDigits
 */
export function startFineTune(app, data, myDigits) {
  const { store, trainer, patch, on, showError, clearError } = app;
  const button = buttonById('fine-tune');
  const status = byId('fine-tune-status');
  const progress = /** @type {HTMLProgressElement} */ (byId('fine-tune-progress'));
  const result = byId('fine-tune-result');
  let running = false;
  let labelBefore = '';

  const idle = () => !running && result.hidden;
  myDigits.onChange(() => {
    if (idle()) status.textContent = myDigits.needed() ? myDigits.neededText() : '';
  });
  const loadingMnist = 'Loading MNIST first (fine-tuning mixes it in so the network does not forget it)';
  on('dataProgress', ({ loaded, total }) => {
    if (!running || !total) return;
    progress.max = total;
    progress.value = loaded;
    status.textContent = `${loadingMnist}: ${(loaded / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB…`;
  });
  on('fineTuneProgress', ({ step, total }) => {
    progress.max = total;
    progress.value = step;
    status.textContent = `Fine-tuning: step ${step} of ${total}…`;
  });

  const cell = (/** @type {string} */ id, /** @type {number} */ value) => {
    const node = byId('fine-tune-result').querySelector(`[data-testid="${id}"]`);
    if (node) node.textContent = formatPercent(value);
  };

  async function fineTune() {
    clearError();
    if (myDigits.needed()) {
      status.textContent = myDigits.neededText();
      return;
    }
    if (store.get().training.state === 'running') {
      showError('Pause or stop training before fine-tuning.');
      return;
    }
    running = true;
    button.disabled = true;
    try {
      if (!store.get().data.loaded || store.get().data.name !== 'MNIST') {
        status.textContent = `${loadingMnist}…`;
        await data.loadMnist();
        if (store.get().data.name !== 'MNIST') {
          status.textContent = 'Fine-tuning needs MNIST, which could not be loaded.';
          return;
        }
      }
      const { images, labels } = packDigits(myDigits.digits());
      status.textContent = 'Fine-tuning…';
      progress.value = 0;
      const r = await trainer.request(Request.FINE_TUNE, { images, labels }, [images.buffer, labels.buffer]);
      labelBefore = store.get().model.label;
      patch('engine', { modelVersion: r.modelVersion });
      patch('model', { label: `${labelBefore}, fine-tuned on ${labels.length} of your digits`, testAccuracy: null, trainedHere: true });
      cell('fine-tune-own-before', r.before.own);
      cell('fine-tune-mnist-before', r.before.test);
      cell('fine-tune-own-after', r.after.own);
      cell('fine-tune-mnist-after', r.after.test);
      Object.assign(result.dataset, { digestBefore: r.digestBefore, digestAfter: r.digestAfter });
      result.hidden = false;
      status.textContent = `Done: ${r.steps} steps. Keep the new weights, or undo?`;
    } catch (err) {
      status.textContent = 'Fine-tuning did not finish; the weights are the ones from before.';
      if (!(err instanceof WorkerRestarted)) showError(`Fine-tuning failed: ${/** @type {Error} */ (err).message}`);
    } finally {
      running = false;
      button.disabled = false;
    }
  }

  async function end(/** @type {boolean} */ keep) {
    try {
      const r = await trainer.request(Request.END_FINE_TUNE, { keep });
      patch('engine', { modelVersion: r.modelVersion });
      if (!keep) patch('model', { label: labelBefore });
      result.dataset.digestNow = r.digest;
      result.hidden = true;
      status.textContent = keep ? 'The fine-tuned weights are in use.' : 'Undone: the weights from before are back.';
      status.dataset.ended = keep ? 'kept' : 'undone';
    } catch (err) {
      if (!(err instanceof WorkerRestarted)) showError(`That did not work: ${/** @type {Error} */ (err).message}`);
    }
  }

  button.addEventListener('click', () => {
    delete status.dataset.ended;
    fineTune();
  });
  byId('fine-tune-keep').addEventListener('click', () => end(true));
  byId('fine-tune-undo').addEventListener('click', () => end(false));
}
