// @ts-check
// Why this answer: the saliency map and Grad-CAM of the network's input for the predicted class
// (or the class whose probability bar was clicked), after every answer, and occlusion once the
// input has stayed the same for a moment. The predictor worker computes them (Engine.explain,
// Engine.occlusion); this module only asks, latest first, and paints.

import { Request } from '../shared/protocol.js';
import { explainText } from '../shared/explain-text.js';
import { watch } from './store.js';
import { byId } from './views.js';
import { paintOverlay } from './explain-views.js';
import { WorkerRestarted } from './worker-client.js';

const OCCLUSION_DELAY_MS = 250; // occlusion (49 forward passes) waits until the input rests

/**
 * @param {import('./app.js').App} app
 * @param {{ currentInput: () => Float32Array | null,
 *   onAnswer: (listener: (input: Float32Array | null, version: number) => void) => void }} drawing
 */
export function startExplain({ store, predictor, showError }, drawing) {
  const bars = byId('probs');
  const maps = {
    saliency: { canvas: /** @type {HTMLCanvasElement} */ (byId('saliency')), text: byId('saliency-text'), legend: byId('saliency-legend') },
    gradcam: { canvas: /** @type {HTMLCanvasElement} */ (byId('gradcam')), text: byId('gradcam-text'), legend: byId('gradcam-legend') },
    occlusion: { canvas: /** @type {HTMLCanvasElement} */ (byId('occlusion')), text: byId('occlusion-text'), legend: byId('occlusion-legend') },
  };
  /** @type {number | null} */
  let chosen = null; // the class clicked, or null for the predicted one
  let latest = { input: /** @type {Float32Array | null} */ (null), version: 0 };
  let inFlight = false;
  let queued = false;
  let occlusionTimer = 0;
  let lastOccluded = ''; // input version and class of the last occlusion asked for
  // What is shown, so a change of language or class names can say it again.
  /** @type {{ explanation: import('../shared/protocol.js').Explanation | null, occlusion: import('../shared/protocol.js').Occlusion | null }} */
  const shown = { explanation: null, occlusion: null };

  const className = (/** @type {number} */ k) => store.get().classNames[k] ?? String(k);

  function clear() {
    shown.explanation = shown.occlusion = null;
    for (const map of Object.values(maps)) {
      paintOverlay(map.canvas, null, null);
      map.text.textContent = '';
      map.legend.replaceChildren();
      delete map.canvas.dataset.target;
    }
  }

  function describe() {
    const t = explainText(store.get().settings.lang);
    byId('explain-choose').textContent = t.choose;
    const e = shown.explanation;
    if (e) {
      maps.saliency.text.textContent = t.saliency(className(e.target));
      maps.gradcam.text.textContent = e.gradcam ? t.gradcam(className(e.target), e.gradcamLayer) : t.noGradcam;
    }
    const o = shown.occlusion;
    if (o) maps.occlusion.text.textContent = t.occlusion(className(o.target), o.patch);
  }

  /** Latest-wins: one explain request in flight; a newer input waits for it and goes next. */
  async function explain() {
    const { input, version } = latest;
    if (!input) return clear();
    if (inFlight) {
      queued = true;
      return;
    }
    inFlight = true;
    queued = false;
    const sent = input.slice();
    try {
      const e = await predictor.request(Request.EXPLAIN,
        { input: sent, target: chosen ?? -1, minVersion: store.get().engine.modelVersion }, [sent.buffer]);
      if (latest.input && latest.version === version) {
        shown.explanation = e;
        paintOverlay(maps.saliency.canvas, input, e.saliency, { slot: maps.saliency.legend, label: '|∂score/∂pixel|' });
        paintOverlay(maps.gradcam.canvas, input, e.gradcam, { slot: maps.gradcam.legend, label: 'Grad-CAM' });
        for (const map of [maps.saliency, maps.gradcam]) {
          map.canvas.dataset.target = String(e.target);
          map.canvas.dataset.version = String(version);
        }
        markChosen(e.target);
        describe();
      }
    } catch (err) {
      if (!(err instanceof WorkerRestarted)) showError(`Explaining the answer failed: ${/** @type {Error} */ (err).message}`);
    } finally {
      inFlight = false;
      if (queued) explain();
    }
    clearTimeout(occlusionTimer);
    occlusionTimer = window.setTimeout(occlude, OCCLUSION_DELAY_MS);
  }

  async function occlude() {
    const { input, version } = latest;
    if (!input) return;
    // While training, new weights come every half second: the 49 forward passes would take a
    // share of the training's CPU each time, so only a new input or class is occluded then.
    const asked = `${version}:${chosen}`;
    if (store.get().training.state === 'running' && asked === lastOccluded) return;
    lastOccluded = asked;
    const sent = input.slice();
    try {
      const o = await predictor.request(Request.OCCLUSION,
        { input: sent, target: chosen ?? -1, minVersion: store.get().engine.modelVersion }, [sent.buffer]);
      if (latest.version !== version || !latest.input) return;
      shown.occlusion = o;
      paintOverlay(maps.occlusion.canvas, input, o.probability,
        { slot: maps.occlusion.legend, label: 'probability', grid: { rows: o.rows, cols: o.cols }, max: 1 });
      maps.occlusion.canvas.dataset.target = String(o.target);
      maps.occlusion.canvas.dataset.version = String(version);
      describe();
    } catch (err) {
      if (!(err instanceof WorkerRestarted)) showError(`Occluding the input failed: ${/** @type {Error} */ (err).message}`);
    }
  }

  /** The bar of the class explained is marked; a chosen one also for assistive technology. */
  function markChosen(/** @type {number} */ target) {
    [...bars.children].forEach((row, k) => {
      row.classList.toggle('explained', k === target);
      row.setAttribute('aria-pressed', String(chosen === k));
    });
  }

  // A click on a probability bar explains that class; a second click goes back to the answer.
  bars.addEventListener('click', (event) => {
    const row = /** @type {Element} */ (event.target).closest('li');
    if (!row) return;
    const k = [...bars.children].indexOf(row);
    chosen = chosen === k ? null : k;
    explain();
  });
  [...bars.children].forEach((row) => {
    row.setAttribute('role', 'button');
    row.setAttribute('tabindex', '0');
    row.addEventListener('keydown', (event) => {
      if (/** @type {KeyboardEvent} */ (event).key === 'Enter' || /** @type {KeyboardEvent} */ (event).key === ' ') {
        event.preventDefault();
        /** @type {HTMLElement} */ (row).click();
      }
    });
  });

  drawing.onAnswer((input, version) => {
    if (!input) chosen = null;
    latest = { input, version };
    explain();
  });
  watch(store, (s) => [s.settings.lang, s.classNames], describe);
  clear();
}
