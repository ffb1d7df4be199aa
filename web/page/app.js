// @ts-check
// What every feature of the page is given: the store with the page's state, the two workers and
// their events, and the page-wide ways to show an error and to run a long request.

import { createStore } from './store.js';
import { WorkerClient } from './worker-client.js';
import { Request } from '../shared/protocol.js';
import { DEFAULT_SETTINGS } from '../shared/url-state.js';
import { CLASS_PRESETS } from '../shared/idx.js';
import { waitsFor } from '../shared/waits.js';

/** @typedef {import('../shared/url-state.js').Settings} Settings */
/** @typedef {import('../shared/keras-form.js').FormLayer} FormLayer */
/** @typedef {import('./analyser.js').Analysis} Analysis */
/** @typedef {import('../shared/protocol.js').WorkerEvent} WorkerEvent */

/**
 * The page's state, plain data throughout (structured-clone serialisable).
 * @typedef {object} PageState
 * @property {Settings} settings  the training settings and the language (in the link)
 * @property {Record<string, string>} settingProblems  settings fields whose typed value was refused, and why
 * @property {FormLayer[]} layers  the editor's network (in the link)
 * @property {FormLayer[]} basicCnn  the engine's default network, the tutorial's
 * @property {Analysis | null} analysis  the engine's verdict on `layers`
 * @property {{ ready: boolean, build: string, threads: number, singleThreadReason: string,
 *   memoryLimit: number | null, modelVersion: number }} engine  the training worker's engine
 * @property {{ label: string, testAccuracy: number | null, name: string, layers: FormLayer[] | null,
 *   topology: string, featureLayers: number[], trainedHere: boolean }} model  the model in use: what
 *   the status line calls it, its layers (null when the editor cannot hold them), its Keras config
 *   as the engine describes it, the layers whose feature maps show
 * @property {boolean} saved  the browser keeps a saved model
 * @property {{ loaded: boolean, loading: boolean, name: string, trainCount?: number }} data  what the engine trains on
 * @property {{ state: import('../shared/protocol.js').TrainStateName, reason: string }} training
 * @property {import('../shared/protocol.js').Metrics | null} metrics  of the last training chunk
 * @property {string[]} busy  the long requests running
 * @property {string[]} classNames
 * @property {{ result: import('../shared/protocol.js').Evaluation | null,
 *   cell: import('../shared/protocol.js').CellImages | null }} evaluation  the last one, and the cell opened
 * @property {{ text: string, serial: number }} error  the error line (serial: shown again when repeated)
 * @property {RunsState} runs  the recorded training runs and how they are compared
 * @property {{ serviceWorker: boolean, isolationNote: string, appBytes: number | null, dataBytes: number | null }} offline
 *   what the service worker keeps for offline use (null: not known yet); isolationNote: why it
 *   could not make the page cross-origin isolated (page/isolation.js)
 */
/**
 * @typedef {object} RunsState
 * @property {Run[]} list  the finished runs, oldest first (as kept in IndexedDB)
 * @property {Run | null} live  the run in progress
 * @property {string[]} ticked  the runs drawn on the charts beside the newest one
 * @property {'step' | 'images'} alignBy  the charts' x axis
 * @property {boolean} keepWeights  keep each new run's weights
 * @property {string} problem  why runs cannot be kept (IndexedDB refused), '' when they can
 */
/** @typedef {import('../shared/runs.js').Run} Run */

/** @returns {PageState} */
function initialState() {
  return {
    settings: { ...DEFAULT_SETTINGS },
    settingProblems: {},
    layers: [],
    basicCnn: [],
    analysis: null,
    engine: { ready: false, build: '', threads: 1, singleThreadReason: '', memoryLimit: null, modelVersion: 0 },
    model: { label: '', testAccuracy: null, name: 'Model', layers: null, topology: '', featureLayers: [], trainedHere: false },
    saved: false,
    data: { loaded: false, loading: false, name: '' },
    training: { state: 'idle', reason: '' },
    metrics: null,
    busy: [],
    classNames: [...CLASS_PRESETS.digits],
    evaluation: { result: null, cell: null },
    error: { text: '', serial: 0 },
    runs: { list: [], live: null, ticked: [], alignBy: 'step', keepWeights: false, problem: '' },
    offline: { serviceWorker: false, isolationNote: '', appBytes: null, dataBytes: null },
  };
}

/**
 * @param {{ createTrainer: () => Worker, createPredictor: () => Worker,
 *   onTrainerCrash: (reason: string, how: { gaveUp: boolean }) => void }} workers
 */
export function createApp({ createTrainer, createPredictor, onTrainerCrash }) {
  const store = createStore(initialState());

  /** @type {Map<string, Array<(event: any) => void>>} */
  const handlers = new Map();
  /**
   * Calls `handler` with each event of this type the training worker sends.
   * @template {WorkerEvent['type']} T
   * @param {T} type @param {(event: Extract<WorkerEvent, { type: T }>) => void} handler
   */
  const on = (type, handler) => handlers.set(type, [...(handlers.get(type) ?? []), handler]);
  const dispatch = (/** @type {WorkerEvent} */ event) => handlers.get(event.type)?.forEach((handler) => handler(event));

  const trainer = new WorkerClient({ create: createTrainer, onEvent: dispatch, onCrash: onTrainerCrash });
  const predictor = new WorkerClient({
    create: createPredictor,
    onEvent: dispatch,
    onCrash: (reason, { gaveUp }) => {
      if (gaveUp) {
        showError(`The classifier's worker could not start (${reason}). Reload the page to try again.`);
        return;
      }
      showError(`The classifier's worker stopped (${reason}); it has been restarted.`);
      connectPredictor();
    },
  });
  /** Links the two workers with a fresh channel; the training worker then sends the weights. */
  function connectPredictor() {
    const channel = new MessageChannel();
    predictor.request(Request.CONNECT_PREDICTOR, { port: channel.port2 }, [channel.port2]).catch(() => {});
    trainer.request(Request.CONNECT_PREDICTOR, { port: channel.port1 }, [channel.port1]).catch(() => {});
  }
  connectPredictor();
  on('workerError', ({ message }) => showError(message));

  /** Shows `text` in the error line (every time, even when it says the same again). */
  const showError = (/** @type {string} */ text) => store.update((s) => ({ error: { text, serial: s.error.serial + 1 } }));
  const clearError = () => showError('');

  /**
   * Runs a long request named `name` (the controls that conflict with it are off meanwhile);
   * what it throws goes to the error line. Resolves to its result, or undefined if it failed.
   * @template T
   * @param {string} name @param {() => Promise<T>} action
   * @returns {Promise<T | undefined>}
   */
  async function task(name, action) {
    store.update((s) => ({ busy: [...s.busy, name] }));
    try {
      return await action();
    } catch (err) {
      showError(/** @type {Error} */ (err).message);
      return undefined;
    } finally {
      store.update((s) => ({ busy: s.busy.filter((b, i) => i !== s.busy.indexOf(name)) }));
    }
  }

  /**
   * Changes some fields of one of the state's parts: patch('model', { label }).
   * @template {'engine' | 'model' | 'data' | 'training' | 'evaluation' | 'runs' | 'offline'} K
   * @param {K} key @param {Partial<PageState[K]>} change
   */
  const patch = (key, change) => store.update((s) => ({ [key]: { ...s[key], ...change } }));

  /** How long starting may take before the page reports it (shortened by `?waits=` in tests). */
  const waits = waitsFor(location.search);

  return { store, trainer, predictor, connectPredictor, on, showError, clearError, task, patch, waits };
}

/** @typedef {ReturnType<typeof createApp>} App */
