// @ts-check
// "Export code": the model in use (its Keras config as the engine describes it) and the training
// settings as a Keras script and a TensorFlow.js program, shown and downloadable. The code is
// written by shared/export-code.js; this only shows it.

import { kerasScript, tfjsScript, scriptName } from '../shared/export-code.js';
import { VALIDATION_IMAGES } from '../shared/protocol.js';
import { download } from './files.js';
import { editorIsBuilt } from './model.js';
import { watch } from './store.js';
import { byId, buttonById } from './views.js';

/** @typedef {import('./app.js').PageState} PageState */

/** The two programs for the page's state, or why there are none. */
export function exportedCode(/** @type {PageState} */ s) {
  const { epochs, batchSize, learningRate, optimizer, seed } = s.settings;
  const settings = { optimizer, learningRate, batchSize, epochs, seed, validationImages: VALIDATION_IMAGES };
  const name = scriptName(s.model.topology);
  return {
    keras: { name: `${name}.py`, text: kerasScript(s.model.topology, settings) },
    tfjs: { name: `${name}.mjs`, text: tfjsScript(s.model.topology, settings) },
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
      note.textContent = editorIsBuilt(s) || !s.analysis?.valid ? ''
        : 'This is the model in use: the editor\'s changes are not built yet (Train or "Build this network" builds them).';
      note.classList.remove('bad');
    } catch (err) {
      code = null;
      note.textContent = `This model cannot be exported: ${/** @type {Error} */ (err).message}.`;
      note.classList.add('bad');
    }
    for (const target of /** @type {const} */ (['keras', 'tfjs'])) {
      byId(`export-${target}`).textContent = code?.[target].text ?? '';
      byId(`export-${target}-name`).textContent = code?.[target].name ?? '';
      buttonById(`export-${target}-download`).disabled = !code;
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
      if (code) download(code[target].name, new Blob([code[target].text], { type: 'text/plain' }));
    });
  }
}
