// @ts-check
// The predictor: a second, small worker that classifies drawings with a copy of the weights.
// The training worker sends it a snapshot after every model change and every ~0.5 s of training
// (Snapshot in shared/protocol.js), so answers never wait for a training step to finish.

import { Request } from '../shared/protocol.js';
import { loadEngineModule, messageOf } from '../shared/engine-module.js';
import { convKernels } from '../shared/model-files.js';
import { serveRequests, failIfTrapped } from './request-loop.js';
import { predict, layerOutputs, explain, occlusion } from './inference.js';

/** @typedef {import('../shared/protocol.js').Snapshot} Snapshot */
/** @typedef {{ minVersion: number, resolve: () => void, reject: (err: Error) => void }} Waiting */

// One thread is plenty here.
const engineReady = loadEngineModule('cnn-simd').then((module) => new module.Engine());
let version = -1; // model version of the weights held
let step = 0;
/** @type {Waiting[]} */
let waiting = []; // requests that need a newer model version than the one held
/** @type {Snapshot | null} */
let held = null; // the snapshot the weights came from
/** @type {import('../shared/protocol.js').Kernel[] | null} */
let kernels = null; // convKernels(held), computed on the first FILTERS request after a snapshot

/** Resolves once the weights held are of model version `minVersion` or newer. */
function whenVersion(minVersion = 0) {
  if (version >= minVersion) return Promise.resolve();
  return new Promise((resolve, reject) => waiting.push({ minVersion, resolve: () => resolve(undefined), reject }));
}

/** Settles the requests waiting for versions up to `upTo`, with `error` if it could not be taken. */
function settle(/** @type {number} */ upTo, /** @type {Error | null} */ error) {
  const due = waiting.filter((w) => w.minVersion <= upTo);
  waiting = waiting.filter((w) => w.minVersion > upTo);
  for (const w of due) {
    if (error) w.reject(error);
    else w.resolve();
  }
}

async function applySnapshot(/** @type {Snapshot} */ snapshot) {
  try {
    const engine = await engineReady;
    engine.loadModel(snapshot.modelJson, new Uint8Array(snapshot.weights));
    ({ version, step } = snapshot);
    held = snapshot;
    kernels = null;
  } catch (err) {
    if (failIfTrapped(err)) return;
    // Keep answering with the weights held; a request that waits for this version fails.
    settle(snapshot.version, new Error(`The predictor could not take the new weights: ${messageOf(err)}`));
    return;
  }
  settle(version, null);
}

// Snapshots arrive in order; each is applied before the next, and only the newest of a backlog.
/** @type {Snapshot[]} */
let queue = [];
let applying = false;
async function onSnapshot(/** @type {Snapshot} */ snapshot) {
  queue.push(snapshot);
  if (applying) return;
  applying = true;
  while (queue.length) {
    const latest = queue[queue.length - 1];
    queue = [];
    await applySnapshot(latest);
  }
  applying = false;
}

serveRequests({
  [Request.CONNECT_PREDICTOR]({ port }) {
    port.onmessage = ({ data }) => {
      if (data?.type === 'snapshot') onSnapshot(data);
    };
  },
  async [Request.PREDICT]({ input, minVersion }) {
    await whenVersion(minVersion);
    return { ...predict(await engineReady, input), version, step };
  },
  async [Request.FILTERS]({ minVersion }) {
    await whenVersion(minVersion);
    kernels ??= held ? convKernels(held.modelJson, held.weights, 2) : [];
    // Copies: the cached arrays stay here for the next request.
    return { kernels: kernels.map((k) => ({ ...k, data: k.data.slice() })), version, step };
  },
  [Request.HELD_WEIGHTS]: () => (held ? { modelJson: held.modelJson, weights: held.weights.slice(0), step: held.step } : {}),
  async [Request.LAYER_OUTPUTS]({ minVersion, ...request }) {
    await whenVersion(minVersion);
    return layerOutputs(await engineReady, request);
  },
  async [Request.EXPLAIN]({ input, target, minVersion }) {
    await whenVersion(minVersion);
    return { ...explain(await engineReady, input, target), version };
  },
  async [Request.OCCLUSION]({ input, target, minVersion }) {
    await whenVersion(minVersion);
    return { ...occlusion(await engineReady, input, target), version };
  },
}, () => true);
