// @ts-check
// "Export code": the model in use (its Keras config as the engine describes it) and the training
// settings as a Keras script and a TensorFlow.js program, shown and downloadable. The code is
// written by shared/export-code.js; this only shows it.

import { kerasScript, tfjsScript, scriptName } from '../shared/export-code.js';
import { learningRateOf, optimizerFields, callbacksOf, augmentationOf } from '../shared/training-options.js';
import { download } from './files.js';
import { editorIsBuilt } from './model.js';
import { watch } from './store.js';
import { byId, buttonById } from './views.js';

/** @typedef {import('./app.js').PageState} PageState */

/** weight_decay → weightDecay */
const camel = (/** @type {string} */ text) => text.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

/** The export's training settings for the page's: the same optimizer, schedule, callbacks,
 *  validation split and augmentation the engine is given (shared/training-options.js). */
export function exportSettings(/** @type {import('../shared/url-state.js').Settings} */ settings) {
  const { epochs, batchSize, optimizer, seed, validationSplit, validationEvery } = settings;
  return {
    optimizer, learningRate: learningRateOf(settings), batchSize, epochs, seed, validationSplit, validationEvery,
    ...Object.fromEntries(Object.entries(optimizerFields(settings)).map(([key, value]) => [camel(key), value])),
    callbacks: callbacksOf(settings), augmentation: augmentationOf(settings),
  };
}

/** Each program for the page's state: its file name and text, or why it cannot be written. */
export function exportedCode(/** @type {PageState} */ s) {
  const settings = exportSettings(s.settings);
  const name = scriptName(s.model.topology);
  const written = (/** @type {string} */ file, /** @type {() => string} */ write) => {
    try {
      return { name: file, text: write(), problem: '' };
    } catch (err) {
      return { name: file, text: '', problem: /** @type {Error} */ (err).message };
    }
  };
  return {
    keras: written(`${name}.py`, () => kerasScript(s.model.topology, settings)),
    tfjs: written(`${name}.mjs`, () => tfjsScript(s.model.topology, settings)),
  };
}

export function startExport(/** @type {import('./app.js').App} */ { store }) {
  const button = buttonById('export-code');
  const panel = byId('export-panel');
  /** @type {ReturnType<typeof exportedCode> | null} */
  let code = null;

  const render = (/** @type {PageState} */ s) => {
    button.disabled = !s.model.topology;
    if (panel.hidden || !s.model.topology) return;
    const note = byId('export-note');
    try {
      code = exportedCode(s);
    } catch (err) {
      code = null; // the model itself cannot be read
      note.textContent = `This model cannot be exported: ${/** @type {Error} */ (err).message}.`;
      note.classList.add('bad');
    }
    if (code) {
      const refused = [code.keras.problem && `Keras cannot take this: ${code.keras.problem}.`, code.tfjs.problem && `No TensorFlow.js program: ${code.tfjs.problem}.`].filter(Boolean);
      note.textContent = [...refused, editorIsBuilt(s) || !s.analysis?.valid ? ''
        : 'This is the model in use: the editor\'s changes are not built yet (Train or "Build this network" builds them).'].join(' ').trim();
      note.classList.toggle('bad', refused.length > 0);
    }
    for (const target of /** @type {const} */ (['keras', 'tfjs'])) {
      byId(`export-${target}`).textContent = code?.[target].text ?? '';
      byId(`export-${target}-name`).textContent = code?.[target].name ?? '';
      buttonById(`export-${target}-download`).disabled = !code?.[target].text;
    }
  };
  watch(store, (s) => ({ topology: s.model.topology, settings: s.settings, layers: s.layers, valid: s.analysis?.valid }), (_, s) => render(s));

  button.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    button.setAttribute('aria-expanded', String(!panel.hidden));
    render(store.get());
  });
  for (const target of /** @type {const} */ (['keras', 'tfjs'])) {
    byId(`export-${target}-download`).addEventListener('click', () => {
      if (code?.[target].text) download(code[target].name, new Blob([code[target].text], { type: 'text/plain' }));
    });
  }
}
