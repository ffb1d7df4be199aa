// @ts-check
// Training charts (uPlot): loss and accuracy per step, and validation accuracy on the split,
// of every run shown (the one in progress and those ticked to compare), each in its own colour
// and named in the legend, along steps or images seen. Runs arrive as plain data; redraws are
// batched to at most one per animation frame and REDRAW_MS, and a chart is made anew only when
// the set of runs it shows changes. A redraw costs the same at step 100 and at step 100,000:
// each curve is thinned to MAX_POINTS, in O(MAX_POINTS).

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * One run as the charts draw it: its first `points` steps (the columns may hold room for more).
 * @typedef {{ id: string, name: string, colour: string, batchSize: number, points: number, steps: Int32Array,
 *   loss: Float64Array, accuracy: Float64Array, validationSteps: number[], validation: number[] }} ChartRun
 */
/** @typedef {'step' | 'images'} Alignment */

const MAX_POINTS = 1000; // per run and curve: beyond this, points are thinned so a redraw costs the same however long the run
const HEIGHT = 220;
const REDRAW_MS = 250; // a run in progress is redrawn at most this often (the worker reports ~13 times a second)

function axisColor() {
  return getComputedStyle(document.documentElement).getPropertyValue('--fg').trim() || '#222';
}

/** Every k-th index of n, the last always kept, so that at most MAX_POINTS + 1 remain: O(MAX_POINTS), not O(n). */
function thinned(/** @type {number} */ n) {
  const k = Math.ceil(n / MAX_POINTS);
  const kept = Array.from({ length: Math.ceil(n / k) }, (_, j) => j * k);
  if (n && kept[kept.length - 1] !== n - 1) kept.push(n - 1);
  return kept;
}

/** @type {(digits: number, percent?: boolean) => uPlot.Series['value']} */
const shown = (digits, percent = false) => (_, v) => (v == null ? '–' : percent ? `${(v * 100).toFixed(digits)}%` : v.toFixed(digits));

/**
 * A chart whose series are made by `seriesOf(run)` for each run, on x values from `xOf(run)`.
 * @param {HTMLElement} container
 * @param {{ title: string, scales: uPlot.Scales, axes: uPlot.Axis[],
 *   seriesOf: (run: ChartRun) => uPlot.Series[], columnsOf: (run: ChartRun, align: Alignment) => number[][] }} options
 */
function overlayChart(container, { title, scales, axes, seriesOf, columnsOf }) {
  /** @type {uPlot | null} */
  let chart = null;
  let key = '';
  const width = () => Math.max(240, container.clientWidth || 480);
  new ResizeObserver(() => {
    if (chart && Math.abs(width() - chart.width) > 4) chart.setSize({ width: width(), height: HEIGHT });
  }).observe(container);

  return {
    draw(/** @type {ChartRun[]} */ runs, /** @type {Alignment} */ align) {
      const xLabel = align === 'images' ? 'images seen' : 'step';
      const tables = runs.map((run) => /** @type {uPlot.AlignedData} */ (columnsOf(run, align)));
      /** @type {uPlot.AlignedData} */
      const data = tables.length ? uPlot.join(tables) : [[]];
      const nextKey = JSON.stringify([align, runs.map((r) => [r.id, r.name, r.colour])]);
      if (chart && nextKey === key) {
        chart.setData(data);
        return;
      }
      key = nextKey;
      chart?.destroy();
      chart = new uPlot({
        title, width: width(), height: HEIGHT, scales,
        series: [{ label: xLabel }, ...runs.flatMap((run) => seriesOf(run).map((s) => ({ spanGaps: true, ...s })))],
        axes: [{ label: xLabel, stroke: axisColor() }, ...axes.map((a) => ({ stroke: axisColor(), ...a }))],
        legend: { live: true },
        cursor: { drag: { x: false, y: false } },
      }, data, container);
    },
  };
}

const xs = (/** @type {ChartRun} */ run, /** @type {number[]} */ steps, /** @type {Alignment} */ align) =>
  (align === 'images' ? steps.map((s) => s * run.batchSize) : steps);

/** The step chart and the validation chart. */
export function createCharts(/** @type {HTMLElement} */ stepContainer, /** @type {HTMLElement} */ epochContainer) {
  const steps = overlayChart(stepContainer, {
    title: 'Training loss (solid) and accuracy (dashed) per step',
    scales: { x: { time: false }, loss: { auto: true }, acc: { range: [0, 1] } },
    axes: [{ label: 'loss', scale: 'loss' }, { label: 'accuracy', side: 1, scale: 'acc', grid: { show: false } }],
    seriesOf: (run) => [
      { label: `loss · ${run.name}`, scale: 'loss', stroke: run.colour, width: 1.5, value: shown(3) },
      { label: `accuracy · ${run.name}`, scale: 'acc', stroke: run.colour, width: 1, dash: [4, 3], value: shown(1, true) },
    ],
    columnsOf: (run, align) => {
      const kept = thinned(run.points);
      return [xs(run, kept.map((i) => run.steps[i]), align), kept.map((i) => run.loss[i]), kept.map((i) => run.accuracy[i])];
    },
  });
  const epochs = overlayChart(epochContainer, {
    title: 'Validation accuracy (the held-out split, every few steps and at each epoch\'s end)',
    scales: { x: { time: false, range: (_, _min, max) => [0, Math.max(1, max)] }, acc: { range: [0, 1] } },
    axes: [{ label: 'accuracy', scale: 'acc' }],
    seriesOf: (run) => [{ label: run.name, scale: 'acc', stroke: run.colour, width: 2, points: { show: true, size: 8 }, value: shown(2, true) }],
    columnsOf: (run, align) => [xs(run, run.validationSteps, align), run.validation],
  });

  let scheduled = false;
  let drawnAt = -Infinity;
  /** @type {[ChartRun[], Alignment]} */
  let wanted = [[], 'step'];
  return {
    /** Draws these runs (at an animation frame, REDRAW_MS after the last drawing at the earliest). */
    show(/** @type {ChartRun[]} */ runs, /** @type {Alignment} */ align) {
      wanted = [runs, align];
      if (scheduled) return;
      scheduled = true;
      setTimeout(() => requestAnimationFrame(() => {
        scheduled = false;
        drawnAt = performance.now();
        steps.draw(...wanted);
        epochs.draw(...wanted);
      }), Math.max(0, drawnAt + REDRAW_MS - performance.now()));
    },
  };
}
