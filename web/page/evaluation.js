// @ts-check
// Testing the model: accuracy on the test set, the confusion matrix (each cell opens its
// images), and the images it got wrong, any of which can be classified above.

import { Request } from '../shared/protocol.js';
import { watch } from './store.js';
import { byId, selectById, renderConfusion, renderGallery, formatPercent, formatCount } from './views.js';

/**
 * @param {import('./app.js').App} app
 * @param {{ classifyImage: (image: Uint8Array) => void }} drawing
 */
export function startEvaluation({ store, trainer, task, patch, clearError, showError, on }, { classifyImage }) {
  const shown = byId('test-accuracy');
  const bar = /** @type {HTMLProgressElement} */ (byId('eval-progress'));
  const classify = (/** @type {import('../shared/protocol.js').TestImage} */ item) => classifyImage(item.image ?? new Uint8Array());

  on('evalProgress', ({ done, total }) => {
    bar.max = Math.max(1, total);
    bar.value = done;
    shown.textContent = `measuring… ${formatCount(done)} of ${formatCount(total)}`;
  });

  byId('evaluate').addEventListener('click', () => task('evaluate', async () => {
    clearError();
    const limit = Number(selectById('eval-limit').value);
    shown.textContent = 'measuring…';
    bar.value = 0;
    try {
      const result = await trainer.request(Request.EVALUATE, { limit });
      shown.textContent = `${formatPercent(result.accuracy, 2)} of ${formatCount(result.count)} images`;
      shown.dataset.value = String(result.accuracy);
      shown.dataset.count = String(result.count);
      patch('evaluation', { result, cell: null });
      if (limit === 0 && store.get().data.name === 'MNIST') patch('model', { testAccuracy: result.accuracy });
    } catch (err) {
      shown.textContent = '–';
      throw err;
    }
  }));

  async function showCell(/** @type {number} */ label, /** @type {number} */ predicted) {
    try {
      patch('evaluation', { cell: await trainer.request(Request.CELL_IMAGES, { label, predicted }) });
      byId('cell-figure').scrollIntoView({ block: 'nearest' });
    } catch (err) {
      showError(`Those images could not be shown: ${/** @type {Error} */ (err).message}`);
    }
  }

  // The confusion matrix, the chosen cell's images and the mistakes, in the class names shown.
  watch(store, (s) => ({ result: s.evaluation.result, cell: s.evaluation.cell, names: s.classNames }), ({ result, cell, names }) => {
    if (!result) return;
    renderConfusion(byId('confusion-matrix'), result.confusion, { names, onCell: showCell, selected: cell ? [cell.label, cell.predicted] : null });
    renderGallery(byId('misclassified'), result.misclassified, { names, onPick: classify, empty: 'None: every image was classified right.' });
    const count = result.misclassified.length;
    byId('misclassified-title').textContent = `${formatCount(result.misclassifiedTotal)} test images it got wrong` +
      `${count < result.misclassifiedTotal ? ` (the first ${count} shown)` : ''}: true → answered, and how sure it was. Click one to classify it above.`;
    byId('cell-figure').hidden = !cell;
    if (cell) {
      const what = cell.label === cell.predicted
        ? `${formatCount(cell.total)} images of ${names[cell.label]} classified right`
        : `${formatCount(cell.total)} images of ${names[cell.label]} taken for ${names[cell.predicted]}`;
      byId('cell-title').textContent = `${what}${cell.items.length < cell.total ? ` (the first ${cell.items.length} shown)` : ''}.`;
      renderGallery(byId('cell-images'), cell.items, { names, onPick: classify });
    }
  });
}
