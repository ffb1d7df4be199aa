// @ts-check
// Keeping and sharing models: Save downloads model.json + weights.bin (TF.js Layers) and keeps a
// copy in the browser; Load takes such files from the picker, or from a drop anywhere on the
// page (where four IDX files are data instead); the shipped model can always come back.

import { Request } from '../shared/protocol.js';
import { download, readModelFiles } from './files.js';
import { storeModel, forgetStoredModel } from './storage.js';
import { savedLabel } from './model.js';
import { byId, inputById } from './views.js';

/**
 * @param {import('./app.js').App} app @param {import('./model.js').Models} models
 * @param {{ loadFiles: (files: Iterable<File>) => Promise<void> }} data
 */
export function startSaveLoad(app, models, data) {
  const { store, trainer, task, patch, showError, clearError } = app;

  byId('save-model').addEventListener('click', () => task('save', async () => {
    clearError();
    const { modelJson, weights } = await trainer.request(Request.SAVE_MODEL, {});
    const savedAt = new Date().toISOString();
    const json = JSON.parse(modelJson);
    const { testAccuracy } = store.get().model;
    json.userDefinedMetadata = { ...(json.userDefinedMetadata ?? {}), saved_at: savedAt, ...(testAccuracy != null ? { test_accuracy: testAccuracy } : {}) };
    const text = JSON.stringify(json);
    download('model.json', new Blob([text], { type: 'application/json' }));
    download('weights.bin', new Blob([weights], { type: 'application/octet-stream' }));
    try {
      await storeModel({ modelJson: text, weights, savedAt, testAccuracy });
      store.update({ saved: true });
      patch('model', { label: savedLabel(savedAt), testAccuracy });
    } catch (err) {
      showError(`Downloaded, but the browser refused to keep a copy (${/** @type {Error} */ (err).message}).`);
    }
  }));

  byId('forget-model').addEventListener('click', () => task('forget', async () => {
    await forgetStoredModel();
    store.update({ saved: false });
  }));

  byId('default-model').addEventListener('click', models.useShipped);

  async function loadModelFiles(/** @type {Iterable<File>} */ files) {
    await task('load', async () => {
      clearError();
      let model;
      try {
        model = await readModelFiles(files);
      } catch (err) {
        throw new Error(`That model could not be loaded: ${/** @type {Error} */ (err).message} The previous model is still in use.`);
      }
      try {
        await models.useFiles({ modelJson: model.modelJson, weights: model.weights }, model.name);
      } catch (err) {
        throw new Error(`That model could not be loaded: ${/** @type {Error} */ (err).message}. The previous model is still in use.`);
      }
    });
  }
  const picker = inputById('load-model');
  picker.addEventListener('change', async () => {
    if (picker.files?.length) await loadModelFiles(picker.files);
    picker.value = '';
  });

  // Drag and drop anywhere on the page.
  document.addEventListener('dragover', (event) => {
    if ([...(event.dataTransfer?.types ?? [])].includes('Files')) {
      event.preventDefault();
      document.body.classList.add('dragging');
    }
  });
  document.addEventListener('dragleave', (event) => {
    if (!event.relatedTarget) document.body.classList.remove('dragging');
  });
  document.addEventListener('drop', (event) => {
    document.body.classList.remove('dragging');
    if (!event.dataTransfer?.files?.length) return;
    event.preventDefault();
    const files = [...event.dataTransfer.files];
    const isModel = files.some((f) => /\.json$/i.test(f.name));
    const { engine, training } = store.get();
    if (!engine.ready || training.state === 'running') {
      showError(isModel ? 'Stop training before loading another model.' : 'Stop training before loading other data.');
      return;
    }
    if (isModel) loadModelFiles(files);
    else data.loadFiles(files);
  });
}
