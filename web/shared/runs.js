// @ts-check
// Training runs as plain data: what a run records (the architecture as the engine describes it,
// the settings, the curves, the final figures), the name it gets from what changed since the
// run before, and the runs as CSV (one row per recorded step) and JSON. No DOM, no storage.

import { OPTION_KEYS } from './training-options.js';

/** @typedef {import('./url-state.js').Settings} Settings */

/**
 * One training run, from Train until it stops, finishes or is reset.
 * Curves are columns of one value per training step: steps[i], loss[i], accuracy[i] belong
 * together for i < points (the batch's loss and accuracy at that step). While a run records,
 * its columns may hold room for more (see withSteps); a finished run's are exactly `points` long.
 * validation[j] is the accuracy on the validation split checked at step validationSteps[j]
 * (every few steps and at each epoch's end).
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
 * @property {number} points  the steps recorded
 * @property {Int32Array} steps
 * @property {Float64Array} loss
 * @property {Float64Array} accuracy
 * @property {number[]} validationSteps
 * @property {number[]} validation
 * @property {number} seconds  wall time of training (pauses left out)
 * @property {number} imagesPerSec  the mean over the run
 * @property {number | null} testAccuracy  of the last evaluation of this run's weights, if any
 * @property {number} weightsBytes  the size of the weights kept with it (0: none kept)
 */

/** Bytes a recorded step takes: its step number (Int32), loss and accuracy (Float64). */
const BYTES_PER_POINT = 4 + 8 + 8;

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
    points: 0, steps: new Int32Array(0), loss: new Float64Array(0), accuracy: new Float64Array(0), validationSteps: [], validation: [],
    seconds: 0, imagesPerSec: 0, testAccuracy: null, weightsBytes: 0,
  };
}

/**
 * `column`, whose first `length` values are in use, with `values` after them: the same array
 * when it has room, else one twice as large. What lies past `length` belongs to no run, so
 * only the newest version of a run may be appended to; appending costs O(values), amortised,
 * however long the run.
 * @template {Int32Array | Float64Array} A @param {A} column @param {number} length @param {ArrayLike<number>} values @returns {A}
 */
function appended(column, length, values) {
  let out = column;
  if (length + values.length > column.length) {
    out = /** @type {A} */ (new /** @type {any} */ (column.constructor)(Math.max(256, 2 * (length + values.length))));
    out.set(column.subarray(0, length));
  }
  out.set(values, length);
  return out;
}

/**
 * The run with the steps of a chunk that ended at step `step` and took `chunkSeconds`: one point
 * per step, from the chunk's `losses` and `accuracies` (what the engine's train() returns).
 * @param {Run} run @param {{ step: number, losses: ArrayLike<number>, accuracies: ArrayLike<number>, chunkSeconds: number }} chunk
 * @returns {Run}
 */
export function withSteps(run, { step, losses, accuracies, chunkSeconds }) {
  const n = losses.length;
  const before = lastStep(run);
  const seconds = run.seconds + chunkSeconds;
  const numbers = Int32Array.from({ length: n }, (_, i) => step - n + 1 + i);
  return {
    ...run,
    points: run.points + n,
    steps: appended(run.steps, run.points, numbers),
    loss: appended(run.loss, run.points, losses),
    accuracy: appended(run.accuracy, run.points, accuracies),
    seconds,
    imagesPerSec: seconds > 0 && step > before ? step * run.settings.batchSize / seconds : run.imagesPerSec,
  };
}

/** The last step recorded (0 before the first). @param {Run} run */
export const lastStep = (run) => (run.points ? run.steps[run.points - 1] : 0);

/** The run as kept: its columns exactly `points` long. @param {Run} run @returns {Run} */
export function settled(run) {
  const { points } = run;
  return { ...run, steps: run.steps.slice(0, points), loss: run.loss.slice(0, points), accuracy: run.accuracy.slice(0, points) };
}

/**
 * A run as IndexedDB gave it back; runs recorded by earlier versions of the page hold their
 * curves as plain arrays (one point per chunk of steps).
 * @param {Omit<Run, 'points' | 'steps' | 'loss' | 'accuracy'> & { points?: number, steps: ArrayLike<number>, loss: ArrayLike<number>, accuracy: ArrayLike<number> }} record
 * @returns {Run}
 */
export function storedRun(record) {
  const { steps, loss, accuracy } = record;
  return {
    ...record,
    points: steps.length,
    steps: steps instanceof Int32Array ? steps : Int32Array.from(steps),
    loss: loss instanceof Float64Array ? loss : Float64Array.from(loss),
    accuracy: accuracy instanceof Float64Array ? accuracy : Float64Array.from(accuracy),
  };
}

/** The run with the validation accuracy of the epoch that ended at its last step. @param {Run} run @param {number} accuracy */
export function withValidation(run, accuracy) {
  return { ...run, validationSteps: [...run.validationSteps, lastStep(run)], validation: [...run.validation, accuracy] };
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
    for (let i = 0; i < run.points; i++) {
      const step = run.steps[i];
      rows.push([run.id, run.name, optimizer, learningRate, batchSize, seed, step, step * batchSize, run.loss[i], run.accuracy[i],
        validation.get(step) ?? null].map(csvField).join(','));
    }
  }
  return `${rows.join('\n')}\n`;
}

/** The runs as JSON, everything they record (the architecture as its Keras config). @param {Run[]} runs */
export function runsJson(runs) {
  return JSON.stringify({
    format: 'cnn-playground-runs',
    version: 1,
    runs: runs.map(({ topology, points, steps, loss, accuracy, ...run }) => ({
      ...run, architecture: JSON.parse(topology),
      steps: Array.from(steps.subarray(0, points)), loss: Array.from(loss.subarray(0, points)), accuracy: Array.from(accuracy.subarray(0, points)),
    })),
  }, null, 1);
}

/** What a run takes in storage, in bytes: its record (the curves as binary columns), and its weights. @param {Run} run */
export function runBytes(run) {
  const { steps, loss, accuracy, ...rest } = run;
  return new TextEncoder().encode(JSON.stringify(rest)).length + run.points * BYTES_PER_POINT + run.weightsBytes;
}
