// @ts-check
// Runs: every training run (from Train until it stops, finishes or the worker is lost) is
// recorded in the store's `runs` and kept in IndexedDB; the runs table renames, deletes, ticks to
// compare, restores (architecture and settings back into the editor), links and loads kept
// weights; the charts draw the newest run and the ticked ones; CSV and JSON downloads.

import { Request } from '../shared/protocol.js';
import { newRun, withSteps, withValidation, settled, storedRun, defaultRunName, runsCsv, runsJson } from '../shared/runs.js';
import { fromKerasConfig } from '../shared/keras-form.js';
import { DEFAULT_OPTIONS } from '../shared/training-options.js';
import { createCharts } from './charts.js';
import { readRuns, putRun, deleteRun, readRunWeights } from './runs-db.js';
import { renderRuns, colourOf } from './runs-view.js';
import { buildName } from './status.js';
import { download } from './files.js';
import { watch } from './store.js';
import { byId, inputById, selectById } from './views.js';

/** @typedef {import('../shared/runs.js').Run} Run */
/** @typedef {import('./app.js').PageState} PageState */

const newId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * @param {import('./app.js').App} app @param {import('./model.js').Models} models
 */
export function startRuns(app, models) {
  const { store, trainer, on, patch, task, showError, clearError } = app;
  const runs = () => store.get().runs;
  const keepFailed = (/** @type {unknown} */ err) =>
    patch('runs', { problem: `This browser does not keep runs (${/** @type {Error} */ (err).message}); they last until the page closes.` });
  readRuns().then((list) => patch('runs', { list: [...list.map(storedRun), ...runs().list] }), keepFailed);

  /** The newest finished run while its weights are still the model in use: an evaluation is its test accuracy. */
  let lastTrained = { id: '', modelVersion: -1 };

  /** A new record of `run` in the store and in IndexedDB (with `weights` when given). */
  async function keep(/** @type {Run} */ run, /** @type {import('./runs-db.js').RunWeights | null} */ weights = null) {
    patch('runs', { list: runs().list.map((r) => (r.id === run.id ? run : r)) });
    try {
      await putRun(run, weights);
    } catch (err) {
      keepFailed(err);
    }
  }

  // A run begins when training starts (not when it resumes) and ends when it stops or finishes.
  watch(store, (s) => s.training.state, (state, s) => {
    const { live } = s.runs;
    if (state === 'running' && !live) {
      const run = newRun({
        id: newId(), startedAt: new Date().toISOString(), topology: s.model.topology, settings: s.settings,
        data: s.data.name, build: buildName(s.engine),
      });
      patch('runs', { live: { ...run, name: defaultRunName(run, s.runs.list) } });
    } else if (live && state !== 'running' && state !== 'paused') {
      // 'idle': the worker was lost, and its successor holds other weights than the run's.
      finish({ ...live, state: state === 'done' ? 'done' : 'stopped' }, s, { weightsInUse: state !== 'idle' });
    }
  });
  // `?no-recording` in the address leaves the steps out (and so the curves): for the benchmark
  // that measures what recording costs the training (tools/bench/browser.mjs).
  const recording = !new URLSearchParams(location.search).has('no-recording');
  // A chunk ends after each check of the validation split and carries it: the live validation curve.
  on('metrics', ({ step, losses, accuracies, chunkMs, val_accuracy: validation }) => {
    const { live } = runs();
    if (!live || !recording) return;
    const stepped = withSteps(live, { step, losses, accuracies, chunkSeconds: chunkMs / 1000 });
    patch('runs', { live: validation === undefined ? stepped : withValidation(stepped, validation) });
  });

  /** @param {Run} live @param {PageState} s @param {{ weightsInUse: boolean }} how */
  async function finish(live, s, { weightsInUse }) {
    if (!live.points) {
      patch('runs', { live: null });
      return;
    }
    let run = settled(live);
    patch('runs', { live: null, list: [...s.runs.list, run] });
    lastTrained = weightsInUse ? { id: run.id, modelVersion: s.engine.modelVersion } : { id: '', modelVersion: -1 };
    let weights = null;
    if (s.runs.keepWeights && weightsInUse) {
      try {
        const { modelJson, weights: bytes } = await trainer.request(Request.SAVE_MODEL, {});
        weights = { modelJson, weights: bytes };
        run = { ...run, weightsBytes: bytes.byteLength };
      } catch (err) {
        showError(`The run was kept without its weights: ${/** @type {Error} */ (err).message}`);
      }
    }
    await keep(run, weights);
  }

  // An evaluation of the newest run's weights is that run's test accuracy.
  watch(store, (s) => s.evaluation.result, (result, s) => {
    const run = s.runs.list.find((r) => r.id === lastTrained.id);
    if (result && run && s.engine.modelVersion === lastTrained.modelVersion && !s.runs.live) keep({ ...run, testAccuracy: result.accuracy });
  });

  // The table and the charts render from the store.
  const body = byId('runs-body');
  watch(store, (s) => ({ list: s.runs.list, liveId: s.runs.live?.id, ticked: s.runs.ticked, problem: s.runs.problem,
    size: s.analysis?.total_params, busy: s.busy.length > 0, running: s.training.state === 'running' }), (_, s) => renderRuns(body, s));
  const charts = createCharts(byId('chart-steps'), byId('chart-epochs'));
  watch(store, (s) => ({ list: s.runs.list, live: s.runs.live, ticked: s.runs.ticked, align: s.runs.alignBy }), ({ list, live, ticked, align }) => {
    const table = live ? [...list, live] : list;
    const newest = table[table.length - 1];
    const shown = table.flatMap((run, index) => (run === newest || ticked.includes(run.id) ? [{ run, index }] : []));
    charts.show(shown.map(({ run, index }) => ({
      id: run.id, name: run.name, colour: colourOf(index), batchSize: run.settings.batchSize,
      points: run.points, steps: run.steps, loss: run.loss, accuracy: run.accuracy, validationSteps: run.validationSteps, validation: run.validation,
    })), align);
  });
  watch(store, (s) => ({ keep: s.runs.keepWeights, align: s.runs.alignBy }), ({ keep, align }) => {
    inputById('runs-keep-weights').checked = keep;
    selectById('runs-align').value = align;
  });

  // What the person does.
  inputById('runs-keep-weights').addEventListener('change', (event) =>
    patch('runs', { keepWeights: /** @type {HTMLInputElement} */ (event.target).checked }));
  selectById('runs-align').addEventListener('change', (event) =>
    patch('runs', { alignBy: /** @type {HTMLSelectElement} */ (event.target).value === 'images' ? 'images' : 'step' }));
  byId('runs-csv').addEventListener('click', () => download('runs.csv', new Blob([runsCsv(runs().list)], { type: 'text/csv' })));
  byId('runs-json').addEventListener('click', () => download('runs.json', new Blob([runsJson(runs().list)], { type: 'application/json' })));

  const runOf = (/** @type {Event} */ event) => {
    const id = /** @type {HTMLElement} */ (event.target).closest('tr')?.dataset.id;
    return runs().list.find((r) => r.id === id);
  };
  body.addEventListener('change', (event) => {
    const run = runOf(event);
    const target = /** @type {HTMLInputElement} */ (event.target);
    if (!run) return;
    if (target.dataset.action === 'tick') {
      const ticked = runs().ticked.filter((id) => id !== run.id);
      patch('runs', { ticked: target.checked ? [...ticked, run.id] : ticked });
    } else if (target.dataset.action === 'rename') {
      const name = target.value.trim();
      if (name) keep({ ...run, name });
      else target.value = run.name; // a run keeps a name
    }
  });
  body.addEventListener('click', (event) => {
    const run = runOf(event);
    const action = /** @type {HTMLElement} */ (event.target).closest('button')?.dataset.action;
    if (!run || !action) return;
    if (action === 'delete') {
      task('runs', async () => {
        await deleteRun(run.id).catch(keepFailed);
        patch('runs', { list: runs().list.filter((r) => r.id !== run.id), ticked: runs().ticked.filter((id) => id !== run.id) });
      });
    } else if (action === 'restore') {
      clearError();
      try {
        const { layers } = fromKerasConfig(run.topology);
        // A run recorded before the training options trained without them: their defaults.
        store.update((s) => ({ layers, settings: { ...s.settings, ...DEFAULT_OPTIONS, ...run.settings }, settingProblems: {} }));
      } catch (err) {
        showError(`The run's network cannot be shown in the editor: ${/** @type {Error} */ (err).message}`);
      }
    } else if (action === 'load') {
      task('load', async () => {
        clearError();
        const kept = await readRunWeights(run.id);
        if (!kept) throw new Error(`The weights of "${run.name}" are no longer kept in this browser.`);
        await models.useFiles(kept, `run "${run.name}"`);
        lastTrained = { id: run.id, modelVersion: store.get().engine.modelVersion };
      });
    }
  });
}
