// @ts-check
// Drawing → prediction: the pad and its 28×28 input, the live answer with its probability bars,
// the feature maps of the drawing and the learned filters. The predictor worker answers all of
// it (workers/predictor.js), so a training step never delays an answer. It asks again whenever
// the model changes, and while training every half second with the newest weights.

import { Request } from '../shared/protocol.js';
import { mnistFromStrokes } from '../shared/preprocess.js';
import { createDrawPad, paintImage28 } from './draw-pad.js';
import { createProbabilityBars, byId } from './views.js';
import { renderFeatureMaps, renderFilters } from './insight-views.js';
import { watch } from './store.js';
import { WorkerRestarted } from './worker-client.js';

const PREDICT_INTERVAL_MS = 40; // live classification while drawing: at most ~25 requests/s
const TRAINING_REPREDICT_MS = 500; // refresh the answer with the newest weights while training
const TRAINING_INSIGHT_MS = 1000; // and the feature maps and filters this often

/** @param {import('./app.js').App} app */
export function startDrawing({ store, predictor, showError }) {
  const bars = createProbabilityBars(byId('probs'));
  const canvas = /** @type {HTMLCanvasElement} */ (byId('draw-canvas'));
  const seen = /** @type {HTMLCanvasElement} */ (byId('input-28'));
  const prediction = byId('prediction');
  const latency = byId('latency');
  /** @type {Float32Array | null} */
  let input = null; // the 28×28 input of the current drawing, or of the test image picked
  /** @type {Float32Array | null} */
  let picked = null;
  let inputVersion = 0; // counts input changes; the prediction element says which one it answers
  let answers = 0;
  let inFlight = false;
  let queued = false;
  let lastSentAt = 0;
  let timer = 0;
  let featureMapsWanted = false;
  let filtersInFlight = false;
  /** @type {Array<(input: Float32Array | null, version: number) => void>} */
  const answerListeners = []; // told of each answer, and of the drawing cleared (null)

  // Pointer events can come faster than frames: the drawing is preprocessed at most once a frame.
  let drawingFrame = 0;
  let drawingFinal = false;
  const pad = createDrawPad(canvas, {
    onChange(_, final) {
      drawingFinal ||= final;
      if (!drawingFrame) drawingFrame = requestAnimationFrame(drawingChanged);
    },
  });

  function drawingChanged() {
    drawingFrame = 0;
    const final = drawingFinal;
    drawingFinal = false;
    const { strokes } = pad;
    if (strokes.length) picked = null;
    input = strokes.length ? mnistFromStrokes(strokes) : picked;
    inputVersion++;
    seen.dataset.version = String(inputVersion);
    paintImage28(seen, input);
    request({ featureMaps: final });
  }

  // Compile the preprocessing before the first stroke, so that stroke does not wait for it.
  (window.requestIdleCallback ?? setTimeout)(() => {
    for (let i = 0; i < 3; i++) mnistFromStrokes([[{ x: 0, y: 0 }, { x: 10, y: 30 }, { x: 20, y: 0 }]]);
  });
  byId('clear').addEventListener('click', () => {
    picked = null;
    pad.clear();
    canvas.focus();
  });
  canvas.addEventListener('keydown', (event) => {
    if (['Escape', 'Delete', 'Backspace'].includes(event.key)) picked = null; // the pad clears itself
  }, { capture: true });

  /** Latest-wins: at most one predict request in flight, at most one per PREDICT_INTERVAL_MS. */
  function request({ featureMaps = true } = {}) {
    if (featureMaps) featureMapsWanted = true;
    if (!input) {
      bars.update(null);
      prediction.textContent = '?';
      prediction.dataset.version = String(inputVersion);
      latency.textContent = '';
      renderFeatureMaps(byId('feature-maps'), null);
      answerListeners.forEach((listener) => listener(null, inputVersion));
      return;
    }
    if (!store.get().engine.ready) return;
    if (inFlight) {
      queued = true;
      return;
    }
    const wait = lastSentAt + PREDICT_INTERVAL_MS - performance.now();
    if (wait > 0) {
      clearTimeout(timer);
      timer = setTimeout(() => request({ featureMaps: false }), wait);
      return;
    }
    send(input);
  }

  async function send(/** @type {Float32Array} */ current) {
    inFlight = true;
    queued = false;
    lastSentAt = performance.now();
    const sent = current.slice();
    const version = inputVersion;
    const sentAt = performance.now();
    try {
      const { probs } = await predictor.request(Request.PREDICT, { input: sent, minVersion: store.get().engine.modelVersion }, [sent.buffer]);
      if (input) {
        const best = bars.update(probs);
        prediction.textContent = store.get().classNames[best] ?? String(best);
        prediction.dataset.class = String(best);
        prediction.dataset.version = String(version);
        prediction.dataset.count = String(++answers);
        prediction.dataset.confidence = probs[best].toFixed(4);
        const ms = performance.now() - sentAt;
        latency.textContent = `answered in ${ms.toFixed(0)} ms`;
        latency.dataset.ms = ms.toFixed(1);
        answerListeners.forEach((listener) => listener(/** @type {Float32Array} */ (input), version));
      }
      if (featureMapsWanted && input) {
        featureMapsWanted = false;
        await showFeatureMaps(input);
      }
    } catch (err) {
      if (!(err instanceof WorkerRestarted)) showError(`Classifying the drawing failed: ${/** @type {Error} */ (err).message}`);
    } finally {
      inFlight = false;
      if (queued) request({ featureMaps: false });
    }
  }

  async function showFeatureMaps(/** @type {Float32Array} */ current) {
    const { featureLayers } = store.get().model;
    if (!featureLayers.length) {
      renderFeatureMaps(byId('feature-maps'), null, { emptyText: 'This network has no Conv2D or MaxPooling2D layers.' });
      return;
    }
    const sent = current.slice();
    const version = inputVersion;
    try {
      const { outputs } = await predictor.request(Request.LAYER_OUTPUTS,
        { input: sent, layers: featureLayers, minVersion: store.get().engine.modelVersion }, [sent.buffer]);
      if (!input) return;
      renderFeatureMaps(byId('feature-maps'), outputs);
      byId('feature-maps').dataset.version = String(version);
    } catch (err) {
      if (!(err instanceof WorkerRestarted)) showError(`Reading the feature maps failed: ${/** @type {Error} */ (err).message}`);
    }
  }

  async function refreshFilters() {
    if (filtersInFlight) return;
    filtersInFlight = true;
    try {
      const { kernels, step } = await predictor.request(Request.FILTERS, { minVersion: store.get().engine.modelVersion });
      renderFilters(byId('filters'), kernels, { step: store.get().model.trainedHere ? step : null });
    } catch (err) {
      if (!(err instanceof WorkerRestarted)) showError(`Reading the filters failed: ${/** @type {Error} */ (err).message}`);
    } finally {
      filtersInFlight = false;
    }
  }

  bars.update(null);
  paintImage28(seen, null);
  renderFeatureMaps(byId('feature-maps'), null);

  // A new model (or the engine back after a crash): answer again, with its filters.
  watch(store, (s) => ({ ready: s.engine.ready, version: s.engine.modelVersion }), ({ ready }) => {
    if (!ready) return;
    request();
    refreshFilters();
  });
  // Training: the newest weights every so often; a single step: at once.
  let lastRepredict = 0;
  let lastInsight = 0;
  watch(store, (s) => s.metrics, (metrics, s) => {
    if (!metrics) return;
    const now = performance.now();
    const stepping = s.training.state !== 'running';
    const insight = !stepping && now - lastInsight > TRAINING_INSIGHT_MS;
    if (insight) {
      lastInsight = now;
      refreshFilters();
    }
    if (input && (stepping || insight || now - lastRepredict > TRAINING_REPREDICT_MS)) {
      lastRepredict = now;
      request({ featureMaps: insight });
    }
  });
  // The class names changed: the bars and the answer shown take them.
  watch(store, (s) => s.classNames, (names) => {
    bars.setNames(names);
    const best = Number(prediction.dataset.class);
    if (input && Number.isInteger(best)) prediction.textContent = names[best];
  });

  return {
    /** The network's input now (the drawing or the picked test image), or null. */
    currentInput: () => input,
    /** Calls listener(input, version) after each answer for an input, and (null) when it is cleared. */
    onAnswer(/** @type {(input: Float32Array | null, version: number) => void} */ listener) {
      answerListeners.push(listener);
    },
    /** Classifies a test image (pixels 0..255): it replaces the drawing as the network's input. */
    classifyImage(/** @type {Uint8Array} */ image) {
      picked = Float32Array.from(image, (v) => v / 255);
      pad.clear(); // → drawingChanged, which takes the picked image
      byId('draw').scrollIntoView({ block: 'nearest' });
    },
  };
}
