// @ts-check
// The recorded runs in IndexedDB, so that a reload keeps them: one store of run records (curves
// and all, a few hundred kB at most each) and one of the weights kept with some of them, apart
// so that listing the runs does not read megabytes of weights.

import { withStore } from './storage.js';

/** @typedef {import('../shared/runs.js').Run} Run */
/** @typedef {{ modelJson: string, weights: ArrayBuffer }} RunWeights */
/** @typedef {import('./storage.js').Database} Database */

/** @type {Database} */
const RUNS = { name: 'cnn-playground-runs', store: 'runs', options: { keyPath: 'id' } };
/** @type {Database} */
const WEIGHTS = { name: 'cnn-playground-run-weights', store: 'weights' };

/** Every recorded run, oldest first. @returns {Promise<Run[]>} */
export async function readRuns() {
  const runs = /** @type {Run[]} */ (await withStore(RUNS, 'readonly', (store) => store.getAll()));
  return runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** Keeps `run` (a new one, or a new version of one), with `weights` if given (first: a run
 *  never names weights that are not there). */
export async function putRun(/** @type {Run} */ run, /** @type {RunWeights | null} */ weights = null) {
  if (weights) await withStore(WEIGHTS, 'readwrite', (store) => store.put(weights, run.id));
  await withStore(RUNS, 'readwrite', (store) => store.put(run));
}

export async function deleteRun(/** @type {string} */ id) {
  await withStore(RUNS, 'readwrite', (store) => store.delete(id));
  await withStore(WEIGHTS, 'readwrite', (store) => store.delete(id));
}

/** The weights kept with run `id`, if any. @returns {Promise<RunWeights | undefined>} */
export function readRunWeights(/** @type {string} */ id) {
  return withStore(WEIGHTS, 'readonly', (store) => store.get(id));
}
