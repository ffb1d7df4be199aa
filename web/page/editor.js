// @ts-check
// Changing the network: the editor's layers are the store's `layers`; the engine's verdict on
// them (page/analyser.js) is the store's `analysis`, worked out again whenever they, the
// engine's memory limit or the data change. The layer kinds and fields are the engine's
// (analyser.form). Adding layers, building the network, starting from a ready architecture (with
// an undo for the edits it replaces), going back to Basic_CNN, and the Keras config in and out.

import { toKerasConfig, sameArchitecture } from '../shared/keras-form.js';
import { createEditorView, suggestedPosition } from './editor-view.js';
import { editorIsBuilt, networkName } from './model.js';
import { download } from './files.js';
import { watch } from './store.js';
import { byId, selectById, buttonById } from './views.js';

/** The shape of the images the page works with. */
const INPUT_SHAPE = [28, 28, 1];

/**
 * @param {import('./app.js').App} app @param {import('./model.js').Models} models
 * @param {import('./analyser.js').Analyser} analyser  the page's engine: the layer kinds, their fields and the verdict
 */
export function startEditor(app, models, analyser) {
  const { store, task, clearError, showError } = app;
  const setLayers = (/** @type {import('../shared/keras-form.js').FormLayer[]} */ layers) => store.update({ layers });

  // The engine's verdict follows the layers and the limit of the engine that will train them.
  watch(store, (s) => ({ layers: s.layers, memoryLimit: s.engine.memoryLimit }), (_, s) => {
    store.update({ analysis: analyser.analyse(s.layers, { name: networkName(s), memoryLimit: s.engine.memoryLimit }) });
  });

  const { form } = analyser;
  const view = createEditorView(byId('layer-list'), byId('model-summary'), { form, onChange: setLayers });
  watch(store, (s) => ({ layers: s.layers, analysis: s.analysis, lang: s.settings.lang }), (shown) => view.render(shown));

  // The ready architectures. Picking one replaces the editor's layers; edits of the user's own that
  // it replaces can be brought back (Undo), also after trying several in a row.
  const ready = analyser.architectures.map((a) => ({ ...a, layers: form.read(a.config).layers }));
  const picker = selectById('architectures');
  const note = byId('architecture-note');
  const undoRow = byId('architecture-undo');
  picker.replaceChildren(new Option('— a ready architecture —', ''), ...ready.map((a) => new Option(a.name, a.name)));
  /** @type {import('../shared/keras-form.js').FormLayer[] | null} */
  let replaced = null;
  const readyOne = (/** @type {import('../shared/keras-form.js').FormLayer[]} */ layers) => ready.find((a) => sameArchitecture(a.layers, layers));
  picker.addEventListener('change', () => {
    const chosen = ready.find((a) => a.name === picker.value);
    if (!chosen) return;
    const { layers, basicCnn, model } = store.get();
    const own = !readyOne(layers) && !sameArchitecture(layers, basicCnn) && !(model.layers && sameArchitecture(layers, model.layers));
    if (own) replaced = layers;
    setLayers(chosen.layers);
    if (replaced) byId('architecture-replaced').textContent = `The editor shows ${chosen.name}; your own network was replaced.`;
    undoRow.hidden = !replaced;
  });
  byId('undo-architecture').addEventListener('click', () => {
    if (replaced) setLayers(replaced);
    replaced = null;
    undoRow.hidden = true;
    picker.focus();
  });
  watch(store, (s) => s.layers, (layers) => {
    const shown = readyOne(layers);
    picker.value = shown?.name ?? '';
    note.textContent = shown?.description ?? '';
  });

  // Adding a layer, where it most likely belongs.
  const addType = selectById('add-type');
  const addPosition = selectById('add-position');
  addType.replaceChildren(...form.types.map((t) => new Option(t, t)));
  const renderAddPositions = () => {
    const { layers } = store.get();
    addPosition.replaceChildren(
      ...layers.map((layer, i) => new Option(`before ${layer.name}`, String(i))),
      new Option('the end', String(layers.length)),
    );
    addPosition.value = String(suggestedPosition(layers, addType.value || 'Conv2D', form));
  };
  watch(store, (s) => s.layers, renderAddPositions);
  addType.addEventListener('change', renderAddPositions);
  byId('add-layer').addEventListener('click', () => {
    const layers = [...store.get().layers];
    layers.splice(Number(addPosition.value), 0, form.newLayer(addType.value, layers.map((l) => l.name)));
    setLayers(layers);
  });

  buttonById('build-model').addEventListener('click', () => task('build', async () => {
    clearError();
    await models.build();
  }));

  byId('reset-architecture').addEventListener('click', () => {
    setLayers(store.get().basicCnn);
    // The tutorial's model comes back trained, as shipped.
    const s = store.get();
    if (s.engine.ready && !editorIsBuilt(s) && s.training.state !== 'running') models.useShipped();
  });

  // The Keras / TF.js layer config, out and in.
  const configText = /** @type {HTMLTextAreaElement} */ (byId('model-config'));
  const details = /** @type {HTMLDetailsElement} */ (byId('json-io'));
  let exported = ''; // the text last written there: anything else is the user's own, and is kept
  function exportConfig() {
    const s = store.get();
    exported = configText.value = JSON.stringify(toKerasConfig(s.layers, { name: networkName(s) }), null, 2);
    return exported;
  }
  // Opened, it shows the network as it is now, unless it holds text the user typed or pasted.
  details.addEventListener('toggle', () => {
    if (details.open && configText.value === exported) exportConfig();
  });
  byId('export-config').addEventListener('click', () => download('architecture.json', new Blob([exportConfig()], { type: 'application/json' })));

  /**
   * A config into the editor. Refused whole, in the engine's words, when the engine finds a
   * problem the editor could not show on a field: one that is no layer's (not JSON, another
   * input shape), or a layer's config key the editor has no field for (an unknown class). What
   * the editor can show (a value out of range, a shape that does not fit) it imports and shows.
   */
  function importConfig(/** @type {string} */ json, /** @type {string} */ source) {
    clearError();
    try {
      const verdict = analyser.analyseConfig(json, { memoryLimit: store.get().engine.memoryLimit, inputShape: INPUT_SHAPE });
      const refused = verdict.layers.find((l) => l.error && l.field && !form.fieldsOf(l.class_name).some((f) => f.name === l.field));
      if (refused) throw new Error(`${refused.name} (${refused.class_name}): ${refused.error}`);
      if (verdict.error && !verdict.layers.some((l) => l.error)) throw new Error(verdict.error);
      setLayers(form.read(json).layers);
    } catch (err) {
      showError(`${source} could not be imported: ${/** @type {Error} */ (err).message}. The editor is unchanged.`);
    }
  }
  byId('import-config').addEventListener('click', () => importConfig(configText.value, 'The config'));
  const filePicker = /** @type {HTMLInputElement} */ (byId('config-file'));
  filePicker.addEventListener('change', async () => {
    const file = filePicker.files?.[0];
    if (file) {
      configText.value = await file.text();
      importConfig(configText.value, file.name);
    }
    filePicker.value = '';
  });
}
