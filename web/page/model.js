// @ts-check
// The model in use: starting the engine with a saved, shipped or recovered model, and every
// replacement after that (files, the shipped model, the editor's network, new random weights).
// Each one goes through replaceModel(): the request, then the store learns the new model; the
// predictions, filters and the editor follow from the store.

import { Request } from '../shared/protocol.js';
import { fromKerasConfig, toKerasConfig, sameArchitecture } from '../shared/keras-form.js';
import { trainingConfig } from '../shared/url-state.js';
import { readStoredModel } from './storage.js';
import { siteUrl } from '../shared/site.js';

/** @typedef {import('./app.js').App} App */
/** @typedef {import('./app.js').PageState} PageState */
/** @typedef {import('../shared/keras-form.js').FormLayer} FormLayer */
/** @typedef {import('../shared/protocol.js').ModelDescription} ModelDescription */
/** @typedef {import('../shared/protocol.js').ModelFiles} ModelFiles */
/** What the status line says about a model. */
/** @typedef {{ label: string, testAccuracy?: number | null }} ModelLabel */

const START_TRIES = 3; // starts of the chosen build before a frozen worker gets the SIMD build
const SHIPPED_MODEL_URL = siteUrl('models/basic-cnn/model.json');

export const savedLabel = (/** @type {string} */ savedAt) => `Your saved model (saved ${new Date(savedAt).toLocaleString('en-GB')})`;
const shippedLabel = (/** @type {string} */ name) => `Shipped ${name}, trained with the cnn command line`;

/** Whether the editor shows the network in use. */
export const editorIsBuilt = (/** @type {PageState} */ s) => s.model.layers !== null && sameArchitecture(s.layers, s.model.layers);

/** The name a network built from the editor gets. */
export const networkName = (/** @type {PageState} */ state) =>
  (sameArchitecture(state.layers, state.basicCnn) ? 'Basic_CNN' : 'My_CNN');

/** The editor's form of a Keras topology, or null if the editor cannot hold it (e.g. non-square windows). */
function layersOf(/** @type {string} */ topology) {
  try {
    return fromKerasConfig(topology).layers;
  } catch {
    return null;
  }
}

/** The shipped model's test accuracy: from its metadata, else from info.json beside it. */
async function shippedAccuracy(/** @type {import('../shared/protocol.js').ModelMetadata} */ metadata) {
  if (typeof metadata?.test_accuracy === 'number') return metadata.test_accuracy;
  try {
    const response = await fetch(new URL('info.json', SHIPPED_MODEL_URL));
    if (response.ok) return (await response.json()).test_accuracy ?? null;
  } catch {
    // no sidecar: the status line just leaves the accuracy out
  }
  return null;
}

export function createModels(/** @type {App} */ app) {
  const { store, trainer, patch } = app;

  /**
   * The one way the model in use changes: `request` replaces it in the engine, then the store
   * takes the new model. `describe(result)` says what to call it; `layers` is the editor's form
   * it was built from (else read from the engine's topology); `adopt`: the editor shows it.
   * @template {ModelDescription} R
   * @param {Promise<R>} request @param {(result: R) => ModelLabel | Promise<ModelLabel>} describe
   * @param {{ adopt?: boolean, layers?: FormLayer[] }} [options]
   */
  async function replaceModel(request, describe, { adopt = true, layers } = {}) {
    const result = await request;
    const { label, testAccuracy = null } = await describe(result);
    const { summary, topology, modelVersion, memoryLimit } = result;
    const built = layers ?? layersOf(topology);
    // One update: what watches the model version sees the model's layers with it.
    store.update((s) => ({
      engine: { ...s.engine, modelVersion, memoryLimit },
      model: {
        label, testAccuracy, name: summary.name, layers: built, topology, trainedHere: false,
        featureLayers: summary.layers.flatMap((l, i) => (l.class_name === 'Conv2D' || l.class_name === 'MaxPooling2D' ? [i] : [])),
      },
      ...(adopt && built ? { layers: built } : {}),
    }));
    return result;
  }

  /**
   * Starts the worker's engine with `recovered` weights if given, else the model saved in the
   * browser, else the shipped one. `buildEditor`: then build the editor's network (a link's).
   * @param {{ recovered?: ModelFiles & ModelLabel | null, buildEditor?: boolean }} [options]
   */
  async function initialise({ recovered = null, buildEditor = false } = {}) {
    patch('engine', { ready: false });
    const { startStalledMs } = app.waits;
    const stalled = `The network has not started after ${startStalledMs / 1000} s: the engine or the model ` +
      'is not loading. Check the connection and reload the page.';
    const watchdog = setTimeout(() => app.showError(stalled), startStalledMs);
    let stored = null;
    try {
      stored = recovered ? null : await readStoredModel();
    } catch {
      stored = null; // IndexedDB unavailable (private mode): just use the shipped model
    }
    const given = recovered ?? stored;
    try {
      const result = await replaceModel(
        startEngine({
          wasm: store.get().settings.wasm,
          threadsStartMs: app.waits.threadsStartMs,
          model: given ? { modelJson: given.modelJson, weights: given.weights } : null,
          modelUrl: SHIPPED_MODEL_URL,
        }),
        async ({ source, summary, metadata }) => {
          if (source === 'given' && recovered) return recovered;
          if (source === 'given' && stored) return { label: savedLabel(stored.savedAt), testAccuracy: stored.testAccuracy ?? null };
          if (source === 'url') return { label: shippedLabel(summary.name), testAccuracy: await shippedAccuracy(metadata) };
          return { label: `Untrained ${summary.name}` };
        },
        { adopt: !recovered && !buildEditor },
      );
      patch('engine', { build: result.build, threads: result.threads, singleThreadReason: result.singleThreadReason });
      if (!recovered) store.update({ saved: Boolean(stored) });
      const state = store.get();
      const wanted = buildEditor && state.analysis?.valid && !editorIsBuilt(state);
      patch('engine', { ready: true });
      if (wanted) await build('from the link');
    } catch (err) {
      app.showError(`The network could not be started: ${/** @type {Error} */ (err).message}`);
    }
    clearTimeout(watchdog);
    if (store.get().error.text === stalled) app.clearError();
  }

  /**
   * INIT, watching the worker meanwhile. A worker can freeze while the threads build starts its
   * own pool of workers: Firefox ESR 153 under WebDriver BiDi automation hangs in one of those
   * nested `new Worker` calls in about one start in ten, often twice in a row (never seen in 190
   * starts without automation). A frozen worker runs nothing, not even its timers, so the page
   * replaces it: with the same build up to START_TRIES times, then with the SIMD build.
   * @param {import('../shared/protocol.js').PayloadOf<'init'>} payload
   */
  async function startEngine(payload) {
    for (let attempt = 1; ; attempt++) {
      const wasm = attempt <= START_TRIES ? payload.wasm : 'simd';
      const reply = trainer.request(Request.INIT, { ...payload, wasm });
      if (!(await trainer.frozenBefore(reply, app.waits))) {
        const result = await reply;
        const froze = wasm !== payload.wasm ? `the multi-threaded engine froze while starting, ${START_TRIES} times` : '';
        return { ...result, singleThreadReason: result.singleThreadReason || froze };
      }
      if (wasm === 'simd') throw new Error(`Its worker froze while starting, ${attempt} times.`);
      trainer.restart('The worker froze while starting.');
      app.connectPredictor();
    }
  }

  /** Builds the editor's network in the engine: new weights from the seed. */
  async function build(why = '') {
    const state = store.get();
    const { layers, settings } = state;
    const config = JSON.stringify(toKerasConfig(layers, { name: networkName(state) }));
    try {
      await replaceModel(
        trainer.request(Request.BUILD_MODEL, { config, seed: settings.seed }),
        ({ summary }) => ({ label: `${summary.name}${why ? ` ${why}` : ''} (untrained, seed ${settings.seed})` }),
        { adopt: false, layers },
      );
    } catch (err) {
      throw new Error(`That network could not be built: ${/** @type {Error} */ (err).message}. The current model is unchanged.`);
    }
  }

  /** The shipped model again, as it was trained. */
  const useShipped = () => app.task('build', async () => {
    app.clearError();
    await replaceModel(
      trainer.request(Request.LOAD_MODEL, { modelUrl: SHIPPED_MODEL_URL }),
      async ({ summary, metadata }) => ({ label: shippedLabel(summary.name), testAccuracy: await shippedAccuracy(metadata) }),
    );
  });

  /** A model from files the person gave; `name` is its model.json's. */
  const useFiles = (/** @type {ModelFiles} */ files, /** @type {string} */ name) => replaceModel(
    trainer.request(Request.LOAD_MODEL, files, [files.weights]),
    ({ metadata }) => ({ label: `Model from ${name}`, testAccuracy: metadata?.test_accuracy ?? null }),
  );

  /** New random weights from the seed, and fresh optimizer state. */
  const resetWeights = () => replaceModel(
    trainer.request(Request.RESET, { config: trainingConfig(store.get().settings) }),
    ({ summary }) => ({ label: `${summary.name} with new random weights (untrained)` }),
  );

  return { initialise, build, useShipped, useFiles, resetWeights };
}

/** @typedef {ReturnType<typeof createModels>} Models */
