// Wires the page: the worker client, the drawing pad, the controls and the views.
// The main thread never runs network math; it only preprocesses drawings (a few ms) and renders.

import { Request, Reply, TrainState } from './protocol.js';
import { WorkerClient } from './client.js';
import { createCharts } from './charts.js';
import { parseState, serialiseState, validateState, trainingConfig, layersOf, DEFAULT_LEARNING_RATE } from './state.js';
import { storeModel, readStoredModel, forgetStoredModel } from './storage.js';
import { renderConfusion, renderGallery, renderExplanation, createClassNameFields, formatPercent } from './views.js';
import { createPrediction } from './prediction.js';
import { download, readModelFiles } from './files.js';
import { createEditor, suggestedPosition } from './editor.js';
import {
  analyse, basicCnn, fromKerasConfig, toKerasConfig, sameArchitecture, newLayer, LAYER_TYPES, layerNames,
} from './architecture.js';
import { text as explanations } from './explain.js';
import { CLASS_PRESETS } from './idx.js';

const BASE = import.meta.env?.BASE_URL ?? '/';
const SHIPPED_MODEL_URL = new URL(`${BASE}models/basic-cnn/model.json`, location.href).href;
const TRAINING_REPREDICT_MS = 500; // refresh the answer with the newest weights while training
const TRAINING_INSIGHT_MS = 1000; // and the feature maps and filters this often
const START_STALLED_MS = 30_000; // a start that takes longer is reported (it may still finish)

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------
// State

let settings = parseState(location.hash);

const runtime = {
  ready: false,
  build: '',
  threads: 1,
  singleThreadReason: '', // why the engine runs on one thread ('' with threads, or when the link asks for SIMD)
  dataLoaded: false,
  loadingData: false,
  trainState: TrainState.IDLE,
  model: { label: '', testAccuracy: null }, // what the status line says about the current model
  lastMetrics: null,
  busy: new Set(), // names of long requests in progress (evaluate, save, load…)
  input: null, // the 28×28 input of the current drawing
  inputVersion: 0, // counts drawing changes; the prediction element says which version it answers
  predictions: 0, // answers received
  featureLayers: [], // indices of the Conv2D / MaxPooling2D layers of the model in use
  builtLayers: null, // the layers of the model in use (architecture.js), null if the editor cannot show them
  analysis: null, // analyse() of the editor's layers
  memoryLimit: undefined, // bytes a model may need for training in the engine (architecture.js default until it says)
  classNames: [...CLASS_PRESETS.digits],
  picked: null, // a test image chosen to classify (instead of the drawing)
  lastEval: null, // the last evaluation's result, to re-render with other class names
  lastCell: null, // the confusion-matrix cell shown, and its images
  dataName: '', // 'MNIST' or the names of the files loaded
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
    ? `${runtime.build === 'threads' ? `SIMD + ${runtime.threads} threads` : 'SIMD, 1 thread'}` +
      `${runtime.singleThreadReason ? ` — no threads: ${runtime.singleThreadReason}` : ''}`
    : '…';
}

const savedLabel = (savedAt) => `Your saved model (saved ${new Date(savedAt).toLocaleString('en-GB')})`;
const shippedLabel = (name) => `Shipped ${name}, trained with the cnn command line`;

function setModel(label, testAccuracy = null) {
  runtime.model = { label, testAccuracy };
  renderStatus();
}

function renderControls() {
  const { ready, dataLoaded, loadingData, trainState, busy } = runtime;
  const running = trainState === TrainState.RUNNING;
  const paused = trainState === TrainState.PAUSED;
  const blocked = busy.size > 0;
  $('load-data').disabled = !ready || loadingData || running || runtime.dataName === 'MNIST';
  $('data-files').disabled = !ready || loadingData || running;
  const invalid = !runtime.analysis?.valid;
  const edited = !invalid && !isBuilt();
  $('train-start').disabled = !ready || !dataLoaded || running || paused || blocked || invalid;
  $('train-pause').disabled = !(running || paused);
  $('train-pause').textContent = paused ? 'Resume' : 'Pause';
  $('train-pause').setAttribute('aria-pressed', String(paused));
  $('train-step').disabled = !ready || !dataLoaded || running || blocked || invalid || edited;
  $('train-stop').disabled = !(running || paused);
  $('train-reset').disabled = !ready || running || blocked;
  $('evaluate').disabled = !ready || !dataLoaded || running || blocked;
  $('eval-limit').disabled = busy.has('evaluate');
  $('save-model').disabled = !ready || blocked;
  $('load-model').disabled = !ready || running || blocked;
  $('build-model').disabled = !ready || running || paused || blocked || invalid || !edited;
  $('train-blocked').textContent = invalid
    ? `Training is off until the network can be built: ${runtime.analysis?.error ?? 'it has no layers'}.`
    : edited && dataLoaded ? 'Train builds the changed network first (new random weights, seed ' + settings.seed + ').' : '';
  $('train-blocked').classList.toggle('bad', invalid);
  $('editor-status').textContent = invalid
    ? 'Not possible — see the layer marked in red.'
    : edited ? 'Changed: not built yet.' : 'This is the network in use.';
  $('default-model').disabled = !ready || running || blocked;
  for (const id of ['epochs', 'batch-size', 'learning-rate', 'optimizer', 'fresh', 'seed']) $(id).disabled = running || paused;
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
  onCrash: (reason, { gaveUp }) => {
    if (gaveUp) return showError(`The classifier's worker could not start (${reason}). Reload the page to try again.`);
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
    case Reply.EVENT_EVAL_PROGRESS:
      $('eval-progress').max = Math.max(1, message.total);
      $('eval-progress').value = message.done;
      $('test-accuracy').textContent = `measuring… ${message.done.toLocaleString('en')} of ${message.total.toLocaleString('en')}`;
      return undefined;
    default:
      return undefined;
  }
}

async function handleCrash(reason, { gaveUp }) {
  if (gaveUp) {
    runtime.ready = false;
    renderStatus();
    renderControls();
    return showError(`The network's worker could not start (${reason}). Reload the page to try again.`);
  }
  // The predictor holds the weights in use (at most ~0.5 s old while training): the new worker
  // starts from them. Not if the worker died while starting, which they may have caused.
  const wasRunning = runtime.ready;
  const hadMnist = runtime.dataName === 'MNIST';
  runtime.ready = false;
  runtime.dataLoaded = false;
  runtime.trainState = TrainState.IDLE;
  runtime.dataName = '';
  renderControls();
  $('load-data').textContent = 'Load MNIST again';
  const held = wasRunning ? await heldWeights() : {};
  const recovered = held.modelJson ? recoveredModel(held) : null;
  showError(`The network's worker stopped (${reason}). It has been restarted with ` +
    `${recovered ? 'the weights in use when it stopped' : 'the last saved or shipped model'}` +
    `${hadMnist ? ', and MNIST is loaded into it again' : '; load your data again to train'}.`);
  predictor.restart(); // a fresh one, whose model versions start again with the new worker's
  connectPredictor();
  await initialise(recovered);
  if (hadMnist && runtime.ready) await loadMnist();
}

/** The predictor's weights, or {} if it has none or does not answer within 2 s. */
function heldWeights() {
  const timeout = new Promise((resolve) => setTimeout(() => resolve({}), 2000));
  return Promise.race([predictor.request(Request.HELD_WEIGHTS).catch(() => ({})), timeout]);
}

const RECOVERED = ', recovered after the worker stopped';

/** The held weights, with what the status line should say about them. */
function recoveredModel({ modelJson, weights, step }) {
  const trained = runtime.trainedHere && step > 0;
  const what = trained ? `${runtime.modelName} trained in this page to step ${step}` : runtime.model.label.replace(RECOVERED, '');
  return { modelJson, weights, label: what + RECOVERED, testAccuracy: trained ? null : runtime.model.testAccuracy };
}

// ---------------------------------------------------------------------------------------------
// Start-up: the saved model from IndexedDB if there is one, else the shipped model

/** Starts the worker with `recovered` weights ({ modelJson, weights, label }) if given, else the
 *  model saved in the browser, else the shipped one. */
async function initialise(recovered = null) {
  runtime.ready = false;
  renderStatus();
  const stalled = `The network has not started after ${START_STALLED_MS / 1000} s: the engine or the model ` +
    'is not loading. Check the connection and reload the page.';
  const watchdog = setTimeout(() => showError(stalled), START_STALLED_MS);
  let stored = null;
  try {
    stored = recovered ? null : await readStoredModel();
  } catch {
    stored = null; // IndexedDB unavailable (private mode): just use the shipped model
  }
  const given = recovered ?? stored;
  try {
    const result = await client.request(Request.INIT, {
      wasm: settings.wasm,
      model: given ? { modelJson: given.modelJson, weights: given.weights } : null,
      modelUrl: SHIPPED_MODEL_URL,
    });
    runtime.build = result.build;
    runtime.threads = result.threads;
    runtime.singleThreadReason = result.singleThreadReason;
    if (result.source === 'given' && recovered) {
      setModel(recovered.label, recovered.testAccuracy);
    } else if (result.source === 'given') {
      setModel(savedLabel(stored.savedAt), stored.testAccuracy ?? null);
    } else if (result.source === 'url') {
      setModel(shippedLabel(result.summary.name), await shippedAccuracy(result.metadata));
    } else {
      setModel(`Untrained ${result.summary.name}`);
    }
    if (!recovered) $('forget-model').disabled = !stored;
    // A link with an architecture builds that network; otherwise the editor shows the loaded one.
    const fromLink = settings.arch && runtime.analysis.valid && !sameArchitecture(settings.arch, layersFromTopology(result.topology) ?? []);
    onModelChanged(result, { adopt: !settings.arch });
    runtime.ready = true;
    if (fromLink) await buildDraft('from the link');
  } catch (err) {
    showError(`The network could not be started: ${err.message}`);
  }
  clearTimeout(watchdog);
  if ($('error').textContent === stalled) clearError();
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

function layersFromTopology(topology) {
  try {
    return fromKerasConfig(topology).layers;
  } catch {
    return null; // e.g. non-square windows: usable, but not editable here
  }
}

/** After the engine's model was replaced. `adopt`: the editor takes over its architecture. */
function onModelChanged({ summary, topology, modelVersion, memoryLimit }, { adopt = true } = {}) {
  runtime.trainedHere = false;
  if (modelVersion != null) runtime.modelVersion = modelVersion;
  useMemoryLimit(memoryLimit);
  if (summary) {
    runtime.modelName = summary.name;
    runtime.featureLayers = summary.layers
      .map((layer, index) => ({ ...layer, index }))
      .filter((layer) => layer.class_name === 'Conv2D' || layer.class_name === 'MaxPooling2D')
      .map((layer) => layer.index);
  }
  if (topology) {
    runtime.builtLayers = layersFromTopology(topology);
    if (adopt && runtime.builtLayers) setArchitecture(runtime.builtLayers, { rebuild: true });
  }
  renderControls();
  refreshFilters();
}

/** What a model may need in the engine, which the data's share of the heap lowers: the editor re-checks the network. */
function useMemoryLimit(limit) {
  if (!limit || limit === runtime.memoryLimit) return;
  runtime.memoryLimit = limit;
  setArchitecture(layersOf(settings));
}

const isBuilt = () => Boolean(runtime.builtLayers) && sameArchitecture(layersOf(settings), runtime.builtLayers);

// ---------------------------------------------------------------------------------------------
// Drawing → prediction (prediction.js)

const { request: requestPrediction, refreshFilters, classifyImage, setNames: showClassNames } =
  createPrediction({ runtime, predictor, showError });

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

/** Fetches the four MNIST files into the worker (from the browser's cache after the first time). */
async function loadMnist() {
  runtime.loadingData = true;
  renderControls();
  $('data-status').textContent = 'Starting download…';
  try {
    const info = await client.request(Request.LOAD_DATA, { baseUrl: new URL(`${BASE}data/`, location.href).href });
    useMemoryLimit(info.memoryLimit);
    runtime.dataLoaded = true;
    runtime.dataName = 'MNIST';
    $('data-progress').value = $('data-progress').max;
    $('data-status').textContent = `${info.train.count.toLocaleString('en')} training and ${info.test.count.toLocaleString('en')} test images loaded.`;
    $('load-data').textContent = 'MNIST loaded';
    if (runtime.classNames.join() !== CLASS_PRESETS.digits.join()) setClassNames([...CLASS_PRESETS.digits]);
  } catch (err) {
    $('data-status').textContent = 'Download failed.';
    showError(`Loading MNIST failed: ${err.message}. Check the connection and try again; the model still works.`);
  } finally {
    runtime.loadingData = false;
    renderControls();
  }
}
$('load-data').addEventListener('click', () => {
  clearError();
  loadMnist();
});

/** Four IDX files from the picker or a drop. */
async function loadDataFiles(fileList) {
  clearError();
  runtime.loadingData = true;
  renderControls();
  $('data-status').textContent = 'Reading the files…';
  try {
    const files = await Promise.all([...fileList].map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
    const info = await client.request(Request.LOAD_FILES, { files }, files.map((f) => f.bytes));
    useMemoryLimit(info.memoryLimit);
    runtime.dataLoaded = true;
    runtime.dataName = Object.values(info.files).join(', ');
    runtime.lastEval = null;
    $('data-status').textContent = `${info.train.count.toLocaleString('en')} training and ${info.test.count.toLocaleString('en')} test images loaded from ` +
      `${info.files.trainImages}, ${info.files.trainLabels}, ${info.files.testImages}, ${info.files.testLabels}.`;
    $('load-data').textContent = 'Load MNIST';
  } catch (err) {
    $('data-status').textContent = 'Those files could not be used.';
    showError(`Loading your data failed: ${err.message}. The data loaded before (if any) is still there.`);
  } finally {
    runtime.loadingData = false;
    renderControls();
  }
}
$('data-files').addEventListener('change', async (event) => {
  if (event.target.files?.length) await loadDataFiles(event.target.files);
  event.target.value = '';
});

// Class names: ten fields, with presets.
const classNameFields = createClassNameFields($('class-grid'), runtime.classNames.length, (i, name) => {
  runtime.classNames[i] = name || String(i);
  classNamesChanged();
});
const renderClassNames = () => classNameFields.show(runtime.classNames);
function setClassNames(names) {
  runtime.classNames = [...names];
  renderClassNames();
  classNamesChanged();
}
function classNamesChanged() {
  showClassNames(runtime.classNames);
  renderEvaluation();
}
$('names-digits').addEventListener('click', () => setClassNames(CLASS_PRESETS.digits));
$('names-fashion').addEventListener('click', () => setClassNames(CLASS_PRESETS.fashion));

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
      seed: Number($('seed').value),
      fresh: $('fresh').checked,
      wasm: settings.wasm,
      lang: settings.lang,
      arch: settings.arch,
    }),
  );
  writeUrl();
  return settings;
}

/** The state → the address bar (without a new history entry) and the share field. */
function writeUrl() {
  history.replaceState(null, '', serialiseState(settings) || location.pathname + location.search);
  $('share-link').value = location.href;
}

function writeSettings() {
  $('epochs').value = settings.epochs;
  $('batch-size').value = settings.batchSize;
  $('learning-rate').value = settings.learningRate;
  $('optimizer').value = settings.optimizer;
  $('fresh').checked = settings.fresh;
  $('seed').value = settings.seed;
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

let lastInsight = 0;
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
  const insight = now - lastInsight > TRAINING_INSIGHT_MS;
  if (insight) {
    lastInsight = now;
    refreshFilters();
  }
  if (runtime.input && (insight || now - lastRepredict > TRAINING_REPREDICT_MS)) {
    lastRepredict = now;
    requestPrediction({ featureMaps: insight });
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
    if (!runtime.analysis.valid) throw new Error(`The network cannot be built: ${runtime.analysis.error}.`);
    // A changed architecture is built first: new weights from the seed, so training starts fresh anyway.
    const built = !isBuilt();
    if (built) await buildDraft();
    if (settings.fresh || built) charts.clear();
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
    $('eval-progress').value = 0;
    try {
      const r = await client.request(Request.EVALUATE, { limit });
      runtime.lastEval = r;
      runtime.lastCell = null;
      $('test-accuracy').textContent = `${formatPercent(r.accuracy, 2)} of ${r.count.toLocaleString('en')} images`;
      $('test-accuracy').dataset.value = String(r.accuracy);
      $('test-accuracy').dataset.count = String(r.count);
      renderEvaluation();
      if (limit === 0 && runtime.dataName === 'MNIST') {
        runtime.model.testAccuracy = r.accuracy;
        renderStatus();
      }
    } catch (err) {
      $('test-accuracy').textContent = '–';
      throw err;
    }
  }),
);

/** The confusion matrix, the chosen cell's images and the mistakes, from the last evaluation. */
function renderEvaluation() {
  const r = runtime.lastEval;
  if (!r) return;
  const names = runtime.classNames;
  const cell = runtime.lastCell;
  renderConfusion($('confusion-matrix'), r.confusion, { names, onCell: showCell, selected: cell ? [cell.label, cell.predicted] : null });
  renderGallery($('misclassified'), r.misclassified, { names, onPick: classifyImage, empty: 'None: every image was classified right.' });
  const shown = r.misclassified.length;
  $('misclassified-title').textContent = `${r.misclassifiedTotal.toLocaleString('en')} test images it got wrong` +
    `${shown < r.misclassifiedTotal ? ` (the first ${shown} shown)` : ''}: true → answered, and how sure it was. Click one to classify it above.`;
  $('cell-figure').hidden = !cell;
  if (cell) {
    const what = cell.label === cell.predicted
      ? `${cell.total.toLocaleString('en')} images of ${names[cell.label]} classified right`
      : `${cell.total.toLocaleString('en')} images of ${names[cell.label]} taken for ${names[cell.predicted]}`;
    $('cell-title').textContent = `${what}${cell.items.length < cell.total ? ` (the first ${cell.items.length} shown)` : ''}.`;
    renderGallery($('cell-images'), cell.items, { names, onPick: classifyImage });
  }
}

async function showCell(label, predicted) {
  try {
    runtime.lastCell = await client.request(Request.CELL_IMAGES, { label, predicted });
    renderEvaluation();
    $('cell-figure').scrollIntoView({ block: 'nearest' });
  } catch (err) {
    showError(`Those images could not be shown: ${err.message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Save and load

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
      setModel(savedLabel(savedAt), testAccuracy);
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
  const files = [...event.dataTransfer.files];
  const isModel = files.some((f) => /\.json$/i.test(f.name));
  if (!runtime.ready || runtime.trainState === TrainState.RUNNING) {
    showError(isModel ? 'Stop training before loading another model.' : 'Stop training before loading other data.');
    return;
  }
  if (isModel) loadModelFiles(files);
  else loadDataFiles(files);
});

// ---------------------------------------------------------------------------------------------
// Architecture editor

const editor = createEditor($('layer-list'), $('model-summary'), { onChange: (layers) => setArchitecture(layers) });

/** The editor's layers → state, URL, summary and controls. */
function setArchitecture(layers, { rebuild = false } = {}) {
  settings = validateState({ ...settings, arch: layers.length ? layers : null });
  if (!layers.length) settings.arch = [];
  runtime.analysis = analyse(layersOf(settings), { memoryLimit: runtime.memoryLimit });
  editor.render({ layers: layersOf(settings), analysis: runtime.analysis, lang: settings.lang }, { rebuild });
  renderAddPositions();
  writeUrl();
  if (runtime.ready !== undefined) renderControls();
}

function renderAddPositions() {
  const layers = layersOf(settings);
  const names = layerNames(layers);
  const select = $('add-position');
  const type = $('add-type').value || 'Conv2D';
  select.replaceChildren(
    ...layers.map((_, i) => new Option(`before ${names[i]}`, String(i))),
    new Option('the end', String(layers.length)),
  );
  select.value = String(suggestedPosition(layers, type));
}
$('add-type').replaceChildren(...LAYER_TYPES.map((t) => new Option(t, t)));
$('add-type').addEventListener('change', renderAddPositions);
$('add-layer').addEventListener('click', () => {
  const layers = [...layersOf(settings)];
  layers.splice(Number($('add-position').value), 0, newLayer($('add-type').value));
  setArchitecture(layers);
});

/** Builds the editor's network in the engine: new weights from the seed. */
async function buildDraft(why = '') {
  const layers = layersOf(settings);
  const name = sameArchitecture(layers, basicCnn()) ? 'Basic_CNN' : 'My_CNN';
  const config = JSON.stringify(toKerasConfig(layers, { name }));
  let result;
  try {
    result = await client.request(Request.BUILD_MODEL, { config, seed: settings.seed });
  } catch (err) {
    throw new Error(`That network could not be built: ${err.message}. The current model is unchanged.`);
  }
  onModelChanged(result, { adopt: false });
  setModel(`${result.summary.name}${why ? ` ${why}` : ''} (untrained, seed ${settings.seed})`);
  requestPrediction();
}

$('build-model').addEventListener('click', () =>
  task('build', async () => {
    clearError();
    readSettings();
    await buildDraft();
  }),
);

$('reset-architecture').addEventListener('click', () => {
  setArchitecture(basicCnn(), { rebuild: true });
  // The tutorial's model comes back trained, as shipped.
  if (runtime.ready && !isBuilt() && runtime.trainState !== TrainState.RUNNING) useShippedModel();
});

function exportConfig() {
  const layers = layersOf(settings);
  const json = JSON.stringify(toKerasConfig(layers, { name: sameArchitecture(layers, basicCnn()) ? 'Basic_CNN' : 'My_CNN' }), null, 2);
  $('model-config').value = json;
  return json;
}
$('json-io').addEventListener('toggle', () => {
  if ($('json-io').open && !$('model-config').value) exportConfig();
});
$('export-config').addEventListener('click', () => download('architecture.json', new Blob([exportConfig()], { type: 'application/json' })));

function importConfig(textValue, source) {
  clearError();
  try {
    const { layers } = fromKerasConfig(textValue);
    setArchitecture(layers, { rebuild: true });
  } catch (err) {
    showError(`${source} could not be imported: ${err.message}. The editor is unchanged.`);
  }
}
$('import-config').addEventListener('click', () => importConfig($('model-config').value, 'The config'));
$('config-file').addEventListener('change', async (event) => {
  const file = event.target.files?.[0];
  if (file) {
    const value = await file.text();
    $('model-config').value = value;
    importConfig(value, file.name);
  }
  event.target.value = '';
});

async function useShippedModel() {
  await task('build', async () => {
    clearError();
    const result = await client.request(Request.LOAD_MODEL, { modelUrl: SHIPPED_MODEL_URL });
    onModelChanged(result);
    setModel(shippedLabel(result.summary.name), await shippedAccuracy(result.metadata));
    requestPrediction();
  });
}
$('default-model').addEventListener('click', useShippedModel);

// ---------------------------------------------------------------------------------------------
// Explanations and the shared link

function renderExplanations() {
  $('explain').lang = settings.lang;
  renderExplanation($('explain-title'), $('explain-body'), explanations(settings.lang).how);
  for (const radio of document.querySelectorAll('input[name="lang"]')) radio.checked = radio.value === settings.lang;
}
$('lang-switch').addEventListener('change', (event) => {
  settings = validateState({ ...settings, lang: event.target.value });
  renderExplanations();
  editor.render({ layers: layersOf(settings), analysis: runtime.analysis, lang: settings.lang });
  writeUrl();
});

$('copy-link').addEventListener('click', async () => {
  $('share-link').select();
  try {
    await navigator.clipboard.writeText($('share-link').value);
    $('copy-link').textContent = 'Copied';
  } catch {
    document.execCommand?.('copy'); // the field is selected: Ctrl+C works too
  }
  setTimeout(() => ($('copy-link').textContent = 'Copy'), 1500);
});

// A link pasted into the address bar of an open page: take its state over.
window.addEventListener('hashchange', () => {
  settings = parseState(location.hash);
  writeSettings();
  setArchitecture(layersOf(settings), { rebuild: true });
  renderExplanations();
});

// ---------------------------------------------------------------------------------------------

setArchitecture(layersOf(settings), { rebuild: true });
renderExplanations();
renderClassNames();
renderControls();
initialise();

// For tests and the curious: a read-only view of what the page knows.
window.cnnPlayground = {
  runtime,
  get settings() {
    return settings;
  },
  /** Makes the training worker's engine trap (a real WebAssembly abort), within the running
   *  training chunk if training (for tests). */
  crashWorker: () => client.request(Request.CRASH).catch(() => {}),
};
