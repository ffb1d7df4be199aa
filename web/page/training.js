// @ts-check
// Training in the worker: the settings form (bounds from the engine's limits), the Train,
// Pause/Resume, One step, Stop and Reset controls, and the live metrics (the charts draw the
// runs: runs.js).

import { Request } from '../shared/protocol.js';
import { DEFAULT_LEARNING_RATE, settingProblem, trainingConfig } from '../shared/url-state.js';
import { editorIsBuilt } from './model.js';
import { startTrainingOptions } from './training-options.js';
import { watch } from './store.js';
import { byId, inputById, selectById, buttonById, formatPercent, formatCount } from './views.js';


/** The numeric settings: their field, their key in the settings, and what the page calls them. */
const NUMBERS = /** @type {const} */ ([
  ['epochs', 'epochs', 'epochs'],
  ['batch-size', 'batchSize', 'batch size'],
  ['learning-rate', 'learningRate', 'learning rate'],
  ['seed', 'seed', 'seed'],
]);

function formatDuration(/** @type {number} */ seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * @param {import('./app.js').App} app @param {import('./model.js').Models} models
 * @param {import('./analyser.js').Analyser} analyser
 */
export function startTraining(app, models, analyser) {
  const { store, trainer, task, patch, clearError, on } = app;
  const bounds = analyser.settingBounds;
  const options = startTrainingOptions(app, analyser);

  for (const [id, key] of NUMBERS) {
    inputById(id).min = String(bounds[key][0]);
    inputById(id).max = String(bounds[key][1]);
  }

  /** The form → the settings; a value that cannot be used is marked and named, the last good one kept. */
  function readForm() {
    const settings = { ...store.get().settings };
    /** @type {Record<string, string>} */
    const problems = {};
    for (const [id, key, what] of NUMBERS) {
      const field = inputById(id);
      const value = field.value === '' ? NaN : Number(field.value);
      const problem = settingProblem(key, value, bounds);
      field.setAttribute('aria-invalid', String(problem !== null));
      if (problem) problems[what] = problem;
      else settings[key] = value;
    }
    settings.optimizer = selectById('optimizer').value;
    settings.fresh = inputById('fresh').checked;
    options.read(settings, problems);
    store.update({ settings, settingProblems: problems });
    return settings;
  }
  // The settings → the form, when they change from elsewhere (a link pasted into the address bar).
  // A field whose value was refused keeps what the person typed.
  watch(store, (s) => ({ settings: s.settings, problems: s.settingProblems }), ({ settings, problems }) => {
    for (const [id, key, what] of NUMBERS) {
      if (what in problems) continue;
      const field = inputById(id);
      field.setAttribute('aria-invalid', 'false');
      if (Number(field.value) !== settings[key] || field.value === '') field.value = String(settings[key]);
    }
    selectById('optimizer').value = settings.optimizer;
    inputById('fresh').checked = settings.fresh;
    options.write(settings);
  });
  byId('settings').addEventListener('change', (event) => {
    const previous = store.get().settings.optimizer;
    const { optimizer } = readForm();
    // Choosing another optimizer proposes its Keras default learning rate.
    if (/** @type {HTMLElement} */ (event.target).id === 'optimizer' && previous !== optimizer) {
      inputById('learning-rate').value = String(DEFAULT_LEARNING_RATE[optimizer]);
      readForm();
    }
  });
  byId('settings').addEventListener('submit', (event) => event.preventDefault());

  // What the worker reports.
  on('metrics', ({ type, chunkMs, build, threads, ...metrics }) => {
    store.update(({ model }) => ({
      metrics,
      ...(model.trainedHere ? { model: { ...model, label: `${model.name} trained in this page, step ${metrics.step}`, testAccuracy: null } } : {}),
    }));
  });
  on('trainState', ({ state, reason }) => patch('training', { state, reason: reason ?? '' }));
  // What the callbacks did, until the next run starts.
  const events = byId('train-events');
  on('callback', ({ message }) => (events.textContent = events.textContent ? `${events.textContent} ${message}` : message));

  const bar = /** @type {HTMLProgressElement} */ (byId('train-progress'));
  watch(store, (s) => ({ m: s.metrics, state: s.training.state, settings: s.settings }), ({ m, state, settings }) => {
    const show = (/** @type {string} */ id, /** @type {string} */ value) => (byId(id).textContent = value);
    if (!m) {
      for (const id of ['epoch', 'step', 'loss', 'accuracy', 'throughput', 'eta']) show(id, '–');
      bar.value = 0;
      return;
    }
    const { epochs, batchSize } = settings;
    show('epoch', `${Math.min(m.epoch + 1, epochs)} / ${epochs}`);
    show('step', String(m.step));
    show('loss', m.loss.toFixed(4));
    show('accuracy', formatPercent(m.accuracy));
    show('throughput', formatCount(Math.round(m.images_per_sec)));
    bar.max = Math.max(1, m.total_steps);
    bar.value = Math.min(m.step, m.total_steps);
    const remaining = (m.total_steps - m.step) * batchSize / Math.max(m.images_per_sec, 1e-9);
    show('eta', m.done || state === 'done' ? 'done' : formatDuration(remaining));
  });

  /** Refuses to train what the editor refuses, or with settings that cannot be used. */
  function checkReady() {
    const { analysis, settingProblems } = store.get();
    if (!analysis?.valid) throw new Error(`The network cannot be built: ${analysis?.error ?? 'it has not been checked yet'}.`);
    const problems = Object.entries(settingProblems);
    if (problems.length) throw new Error(`The settings cannot be used: ${problems.map(([what, problem]) => `${what} ${problem}`).join('; ')}.`);
  }

  byId('train-start').addEventListener('click', () => task('train', async () => {
    clearError();
    const settings = readForm();
    checkReady();
    // A changed network is built first: new weights from the seed, so training starts fresh anyway.
    if (!editorIsBuilt(store.get())) await models.build();
    patch('model', { trainedHere: true });
    events.textContent = '';
    await trainer.request(Request.TRAIN, { config: trainingConfig(settings), fresh: settings.fresh });
  }));
  byId('train-pause').addEventListener('click', () => task('pause', () =>
    (store.get().training.state === 'paused' ? trainer.request(Request.RESUME, {}) : trainer.request(Request.PAUSE, {}))));
  byId('train-stop').addEventListener('click', () => task('stop', () => trainer.request(Request.STOP, {})));
  byId('train-step').addEventListener('click', () => task('step', async () => {
    clearError();
    const settings = readForm();
    checkReady();
    patch('model', { trainedHere: true });
    await trainer.request(Request.STEP, { config: trainingConfig(settings) });
  }));
  buttonById('train-reset').addEventListener('click', () => task('reset', async () => {
    clearError();
    readForm();
    await models.resetWeights();
    store.update({ metrics: null });
  }));
}
