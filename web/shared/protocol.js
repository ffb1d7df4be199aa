// @ts-check
// The messages between the page and its two workers, typed once for both sides.
//
// The training worker (workers/trainer.js) owns the model, the data and the training run; the
// predictor (workers/predictor.js) answers PREDICT, LAYER_OUTPUTS and FILTERS from a copy of the
// weights that the training worker sends it over a MessageChannel after every change (and every
// ~0.5 s while training), so a prediction never waits for a training step.
//
// Every request the page sends is `{ type, id, ...payload }`. The worker answers each request
// exactly once, with `{ type: 'reply', id, ok: true, ...result }` or
// `{ type: 'reply', id, ok: false, error }`. Besides replies, the training worker pushes events
// (WorkerEvent) that carry no id: data-loading progress, training metrics and training-state
// changes. Large buffers (images, weights, activations) travel as transferables.

/** @typedef {'auto' | 'simd' | 'threads'} WasmChoice */
/** @typedef {'simd' | 'threads'} WasmBuild */
/** @typedef {'idle' | 'running' | 'paused' | 'stopped' | 'done'} TrainStateName */

/** A Keras object in a training config: {class_name: 'EarlyStopping', config: {patience: 2}}. */
/** @typedef {{ class_name: string, config: Record<string, unknown> }} KerasObject */
/** The engine's training settings (Engine.setTraining): the training config of core/fit_config.h
 *  (shared/training-options.js writes it); a field left out keeps Keras' default. */
/** @typedef {{ optimizer: string | KerasObject, learning_rate?: number | KerasObject, batch_size: number, epochs: number,
 *   seed: number, validation_split?: number, validation_every?: number, callbacks?: KerasObject[],
 *   augmentation?: KerasObject[] }} TrainingConfig */

/** A TF.js Layers model: model.json's text and all its weight shards in one buffer. */
/** @typedef {{ modelJson: string, weights: ArrayBuffer }} ModelFiles */

/**
 * The model in the engine after a replacement: the engine's summary and Keras topology, the model
 * version the predictor must reach before answering for it, and the engine's memory limit.
 * @typedef {{ summary: EngineSummary, topology: string, modelVersion: number, memoryLimit: number }} ModelDescription
 */
/**
 * Engine.summary(): the layers of the model in use.
 * @typedef {{ name: string, input_shape: number[], total_params: number,
 *   layers: Array<{ name: string, class_name: string, output_shape: Array<number | null>, params: number }> }} EngineSummary
 */

/** @typedef {{ count: number, rows: number, cols: number }} DataPart */
/** @typedef {{ train: DataPart, test: DataPart, memoryLimit: number }} DataInfo */
/** @typedef {{ trainImages: string, trainLabels: string, testImages: string, testLabels: string }} DataFileNames */

/**
 * After every chunk of training steps: loss and accuracy are the chunk's means, losses and
 * accuracies each of its steps' (the last one at `step`). With a validation_split, a chunk ends
 * after each validation and carries it (val_*, at step val_step over val_count held-out images).
 * @typedef {{ loss: number, accuracy: number, losses: number[], accuracies: number[], step: number, epoch: number, steps_per_epoch: number,
 *   total_steps: number, images_per_sec: number, learning_rate?: number, epoch_end?: boolean,
 *   stopped_early?: boolean, val_loss?: number, val_accuracy?: number, val_step?: number,
 *   val_count?: number, done: boolean }} Metrics
 */

/** A test image the network got right or wrong; `image` is its 28×28 pixels (0..255). */
/** @typedef {{ index: number, label: number, predicted: number, confidence: number, image?: Uint8Array }} TestImage */

/**
 * @typedef {{ accuracy: number, loss: number, count: number, confusion: number[][],
 *   misclassifiedTotal: number, misclassified: TestImage[] }} Evaluation
 */
/** @typedef {{ label: number, predicted: number, total: number, items: TestImage[] }} CellImages */

/** Activations of one layer, [h, w, c] channels last. */
/** @typedef {{ index: number, name: string, className: string, shape: number[], data: Float32Array }} LayerOutput */
/** Convolution kernels [kh, kw, in, out]. */
/** @typedef {{ name: string, shape: number[], data: Float32Array }} Kernel */

/**
 * Each request: [payload, result].
 * @typedef {{
 *   init: [{ wasm?: WasmChoice, threadsStartMs?: number, model?: ModelFiles | null, modelUrl: string },
 *          ModelDescription & { build: WasmBuild, threads: number, singleThreadReason: string,
 *            source: 'given' | 'url' | 'untrained', metadata: ModelMetadata }],
 *   loadData: [{ baseUrl: string }, DataInfo],
 *   loadFiles: [{ files: Array<{ name: string, bytes: ArrayBuffer }> }, DataInfo & { files: DataFileNames }],
 *   train: [{ config: TrainingConfig, fresh: boolean }, { state: TrainStateName }],
 *   pause: [{}, { state: TrainStateName }],
 *   resume: [{}, { state: TrainStateName }],
 *   step: [{ config?: TrainingConfig }, { metrics: Metrics }],
 *   stop: [{}, { state: TrainStateName }],
 *   reset: [{ config?: TrainingConfig }, ModelDescription],
 *   connectPredictor: [{ port: MessagePort }, {}],
 *   predict: [{ input: Float32Array, minVersion?: number }, { probs: Float32Array, ms: number, version: number, step?: number }],
 *   layerOutputs: [{ input: Float32Array, layers?: number[], minVersion?: number }, { outputs: LayerOutput[] }],
 *   evaluate: [{ limit: number }, Evaluation],
 *   cellImages: [{ label: number, predicted: number, limit?: number }, CellImages],
 *   filters: [{ minVersion?: number }, { kernels: Kernel[], version: number, step: number }],
 *   saveModel: [{}, ModelFiles],
 *   loadModel: [{ modelJson?: string, weights?: ArrayBuffer, modelUrl?: string }, ModelDescription & { metadata: ModelMetadata }],
 *   buildModel: [{ config: string, seed: number }, ModelDescription],
 *   crash: [{}, {}],
 *   ping: [{}, {}],
 *   heapInUse: [{}, { bytes: number }],
 *   heldWeights: [{}, Partial<ModelFiles & { step: number }>],
 *   explain: [{ input: Float32Array, target: number, minVersion?: number }, Explanation & { version: number }],
 *   occlusion: [{ input: Float32Array, target: number, minVersion?: number }, Occlusion & { version: number }],
 *   fineTune: [{ images: Uint8Array, labels: Uint8Array, steps?: number }, FineTuneResult],
 *   endFineTune: [{ keep: boolean }, { modelVersion: number, digest: string }],
 *   augmentedBatch: [{ config: TrainingConfig, count: number }, { original: Float32Array, augmented: Float32Array, shape: number[] }],
 * }} Requests
 */
/** @typedef {keyof Requests} RequestType */
/** @template {RequestType} T @typedef {Requests[T][0]} PayloadOf */
/** @template {RequestType} T @typedef {Requests[T][1]} ResultOf */

/**
 * Engine.explain: why the model gives one input its scores, for class `target` (the saliency map
 * and Grad-CAM, both [28·28]; gradcam null and gradcamProblem saying why when the model has no
 * convolution layer).
 * @typedef {{ target: number, probabilities: Float32Array, saliency: Float32Array, gradcam: Float32Array | null,
 *   gradcamLayer: string, gradcamProblem: string, camShape: number[] }} Explanation
 */
/** Engine.occlusion: the probability of `target` with each patch × patch square greyed [rows·cols]. */
/** @typedef {{ target: number, patch: number, rows: number, cols: number, baseline: number, probability: Float32Array }} Occlusion */
/** Accuracy on the user's digits and on the first 1,000 MNIST test images. */
/** @typedef {{ own: number, test: number }} FineTuneAccuracy */
/**
 * A fine-tuning that ran to its end: the accuracies before and after, the new model version (the
 * predictor has the fine-tuned weights), and digests of the weights before and after.
 * @typedef {{ before: FineTuneAccuracy, after: FineTuneAccuracy, steps: number, modelVersion: number,
 *   digestBefore: string, digestAfter: string }} FineTuneResult
 */

/** What a saved model.json says about itself (userDefinedMetadata). */
/** @typedef {{ test_accuracy?: number, saved_at?: string }} ModelMetadata */

/** Requests: page → worker. Requests (above) gives each one's payload and result. */
export const Request = Object.freeze(/** @type {const} */ ({
  /** Loads the wasm module and a model: the given one (e.g. from IndexedDB) or the one at
   *  modelUrl, falling back to modelUrl if the given one fails, and to an untrained Basic_CNN.
   *  singleThreadReason: why 'auto' ended with the SIMD build (e.g. 'the page is not
   *  cross-origin isolated'), '' otherwise. */
  INIT: 'init',
  /** Fetches the four MNIST .gz files, decompresses them, hands them to the engine; emits
   *  'dataProgress' events while downloading. */
  LOAD_DATA: 'loadData',
  /** Four IDX files (raw or gzip) of any data set of 28×28 images: training and test images and
   *  labels, told apart by header and name. */
  LOAD_FILES: 'loadFiles',
  /** Starts a training run (fresh: new random weights first); then 'metrics' after every chunk
   *  of steps and 'trainState' on every change. */
  TRAIN: 'train',
  /** Stops after the current chunk. */
  PAUSE: 'pause',
  /** Continues a paused run. */
  RESUME: 'resume',
  /** Runs exactly one training step (idle or paused). */
  STEP: 'step',
  /** Ends the run after the current chunk; the trained weights stay. */
  STOP: 'stop',
  /** New random weights (from the seed) and optimizer state, step 0. */
  RESET: 'reset',
  /** To both workers: the channel weight snapshots travel on. */
  CONNECT_PREDICTOR: 'connectPredictor',
  /** Classifies one 28×28 input (0..1); waits until the predictor holds model version ≥ minVersion. */
  PREDICT: 'predict',
  /** Activations of the given layers (default: every layer with a spatial output). */
  LAYER_OUTPUTS: 'layerOutputs',
  /** Accuracy on the first `limit` test images (0 = all), in slices of ~100 ms with an
   *  'evalProgress' event after each; the first 60 mistakes come with their images. */
  EVALUATE: 'evaluate',
  /** Test images of one confusion-matrix cell of the last evaluation. */
  CELL_IMAGES: 'cellImages',
  /** Predictor: the kernels of the first two Conv2D layers of the weights it holds. */
  FILTERS: 'filters',
  /** The model in use as TF.js Layers files (one shard). */
  SAVE_MODEL: 'saveModel',
  /** Replaces the model with given files or the ones at modelUrl; the old one stays if this fails. */
  LOAD_MODEL: 'loadModel',
  /** A new untrained model from a Keras layer config ('' = Basic_CNN) and a seed; the old one
   *  stays if the config is bad. */
  BUILD_MODEL: 'buildModel',
  /** The engine traps (a real WebAssembly `unreachable`): at once, or inside the next training
   *  chunk while training. Lets tests check that the page replaces a dead worker. */
  CRASH: 'crash',
  /** {} at once, also while INIT is still loading: the page's check that the worker's thread
   *  has not frozen (WorkerClient.frozenBefore). */
  PING: 'ping',
  /** The bytes malloc holds in the engine's heap (which itself only grows): for the soak run's
   *  check that a long run does not leak (tools/soak.mjs). */
  HEAP_IN_USE: 'heapInUse',
  /** Predictor: a copy of the weights it holds ({} before any); a new training worker starts
   *  from them when the old one died. */
  HELD_WEIGHTS: 'heldWeights',
  /** Predictor: the saliency map and Grad-CAM of one input for class `target` (-1: the predicted one). */
  EXPLAIN: 'explain',
  /** Predictor: the probability of class `target` with each 4×4 patch of the input greyed out. */
  OCCLUSION: 'occlusion',
  /** Fine-tunes the model on the user's digits (uint8 28×28 each, and their labels) mixed with
   *  MNIST (which must be loaded), emitting 'fineTuneProgress'; the previous weights are kept
   *  until END_FINE_TUNE. */
  FINE_TUNE: 'fineTune',
  /** Keeps the fine-tuned weights, or puts back those from before it exactly (keep: false). */
  END_FINE_TUNE: 'endFineTune',
  /** The first `count` training images as they are and as the config's augmentation changes them
   *  (seeded by its seed), [count, h, w, c] in [0, 1] each: the page's preview strip. */
  AUGMENTED_BATCH: 'augmentedBatch',
}));

/**
 * The one answer to a request.
 * @typedef {({ type: 'reply', id: number, ok: true } & Record<string, unknown>)
 *   | { type: 'reply', id: number, ok: false, error: string }} Reply
 */

/**
 * Messages the training worker pushes without being asked.
 * @typedef {{ type: 'dataProgress', file: string, loaded: number, total: number, done: boolean }
 *   | ({ type: 'metrics', chunkMs: number, build: WasmBuild | null, threads: number } & Metrics)
 *   | { type: 'evalProgress', done: number, total: number }
 *   | { type: 'epoch', epoch: number, accuracy: number, loss: number, count: number, source: 'validation_split' }
 *   | { type: 'trainState', state: TrainStateName, reason?: string }
 *   | { type: 'callback', callback: 'EarlyStopping' | 'ReduceLROnPlateau', message: string }
 *   | { type: 'fineTuneProgress', step: number, total: number }
 *   | { type: 'workerError', message: string }} WorkerEvent
 */

/**
 * On the predictor channel, training worker → predictor. `version` counts model replacements
 * (INIT, LOAD_MODEL, BUILD_MODEL, RESET); replies to those requests carry the new `modelVersion`,
 * which the page passes as PREDICT's minVersion.
 * @typedef {{ type: 'snapshot', version: number, step: number, modelJson: string, weights: ArrayBuffer }} Snapshot
 */

/** Training states, shared so both sides spell them the same. */
export const TrainState = Object.freeze(/** @type {const} */ ({
  IDLE: 'idle',
  RUNNING: 'running',
  PAUSED: 'paused',
  STOPPED: 'stopped',
  DONE: 'done',
}));

/** Size of one network input: a 28×28 grayscale image, values 0..1 (pixel / 255). */
export const INPUT_SIZE = 28 * 28;

/** The MNIST files the worker fetches, relative to the data base URL. */
export const MNIST_FILES = Object.freeze({
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
});
