// The training worker: owns the wasm Engine, the MNIST data and the weights. It answers the
// requests of protocol.js one at a time; training runs in chunks of steps (~75 ms, at least one
// step) with a yield to the event loop between chunks, so pause/stop messages are served mid-run.
// After every change of the weights it sends a copy to the predictor (predictor.js), which serves
// the page's predictions without waiting for a training step.

import { Request, Reply, TrainState, MNIST_FILES, SNAPSHOT } from './protocol.js';
import { instantiate, messageOf, predict, layerOutputs, serveRequests, failIfTrapped } from './engine.js';
import { gunzip, pairDataFiles } from './idx.js';

const BASE = import.meta.env?.BASE_URL ?? '/';
const CHUNK_TARGET_MS = 75;
const SNAPSHOT_INTERVAL_MS = 500; // how stale the predictor's weights may get while training
const VALIDATION_LIMIT = 1000; // test images used for the per-epoch validation accuracy
const EVAL_SLICE_MS = 100; // evaluation runs in slices this long, so other requests get a turn
const MISCLASSIFIED_SHOWN = 60; // misclassified images sent with an evaluation (the rest on request)
const CELL_IMAGES_MAX = 60;

let engine = null;
let build = null;
let threads = 1;
let singleThreadReason = ''; // why the 'auto' choice ended with the SIMD build
let dataInfo = null;
let testSet = null; // { images: Uint8Array (raw pixels), labels: Uint8Array, count }
let lastEvaluation = null; // { count, confusion, misclassified: [{index, label, predicted, confidence}] }
let evaluating = false;
let predictorPort = null;
let modelVersion = 0; // bumped on every model replacement; see SNAPSHOT in protocol.js
let lastSnapshotAt = 0;

const run = {
  state: TrainState.IDLE,
  config: null,
  stepsPerChunk: 1,
  lastValidated: 0,
  scheduled: false,
  crashNextChunk: false, // Request.CRASH while training: the next chunk traps
};

const post = (message, transfer = []) => self.postMessage(message, transfer);

function setTrainState(state, reason) {
  run.state = state;
  post({ type: Reply.EVENT_TRAIN_STATE, state, reason });
}

// ---------------------------------------------------------------------------------------------
// Loading the module and models

const THREADS_START_MS = 20_000; // the threads build waits for its pool of workers to start

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

/** Rejects with `reason` if `promise` has not settled within `ms`. */
function within(promise, ms, reason) {
  let timer;
  const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(reason)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The threads build where the browser can run it ('auto'), else SIMD only; `singleThreadReason`
 *  says why 'auto' ended with one thread. */
async function loadModule(which) {
  if (which !== 'simd') {
    const unavailable = threadsUnavailable();
    if (unavailable && which === 'threads') throw new Error(`The multi-threaded engine cannot run here: ${unavailable}.`);
    singleThreadReason = unavailable;
    if (!unavailable) {
      try {
        const e = await within(instantiate('cnn-threads'), THREADS_START_MS, `it did not start within ${THREADS_START_MS / 1000} s`);
        build = 'threads';
        threads = e.setThreads(Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 4)));
        return e;
      } catch (err) {
        if (which === 'threads') throw err;
        singleThreadReason = `the multi-threaded engine did not start: ${messageOf(err)}`;
      }
    }
  }
  const e = await instantiate('cnn-simd');
  build = 'simd';
  threads = e.setThreads(1);
  return e;
}

async function fetchModel(modelUrl) {
  const response = await fetch(modelUrl);
  if (!response.ok) throw new Error(`Could not fetch ${modelUrl}: HTTP ${response.status}`);
  const modelJson = await response.text();
  const manifest = JSON.parse(modelJson).weightsManifest ?? [];
  const paths = manifest.flatMap((group) => group.paths);
  const parts = [];
  for (const path of paths) {
    const url = new URL(path, new URL(modelUrl, self.location.href)).href;
    const r = await fetch(url);
    if (!r.ok) throw new Error(`Could not fetch ${url}: HTTP ${r.status}`);
    parts.push(new Uint8Array(await r.arrayBuffer()));
  }
  return { modelJson, weights: concat(parts) };
}

function concat(parts) {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function metadataOf(modelJson) {
  try {
    const json = JSON.parse(modelJson);
    return json.userDefinedMetadata ?? {};
  } catch {
    return {};
  }
}

function describe() {
  return { summary: JSON.parse(engine.summary()), topology: engine.topology(), modelVersion, memoryLimit: engine.memoryLimit() };
}

/** Sends the current weights to the predictor. */
function sendSnapshot() {
  lastSnapshotAt = performance.now();
  if (!predictorPort) return;
  const saved = engine.saveModel(); // weights: a fresh Uint8Array, safe to transfer
  const step = run.lastMetrics?.step ?? 0;
  predictorPort.postMessage({ type: SNAPSHOT, version: modelVersion, step, modelJson: saved.modelJson, weights: saved.weights.buffer }, [saved.weights.buffer]);
}

/** After a model replacement: new version, and the predictor gets it at once. */
function modelReplaced() {
  modelVersion++;
  sendSnapshot();
}

function stopRunFor(reason) {
  if (run.state === TrainState.RUNNING || run.state === TrainState.PAUSED) {
    setTrainState(TrainState.STOPPED, reason);
  }
}

// ---------------------------------------------------------------------------------------------
// MNIST

async function fetchWithProgress(url, onBytes) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Could not download ${url}: HTTP ${response.status}`);
  const total = Number(response.headers.get('Content-Length')) || 0;
  if (!response.body) {
    const buffer = new Uint8Array(await response.arrayBuffer());
    onBytes(buffer.length, buffer.length);
    return buffer;
  }
  const reader = response.body.getReader();
  const chunks = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onBytes(loaded, total);
  }
  return concat(chunks);
}

async function loadData({ baseUrl }) {
  if (run.state === TrainState.RUNNING) throw new Error('Stop training before loading data.');
  const base = new URL(baseUrl ?? `${BASE}data/`, self.location.origin);
  const names = Object.values(MNIST_FILES);
  const progress = new Map(names.map((n) => [n, { loaded: 0, total: 0 }]));
  let lastPost = 0;
  const report = (file, done = false) => {
    const now = performance.now();
    if (!done && now - lastPost < 50) return;
    lastPost = now;
    let loaded = 0, total = 0;
    for (const p of progress.values()) {
      loaded += p.loaded;
      total += p.total;
    }
    post({ type: Reply.EVENT_DATA_PROGRESS, file, loaded, total, done });
  };
  // The sizes come from the Content-Length headers; ask for all four up front so the bar's total
  // is known from the start.
  const downloads = names.map((name) =>
    fetchWithProgress(new URL(name, base).href, (loaded, total) => {
      progress.set(name, { loaded, total: Math.max(total, loaded) });
      report(name);
    }),
  );
  const [trainImagesGz, trainLabelsGz, testImagesGz, testLabelsGz] = await Promise.all(downloads);
  report('', true);
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    [trainImagesGz, trainLabelsGz, testImagesGz, testLabelsGz].map((bytes, i) =>
      gunzip(bytes).catch((err) => {
        throw new Error(`${names[i]} could not be decompressed (${messageOf(err)})`);
      })),
  );
  return useData({ trainImages, trainLabels, testImages, testLabels });
}

/** Hands four decompressed IDX files to the engine and keeps the test set for thumbnails. */
function useData({ trainImages, trainLabels, testImages, testLabels }) {
  const classes = JSON.parse(engine.summary()).layers.at(-1)?.output_shape?.at(-1) ?? 10;
  for (const [name, labels] of [['training', trainLabels], ['test', testLabels]]) {
    let max = 0;
    for (let i = 8; i < labels.length; i++) if (labels[i] > max) max = labels[i];
    if (max >= classes) throw new Error(`the ${name} labels go up to ${max}, but the model has ${classes} classes (0–${classes - 1})`);
  }
  const { train, test } = JSON.parse(engine.setData(trainImages, trainLabels, testImages, testLabels));
  testSet = {
    images: testImages.subarray(testImages.length - test.count * test.rows * test.cols),
    labels: testLabels.subarray(testLabels.length - test.count),
    count: test.count,
    size: test.rows * test.cols,
  };
  dataInfo = { train, test };
  lastEvaluation = null;
  return { ...dataInfo, memoryLimit: engine.memoryLimit() }; // the data takes heap the model then cannot use
}

/** Four IDX files the person chose (raw or .gz), in any order. */
async function loadFiles({ files }) {
  if (run.state === TrainState.RUNNING) throw new Error('Stop training before loading data.');
  const unpacked = await Promise.all(
    files.map(async (f) => {
      try {
        return { name: f.name, bytes: await gunzip(new Uint8Array(f.bytes)) };
      } catch (err) {
        throw new Error(`${f.name} could not be decompressed (${messageOf(err)})`);
      }
    }),
  );
  const { train, test } = pairDataFiles(unpacked);
  for (const part of [train.images, test.images]) {
    const { rows, cols } = part.info;
    if (rows !== 28 || cols !== 28) throw new Error(`${part.name} holds ${rows}×${cols} images; the page works with 28×28 images`);
  }
  stopRunFor('new data');
  const info = useData({ trainImages: train.images.bytes, trainLabels: train.labels.bytes, testImages: test.images.bytes, testLabels: test.labels.bytes });
  return { ...info, files: { trainImages: train.images.name, trainLabels: train.labels.name, testImages: test.images.name, testLabels: test.labels.name } };
}

// ---------------------------------------------------------------------------------------------
// Training

function requireData() {
  if (!dataInfo) throw new Error('Load the MNIST data first.');
}

function scheduleChunk() {
  if (run.scheduled) return;
  run.scheduled = true;
  // A MessageChannel message is a macrotask without setTimeout's 4 ms clamp: requests that
  // arrived during the chunk are handled before the next chunk starts.
  yieldChannel.port2.postMessage(null);
}

const yieldChannel = new MessageChannel();
yieldChannel.port1.onmessage = () => {
  run.scheduled = false;
  if (run.state === TrainState.RUNNING) trainChunk();
};

function trainChunk() {
  const started = performance.now();
  let result;
  try {
    result = JSON.parse(run.crashNextChunk ? engine.crashForTesting() : engine.train(run.stepsPerChunk));
  } catch (err) {
    if (failIfTrapped(err)) return;
    // Non-finite loss: the engine rolled the weights back to the last good ones.
    setTrainState(TrainState.STOPPED, 'error');
    sendSnapshot();
    post({ type: Reply.EVENT_ERROR, message: `Training stopped: ${messageOf(err)}` });
    return;
  }
  const chunkMs = performance.now() - started;
  const perStep = chunkMs / run.stepsPerChunk;
  run.stepsPerChunk = Math.max(1, Math.min(64, Math.round(CHUNK_TARGET_MS / Math.max(perStep, 0.1))));
  run.lastMetrics = result;
  post({ type: Reply.EVENT_METRICS, ...result, chunkMs, build, threads });
  if (result.done || performance.now() - lastSnapshotAt > SNAPSHOT_INTERVAL_MS) sendSnapshot();
  // Validate once per finished epoch (result.epoch is the 0-based epoch of the last step).
  const finished = Math.min(Math.floor(result.step / result.steps_per_epoch), run.config.epochs);
  if (finished > run.lastValidated) validate(finished);
  if (result.done) {
    setTrainState(TrainState.DONE);
    return;
  }
  if (run.state === TrainState.RUNNING) scheduleChunk();
}

function validate(epoch) {
  run.lastValidated = epoch;
  try {
    const r = JSON.parse(engine.evaluate(VALIDATION_LIMIT, 0));
    post({ type: Reply.EVENT_EPOCH, epoch, accuracy: r.accuracy, loss: r.loss, count: r.count });
  } catch (err) {
    if (failIfTrapped(err)) return;
    post({ type: Reply.EVENT_ERROR, message: `Validation failed: ${messageOf(err)}` });
  }
}

function startTraining({ config, fresh }) {
  requireData();
  if (evaluating) throw new Error('Wait for the evaluation to finish.');
  if (run.state === TrainState.RUNNING) throw new Error('Training is already running.');
  engine.setTraining(JSON.stringify(config));
  if (fresh) engine.resetTraining();
  run.config = config;
  run.stepsPerChunk = 1;
  run.lastValidated = 0;
  setTrainState(TrainState.RUNNING);
  scheduleChunk();
  return { state: run.state };
}

// ---------------------------------------------------------------------------------------------
// Inference

/** Lets requests that arrived meanwhile be served (a macrotask without setTimeout's clamp). */
function yieldToEvents() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

const imageOf = (index) => testSet.images.slice(index * testSet.size, (index + 1) * testSet.size);

/** The first `limit` test images (0 = all), in slices of ~EVAL_SLICE_MS with a yield between. */
async function evaluate({ limit = 0 }) {
  requireData();
  if (run.state === TrainState.RUNNING) throw new Error('Pause or stop training before evaluating.');
  if (evaluating) throw new Error('An evaluation is already running.');
  evaluating = true;
  try {
    const total = limit > 0 ? Math.min(limit, testSet.count) : testSet.count;
    let confusion = null;
    let count = 0;
    let lossSum = 0;
    const misclassified = [];
    let slice = 16; // grows to what fits in EVAL_SLICE_MS
    for (let offset = 0; offset < total; ) {
      const n = Math.min(slice, total - offset);
      const started = performance.now();
      const r = JSON.parse(engine.evaluate(n, offset));
      const ms = performance.now() - started;
      if (r.count === 0) break;
      confusion ??= r.confusion.map((row) => row.map(() => 0));
      r.confusion.forEach((row, i) => row.forEach((v, j) => (confusion[i][j] += v)));
      lossSum += r.loss * r.count;
      count += r.count;
      misclassified.push(...r.misclassified);
      offset += r.count;
      slice = Math.max(1, Math.min(1000, Math.round((n * EVAL_SLICE_MS) / Math.max(ms, 1))));
      post({ type: Reply.EVENT_EVAL_PROGRESS, done: count, total });
      await yieldToEvents();
    }
    const correct = confusion.reduce((sum, row, i) => sum + row[i], 0);
    lastEvaluation = { count, confusion, misclassified };
    return {
      accuracy: correct / count,
      loss: lossSum / count,
      count,
      confusion,
      misclassifiedTotal: misclassified.length,
      misclassified: misclassified.slice(0, MISCLASSIFIED_SHOWN).map((m) => ({ ...m, image: imageOf(m.index) })),
    };
  } finally {
    evaluating = false;
  }
}

/** Test images of one confusion-matrix cell (true `label`, answered `predicted`) from the last evaluation. */
function cellImages({ label, predicted, limit = CELL_IMAGES_MAX }) {
  if (!lastEvaluation) throw new Error('Evaluate first.');
  const total = lastEvaluation.confusion[label]?.[predicted] ?? 0;
  let items;
  if (label !== predicted) {
    items = lastEvaluation.misclassified.filter((m) => m.label === label && m.predicted === predicted).slice(0, limit);
  } else {
    // Right answers: images of this class that are not among the mistakes, with their confidence.
    const wrong = new Set(lastEvaluation.misclassified.map((m) => m.index));
    items = [];
    const x = new Float32Array(testSet.size);
    for (let i = 0; i < lastEvaluation.count && items.length < limit; i++) {
      if (testSet.labels[i] !== label || wrong.has(i)) continue;
      const image = testSet.images.subarray(i * testSet.size, (i + 1) * testSet.size);
      for (let k = 0; k < x.length; k++) x[k] = image[k] / 255;
      const probs = engine.predict(x);
      items.push({ index: i, label, predicted, confidence: probs[predicted] });
    }
  }
  return { label, predicted, total, items: items.map((m) => ({ ...m, image: imageOf(m.index) })) };
}

// ---------------------------------------------------------------------------------------------
// Request dispatch

const handlers = {
  async [Request.INIT]({ wasm = 'auto', model, modelUrl }) {
    if (!engine) engine = await loadModule(wasm);
    let source = 'url';
    let loaded = null;
    if (model) {
      try {
        engine.loadModel(model.modelJson, new Uint8Array(model.weights));
        loaded = model;
        source = 'given';
      } catch (err) {
        post({ type: Reply.EVENT_ERROR, message: `The saved model could not be loaded (${messageOf(err)}); using the shipped one.` });
      }
    }
    if (!loaded) {
      try {
        loaded = await fetchModel(modelUrl);
        engine.loadModel(loaded.modelJson, loaded.weights);
      } catch (err) {
        engine.buildModel('', 1);
        post({ type: Reply.EVENT_ERROR, message: `The shipped model could not be loaded (${messageOf(err)}); starting from an untrained Basic_CNN.` });
        loaded = null;
        source = 'untrained';
      }
    }
    modelReplaced();
    return { build, threads, singleThreadReason, source, metadata: loaded ? metadataOf(loaded.modelJson) : {}, ...describe() };
  },
  [Request.LOAD_DATA]: loadData,
  [Request.LOAD_FILES]: loadFiles,
  [Request.CELL_IMAGES]: cellImages,
  [Request.TRAIN]: startTraining,
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
    // setTraining starts a new run (step 0, fresh optimizer state): only when the settings changed.
    if (config && JSON.stringify(config) !== JSON.stringify(run.config)) {
      engine.setTraining(JSON.stringify(config));
      run.config = config;
      run.lastValidated = 0;
    }
    const metrics = JSON.parse(engine.train(1));
    run.lastMetrics = metrics;
    post({ type: Reply.EVENT_METRICS, ...metrics, chunkMs: 0, build, threads });
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
    if (config) {
      engine.setTraining(JSON.stringify(config));
      run.config = config;
    }
    engine.resetTraining();
    run.lastValidated = 0;
    run.lastMetrics = null;
    setTrainState(TrainState.IDLE);
    modelReplaced();
    return describe();
  },
  [Request.CONNECT_PREDICTOR]({ port }) {
    predictorPort = port;
    if (engine) sendSnapshot();
  },
  [Request.PREDICT]: ({ input }) => ({ ...predict(engine, input), version: modelVersion }),
  [Request.LAYER_OUTPUTS]: (payload) => layerOutputs(engine, payload),
  [Request.EVALUATE]: evaluate,
  [Request.SAVE_MODEL]() {
    const saved = engine.saveModel();
    return { modelJson: saved.modelJson, weights: saved.weights.buffer };
  },
  async [Request.LOAD_MODEL]({ modelJson, weights, modelUrl }) {
    if (run.state === TrainState.RUNNING) throw new Error('Stop training before loading another model.');
    if (modelUrl) ({ modelJson, weights } = await fetchModel(modelUrl));
    engine.loadModel(modelJson, new Uint8Array(weights));
    stopRunFor('model replaced');
    modelReplaced();
    return { metadata: metadataOf(modelJson), ...describe() };
  },
  [Request.BUILD_MODEL]({ config, seed = 1 }) {
    if (run.state === TrainState.RUNNING) throw new Error('Stop training before building another model.');
    engine.buildModel(config ?? '', seed);
    stopRunFor('model replaced');
    modelReplaced();
    return describe();
  },
  [Request.DESCRIBE]: describe,
  // For tests: the engine traps, as a bug or an abort would; while training, inside the next
  // training chunk.
  [Request.CRASH]() {
    if (run.state === TrainState.RUNNING) run.crashNextChunk = true;
    else engine.crashForTesting();
  },
};

serveRequests(handlers, Reply.REPLY, (type) => engine !== null || type === Request.INIT || type === Request.CONNECT_PREDICTOR);

// Anything that escapes a handler (e.g. a promise rejected outside the dispatch) is reported too.
self.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  post({ type: Reply.EVENT_ERROR, message: messageOf(event.reason) });
});
