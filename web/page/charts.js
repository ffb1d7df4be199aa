// @ts-check
// Training charts (uPlot): loss and accuracy per step, validation accuracy per epoch.
// Points arrive every chunk (~10/s); redraws are batched to at most one per animation frame.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const MAX_POINTS = 4000; // beyond this, every other point is dropped so redraws stay cheap

function axisColor() {
  return getComputedStyle(document.documentElement).getPropertyValue('--fg').trim() || '#222';
}

/**
 * @param {HTMLElement} container
 * @param {{ title: string, series: uPlot.Series[], scales: uPlot.Scales,
 *   axes: { x: string, y: string, y2?: string, y2Scale?: string } }} options
 */
function makeChart(container, { title, series, scales, axes }) {
  const width = Math.max(240, container.clientWidth || 480);
  /** @type {[number[], ...number[][]]} */
  const data = [[], ...series.map(() => [])];
  const chart = new uPlot(
    {
      title,
      width,
      height: 220,
      scales,
      series: [{ label: axes.x }, ...series],
      axes: [
        { label: axes.x, stroke: axisColor() },
        { label: axes.y, stroke: axisColor(), scale: series[0].scale },
        ...(axes.y2 ? [{ label: axes.y2, side: 1, stroke: axisColor(), scale: axes.y2Scale, grid: { show: false } }] : []),
      ],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    },
    data,
    container,
  );
  new ResizeObserver(() => {
    const w = Math.max(240, container.clientWidth);
    if (Math.abs(w - chart.width) > 4) chart.setSize({ width: w, height: 220 });
  }).observe(container);
  return { chart, data };
}

/** The step chart and the epoch chart; points are added as they come. */
export function createCharts(/** @type {HTMLElement} */ stepContainer, /** @type {HTMLElement} */ epochContainer) {
  /** @type {(digits: number, percent?: boolean) => uPlot.Series['value']} */
  const shown = (digits, percent = false) => (_, v) => (v == null ? '–' : percent ? `${(v * 100).toFixed(digits)}%` : v.toFixed(digits));
  const steps = makeChart(stepContainer, {
    title: 'Training loss and accuracy per step',
    scales: { x: { time: false }, loss: { auto: true }, acc: { range: [0, 1] } },
    series: [
      { label: 'loss', scale: 'loss', stroke: '#d9480f', width: 1.5, value: shown(3) },
      { label: 'accuracy', scale: 'acc', stroke: '#1c7ed6', width: 1.5, value: shown(1, true) },
    ],
    axes: { x: 'step', y: 'loss', y2: 'accuracy', y2Scale: 'acc' },
  });
  const epochs = makeChart(epochContainer, {
    title: 'Validation accuracy per epoch',
    scales: { x: { time: false, range: (_, _min, max) => [0, Math.max(1, max)] }, acc: { range: [0, 1] } },
    series: [
      {
        label: 'validation accuracy',
        scale: 'acc',
        stroke: '#2b8a3e',
        width: 2,
        points: { show: true, size: 8 },
        value: shown(2, true),
      },
    ],
    axes: { x: 'epoch', y: 'accuracy' },
  });

  let frame = 0;
  const redraw = () => {
    frame = 0;
    steps.chart.setData(steps.data);
    epochs.chart.setData(epochs.data);
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(redraw);
  };

  return {
    addStep(/** @type {number} */ step, /** @type {number} */ loss, /** @type {number} */ accuracy) {
      const [x, l, a] = steps.data;
      x.push(step);
      l.push(loss);
      a.push(accuracy);
      if (x.length > MAX_POINTS) {
        for (const column of steps.data) {
          const kept = column.filter((_, i) => i % 2 === 0 || i === column.length - 1);
          column.length = 0;
          column.push(...kept);
        }
      }
      schedule();
    },
    addEpoch(/** @type {number} */ epoch, /** @type {number} */ accuracy) {
      epochs.data[0].push(epoch);
      epochs.data[1].push(accuracy);
      schedule();
    },
    clear() {
      for (const column of [...steps.data, ...epochs.data]) column.length = 0;
      schedule();
    },
  };
}
