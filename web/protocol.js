// The message protocol between the page (main.js) and the training worker (worker.js).
//
// Two workers: the training worker (worker.js) owns the model, the data and the training run;
// the predictor (predictor.js) answers PREDICT and LAYER_OUTPUTS from a copy of the weights that
// the training worker sends it over a MessageChannel after every change (and every ~0.5 s while
// training). So a prediction never waits for a training step, which can take longer than 100 ms.
//
// Every request the page sends is `{ type, id, ...payload }`. The worker answers each request
// exactly once, with `{ type: REPLY, id, ok: true, ...result }` or
// `{ type: REPLY, id, ok: false, error }`. Besides replies, the worker pushes events
// (`{ type: EVENT_*, ... }`) that carry no id: data-loading progress, training metrics and
// training-state changes. Large buffers (images, weights, activations) travel as transferables.

/** Requests: page → worker. The comment gives the payload and the result in the reply. */
export const Request = Object.freeze({
  /** { wasm?: 'auto'|'simd'|'threads', model?: {modelJson, weights} | null, modelUrl }
   *  Loads the wasm module and a model: the given one (e.g. from IndexedDB) or the one at modelUrl;
   *  falls back to modelUrl if the given one fails.
   *  → { build: 'simd'|'threads', threads, singleThreadReason, summary, metadata, source: 'given'|'url' }
   *  (singleThreadReason: why 'auto' ended with the SIMD build, e.g. 'the page is not
   *  cross-origin isolated'; '' otherwise) */
  INIT: 'init',
  /** { baseUrl } — fetches the four MNIST .gz files, decompresses them, hands them to the engine.
   *  Emits EVENT_DATA_PROGRESS while downloading. → { train: {count, rows, cols}, test: {...} } */
  LOAD_DATA: 'loadData',
  /** { files: [{name, bytes: ArrayBuffer}] } — four IDX files (raw or gzip) of any data set of
   *  28×28 images: training and test images and labels, told apart by header and name.
   *  → { train: {count, rows, cols}, test: {...}, files: {trainImages, trainLabels, testImages, testLabels} } */
  LOAD_FILES: 'loadFiles',
  /** { config: {optimizer, learning_rate, batch_size, epochs, seed}, fresh: boolean }
   *  Starts a training run (fresh = re-initialise the weights first). → { state } at once;
   *  then EVENT_METRICS after every chunk of steps and EVENT_TRAIN_STATE on every change. */
  TRAIN: 'train',
  /** {} — stops after the current chunk. → { state } */
  PAUSE: 'pause',
  /** {} — continues a paused run. → { state } */
  RESUME: 'resume',
  /** { config? } — runs exactly one training step (idle or paused). → { metrics } */
  STEP: 'step',
  /** {} — ends the run after the current chunk; the trained weights stay. → { state } */
  STOP: 'stop',
  /** { config? } — new random weights (seed) and optimizer state, step 0. → { summary } */
  RESET: 'reset',
  /** { port: MessagePort } — to both workers: the channel weight snapshots travel on. → {} */
  CONNECT_PREDICTOR: 'connectPredictor',
  /** { input: Float32Array(784), minVersion? } — any time (predictor; the training worker answers
   *  it too). Waits until the predictor holds model version ≥ minVersion.
   *  → { probs: Float32Array(10), ms, version } */
  PREDICT: 'predict',
  /** { input: Float32Array(784), layers?: number[], minVersion? } — activations of the given layers
   *  (default: every layer with a spatial output). → { outputs: [{index, name, className, shape, data}] } */
  LAYER_OUTPUTS: 'layerOutputs',
  /** { limit } — accuracy on the first `limit` test images (0 = all), computed in slices of ~100 ms
   *  (EVENT_EVAL_PROGRESS after each). → { accuracy, loss, count, confusion: number[10][10],
   *  misclassifiedTotal, misclassified: [{index, label, predicted, confidence, image: Uint8Array}] (the first 60) } */
  EVALUATE: 'evaluate',
  /** { label, predicted, limit? } — test images of one confusion-matrix cell of the last evaluation.
   *  → { label, predicted, total, items: [{index, label, predicted, confidence, image}] } */
  CELL_IMAGES: 'cellImages',
  /** {} — to the predictor: the kernels of the first two Conv2D layers of the weights it holds.
   *  → { kernels: [{name, shape: [kh, kw, in, out], data: Float32Array}], version, step } */
  FILTERS: 'filters',
  /** {} → { modelJson: string, weights: ArrayBuffer } (TF.js layers format, one shard) */
  SAVE_MODEL: 'saveModel',
  /** { modelJson, weights: ArrayBuffer } — the old model stays if this fails. → { summary, metadata } */
  LOAD_MODEL: 'loadModel',
  /** { config: string (Keras layer config JSON, '' = Basic_CNN), seed } — new untrained model;
   *  the old one stays if the config is bad. → { summary, topology } */
  BUILD_MODEL: 'buildModel',
  /** {} → { summary, topology } of the current model */
  DESCRIBE: 'describe',
  /** {} — the engine traps (a real WebAssembly `unreachable`): at once, or inside the next
   *  training chunk while training. Lets tests check that the page notices a dead worker
   *  ('error' event) and starts a new one. */
  CRASH: 'crash',
  /** Predictor: {} → { modelJson, weights: ArrayBuffer, step } of the weights it holds (a copy),
   *  or {} before any; a new training worker starts from them when the old one died. */
  HELD_WEIGHTS: 'heldWeights',
});

/** On the predictor channel, training worker → predictor: { version, step, modelJson, weights: ArrayBuffer }.
 *  `version` counts model replacements (INIT, LOAD_MODEL, BUILD_MODEL, RESET); replies to those
 *  requests carry the new `modelVersion`, which the page passes as PREDICT's minVersion. */
export const SNAPSHOT = 'snapshot';

/** Messages the worker sends. */
export const Reply = Object.freeze({
  /** { id, ok, error?, ...result } — the one answer to a request. */
  REPLY: 'reply',
  /** { file, loaded, total, done } — bytes of the MNIST download so far (all four files). */
  EVENT_DATA_PROGRESS: 'dataProgress',
  /** { loss, accuracy, step, epoch, steps_per_epoch, total_steps, images_per_sec, done, chunkMs } */
  EVENT_METRICS: 'metrics',
  /** { done, total } — test images evaluated so far. */
  EVENT_EVAL_PROGRESS: 'evalProgress',
  /** { epoch, accuracy, loss, count } — validation accuracy after each finished epoch. */
  EVENT_EPOCH: 'epoch',
  /** { state: 'idle'|'running'|'paused'|'done'|'stopped', reason? } */
  EVENT_TRAIN_STATE: 'trainState',
  /** { message } — a problem that is no answer to a request (e.g. NaN loss mid-run). */
  EVENT_ERROR: 'workerError',
});

/** Training states, shared so both sides spell them the same. */
export const TrainState = Object.freeze({
  IDLE: 'idle',
  RUNNING: 'running',
  PAUSED: 'paused',
  STOPPED: 'stopped',
  DONE: 'done',
});

/** Size of one network input: a 28×28 grayscale image, values 0..1 (pixel / 255). */
export const INPUT_SIZE = 28 * 28;
export const NUM_CLASSES = 10;

/** The MNIST files the worker fetches, relative to the data base URL. */
export const MNIST_FILES = Object.freeze({
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
});
