// The predictor: a second, small worker that classifies drawings with a copy of the weights.
// The training worker sends it a snapshot after every model change and every ~0.5 s of training
// (SNAPSHOT in protocol.js), so answers never wait for a training step to finish.

import { Request, Reply, SNAPSHOT } from './protocol.js';
import { instantiate, messageOf, predict, layerOutputs, serveRequests, failIfTrapped } from './engine.js';
import { convKernels } from './weights.js';

let engine = null;
const engineReady = instantiate('cnn-simd').then((e) => (engine = e)); // one thread is plenty here
let version = -1; // model version of the weights held
let step = 0;
let waiting = []; // requests that need a newer model version than the one held
let held = null; // the snapshot the weights came from: { modelJson, weights }
let kernels = null; // convKernels(held), computed on the first FILTERS request after a snapshot

function whenVersion(minVersion = 0) {
  if (version >= minVersion) return Promise.resolve();
  return new Promise((resolve, reject) => waiting.push({ minVersion, resolve, reject }));
}

async function applySnapshot(snapshot) {
  try {
    await engineReady;
    engine.loadModel(snapshot.modelJson, new Uint8Array(snapshot.weights));
    version = snapshot.version;
    step = snapshot.step;
    held = snapshot;
    kernels = null;
  } catch (err) {
    if (failIfTrapped(err)) return;
    // Keep answering with the weights held; a request that waits for this version fails.
    const failed = waiting.filter((w) => w.minVersion <= snapshot.version);
    waiting = waiting.filter((w) => w.minVersion > snapshot.version);
    for (const w of failed) w.reject(new Error(`The predictor could not take the new weights: ${messageOf(err)}`));
    return;
  }
  const ready = waiting.filter((w) => w.minVersion <= version);
  waiting = waiting.filter((w) => w.minVersion > version);
  for (const w of ready) w.resolve();
}

// Snapshots arrive in order; each is applied before the next, and only the newest of a backlog.
let queue = [];
let applying = false;
async function onSnapshot(snapshot) {
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

const handlers = {
  [Request.CONNECT_PREDICTOR]({ port }) {
    port.onmessage = ({ data }) => {
      if (data?.type === SNAPSHOT) onSnapshot(data);
    };
  },
  async [Request.PREDICT]({ input, minVersion }) {
    await whenVersion(minVersion);
    await engineReady;
    return { ...predict(engine, input), version, step };
  },
  async [Request.FILTERS]({ minVersion }) {
    await whenVersion(minVersion);
    kernels ??= held ? convKernels(held.modelJson, held.weights, 2) : [];
    // Copies: the cached arrays stay here for the next request.
    return { kernels: kernels.map((k) => ({ ...k, data: k.data.slice() })), version, step };
  },
  [Request.HELD_WEIGHTS]: () => (held ? { modelJson: held.modelJson, weights: held.weights.slice(0), step: held.step } : {}),
  async [Request.LAYER_OUTPUTS]({ minVersion, ...payload }) {
    await whenVersion(minVersion);
    await engineReady;
    return layerOutputs(engine, payload);
  },
};

serveRequests(handlers, Reply.REPLY, () => true);

self.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  self.postMessage({ type: Reply.EVENT_ERROR, message: messageOf(event.reason) });
});
