// @ts-check
// The recorded runs in IndexedDB, so that a reload keeps them: one object store of run records
// (curves and all, a few hundred kB at most each) and one of the weights kept with some of them,
// apart so that listing the runs does not read megabytes of weights.

/** @typedef {import('../shared/runs.js').Run} Run */
/** @typedef {{ modelJson: string, weights: ArrayBuffer }} RunWeights */

const DB_NAME = 'cnn-playground-runs';
const RUNS = 'runs';
const WEIGHTS = 'weights';

function open() {
  return /** @type {Promise<IDBDatabase>} */ (new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(RUNS, { keyPath: 'id' });
      request.result.createObjectStore(WEIGHTS);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  }));
}

/**
 * Runs `action` on the named stores in one transaction; resolves with its result once committed.
 * @template T
 * @param {string[]} stores @param {IDBTransactionMode} mode
 * @param {(tx: IDBTransaction) => IDBRequest<T> | void} action
 * @returns {Promise<T | undefined>}
 */
async function transaction(stores, mode, action) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(stores, mode);
      const request = action(tx);
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

/** Every recorded run, oldest first. @returns {Promise<Run[]>} */
export async function readRuns() {
  const runs = /** @type {Run[]} */ (await transaction([RUNS], 'readonly', (tx) => tx.objectStore(RUNS).getAll())) ?? [];
  return runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** Keeps `run` (a new one, or a new version of one), with `weights` if given. */
export function putRun(/** @type {Run} */ run, /** @type {RunWeights | null} */ weights = null) {
  return transaction([RUNS, WEIGHTS], 'readwrite', (tx) => {
    if (weights) tx.objectStore(WEIGHTS).put(weights, run.id);
    tx.objectStore(RUNS).put(run);
  });
}

export function deleteRun(/** @type {string} */ id) {
  return transaction([RUNS, WEIGHTS], 'readwrite', (tx) => {
    tx.objectStore(WEIGHTS).delete(id);
    tx.objectStore(RUNS).delete(id);
  });
}

/** The weights kept with run `id`, if any. @returns {Promise<RunWeights | undefined>} */
export function readRunWeights(/** @type {string} */ id) {
  return transaction([WEIGHTS], 'readonly', (tx) => tx.objectStore(WEIGHTS).get(id));
}
