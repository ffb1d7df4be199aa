// Drawing → prediction: the pad and its 28×28 input, the live answer with its probability bars,
// the feature maps of the drawing and the learned filters. The predictor worker answers all of
// it (predictor.js), so a training step never delays an answer.

import { Request } from './protocol.js';
import { createDrawPad, paintImage28 } from './draw.js';
import { mnistFromStrokes } from './preprocess.js';
import { createProbabilityBars } from './views.js';
import { renderFeatureMaps, renderFilters } from './insight.js';

const PREDICT_INTERVAL_MS = 40; // live classification while drawing: at most ~25 requests/s

const $ = (id) => document.getElementById(id);

/**
 * @param {object} options
 *   runtime    the page's state: reads ready, modelVersion, featureLayers, classNames and
 *              trainedHere; owns input, inputVersion, picked and predictions
 *   predictor  the WorkerClient of the predictor worker
 *   showError  shows a message in `error`
 */
export function createPrediction({ runtime, predictor, showError }) {
  const bars = createProbabilityBars($('probs'));
  let inFlight = false;
  let queued = false;
  let lastSentAt = 0;
  let timer = 0;
  let featureMapsWanted = false;
  let filtersInFlight = false;

  // Pointer events can come faster than frames: the drawing is preprocessed at most once a frame.
  let drawingFrame = 0;
  let drawingFinal = false;
  const pad = createDrawPad($('draw-canvas'), {
    onChange(strokes, final) {
      drawingFinal ||= final;
      if (!drawingFrame) drawingFrame = requestAnimationFrame(() => drawingChanged(pad.strokes));
    },
  });

  function drawingChanged(strokes) {
    drawingFrame = 0;
    const final = drawingFinal;
    drawingFinal = false;
    if (strokes.length) runtime.picked = null;
    runtime.input = strokes.length ? mnistFromStrokes(strokes) : runtime.picked;
    runtime.inputVersion++;
    $('input-28').dataset.version = String(runtime.inputVersion);
    paintImage28($('input-28'), runtime.input);
    request({ featureMaps: final });
  }

  // Compile the preprocessing before the first stroke, so that stroke does not wait for it.
  (window.requestIdleCallback ?? setTimeout)(() => {
    for (let i = 0; i < 3; i++) mnistFromStrokes([[{ x: 0, y: 0 }, { x: 10, y: 30 }, { x: 20, y: 0 }]]);
  });
  $('clear').addEventListener('click', () => {
    runtime.picked = null;
    pad.clear();
    $('draw-canvas').focus();
  });
  $('draw-canvas').addEventListener('keydown', (event) => {
    if (['Escape', 'Delete', 'Backspace'].includes(event.key)) runtime.picked = null; // the pad clears itself
  }, { capture: true });

  /** Classifies a test image: it replaces the drawing as the network's input. */
  function classifyImage(item) {
    runtime.picked = Float32Array.from(item.image, (v) => v / 255);
    pad.clear(); // → drawingChanged, which takes the picked image
    $('draw').scrollIntoView({ block: 'nearest' });
  }

  /** Latest-wins: at most one predict request in flight, at most one per PREDICT_INTERVAL_MS. */
  function request({ featureMaps = true } = {}) {
    if (featureMaps) featureMapsWanted = true;
    if (!runtime.input) {
      bars.update(null);
      $('prediction').textContent = '?';
      $('prediction').dataset.version = String(runtime.inputVersion);
      $('latency').textContent = '';
      renderFeatureMaps($('feature-maps'), null);
      return;
    }
    if (!runtime.ready) return;
    if (inFlight) {
      queued = true;
      return;
    }
    const wait = lastSentAt + PREDICT_INTERVAL_MS - performance.now();
    if (wait > 0) {
      clearTimeout(timer);
      timer = setTimeout(() => request(), wait);
      return;
    }
    send();
  }

  async function send() {
    inFlight = true;
    queued = false;
    lastSentAt = performance.now();
    const input = runtime.input.slice();
    const version = runtime.inputVersion;
    const sentAt = performance.now();
    try {
      const { probs } = await predictor.request(Request.PREDICT, { input, minVersion: runtime.modelVersion }, [input.buffer]);
      if (runtime.input) {
        const best = bars.update(probs);
        const prediction = $('prediction');
        prediction.textContent = runtime.classNames[best] ?? String(best);
        prediction.dataset.class = String(best);
        prediction.dataset.version = String(version);
        prediction.dataset.count = String(++runtime.predictions);
        prediction.dataset.confidence = probs[best].toFixed(4);
        const latency = performance.now() - sentAt;
        $('latency').textContent = `answered in ${latency.toFixed(0)} ms`;
        $('latency').dataset.ms = latency.toFixed(1);
      }
      if (featureMapsWanted && runtime.input) {
        featureMapsWanted = false;
        await showFeatureMaps();
      }
    } catch (err) {
      showError(`Classifying the drawing failed: ${err.message}`);
    } finally {
      inFlight = false;
      if (queued) request({ featureMaps: false });
    }
  }

  async function showFeatureMaps() {
    if (!runtime.input) return;
    const layers = runtime.featureLayers;
    if (!layers.length) {
      renderFeatureMaps($('feature-maps'), null, { emptyText: 'This network has no Conv2D or MaxPooling2D layers.' });
      return;
    }
    const input = runtime.input.slice();
    const version = runtime.inputVersion;
    try {
      const { outputs } = await predictor.request(Request.LAYER_OUTPUTS, { input, layers, minVersion: runtime.modelVersion }, [input.buffer]);
      if (!runtime.input) return;
      renderFeatureMaps($('feature-maps'), outputs);
      $('feature-maps').dataset.version = String(version);
    } catch (err) {
      showError(`Reading the feature maps failed: ${err.message}`);
    }
  }

  async function refreshFilters() {
    if (filtersInFlight) return;
    filtersInFlight = true;
    try {
      const { kernels, step } = await predictor.request(Request.FILTERS, { minVersion: runtime.modelVersion });
      renderFilters($('filters'), kernels, { step: runtime.trainedHere ? step : null });
    } catch (err) {
      showError(`Reading the filters failed: ${err.message}`);
    } finally {
      filtersInFlight = false;
    }
  }

  /** The class names changed: the bars and the answer shown take them. */
  function setNames(names) {
    bars.setNames(names);
    const best = Number($('prediction').dataset.class);
    if (runtime.input && Number.isInteger(best)) $('prediction').textContent = names[best];
  }

  bars.update(null);
  paintImage28($('input-28'), null);
  renderFeatureMaps($('feature-maps'), null);

  return { request, refreshFilters, classifyImage, setNames };
}
