// @ts-check
// Training runs as plain data: what a run records (the architecture as the engine describes it,
// the settings, the curves, the final figures), the name it gets from what changed since the
// run before, and the runs as CSV (one row per recorded step) and JSON. No DOM, no storage.

import { OPTION_KEYS } from './training-options.js';

/** @typedef {import('./url-state.js').Settings} Settings */

/**
 * One training run, from Train until it stops, finishes or is reset.
 * Curves are columns: steps[i], loss[i], accuracy[i] belong together (one point per chunk of
 * steps the worker reports); validation[j] is the accuracy on the validation split checked at
 * step validationSteps[j] (every few steps and at each epoch's end).
 * @typedef {object} Run
 * @property {string} id
 * @property {string} name
 * @property {string} startedAt  ISO time
 * @property {'running' | 'done' | 'stopped'} state
 * @property {string} topology  the Keras config of the network, as the engine describes it
 * @property {string} modelName
 * @property {{ epochs: number, batchSize: number, learningRate: number, optimizer: string, seed: number, fresh: boolean }
 *   & Partial<import('./training-options.js').TrainingOptions>} settings  (runs recorded before the training options lack them)
 * @property {string} data  the data set's name
 * @property {string} build  'SIMD, 1 thread' or 'SIMD + 2 threads'
 * @property {number[]} steps
 * @property {number[]} loss
 * @property {number[]} accuracy
 * @property {number[]} validationSteps
 * @property {number[]} validation
 * @property {number} seconds  wall time of training (pauses left out)
 * @property {number} imagesPerSec  the mean over the run
 * @property {number | null} testAccuracy  of the last evaluation of this run's weights, if any
 * @property {number} weightsBytes  the size of the weights kept with it (0: none kept)
 */

/** The settings a run depends on (the page's language and build choice are not among them). */
export const RUN_SETTINGS = /** @type {const} */ (['epochs', 'batchSize', 'learningRate', 'optimizer', 'seed', 'fresh', ...OPTION_KEYS]);

/**
 * A new run, before its first step.
 * @param {{ id: string, startedAt: string, topology: string, settings: Settings, data: string, build: string }} start
 * @returns {Run}
 */
export function newRun({ id, startedAt, topology, settings, data, build }) {
  const kept = /** @type {Run['settings']} */ (Object.fromEntries(RUN_SETTINGS.map((key) => [key, settings[key]])));
  return {
    id, name: '', startedAt, state: 'running', topology, modelName: modelOf(topology).name, settings: kept, data, build,
    steps: [], loss: [], accuracy: [], validationSteps: [], validation: [],
    seconds: 0, imagesPerSec: 0, testAccuracy: null, weightsBytes: 0,
  };
}

/**
 * The run with one more point: the metrics of a chunk that took `chunkSeconds`.
 * @param {Run} run @param {{ step: number, loss: number, accuracy: number, chunkSeconds: number }} point
 * @returns {Run}
 */
export function withStep(run, { step, loss, accuracy, chunkSeconds }) {
  const before = run.steps.length ? run.steps[run.steps.length - 1] : 0;
  const seconds = run.seconds + chunkSeconds;
  const images = step * run.settings.batchSize;
  return {
    ...run,
    steps: [...run.steps, step],
    loss: [...run.loss, loss],
    accuracy: [...run.accuracy, accuracy],
    seconds,
    imagesPerSec: seconds > 0 && step > before ? images / seconds : run.imagesPerSec,
  };
}

/** The run with the validation accuracy of the epoch that ended at its last step. @param {Run} run @param {number} accuracy */
export function withValidation(run, accuracy) {
  const step = run.steps.length ? run.steps[run.steps.length - 1] : 0;
  return { ...run, validationSteps: [...run.validationSteps, step], validation: [...run.validation, accuracy] };
}

/** @param {string} topology @returns {{ name: string, layers: Array<{ class_name: string, config: Record<string, unknown> }> }} */
function modelOf(topology) {
  try {
    const root = JSON.parse(topology);
    const config = root?.model_config?.config ?? root?.config ?? {};
    return { name: typeof config.name === 'string' ? config.name : 'model', layers: Array.isArray(config.layers) ? config.layers : [] };
  } catch {
    return { name: 'model', layers: [] };
  }
}

const SETTING_LABELS = /** @type {const} */ ({ learningRate: 'lr', batchSize: 'batch', epochs: 'epochs', optimizer: '', seed: 'seed' });
/** Config keys that say nothing about what the layer computes. */
const NOT_FIELDS = new Set(['name', 'trainable', 'dtype', 'batch_input_shape']);

/** The words of a layer's Keras name: max_pooling2d_1 → "max pooling2d". @param {string} name */
const words = (name) => name.replace(/_\d+$/, '').replace(/_/g, ' ');

/**
 * What changed from run `previous` to `run`, in a few words: "lr 0.01", "no dropout",
 * "+ dense_2", "conv2d filters 64", "adam → sgd". "" when nothing did.
 * @param {Run} run @param {Run | null} previous
 */
export function whatChanged(run, previous) {
  if (!previous) return '';
  const changes = [];
  for (const [key, label] of Object.entries(SETTING_LABELS)) {
    const k = /** @type {keyof typeof SETTING_LABELS} */ (key);
    if (run.settings[k] !== previous.settings[k]) changes.push(label ? `${label} ${run.settings[k]}` : String(run.settings[k]));
  }
  for (const key of OPTION_KEYS) {
    const [now, before] = [run.settings[key], previous.settings[key]];
    if (now !== undefined && before !== undefined && now !== before) changes.push(typeof now === 'boolean' ? `${now ? '+' : 'no'} ${key}` : `${key} ${now}`);
  }
  const before = modelOf(previous.topology).layers;
  const after = modelOf(run.topology).layers;
  const byName = (/** @type {typeof before} */ layers) => new Map(layers.map((l) => [String(l.config?.name), l]));
  const [old, now] = [byName(before), byName(after)];
  // A kind of layer gone altogether reads "no dropout"; single layers by name.
  const classes = (/** @type {typeof before} */ layers) => new Set(layers.map((l) => l.class_name));
  const [oldClasses, newClasses] = [classes(before), classes(after)];
  for (const cls of oldClasses) if (!newClasses.has(cls)) changes.push(`no ${words(snake(cls))}`);
  for (const [name, layer] of old) if (!now.has(name) && newClasses.has(layer.class_name)) changes.push(`− ${name}`);
  for (const [name, layer] of now) {
    const was = old.get(name);
    if (!was) {
      changes.push(`+ ${name}`);
      continue;
    }
    if (was.class_name !== layer.class_name) {
      changes.push(`${name} ${layer.class_name}`);
      continue;
    }
    for (const [field, value] of Object.entries(layer.config ?? {})) {
      if (NOT_FIELDS.has(field) || JSON.stringify(value) === JSON.stringify(was.config?.[field])) continue;
      changes.push(`${name} ${field} ${typeof value === 'object' ? JSON.stringify(value) : value}`);
    }
  }
  return changes.join(', ');
}

/** Conv2D → conv2d, MaxPooling2D → max_pooling2d. @param {string} className */
const snake = (className) => className.replace(/(?<=[a-z0-9])(?=[A-Z])/g, '_').toLowerCase();

/**
 * The name a new run gets: what changed since the run before, else the network and the
 * learning rate; "(2)", "(3)" … when another run has that name.
 * @param {Run} run @param {Run[]} earlier  newest last
 */
export function defaultRunName(run, earlier) {
  const base = whatChanged(run, earlier[earlier.length - 1] ?? null) || `${run.modelName}, ${run.settings.optimizer} lr ${run.settings.learningRate}`;
  const names = new Set(earlier.map((r) => r.name));
  let name = base;
  for (let k = 2; names.has(name); k++) name = `${base} (${k})`;
  return name;
}

/** A CSV field: quoted when it holds a comma, quote or line break. @param {string | number | null} value */
function csvField(value) {
  const text = value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The runs as CSV, one row per recorded step: the run, its settings, the step, the images seen,
 * the training batch's loss and accuracy, and the validation accuracy where an epoch ended.
 * @param {Run[]} runs
 */
export function runsCsv(runs) {
  const header = ['run', 'name', 'optimizer', 'learning_rate', 'batch_size', 'seed', 'step', 'images_seen', 'loss', 'accuracy', 'validation_accuracy'];
  const rows = [header.join(',')];
  for (const run of runs) {
    const validation = new Map(run.validationSteps.map((step, j) => [step, run.validation[j]]));
    const { optimizer, learningRate, batchSize, seed } = run.settings;
    run.steps.forEach((step, i) => {
      rows.push([run.id, run.name, optimizer, learningRate, batchSize, seed, step, step * batchSize, run.loss[i], run.accuracy[i],
        validation.get(step) ?? null].map(csvField).join(','));
    });
  }
  return `${rows.join('\n')}\n`;
}

/** The runs as JSON, everything they record (the architecture as its Keras config). @param {Run[]} runs */
export function runsJson(runs) {
  return JSON.stringify({
    format: 'cnn-playground-runs',
    version: 1,
    runs: runs.map(({ topology, ...run }) => ({ ...run, architecture: JSON.parse(topology) })),
  }, null, 1);
}

/** What a run takes in storage, in bytes: its record as JSON, and its weights. @param {Run} run */
export function runBytes(run) {
  return new TextEncoder().encode(JSON.stringify(run)).length + run.weightsBytes;
}
