// @ts-check
// The training options beside epochs, batch size, learning rate, optimizer and seed: the
// optimizer's own fields, the learning-rate schedule, augmentation, the validation split and the
// callbacks. One table says each option's key in the settings, its key in the link, its default
// and what it holds; fitConfig() turns the settings into the engine's training config
// (core/fit_config.h), which alone decides whether the values can be used. No DOM.

/** @typedef {import('./url-state.js').Settings} Settings */

/** What an option holds: a number, true/false, one of some words, or a comma-separated list. */
/** @typedef {{ kind: 'number' } | { kind: 'boolean' } | { kind: 'choice', values: readonly string[] } | { kind: 'list' }} OptionKind */

const number = /** @type {const} */ ({ kind: 'number' });
const boolean = /** @type {const} */ ({ kind: 'boolean' });
const list = /** @type {const} */ ({ kind: 'list' });
const choice = (/** @type {string[]} */ ...values) => /** @type {const} */ ({ kind: 'choice', values });

export const SCHEDULES = Object.freeze(['constant', 'ExponentialDecay', 'CosineDecay', 'PiecewiseConstantDecay']);
export const MONITORS = Object.freeze(['val_loss', 'val_accuracy', 'loss', 'accuracy']);
export const FILL_MODES = Object.freeze(['constant', 'nearest']);

/**
 * Each option: its settings key → [key in the link, default, kind]. The defaults are Keras' where
 * Keras has one, except two:
 * - validationSplit 0.02 (Keras: 0): 1,200 of MNIST's 60,000 training images are held out, about
 *   what the page validated on before (1,000 test images), so the validation curve stays and the
 *   test set stays for Evaluate; training on 2 % fewer images barely moves the time to 97 %.
 * - validationEvery 400 steps (Keras validates at epoch ends only): 4 points inside an MNIST epoch
 *   of batch 32 besides its end. A check of 1,200 images costs about what 13 training steps do (a
 *   forward pass is a third of a training step), ~3 % of the training time.
 */
export const OPTIONS = /** @type {const} */ ({
  momentum: ['mom', 0, number], // SGD, RMSprop
  nesterov: ['nesterov', false, boolean], // SGD
  weightDecay: ['wd', 0.004, number], // AdamW
  schedule: ['sched', 'constant', choice(...SCHEDULES)],
  decaySteps: ['dsteps', 1000, number], // ExponentialDecay, CosineDecay
  decayRate: ['drate', 0.96, number], // ExponentialDecay
  alpha: ['alpha', 0, number], // CosineDecay
  warmupSteps: ['warmup', 0, number], // CosineDecay: from 0 up to the learning rate, then down
  boundaries: ['bounds', '1000', list], // PiecewiseConstantDecay: steps
  values: ['values', '0.001, 0.0001', list], // PiecewiseConstantDecay: rates, one more than boundaries
  augment: ['aug', false, boolean],
  translate: ['tx', 0.1, number], // RandomTranslation height_factor and width_factor
  rotate: ['rot', 0.05, number], // RandomRotation factor (of a full turn)
  zoom: ['zoom', 0.1, number], // RandomZoom height_factor (the width zooms alike)
  fill: ['fill', 'constant', choice(...FILL_MODES)],
  validationSplit: ['vsplit', 0.02, number],
  validationEvery: ['vevery', 400, number],
  earlyStopping: ['es', false, boolean],
  esMonitor: ['esmon', 'val_loss', choice(...MONITORS)],
  esPatience: ['espat', 2, number],
  esMinDelta: ['esdelta', 0, number],
  esRestore: ['esbest', true, boolean],
  reduceLr: ['rlr', false, boolean],
  rlMonitor: ['rlmon', 'val_loss', choice(...MONITORS)],
  rlFactor: ['rlfac', 0.1, number],
  rlPatience: ['rlpat', 2, number],
  rlMinLr: ['rlmin', 0, number],
});

/** @typedef {keyof typeof OPTIONS} OptionKey */
/**
 * @typedef {{ momentum: number, nesterov: boolean, weightDecay: number, schedule: string, decaySteps: number,
 *   decayRate: number, alpha: number, warmupSteps: number, boundaries: string, values: string, augment: boolean,
 *   translate: number, rotate: number, zoom: number, fill: string, validationSplit: number, validationEvery: number,
 *   earlyStopping: boolean, esMonitor: string, esPatience: number, esMinDelta: number, esRestore: boolean,
 *   reduceLr: boolean, rlMonitor: string, rlFactor: number, rlPatience: number, rlMinLr: number }} TrainingOptions
 */

export const OPTION_KEYS = /** @type {OptionKey[]} */ (Object.keys(OPTIONS));

/** @type {Readonly<TrainingOptions>} */
export const DEFAULT_OPTIONS = Object.freeze(/** @type {TrainingOptions} */ (Object.fromEntries(OPTION_KEYS.map((key) => [key, OPTIONS[key][1]]))));

/** The link's key of each option. */
export const OPTION_HASH_KEYS = Object.freeze(Object.fromEntries(OPTION_KEYS.map((key) => [key, OPTIONS[key][0]])));

/** The kind of an option. @param {OptionKey} key @returns {OptionKind} */
export const kindOf = (key) => OPTIONS[key][2];

/**
 * A loose value (from a link, a form or a stored run) as option `key` holds it, or undefined
 * when it cannot be one (the kind only: the engine judges the value).
 * @param {OptionKey} key @param {unknown} value
 */
export function optionValue(key, value) {
  const kind = kindOf(key);
  if (kind.kind === 'boolean') {
    if (typeof value === 'boolean') return value;
    return value === '1' || value === 'true' ? true : value === '0' || value === 'false' ? false : undefined;
  }
  if (kind.kind === 'choice') return typeof value === 'string' && kind.values.includes(value) ? value : undefined;
  if (kind.kind === 'list') return typeof value === 'string' ? value : undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** "1000, 2000" → [1000, 2000]; an item that is no number stays text, for the engine to name. */
const listOf = (/** @type {string} */ text) => text.split(/[\s,;]+/).filter(Boolean).map((item) => (Number.isFinite(Number(item)) ? Number(item) : item));

/** The optimizer's Keras class name, by the page's name. */
export const KERAS_OPTIMIZERS = Object.freeze(/** @type {Record<string, string>} */ ({ adam: 'Adam', adamw: 'AdamW', sgd: 'SGD', rmsprop: 'RMSprop' }));

/** The learning rate as the engine takes it: a number, or a Keras schedule. @param {Settings} s */
export function learningRateOf(s) {
  const lr = s.learningRate;
  switch (s.schedule) {
    case 'ExponentialDecay':
      return { class_name: s.schedule, config: { initial_learning_rate: lr, decay_steps: s.decaySteps, decay_rate: s.decayRate } };
    case 'CosineDecay':
      // With a warm-up, the rate climbs from 0 to the learning rate, then decays (Keras' warmup_target).
      return {
        class_name: s.schedule,
        config: s.warmupSteps ? { initial_learning_rate: 0, warmup_target: lr, warmup_steps: s.warmupSteps, decay_steps: s.decaySteps, alpha: s.alpha }
          : { initial_learning_rate: lr, decay_steps: s.decaySteps, alpha: s.alpha },
      };
    case 'PiecewiseConstantDecay':
      return { class_name: s.schedule, config: { boundaries: listOf(s.boundaries), values: listOf(s.values) } };
    default:
      return lr;
  }
}

/** The optimizer's own fields (Keras names) besides the learning rate. @param {Settings} s */
export function optimizerFields(s) {
  if (s.optimizer === 'sgd') return { momentum: s.momentum, nesterov: s.nesterov };
  if (s.optimizer === 'rmsprop') return { momentum: s.momentum };
  if (s.optimizer === 'adamw') return { weight_decay: s.weightDecay };
  return {};
}

/** The callbacks, as Keras configs. @param {Settings} s */
export function callbacksOf(s) {
  const callbacks = [];
  if (s.earlyStopping) {
    callbacks.push({ class_name: 'EarlyStopping', config: { monitor: s.esMonitor, patience: s.esPatience, min_delta: s.esMinDelta, restore_best_weights: s.esRestore } });
  }
  if (s.reduceLr) {
    callbacks.push({ class_name: 'ReduceLROnPlateau', config: { monitor: s.rlMonitor, factor: s.rlFactor, patience: s.rlPatience, min_lr: s.rlMinLr } });
  }
  return callbacks;
}

/** The augmentation, as Keras preprocessing layers (a factor of 0 leaves its layer out). @param {Settings} s */
export function augmentationOf(s) {
  if (!s.augment) return [];
  const fill_mode = s.fill;
  return [
    ...(s.translate !== 0 ? [{ class_name: 'RandomTranslation', config: { height_factor: s.translate, width_factor: s.translate, fill_mode } }] : []),
    ...(s.rotate !== 0 ? [{ class_name: 'RandomRotation', config: { factor: s.rotate, fill_mode } }] : []),
    ...(s.zoom !== 0 ? [{ class_name: 'RandomZoom', config: { height_factor: s.zoom, fill_mode } }] : []),
  ];
}

/**
 * The engine's training config (Engine.setTraining, core/fit_config.h) for some settings.
 * @param {Settings} s
 * @returns {import('./protocol.js').TrainingConfig}
 */
export function fitConfig(s) {
  return {
    optimizer: { class_name: KERAS_OPTIMIZERS[s.optimizer] ?? s.optimizer, config: { learning_rate: learningRateOf(s), ...optimizerFields(s) } },
    batch_size: s.batchSize,
    epochs: s.epochs,
    seed: s.seed,
    validation_split: s.validationSplit,
    validation_every: s.validationEvery,
    callbacks: callbacksOf(s),
    augmentation: augmentationOf(s),
  };
}

/**
 * The optimizer steps a run of these settings plans on `trainCount` images, to draw the schedule
 * over before training: the engine trains on the first floor(n · (1 − split)) of them (the rest
 * validate), in batches, for the epochs asked.
 * @param {Settings} s @param {number} trainCount
 */
export function plannedSteps(s, trainCount) {
  const training = Math.floor(trainCount * (1 - s.validationSplit));
  return Math.max(0, Math.ceil(training / s.batchSize) * s.epochs);
}

/**
 * The options of a run in a few words, beside its optimizer and rate: "momentum 0.9 · CosineDecay ·
 * augmented · EarlyStopping · validation 2 %". Options a run lacks (recorded before them) are left out.
 * @param {Partial<Settings>} s
 */
export function optionsSummary(s) {
  const own = s.schedule === undefined ? {} : optimizerFields(/** @type {Settings} */ (s));
  const fields = Object.entries(own).filter(([, value]) => value !== false && value !== 0)
    .map(([key, value]) => (value === true ? key : `${key.replace('_', ' ')} ${value}`));
  return [
    ...fields,
    ...(s.schedule && s.schedule !== 'constant' ? [s.schedule] : []),
    ...(s.augment ? ['augmented'] : []),
    ...(s.earlyStopping ? ['EarlyStopping'] : []),
    ...(s.reduceLr ? ['ReduceLROnPlateau'] : []),
    ...(s.validationSplit !== undefined ? [s.validationSplit ? `validation ${Number((s.validationSplit * 100).toPrecision(3))} %` : 'no validation'] : []),
  ].join(' · ');
}
