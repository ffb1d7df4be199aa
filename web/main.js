// Wires the page: the worker client, the drawing pad, the controls and the views.
// The main thread never runs network math; it only preprocesses drawings (a few ms) and renders.

import { Request, Reply, TrainState } from './protocol.js';
import { WorkerClient } from './client.js';
import { createDrawPad, paintImage28 } from './draw.js';
import { mnistFromStrokes } from './preprocess.js';
import { createCharts } from './charts.js';
import { parseState, serialiseState, trainingConfig, DEFAULT_LEARNING_RATE } from './state.js';
import { storeModel, readStoredModel, forgetStoredModel } from './storage.js';
import {
  createProbabilityBars, renderSummary, renderConfusion, renderMisclassified, renderFeatureMaps, formatPercent,
} from './views.js';

const BASE = import.meta.env?.BASE_URL ?? '/';
const SHIPPED_MODEL_URL = new URL(`${BASE}models/basic-cnn/model.json`, location.href).href;
const PREDICT_INTERVAL_MS = 40; // live classification while drawing: at most ~25 requests/s
const TRAINING_REPREDICT_MS = 500; // refresh the answer with the newest weights while training

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------
// State

let settings = parseState(location.hash);

const runtime = {
  ready: false,
  build: '',
  threads: 1,
  dataLoaded: false,
  loadingData: false,
  trainState: TrainState.IDLE,
  model: { label: '', testAccuracy: null }, // what the status line says about the current model
  lastMetrics: null,
  busy: new Set(), // names of long requests in progress (evaluate, save, load…)
  input: null, // the 28×28 input of the current drawing
  inputVersion: 0, // counts drawing changes; the prediction element says which version it answers
  predictions: 0, // answers received
  featureLayers: [],
  modelName: 'Model',
  modelVersion: 0, // the predictor answers only with weights at least this new
  trainedHere: false, // the status line follows the training steps
};

// ---------------------------------------------------------------------------------------------
// Errors and status

function showError(message) {
  $('error').textContent = message;
}
function clearError() {
  $('error').textContent = '';
}

function renderStatus() {
  const { label, testAccuracy } = runtime.model;
  const parts = [label];
  if (testAccuracy != null) parts.push(`test accuracy ${formatPercent(testAccuracy, 2)}`);
  if (runtime.trainState === TrainState.RUNNING) parts.push('training');
  parts.push(runtime.ready ? 'ready' : 'loading…');
  $('model-status').textContent = parts.filter(Boolean).join(' · ');
  document.body.classList.toggle('is-ready', runtime.ready);
  $('build-info').textContent = runtime.build
    ? `${runtime.build === 'threads' ? `SIMD + ${runtime.threads} threads` : 'SIMD, 1 thread'}`
    : '…';
}

function setModel(label, testAccuracy = null) {
  runtime.model = { label, testAccuracy };
  renderStatus();
}

function renderControls() {
  const { ready, dataLoaded, loadingData, trainState, busy } = runtime;
  const running = trainState === TrainState.RUNNING;
  const paused = trainState === TrainState.PAUSED;
  const blocked = busy.size > 0;
  $('load-data').disabled = !ready || loadingData || dataLoaded || running;
  $('train-start').disabled = !ready || !dataLoaded || running || paused || blocked;
  $('train-pause').disabled = !(running || paused);
  $('train-pause').textContent = paused ? 'Resume' : 'Pause';
  $('train-pause').setAttribute('aria-pressed', String(paused));
  $('train-step').disabled = !ready || !dataLoaded || running || blocked;
  $('train-stop').disabled = !(running || paused);
  $('train-reset').disabled = !ready || running || blocked;
  $('evaluate').disabled = !ready || !dataLoaded || running || blocked;
  $('save-model').disabled = !ready || blocked;
  $('load-model').disabled = !ready || running || blocked;
  $('build-model').disabled = !ready || running || blocked;
  $('default-model').disabled = !ready || running || blocked;
  for (const id of ['epochs', 'batch-size', 'learning-rate', 'optimizer', 'fresh']) $(id).disabled = running || paused;
  const labels = { idle: 'not started', running: 'training…', paused: 'paused', stopped: 'stopped', done: 'finished' };
  $('train-state').textContent = labels[trainState] ?? trainState;
  $('train-state').dataset.state = trainState;
}

/** Runs a long request with the controls that conflict with it disabled; errors go to `error`. */
async function task(name, action) {
  runtime.busy.add(name);
  renderControls();
  try {
    return await action();
  } catch (err) {
    showError(err.message);
    return undefined;
  } finally {
    runtime.busy.delete(name);
    renderControls();
  }
}

// ---------------------------------------------------------------------------------------------
// Worker

const client = new WorkerClient({
  create: () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }),
  onEvent: handleEvent,
  onCrash: handleCrash,
});
const predictor = new WorkerClient({
  create: () => new Worker(new URL('./predictor.js', import.meta.url), { type: 'module' }),
  onEvent: handleEvent,
  onCrash: (reason) => {
    showError(`The classifier's worker stopped (${reason}); it has been restarted.`);
    connectPredictor();
  },
});

/** Links the two workers with a fresh channel; the training worker then sends the weights. */
function connectPredictor() {
  const channel = new MessageChannel();
  predictor.request(Request.CONNECT_PREDICTOR, { port: channel.port2 }, [channel.port2]).catch(() => {});
  client.request(Request.CONNECT_PREDICTOR, { port: channel.port1 }, [channel.port1]).catch(() => {});
}
connectPredictor();

function handleEvent(message) {
  switch (message.type) {
    case Reply.EVENT_DATA_PROGRESS:
      return onDataProgress(message);
    case Reply.EVENT_METRICS:
      return onMetrics(message);
    case Reply.EVENT_EPOCH:
      charts.addEpoch(message.epoch, message.accuracy);
      return undefined;
    case Reply.EVENT_TRAIN_STATE:
      return onTrainState(message);
    case Reply.EVENT_ERROR:
      return showError(message.message);
    default:
      return undefined;
  }
}

async function handleCrash(reason) {
  runtime.ready = false;
  runtime.dataLoaded = false;
  runtime.trainState = TrainState.IDLE;
  showError(`The network's worker stopped (${reason}). It has been restarted with the last saved or shipped model; load the data again to train.`);
  renderControls();
  $('load-data').textContent = 'Load MNIST again';
  predictor.restart(); // its weights came from the worker that died
  connectPredictor();
  await initialise();
}

// ---------------------------------------------------------------------------------------------
// Start-up: the saved model from IndexedDB if there is one, else the shipped model

async function initialise() {
  runtime.ready = false;
  renderStatus();
  let stored = null;
  try {
    stored = await readStoredModel();
  } catch {
    stored = null; // IndexedDB unavailable (private mode): just use the shipped model
  }
  try {
    const result = await client.request(Request.INIT, {
      wasm: settings.wasm,
      model: stored ? { modelJson: stored.modelJson, weights: stored.weights } : null,
      modelUrl: SHIPPED_MODEL_URL,
    });
    runtime.build = result.build;
    runtime.threads = result.threads;
    if (result.source === 'given') {
      setModel(`Your saved model (saved ${new Date(stored.savedAt).toLocaleString('en-GB')})`, stored.testAccuracy ?? null);
    } else if (result.source === 'url') {
      setModel(`Shipped ${result.summary.name}, trained with the cnn command line`, await shippedAccuracy(result.metadata));
    } else {
      setModel(`Untrained ${result.summary.name}`);
    }
    $('forget-model').disabled = !stored;
    onModelChanged(result);
    runtime.ready = true;
  } catch (err) {
    showError(`The network could not be started: ${err.message}`);
  }
  renderStatus();
  renderControls();
  requestPrediction();
}

async function shippedAccuracy(metadata) {
  if (typeof metadata?.test_accuracy === 'number') return metadata.test_accuracy;
  try {
    const response = await fetch(new URL('info.json', SHIPPED_MODEL_URL));
    if (response.ok) return (await response.json()).test_accuracy ?? null;
  } catch {
    // no sidecar: the status line just leaves the accuracy out
  }
  return null;
}

function onModelChanged({ summary, topology, modelVersion }) {
  runtime.trainedHere = false;
  if (modelVersion != null) runtime.modelVersion = modelVersion;
  if (summary) {
    runtime.modelName = summary.name;
    renderSummary($('model-summary'), summary);
    fillFeatureLayers(summary);
  }
  if (topology) $('model-config').value = JSON.stringify(JSON.parse(topology), null, 2);
}

// ---------------------------------------------------------------------------------------------
// Drawing → prediction

const bars = createProbabilityBars($('probs'));
let predictInFlight = false;
let predictQueued = false;
let lastPredictAt = 0;
let predictTimer = 0;

// Pointer events can come faster than frames: the drawing is preprocessed at most once a frame.
let drawingFrame = 0;
let drawingFinal = false;
const pad = createDrawPad($('draw-canvas'), {
  onChange(strokes, final) {
    drawingFinal ||= final;
    if (!drawingFrame) drawingFrame = requestAnimationFrame(() => drawingChanged(pad.strokes));
  },
});

function drawingChanged(strokes) {
  drawingFrame = 0;
  const final = drawingFinal;
  drawingFinal = false;
  runtime.input = strokes.length ? mnistFromStrokes(strokes) : null;
  runtime.inputVersion++;
  $('input-28').dataset.version = String(runtime.inputVersion);
  paintImage28($('input-28'), runtime.input);
  requestPrediction({ featureMaps: final });
}

// Compile the preprocessing before the first stroke, so that stroke does not wait for it.
(window.requestIdleCallback ?? setTimeout)(() => {
  for (let i = 0; i < 3; i++) mnistFromStrokes([[{ x: 0, y: 0 }, { x: 10, y: 30 }, { x: 20, y: 0 }]]);
});
$('clear').addEventListener('click', () => {
  pad.clear();
  $('draw-canvas').focus();
});

/** Latest-wins: at most one predict request in flight, at most one per PREDICT_INTERVAL_MS. */
function requestPrediction({ featureMaps = true } = {}) {
  if (featureMaps) featureMapsWanted = true;
  if (!runtime.input) {
    bars.update(null);
    $('prediction').textContent = '?';
    $('prediction').dataset.version = String(runtime.inputVersion);
    $('latency').textContent = '';
    renderFeatureMaps($('feature-maps'), null);
    return;
  }
  if (!runtime.ready) return;
  if (predictInFlight) {
    predictQueued = true;
    return;
  }
  const wait = lastPredictAt + PREDICT_INTERVAL_MS - performance.now();
  if (wait > 0) {
    clearTimeout(predictTimer);
    predictTimer = setTimeout(() => requestPrediction(), wait);
    return;
  }
  sendPrediction();
}

let featureMapsWanted = false;

async function sendPrediction() {
  predictInFlight = true;
  predictQueued = false;
  lastPredictAt = performance.now();
  const input = runtime.input.slice();
  const version = runtime.inputVersion;
  const sentAt = performance.now();
  try {
    const { probs } = await predictor.request(Request.PREDICT, { input, minVersion: runtime.modelVersion }, [input.buffer]);
    if (runtime.input) {
      const best = bars.update(probs);
      const prediction = $('prediction');
      prediction.textContent = String(best);
      prediction.dataset.version = String(version);
      prediction.dataset.count = String(++runtime.predictions);
      prediction.dataset.confidence = probs[best].toFixed(4);
      const latency = performance.now() - sentAt;
      $('latency').textContent = `answered in ${latency.toFixed(0)} ms`;
      $('latency').dataset.ms = latency.toFixed(1);
    }
    if (featureMapsWanted && runtime.input) {
      featureMapsWanted = false;
      await showFeatureMaps();
    }
  } catch (err) {
    showError(`Classifying the drawing failed: ${err.message}`);
  } finally {
    predictInFlight = false;
    if (predictQueued) requestPrediction({ featureMaps: false });
  }
}

function fillFeatureLayers(summary) {
  const select = $('feature-layer');
  const previous = select.value;
  runtime.featureLayers = summary.layers
    .map((layer, index) => ({ ...layer, index }))
    .filter((layer) => (layer.output_shape ?? []).length === 4 && !/dropout/i.test(layer.class_name));
  select.replaceChildren(
    ...runtime.featureLayers.map((layer) => {
      const option = document.createElement('option');
      option.value = String(layer.index);
      option.textContent = `${layer.index}: ${layer.name} (${layer.class_name}) → ${layer.output_shape.slice(1).join('×')}`;
      return option;
    }),
  );
  const firstActivation = runtime.featureLayers.find((l) => /activation|relu/i.test(l.class_name)) ?? runtime.featureLayers[0];
  if ([...select.options].some((o) => o.value === previous)) select.value = previous;
  else if (firstActivation) select.value = String(firstActivation.index);
}

async function showFeatureMaps() {
  const index = Number($('feature-layer').value);
  if (!runtime.input || !Number.isInteger(index)) return;
  const input = runtime.input.slice();
  try {
    const { outputs } = await predictor.request(Request.LAYER_OUTPUTS, { input, layers: [index], minVersion: runtime.modelVersion }, [input.buffer]);
    renderFeatureMaps($('feature-maps'), outputs[0]);
  } catch (err) {
    showError(`Reading the feature maps failed: ${err.message}`);
  }
}
$('feature-layer').addEventListener('change', () => showFeatureMaps());

// ---------------------------------------------------------------------------------------------
// Data

function onDataProgress({ loaded, total, done }) {
  const bar = $('data-progress');
  if (total > 0) {
    bar.max = total;
    bar.value = loaded;
  }
  const mb = (n) => (n / 1e6).toFixed(1);
  $('data-status').textContent = done ? 'Unpacking…' : `${mb(loaded)} of ${total ? mb(total) : '?'} MB`;
}

$('load-data').addEventListener('click', async () => {
  clearError();
  runtime.loadingData = true;
  renderControls();
  $('data-status').textContent = 'Starting download…';
  try {
    const info = await client.request(Request.LOAD_DATA, { baseUrl: new URL(`${BASE}data/`, location.href).href });
    runtime.dataLoaded = true;
    $('data-progress').value = $('data-progress').max;
    $('data-status').textContent = `${info.train.count.toLocaleString('en')} training and ${info.test.count.toLocaleString('en')} test images loaded.`;
    $('load-data').textContent = 'MNIST loaded';
  } catch (err) {
    $('data-status').textContent = 'Download failed.';
    showError(`Loading MNIST failed: ${err.message}. Check the connection and try again; the model still works.`);
  } finally {
    runtime.loadingData = false;
    renderControls();
  }
});

// ---------------------------------------------------------------------------------------------
// Training

const charts = createCharts($('chart-steps'), $('chart-epochs'));
let lastRepredict = 0;

function readSettings() {
  settings = parseState(
    serialiseState({
      epochs: Number($('epochs').value),
      batchSize: Number($('batch-size').value),
      learningRate: Number($('learning-rate').value),
      optimizer: $('optimizer').value,
      seed: settings.seed,
      fresh: $('fresh').checked,
      wasm: settings.wasm,
    }),
  );
  history.replaceState(null, '', serialiseState(settings) || location.pathname + location.search);
  return settings;
}

function writeSettings() {
  $('epochs').value = settings.epochs;
  $('batch-size').value = settings.batchSize;
  $('learning-rate').value = settings.learningRate;
  $('optimizer').value = settings.optimizer;
  $('fresh').checked = settings.fresh;
}
writeSettings();
$('settings').addEventListener('change', (event) => {
  const previous = settings.optimizer;
  readSettings();
  // Choosing another optimizer proposes its Keras default learning rate.
  if (event.target.id === 'optimizer' && previous !== settings.optimizer) {
    $('learning-rate').value = DEFAULT_LEARNING_RATE[settings.optimizer];
    readSettings();
  }
});
$('settings').addEventListener('submit', (event) => event.preventDefault());

function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function onMetrics(m) {
  runtime.lastMetrics = m;
  $('epoch').textContent = `${Math.min(m.epoch + 1, settings.epochs)} / ${settings.epochs}`;
  $('step').textContent = String(m.step);
  $('loss').textContent = m.loss.toFixed(4);
  $('accuracy').textContent = formatPercent(m.accuracy);
  $('throughput').textContent = Math.round(m.images_per_sec).toLocaleString('en');
  const bar = $('train-progress');
  bar.max = Math.max(1, m.total_steps);
  bar.value = Math.min(m.step, m.total_steps);
  const remaining = (m.total_steps - m.step) * settings.batchSize / Math.max(m.images_per_sec, 1e-9);
  $('eta').textContent = m.done ? 'done' : formatDuration(remaining);
  charts.addStep(m.step, m.loss, m.accuracy);
  if (runtime.trainedHere) {
    runtime.model = { label: `${runtime.modelName} trained in this page, step ${m.step}`, testAccuracy: null };
    renderStatus();
  }
  const now = performance.now();
  if (runtime.input && now - lastRepredict > TRAINING_REPREDICT_MS) {
    lastRepredict = now;
    requestPrediction({ featureMaps: false });
  }
}

function onTrainState({ state, reason }) {
  runtime.trainState = state;
  if (state === TrainState.DONE) $('eta').textContent = 'done';
  if (reason === 'error') $('train-state').dataset.reason = 'error';
  renderControls();
  renderStatus();
}

$('train-start').addEventListener('click', () =>
  task('train', async () => {
    clearError();
    readSettings();
    if (settings.fresh) charts.clear();
    runtime.trainedHere = true;
    await client.request(Request.TRAIN, { config: trainingConfig(settings), fresh: settings.fresh });
  }),
);
$('train-pause').addEventListener('click', () =>
  task('pause', () => client.request(runtime.trainState === TrainState.PAUSED ? Request.RESUME : Request.PAUSE)),
);
$('train-stop').addEventListener('click', () => task('stop', () => client.request(Request.STOP)));
$('train-step').addEventListener('click', () =>
  task('step', async () => {
    clearError();
    readSettings();
    runtime.trainedHere = true;
    await client.request(Request.STEP, { config: trainingConfig(settings) });
    requestPrediction({ featureMaps: false });
  }),
);
$('train-reset').addEventListener('click', () =>
  task('reset', async () => {
    clearError();
    readSettings();
    const result = await client.request(Request.RESET, { config: trainingConfig(settings) });
    onModelChanged(result);
    charts.clear();
    for (const id of ['epoch', 'step', 'loss', 'accuracy', 'throughput', 'eta']) $(id).textContent = '–';
    $('train-progress').value = 0;
    setModel(`${result.summary.name} with new random weights (untrained)`);
    requestPrediction();
  }),
);

// ---------------------------------------------------------------------------------------------
// Evaluation

$('evaluate').addEventListener('click', () =>
  task('evaluate', async () => {
    clearError();
    const limit = Number($('eval-limit').value);
    $('test-accuracy').textContent = 'measuring…';
    try {
      const r = await client.request(Request.EVALUATE, { limit });
      $('test-accuracy').textContent = `${formatPercent(r.accuracy, 2)} of ${r.count.toLocaleString('en')} images`;
      $('test-accuracy').dataset.value = String(r.accuracy);
      renderConfusion($('confusion-matrix'), r.confusion);
      renderMisclassified($('misclassified'), r.misclassified ?? []);
      if (limit === 0) {
        runtime.model.testAccuracy = r.accuracy;
        renderStatus();
      }
    } catch (err) {
      $('test-accuracy').textContent = '–';
      throw err;
    }
  }),
);

// ---------------------------------------------------------------------------------------------
// Save and load

function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

$('save-model').addEventListener('click', () =>
  task('save', async () => {
    clearError();
    const { modelJson, weights } = await client.request(Request.SAVE_MODEL);
    const savedAt = new Date().toISOString();
    const json = JSON.parse(modelJson);
    const testAccuracy = runtime.model.testAccuracy;
    json.userDefinedMetadata = { ...(json.userDefinedMetadata ?? {}), saved_at: savedAt, ...(testAccuracy != null ? { test_accuracy: testAccuracy } : {}) };
    const text = JSON.stringify(json);
    download('model.json', new Blob([text], { type: 'application/json' }));
    download('weights.bin', new Blob([weights], { type: 'application/octet-stream' }));
    try {
      await storeModel({ modelJson: text, weights, savedAt, testAccuracy });
      $('forget-model').disabled = false;
      setModel(`Your saved model (saved ${new Date(savedAt).toLocaleString('en-GB')})`, testAccuracy);
    } catch (err) {
      showError(`Downloaded, but the browser refused to keep a copy (${err.message}).`);
    }
  }),
);

$('forget-model').addEventListener('click', () =>
  task('forget', async () => {
    await forgetStoredModel();
    $('forget-model').disabled = true;
  }),
);

/** Files → {modelJson, weights}: the .json plus the shards its weightsManifest names. */
async function readModelFiles(files) {
  const list = [...files];
  const jsonFile = list.find((f) => f.name.endsWith('.json'));
  if (!jsonFile) throw new Error('Choose the model.json file (and its weights .bin file).');
  const modelJson = await jsonFile.text();
  let manifest;
  try {
    manifest = JSON.parse(modelJson).weightsManifest;
  } catch (err) {
    throw new Error(`${jsonFile.name} is not valid JSON (${err.message}).`);
  }
  if (!Array.isArray(manifest)) throw new Error(`${jsonFile.name} has no weightsManifest: it is not a TensorFlow.js layers model.`);
  const paths = manifest.flatMap((group) => group.paths ?? []);
  const bins = list.filter((f) => f !== jsonFile);
  const shards = paths.map((path) => {
    const base = path.split('/').pop();
    return bins.find((f) => f.name === base) ?? (paths.length === 1 && bins.length === 1 ? bins[0] : null);
  });
  const missing = paths.filter((_, i) => !shards[i]);
  if (missing.length) throw new Error(`Also choose the weights file ${missing.join(', ')} that ${jsonFile.name} refers to.`);
  const buffers = await Promise.all(shards.map((f) => f.arrayBuffer()));
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const weights = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weights.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return { modelJson, weights: weights.buffer, name: jsonFile.name };
}

async function loadModelFiles(files) {
  await task('load', async () => {
    clearError();
    let model;
    try {
      model = await readModelFiles(files);
    } catch (err) {
      throw new Error(`That model could not be loaded: ${err.message} The previous model is still in use.`);
    }
    try {
      const result = await client.request(Request.LOAD_MODEL, { modelJson: model.modelJson, weights: model.weights }, [model.weights]);
      onModelChanged(result);
      setModel(`Model from ${model.name}`, result.metadata?.test_accuracy ?? null);
      requestPrediction();
    } catch (err) {
      throw new Error(`That model could not be loaded: ${err.message}. The previous model is still in use.`);
    }
  });
}

$('load-model').addEventListener('change', async (event) => {
  const files = event.target.files;
  if (files?.length) await loadModelFiles(files);
  event.target.value = '';
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
  if (!runtime.ready || runtime.trainState === TrainState.RUNNING) {
    showError('Stop training before loading another model.');
    return;
  }
  loadModelFiles(event.dataTransfer.files);
});

// ---------------------------------------------------------------------------------------------
// Architecture editor

$('build-model').addEventListener('click', () =>
  task('build', async () => {
    clearError();
    let config = $('model-config').value.trim();
    try {
      JSON.parse(config);
    } catch (err) {
      throw new Error(`The config is not valid JSON (${err.message}); the current model is unchanged.`);
    }
    try {
      const result = await client.request(Request.BUILD_MODEL, { config, seed: settings.seed });
      onModelChanged(result);
      setModel(`Your ${result.summary.name} (untrained)`);
      requestPrediction();
    } catch (err) {
      throw new Error(`That architecture could not be built: ${err.message}. The current model is unchanged.`);
    }
  }),
);

$('default-model').addEventListener('click', () =>
  task('build', async () => {
    clearError();
    const result = await client.request(Request.LOAD_MODEL, { modelUrl: SHIPPED_MODEL_URL });
    onModelChanged(result);
    setModel(`Shipped ${result.summary.name}, trained with the cnn command line`, await shippedAccuracy(result.metadata));
    requestPrediction();
  }),
);

// ---------------------------------------------------------------------------------------------

renderControls();
renderFeatureMaps($('feature-maps'), null);
bars.update(null);
paintImage28($('input-28'), null);
initialise();

// For tests and the curious: a read-only view of what the page knows.
window.cnnPlayground = {
  runtime,
  get settings() {
    return settings;
  },
  /** Makes the training worker fail outside any request, as a wasm abort would (for tests). */
  crashWorker: () => client.worker.postMessage({ type: Request.CRASH }),
};
