// @ts-check
// Starts the page: the two workers, the main-thread engine that judges the editor's network, and
// each feature of the page (web/page/); and recovers when the training worker's engine dies.
// The main thread never runs network math; it only preprocesses drawings (a few ms) and renders.

import { Request } from './shared/protocol.js';
import { createApp } from './page/app.js';
import { loadAnalyser } from './page/analyser.js';
import { createModels } from './page/model.js';
import { startStatus } from './page/status.js';
import { startDrawing } from './page/drawing.js';
import { startData } from './page/data.js';
import { startTraining } from './page/training.js';
import { startEvaluation } from './page/evaluation.js';
import { startSaveLoad } from './page/save-load.js';
import { startEditor } from './page/editor.js';
import { startLink } from './page/link.js';
import { startExplain } from './page/explain.js';
import { startMyDigits } from './page/my-digits.js';
import { startFineTune } from './page/fine-tune.js';
import { startExport } from './page/export.js';
import { startRuns } from './page/runs.js';
import { startOffline } from './page/offline.js';

const app = createApp({
  createTrainer: () => new Worker(new URL('./workers/trainer.js', import.meta.url), { type: 'module' }),
  createPredictor: () => new Worker(new URL('./workers/predictor.js', import.meta.url), { type: 'module' }),
  onTrainerCrash: (reason, { gaveUp }) => (gaveUp ? gaveUpOn(reason) : recover(reason)),
});
const { store, predictor, patch } = app;
const models = createModels(app);

startStatus(app);
const drawing = startDrawing(app);
const data = startData(app);
startEvaluation(app, drawing);
startSaveLoad(app, models, data);
startExplain(app, drawing);
startFineTune(app, data, startMyDigits(app, drawing));
startExport(app);
startOffline(app);

/** The engine that judges the editor's network, then the features that need it, then the model. */
async function start() {
  let fromLink = false;
  try {
    const analyser = await loadAnalyser();
    ({ fromLink } = startLink(app, analyser));
    startEditor(app, models, analyser);
    startTraining(app, models, analyser);
    startRuns(app, models);
  } catch (err) {
    app.showError(`The engine could not be loaded on this page (${/** @type {Error} */ (err).message}): the editor and training are off.`);
  }
  await models.initialise({ buildEditor: fromLink });
}

// For tests and the curious: a read-only view of what the page knows.
Object.assign(window, {
  cnnPlayground: {
    get state() {
      return store.get();
    },
    /** Makes the training worker's engine trap (a real WebAssembly abort), within the running
     *  training chunk if training (for tests). */
    crashWorker: () => app.trainer.request(Request.CRASH, {}).catch(() => {}),
    /** The bytes in use in the training worker's wasm heap (for the soak run). */
    heapInUse: async () => (await app.trainer.request(Request.HEAP_IN_USE, {})).bytes,
  },
});

start();

const RECOVERED = ', recovered after the worker stopped';

/** @typedef {import('./shared/protocol.js').ResultOf<'heldWeights'>} HeldWeights */

/** The predictor's copy of the weights in use, or {} if it has none or does not answer within 2 s. */
function heldWeights() {
  /** @type {HeldWeights} */
  const none = {};
  /** @type {Promise<HeldWeights>} */
  const timeout = new Promise((resolve) => setTimeout(() => resolve(none), 2000));
  return Promise.race([predictor.request(Request.HELD_WEIGHTS, {}).catch(() => none), timeout]);
}

/** The training worker could not start twice in a row: no more tries. */
function gaveUpOn(/** @type {string} */ reason) {
  patch('engine', { ready: false });
  app.showError(`The network's worker could not start (${reason}). Reload the page to try again.`);
}

/** The training worker died (a WebAssembly trap): a new one goes on with the weights in use. */
async function recover(/** @type {string} */ reason) {
  // The predictor holds the weights in use (at most ~0.5 s old while training): the new worker
  // starts from them. Not if the worker died while starting, which they may have caused.
  const { engine, data: before, model } = store.get();
  const hadMnist = before.name === 'MNIST';
  patch('engine', { ready: false });
  patch('training', { state: 'idle', reason: '' });
  data.lost();
  const { modelJson, weights, step = 0 } = engine.ready ? await heldWeights() : {};
  let recovered = null;
  if (modelJson && weights) {
    const trained = model.trainedHere && step > 0;
    const label = (trained ? `${model.name} trained in this page to step ${step}` : model.label.replace(RECOVERED, '')) + RECOVERED;
    recovered = { modelJson, weights, label, testAccuracy: trained ? null : model.testAccuracy };
  }
  app.showError(`The network's worker stopped (${reason}). It has been restarted with ` +
    `${recovered ? 'the weights in use when it stopped' : 'the last saved or shipped model'}` +
    `${hadMnist ? ', and MNIST is loaded into it again' : '; load your data again to train'}.`);
  predictor.restart(); // a fresh one, whose model versions start again with the new worker's
  app.connectPredictor();
  await models.initialise({ recovered });
  if (hadMnist && store.get().engine.ready) await data.loadMnist();
}
