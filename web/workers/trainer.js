// @ts-check
// The training worker: owns the wasm Engine, the data and the weights. It answers the requests
// of shared/protocol.js one at a time; training runs in chunks of steps (~75 ms, at least one
// step) with a yield to the event loop between chunks, so pause/stop messages are served mid-run.
// After every change of the weights it sends a copy to the predictor (predictor.js), which serves
// the page's predictions without waiting for a training step.

import { Request, TrainState } from '../shared/protocol.js';
import { loadEngineModule, messageOf } from '../shared/engine-module.js';
import { fetchModel, metadataOf } from '../shared/model-files.js';
import { serveRequests, failIfTrapped, yieldToEvents } from './request-loop.js';
import { predict, layerOutputs } from './inference.js';
import { downloadMnist, unpackFiles, giveData } from './datasets.js';
import { evaluate, cellImages } from './evaluation.js';
import { waitsFor } from '../shared/waits.js';

/** @typedef {import('../shared/engine-module.js').Engine} Engine */
/** @typedef {import('../shared/protocol.js').WorkerEvent} WorkerEvent */
/** @typedef {import('../shared/protocol.js').TrainStateName} TrainStateName */
/** @typedef {import('../shared/protocol.js').TrainingConfig} TrainingConfig */

const CHUNK_TARGET_MS = 75;
const SNAPSHOT_INTERVAL_MS = 500; // how stale the predictor's weights may get while training

/** @type {Engine | null} */
let engineOrNull = null;
/** @type {import('../shared/engine-module.js').EngineModule | null} */
let engineModule = null; // the module engineOrNull comes from
/** @type {import('../shared/protocol.js').WasmBuild | null} */
let build = null;
let threads = 1;
let singleThreadReason = ''; // why the 'auto' choice ended with the SIMD build
/** @type {import('./datasets.js').TestSet | null} */
let testSet = null;
/** @type {import('./evaluation.js').EvaluationRecord | null} */
let lastEvaluation = null;
let evaluating = false;
/** @type {MessagePort | null} */
let predictorPort = null;
let modelVersion = 0; // bumped on every model replacement; see Snapshot in protocol.js
let lastSnapshotAt = 0;

const run = {
  /** @type {TrainStateName} */
  state: TrainState.IDLE,
  /** @type {TrainingConfig | null} */
  config: null,
  stepsPerChunk: 1,
  learningRate: 0, // what the last chunk ended with: a change at an epoch's end is ReduceLROnPlateau's
  /** @type {import('../shared/protocol.js').Metrics | null} */
  lastMetrics: null,
  scheduled: false,
  crashNextChunk: false, // Request.CRASH while training: the next chunk traps
};

const post = (/** @type {WorkerEvent} */ event) => self.postMessage(event);

/** The engine; requests other than INIT are only served once it is loaded. */
const engine = () => /** @type {Engine} */ (engineOrNull);

function setTrainState(/** @type {TrainStateName} */ state, /** @type {string | undefined} */ reason = undefined) {
  run.state = state;
  post({ type: 'trainState', state, reason });
}

// ---------------------------------------------------------------------------------------------
// The module and the model

/** Why the threads build cannot run in this browser, or '' if it can. Isolation alone does not
 *  tell: WebKitGTK reports crossOriginIsolated and makes shared WebAssembly memories, but hides
 *  SharedArrayBuffer and cannot send such a memory to another worker (DataCloneError), which the
 *  threads build does to start its pool. */
function threadsUnavailable() {
  if (!self.crossOriginIsolated) return 'the page is not cross-origin isolated';
  if (typeof SharedArrayBuffer === 'undefined') return 'this browser does not provide SharedArrayBuffer';
  try {
    structuredClone(new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }));
  } catch (err) {
    return `this browser cannot share WebAssembly memory between workers (${messageOf(err)})`;
  }
  return '';
}

/**
 * Rejects with `reason` if `promise` has not settled within `ms`.
 * @template T @param {Promise<T>} promise @param {number} ms @param {string} reason @returns {Promise<T>}
 */
function within(promise, ms, reason) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(reason)), ms)));
  return /** @type {Promise<T>} */ (Promise.race([promise, late]).finally(() => clearTimeout(timer)));
}

/** The threads build where the browser can run it ('auto') and its pool of workers starts within
 *  `threadsStartMs`, else SIMD only; `singleThreadReason` says why 'auto' ended with one thread. */
async function loadEngine(/** @type {import('../shared/protocol.js').WasmChoice} */ which, /** @type {number} */ threadsStartMs) {
  if (which !== 'simd') {
    const unavailable = threadsUnavailable();
    if (unavailable && which === 'threads') throw new Error(`The multi-threaded engine cannot run here: ${unavailable}.`);
    singleThreadReason = unavailable;
    if (!unavailable) {
      try {
        const module = await within(loadEngineModule('cnn-threads'), threadsStartMs, `still starting after ${threadsStartMs / 1000} s`);
        const e = new module.Engine();
        engineModule = module;
        build = 'threads';
        threads = e.setThreads(Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 4)));
        return e;
      } catch (err) {
        if (which === 'threads') throw err;
        singleThreadReason = `the multi-threaded engine did not start: ${messageOf(err)}`;
      }
    }
  }
  engineModule = await loadEngineModule('cnn-simd');
  const e = new engineModule.Engine();
  build = 'simd';
  threads = e.setThreads(1);
  return e;
}

/** The model in use, as every reply that replaced it describes it. */
function describe() {
  return { summary: JSON.parse(engine().summary()), topology: engine().topology(), modelVersion, memoryLimit: engine().memoryLimit() };
}

/** Sends the current weights to the predictor. */
function sendSnapshot() {
  lastSnapshotAt = performance.now();
  if (!predictorPort) return;
  const saved = engine().saveModel(); // weights: a fresh Uint8Array, safe to transfer
  const weights = /** @type {ArrayBuffer} */ (saved.weights.buffer);
  const step = run.lastMetrics?.step ?? 0;
  predictorPort.postMessage({ type: 'snapshot', version: modelVersion, step, modelJson: saved.modelJson, weights }, [weights]);
}

/** After a model replacement: a new version, which the predictor gets at once. */
function modelReplaced() {
  modelVersion++;
  sendSnapshot();
  return describe();
}

function stopRunFor(/** @type {string} */ reason) {
  if (run.state === TrainState.RUNNING || run.state === TrainState.PAUSED) setTrainState(TrainState.STOPPED, reason);
}

function refuseWhileTraining(/** @type {string} */ what) {
  if (run.state === TrainState.RUNNING) throw new Error(`Stop training before ${what}.`);
}

// ---------------------------------------------------------------------------------------------
// Data

/** @param {import('./datasets.js').IdxFiles} files */
function useData(files) {
  const { train, test, testSet: kept } = giveData(engine(), files);
  testSet = kept;
  lastEvaluation = null;
  return { train, test, memoryLimit: engine().memoryLimit() }; // the data takes heap the model then cannot use
}

function requireData() {
  if (!testSet) throw new Error('Load the MNIST data first.');
  if (fineTuning) throw new Error('Wait for the fine-tuning to finish.');
  return testSet;
}

// ---------------------------------------------------------------------------------------------
// Training

// A MessageChannel message is a macrotask without setTimeout's 4 ms clamp: requests that arrived
// during a chunk are handled before the next chunk starts.
const chunkChannel = new MessageChannel();
chunkChannel.port1.onmessage = () => {
  run.scheduled = false;
  if (run.state === TrainState.RUNNING) trainChunk();
};

function scheduleChunk() {
  if (run.scheduled) return;
  run.scheduled = true;
  chunkChannel.port2.postMessage(null);
}

function trainChunk() {
  const started = performance.now();
  /** @type {import('../shared/protocol.js').Metrics} */
  let result;
  try {
    result = JSON.parse(run.crashNextChunk ? engine().crashForTesting() : engine().train(run.stepsPerChunk));
  } catch (err) {
    if (failIfTrapped(err)) return;
    // Non-finite loss: the engine rolled the weights back to the last good ones.
    setTrainState(TrainState.STOPPED, 'error');
    sendSnapshot();
    post({ type: 'workerError', message: `Training stopped: ${messageOf(err)}` });
    return;
  }
  const chunkMs = performance.now() - started;
  const perStep = chunkMs / run.stepsPerChunk;
  run.stepsPerChunk = Math.max(1, Math.min(64, Math.round(CHUNK_TARGET_MS / Math.max(perStep, 0.1))));
  run.lastMetrics = result;
  post({ type: 'metrics', ...result, chunkMs, build, threads });
  if (result.done || performance.now() - lastSnapshotAt > SNAPSHOT_INTERVAL_MS) sendSnapshot();
  if (result.epoch_end) epochEnded(result);
  if (result.done) setTrainState(TrainState.DONE, result.stopped_early ? 'early stopping' : undefined);
  else if (run.state === TrainState.RUNNING) scheduleChunk();
}

/** 0.000500 → "0.0005" */
const short = (/** @type {number} */ v) => String(Number(v.toPrecision(3)));

/** At an epoch's end: the engine's check of its validation split, and what its callbacks did. */
function epochEnded(/** @type {import('../shared/protocol.js').Metrics} */ result) {
  const epoch = Math.min(Math.ceil(result.step / result.steps_per_epoch), run.config?.epochs ?? 1);
  if (result.val_accuracy !== undefined && result.val_loss !== undefined) {
    post({ type: 'epoch', epoch, accuracy: result.val_accuracy, loss: result.val_loss, count: result.val_count ?? 0, source: 'validation_split' });
  }
  const callbacks = run.config?.callbacks ?? [];
  const configOf = (/** @type {string} */ name) => callbacks.find((c) => c.class_name === name)?.config;
  const rate = result.learning_rate ?? run.learningRate;
  const reduce = configOf('ReduceLROnPlateau');
  if (reduce && rate < run.learningRate) {
    post({ type: 'callback', callback: 'ReduceLROnPlateau',
      message: `ReduceLROnPlateau: ${reduce.monitor ?? 'val_loss'} stopped improving, learning rate reduced from ${short(run.learningRate)} to ${short(rate)} after epoch ${epoch}.` });
  }
  run.learningRate = rate;
  const early = configOf('EarlyStopping');
  if (early && result.done) {
    const stopped = result.stopped_early ? `stopped early after epoch ${epoch}: ${early.monitor ?? 'val_loss'} did not improve for ${Number(early.patience ?? 0) + 1} epoch(s)` : 'training ran to its end';
    // The engine puts the best epoch's weights back when training ends, stopped early or not (Keras 3).
    const restored = early.restore_best_weights ? '; the best epoch\'s weights were restored' : '';
    post({ type: 'callback', callback: 'EarlyStopping', message: `EarlyStopping: ${stopped}${restored}.` });
  }
}

/** New training settings: a new run (step 0, fresh optimizer state). */
function configure(/** @type {TrainingConfig} */ config) {
  engine().setTraining(JSON.stringify(config));
  run.config = config;
  run.learningRate = Number(engineModule?.scheduleCurve(JSON.stringify(config), 1)[0] ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Fine-tuning on the user's digits

let fineTuning = false; // a fine-tuning is running (its keep-or-undo may come later)

/** FNV-1a (32 bits) of the weights in use: lets the page tell that an undo gave back the same weights. */
function weightsDigest() {
  const bytes = engine().saveModel().weights;
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** @type {import('./request-loop.js').Handlers} */
const fineTuneHandlers = {
  async [Request.FINE_TUNE]({ images, labels, steps }) {
    requireData();
    refuseWhileTraining('fine-tuning');
    fineTuning = true;
    try {
      const digestBefore = weightsDigest();
      const before = JSON.parse(engine().startFineTune(images, labels, JSON.stringify(steps ? { steps } : {})));
      let perChunk = 1;
      let result;
      do {
        const started = performance.now();
        result = JSON.parse(engine().fineTune(perChunk));
        post({ type: 'fineTuneProgress', step: result.step, total: result.total_steps });
        const perStep = (performance.now() - started) / perChunk;
        perChunk = Math.max(1, Math.min(64, Math.round(CHUNK_TARGET_MS / Math.max(perStep, 0.1))));
        if (!result.done) await yieldToEvents();
      } while (!result.done);
      const { modelVersion: version } = modelReplaced();
      return { before, after: result.after, steps: result.step, modelVersion: version, digestBefore, digestAfter: weightsDigest() };
    } catch (err) {
      if (!failIfTrapped(err)) {
        try {
          engine().endFineTune(false); // the weights from before, not half a fine-tuning
        } catch {
          // it never started
        }
      }
      throw err;
    } finally {
      fineTuning = false;
    }
  },
  [Request.END_FINE_TUNE]({ keep }) {
    engine().endFineTune(keep);
    const { modelVersion: version } = modelReplaced();
    return { modelVersion: version, digest: weightsDigest() };
  },
};

// ---------------------------------------------------------------------------------------------
// Requests

/** @type {import('./request-loop.js').Handlers} */
const handlers = {
  async [Request.INIT]({ wasm = 'auto', threadsStartMs = waitsFor('').threadsStartMs, model, modelUrl }) {
    const e = engineOrNull ??= await loadEngine(wasm, threadsStartMs);
    /** @type {'given' | 'url' | 'untrained'} */
    let source = 'url';
    let loaded = null;
    if (model) {
      try {
        e.loadModel(model.modelJson, new Uint8Array(model.weights));
        loaded = model;
        source = 'given';
      } catch (err) {
        post({ type: 'workerError', message: `The saved model could not be loaded (${messageOf(err)}); using the shipped one.` });
      }
    }
    if (!loaded) {
      try {
        const fetched = await fetchModel(modelUrl);
        e.loadModel(fetched.modelJson, fetched.weights);
        loaded = fetched;
      } catch (err) {
        e.buildModel('', 1);
        post({ type: 'workerError', message: `The shipped model could not be loaded (${messageOf(err)}); starting from an untrained Basic_CNN.` });
        source = 'untrained';
      }
    }
    return { build: build ?? 'simd', threads, singleThreadReason, source, metadata: loaded ? metadataOf(loaded.modelJson) : {}, ...modelReplaced() };
  },
  async [Request.LOAD_DATA]({ baseUrl }) {
    refuseWhileTraining('loading data');
    return useData(await downloadMnist(baseUrl, (progress) => post({ type: 'dataProgress', ...progress })));
  },
  async [Request.LOAD_FILES]({ files }) {
    refuseWhileTraining('loading data');
    const { data, names } = await unpackFiles(files);
    stopRunFor('new data');
    return { ...useData(data), files: names };
  },
  [Request.TRAIN]({ config, fresh }) {
    requireData();
    if (evaluating) throw new Error('Wait for the evaluation to finish.');
    if (run.state === TrainState.RUNNING) throw new Error('Training is already running.');
    configure(config);
    if (fresh) engine().resetTraining();
    run.stepsPerChunk = 1;
    setTrainState(TrainState.RUNNING);
    scheduleChunk();
    return { state: run.state };
  },
  [Request.PAUSE]() {
    if (run.state === TrainState.RUNNING) {
      setTrainState(TrainState.PAUSED);
      sendSnapshot();
    }
    return { state: run.state };
  },
  [Request.RESUME]() {
    if (run.state !== TrainState.PAUSED) throw new Error('Training is not paused.');
    setTrainState(TrainState.RUNNING);
    scheduleChunk();
    return { state: run.state };
  },
  [Request.STEP]({ config }) {
    requireData();
    if (run.state === TrainState.RUNNING) throw new Error('Pause training before stepping.');
    // setTraining starts a new run: only when the settings changed.
    if (config && JSON.stringify(config) !== JSON.stringify(run.config)) configure(config);
    const metrics = JSON.parse(engine().train(1));
    run.lastMetrics = metrics;
    post({ type: 'metrics', ...metrics, chunkMs: 0, build, threads });
    sendSnapshot();
    return { metrics };
  },
  [Request.STOP]() {
    stopRunFor('stopped');
    sendSnapshot();
    return { state: run.state };
  },
  [Request.RESET]({ config }) {
    stopRunFor('reset');
    if (config) configure(config);
    engine().resetTraining();
    run.lastMetrics = null;
    setTrainState(TrainState.IDLE);
    return modelReplaced();
  },
  [Request.AUGMENTED_BATCH]({ config, count }) {
    requireData();
    const original = engine().augmentedBatch(JSON.stringify({ ...config, augmentation: [] }), count).images;
    const { images: augmented, shape } = engine().augmentedBatch(JSON.stringify(config), count);
    return { original, augmented, shape };
  },
  [Request.CONNECT_PREDICTOR]({ port }) {
    predictorPort = port;
    if (engineOrNull) sendSnapshot();
  },
  [Request.PREDICT]: ({ input }) => ({ ...predict(engine(), input), version: modelVersion }),
  [Request.LAYER_OUTPUTS]: (payload) => layerOutputs(engine(), payload),
  async [Request.EVALUATE]({ limit }) {
    const tests = requireData();
    if (run.state === TrainState.RUNNING) throw new Error('Pause or stop training before evaluating.');
    if (evaluating) throw new Error('An evaluation is already running.');
    evaluating = true;
    try {
      const { result, record } = await evaluate(engine(), tests, limit, (done, total) => post({ type: 'evalProgress', done, total }));
      lastEvaluation = record;
      return result;
    } finally {
      evaluating = false;
    }
  },
  [Request.CELL_IMAGES](cell) {
    if (!lastEvaluation) throw new Error('Evaluate first.');
    return cellImages(engine(), requireData(), lastEvaluation, cell);
  },
  [Request.SAVE_MODEL]() {
    const saved = engine().saveModel();
    return { modelJson: saved.modelJson, weights: /** @type {ArrayBuffer} */ (saved.weights.buffer) };
  },
  async [Request.LOAD_MODEL]({ modelJson, weights, modelUrl }) {
    refuseWhileTraining('loading another model');
    const files = modelUrl ? await fetchModel(modelUrl) : { modelJson: modelJson ?? '', weights: new Uint8Array(weights ?? new ArrayBuffer(0)) };
    engine().loadModel(files.modelJson, files.weights);
    stopRunFor('model replaced');
    return { metadata: metadataOf(files.modelJson), ...modelReplaced() };
  },
  [Request.BUILD_MODEL]({ config, seed = 1 }) {
    refuseWhileTraining('building another model');
    engine().buildModel(config ?? '', seed);
    stopRunFor('model replaced');
    return modelReplaced();
  },
  // For tests: the engine traps, as a bug or an abort would; while training, inside the next chunk.
  [Request.CRASH]() {
    if (run.state === TrainState.RUNNING) run.crashNextChunk = true;
    else engine().crashForTesting();
  },
  ...fineTuneHandlers,
  [Request.PING]: () => ({}),
  [Request.HEAP_IN_USE]: () => ({ bytes: engineModule?.heapBytesInUse() ?? 0 }),
};

/** @type {string[]} */
const servedBeforeInit = [Request.INIT, Request.CONNECT_PREDICTOR, Request.PING];
serveRequests(handlers, (type) => engineOrNull !== null || servedBeforeInit.includes(type));
