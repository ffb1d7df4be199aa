// The training worker: owns the wasm Engine, the MNIST data and the weights. It answers the
// requests of protocol.js one at a time; training runs in chunks of steps (~75 ms each) with a
// yield to the event loop between chunks, so pause/stop/predict messages are served mid-run.

import { Request, Reply, TrainState, INPUT_SIZE, NUM_CLASSES, MNIST_FILES } from './protocol.js';

const BASE = import.meta.env?.BASE_URL ?? '/';
const CHUNK_TARGET_MS = 75;
const VALIDATION_LIMIT = 1000; // test images used for the per-epoch validation accuracy
const MISCLASSIFIED_MAX = 24;

let engine = null;
let build = null;
let threads = 1;
let dataInfo = null;
let testSet = null; // { images: Uint8Array (raw pixels), labels: Uint8Array, count }

const run = {
  state: TrainState.IDLE,
  config: null,
  stepsPerChunk: 1,
  lastEpoch: 0,
  scheduled: false,
};

const post = (message, transfer = []) => self.postMessage(message, transfer);

/** Error text from whatever was thrown: Embind passes C++ messages as Error or as strings. */
function messageOf(err) {
  if (err == null) return 'Unknown error';
  if (typeof err === 'string') return err;
  if (err.message) return err.message;
  return String(err);
}

function setTrainState(state, reason) {
  run.state = state;
  post({ type: Reply.EVENT_TRAIN_STATE, state, reason });
}

// ---------------------------------------------------------------------------------------------
// Loading the module and models

async function instantiate(name) {
  const url = new URL(`${BASE}wasm/${name}.mjs`, self.location.origin).href;
  const { default: createCnnModule } = await import(/* @vite-ignore */ url);
  const module = await createCnnModule();
  return new module.Engine();
}

/** The threads build when the page is cross-origin isolated (SharedArrayBuffer), else SIMD only;
 *  if the threads build fails to start, the SIMD build is used instead. */
async function loadModule(which) {
  const isolated = self.crossOriginIsolated && typeof SharedArrayBuffer !== 'undefined';
  const wantThreads = which === 'threads' || (which === 'auto' && isolated);
  if (wantThreads) {
    try {
      const e = await instantiate('cnn-threads');
      build = 'threads';
      threads = e.setThreads(Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 4)));
      return e;
    } catch (err) {
      if (which === 'threads') throw err;
      post({ type: Reply.EVENT_ERROR, message: `The multi-threaded engine did not start (${messageOf(err)}); using the single-threaded one.` });
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
  return { summary: JSON.parse(engine.summary()), topology: engine.topology() };
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

/** gunzip with DecompressionStream; bytes that are not gzip (a server that already decoded
 *  them because of Content-Encoding) are passed through unchanged. */
async function gunzip(bytes) {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
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
    [trainImagesGz, trainLabelsGz, testImagesGz, testLabelsGz].map(gunzip),
  );
  const train = JSON.parse(engine.setData('train', trainImages, trainLabels));
  const test = JSON.parse(engine.setData('test', testImages, testLabels));
  testSet = {
    images: testImages.subarray(testImages.length - test.count * test.rows * test.cols),
    labels: testLabels.subarray(testLabels.length - test.count),
    count: test.count,
    size: test.rows * test.cols,
  };
  dataInfo = { train, test };
  return dataInfo;
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
    result = JSON.parse(engine.train(run.stepsPerChunk));
  } catch (err) {
    // Non-finite loss: the engine rolled the weights back to the last good ones.
    setTrainState(TrainState.STOPPED, 'error');
    post({ type: Reply.EVENT_ERROR, message: `Training stopped: ${messageOf(err)}` });
    return;
  }
  const chunkMs = performance.now() - started;
  const perStep = chunkMs / run.stepsPerChunk;
  run.stepsPerChunk = Math.max(1, Math.min(64, Math.round(CHUNK_TARGET_MS / Math.max(perStep, 0.1))));
  post({ type: Reply.EVENT_METRICS, ...result, chunkMs, build, threads });
  if (result.epoch > run.lastEpoch || result.done) {
    const finished = result.done ? result.epoch : result.epoch - 1;
    if (finished > 0 && finished > run.lastValidated) validate(finished);
    run.lastEpoch = result.epoch;
  }
  if (result.done) {
    setTrainState(TrainState.DONE);
    return;
  }
  if (run.state === TrainState.RUNNING) scheduleChunk();
}

function validate(epoch) {
  run.lastValidated = epoch;
  try {
    const r = JSON.parse(engine.evaluate(VALIDATION_LIMIT));
    post({ type: Reply.EVENT_EPOCH, epoch, accuracy: r.accuracy, loss: r.loss, count: r.count });
  } catch (err) {
    post({ type: Reply.EVENT_ERROR, message: `Validation failed: ${messageOf(err)}` });
  }
}

function startTraining({ config, fresh }) {
  requireData();
  if (run.state === TrainState.RUNNING) throw new Error('Training is already running.');
  engine.setTraining(JSON.stringify(config));
  if (fresh) engine.resetTraining();
  run.config = config;
  run.stepsPerChunk = 1;
  run.lastEpoch = 0;
  run.lastValidated = 0;
  setTrainState(TrainState.RUNNING);
  scheduleChunk();
  return { state: run.state };
}

// ---------------------------------------------------------------------------------------------
// Inference

function toInput(input) {
  const x = input instanceof Float32Array ? input : new Float32Array(input);
  if (x.length !== INPUT_SIZE) throw new Error(`Expected ${INPUT_SIZE} pixels, got ${x.length}.`);
  return x;
}

function predict(input) {
  const started = performance.now();
  const probs = Float32Array.from(engine.predict(toInput(input)));
  if (probs.length !== NUM_CLASSES) throw new Error(`Expected ${NUM_CLASSES} probabilities.`);
  return { probs, ms: performance.now() - started };
}

function layerOutputs({ input, layers }) {
  const x = toInput(input);
  const summary = JSON.parse(engine.summary());
  const wanted =
    layers ??
    summary.layers.map((layer, index) => ({ layer, index }))
      .filter(({ layer }) => (layer.output_shape ?? []).length === 4)
      .map(({ index }) => index);
  const outputs = [];
  for (const index of wanted) {
    const out = engine.layerOutput(index, x);
    const layer = summary.layers[index];
    outputs.push({
      index,
      name: layer.name,
      className: layer.class_name,
      shape: Array.from(out.shape),
      data: Float32Array.from(out.data),
    });
  }
  return { outputs };
}

function findMisclassified(limit) {
  const found = [];
  if (!testSet) return found;
  const size = testSet.size;
  const x = new Float32Array(size);
  const deadline = performance.now() + 1500; // keep it short: this runs one image at a time
  for (let i = 0; i < Math.min(limit || testSet.count, testSet.count); i++) {
    if (found.length >= MISCLASSIFIED_MAX || performance.now() > deadline) break;
    const image = testSet.images.subarray(i * size, (i + 1) * size);
    for (let k = 0; k < size; k++) x[k] = image[k] / 255;
    const probs = engine.predict(x);
    let best = 0;
    for (let c = 1; c < probs.length; c++) if (probs[c] > probs[best]) best = c;
    if (best !== testSet.labels[i]) {
      found.push({ index: i, label: testSet.labels[i], predicted: best, image: image.slice() });
    }
  }
  return found;
}

function evaluate({ limit = 0 }) {
  requireData();
  const r = JSON.parse(engine.evaluate(limit));
  let misclassified = r.misclassified;
  if (Array.isArray(misclassified) && testSet) {
    misclassified = misclassified.slice(0, MISCLASSIFIED_MAX).map((m) => ({
      ...m,
      image: testSet.images.slice(m.index * testSet.size, (m.index + 1) * testSet.size),
    }));
  } else {
    misclassified = findMisclassified(limit);
  }
  return { ...r, misclassified };
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
    return { build, threads, source, metadata: loaded ? metadataOf(loaded.modelJson) : {}, ...describe() };
  },
  [Request.LOAD_DATA]: loadData,
  [Request.TRAIN]: startTraining,
  [Request.PAUSE]() {
    if (run.state === TrainState.RUNNING) setTrainState(TrainState.PAUSED);
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
    if (run.state !== TrainState.PAUSED && config) {
      engine.setTraining(JSON.stringify(config));
      run.config = config;
    }
    const metrics = JSON.parse(engine.train(1));
    post({ type: Reply.EVENT_METRICS, ...metrics, chunkMs: 0, build, threads });
    return { metrics };
  },
  [Request.STOP]() {
    stopRunFor('stopped');
    return { state: run.state };
  },
  [Request.RESET]({ config }) {
    stopRunFor('reset');
    if (config) engine.setTraining(JSON.stringify(config));
    engine.resetTraining();
    run.lastEpoch = 0;
    setTrainState(TrainState.IDLE);
    return describe();
  },
  [Request.PREDICT]: ({ input }) => predict(input),
  [Request.LAYER_OUTPUTS]: layerOutputs,
  [Request.EVALUATE]: evaluate,
  [Request.SAVE_MODEL]() {
    const saved = engine.saveModel();
    const weights = Uint8Array.from(saved.weights);
    return { modelJson: saved.modelJson, weights: weights.buffer };
  },
  async [Request.LOAD_MODEL]({ modelJson, weights, modelUrl }) {
    if (run.state === TrainState.RUNNING) throw new Error('Stop training before loading another model.');
    if (modelUrl) ({ modelJson, weights } = await fetchModel(modelUrl));
    engine.loadModel(modelJson, new Uint8Array(weights));
    stopRunFor('model replaced');
    return { metadata: metadataOf(modelJson), ...describe() };
  },
  [Request.BUILD_MODEL]({ config, seed = 1 }) {
    if (run.state === TrainState.RUNNING) throw new Error('Stop training before building another model.');
    engine.buildModel(config ?? '', seed);
    stopRunFor('model replaced');
    return describe();
  },
  [Request.DESCRIBE]: describe,
};

/** Objects in a result that can be moved instead of copied. */
function transferables(result) {
  const list = [];
  const visit = (value, depth) => {
    if (!value || depth > 3) return;
    if (value instanceof ArrayBuffer) list.push(value);
    else if (ArrayBuffer.isView(value)) list.push(value.buffer);
    else if (Array.isArray(value)) value.forEach((v) => visit(v, depth + 1));
    else if (typeof value === 'object') Object.values(value).forEach((v) => visit(v, depth + 1));
  };
  visit(result, 0);
  return [...new Set(list)];
}

self.onmessage = async ({ data }) => {
  const { type, id, ...payload } = data ?? {};
  try {
    const handler = handlers[type];
    if (!handler) throw new Error(`Unknown request "${type}".`);
    if (!engine && type !== Request.INIT) throw new Error('The engine is not loaded yet.');
    const result = (await handler(payload)) ?? {};
    post({ type: Reply.REPLY, id, ok: true, ...result }, transferables(result));
  } catch (err) {
    post({ type: Reply.REPLY, id, ok: false, error: messageOf(err) });
  }
};

// Anything that escapes a handler (e.g. a promise rejected outside the dispatch) is reported too.
self.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  post({ type: Reply.EVENT_ERROR, message: messageOf(event.reason) });
});
