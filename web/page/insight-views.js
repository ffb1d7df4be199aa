// @ts-check
// Views of the inside of the network: the feature maps of every Conv2D / MaxPooling2D layer for
// the current drawing, and the learned filters of the first convolution layers. Each renders from
// plain data ({name, className, shape, data}); the numbers come from the workers.

import { SCALES, scaleFor } from '../shared/colormap.js';
import { el } from './views.js';

/** @typedef {import('../shared/colormap.js').Scale} Scale */
/** @typedef {import('../shared/protocol.js').LayerOutput} LayerOutput */
/** @typedef {import('../shared/protocol.js').Kernel} Kernel */

const fmt = (/** @type {number} */ v) => {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 100) return v.toFixed(0);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
};

/** A colour bar with its value range: what the colours of the tiles beside it mean. */
export function legend(/** @type {Scale} */ scale, /** @type {string} */ label) {
  const bar = el('span', { className: 'legend-bar', 'aria-hidden': 'true' });
  const stops = SCALES[scale.kind].css.filter((_, /** @type {number} */ i) => i % 32 === 0 || i === 255);
  bar.style.background = `linear-gradient(to right, ${stops.join(', ')})`;
  const ticks = scale.kind === 'diverging' ? [scale.min, 0, scale.max] : [0, scale.max];
  return el('div', { className: 'legend', dataset: { kind: scale.kind, min: String(scale.min), max: String(scale.max) } }, [
    el('span', { className: 'legend-label' }, label),
    el('span', { className: 'legend-scale' }, [
      bar,
      el('span', { className: 'legend-ticks' }, ticks.map((t) => el('span', {}, fmt(t)))),
    ]),
  ]);
}

/**
 * A canvas laid out as tiles of h×w cells, `columns` per row, 1 pixel of gapColour between them.
 * Returns its 2D context, a blank image of its size, that image's pixels as 32-bit words, its width
 * and origin(t), the index of tile t's top-left pixel.
 */
/**
 * @param {HTMLCanvasElement} canvas
 * @param {{ tiles: number, h: number, w: number, columns: number, zoom: number, gapColour: number }} layout
 */
function tileCanvas(canvas, { tiles, h, w, columns, zoom, gapColour }) {
  const gap = 1;
  const rows = Math.ceil(tiles / columns);
  const width = columns * (w + gap) - gap;
  const height = rows * (h + gap) - gap;
  // Resizing a canvas clears and reallocates it: only when the size changes.
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
    canvas.style.width = `${width * zoom}px`;
    canvas.style.height = `${height * zoom}px`;
  }
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const image = ctx.createImageData(width, height);
  const pixels = new Uint32Array(image.data.buffer);
  pixels.fill(gapColour);
  const origin = (/** @type {number} */ t) => Math.floor(t / columns) * (h + gap) * width + (t % columns) * (w + gap);
  return { ctx, image, pixels, width, origin };
}

/**
 * Paints tiles of h×w cells into one canvas; value(t, y, x) gives the value of cell (y, x) of
 * tile t, colours come from `scale`.
 */
/**
 * @param {HTMLCanvasElement} canvas
 * @param {{ tiles: number, h: number, w: number, columns: number, zoom: number, gapColour?: number, scale: Scale,
 *   value: (t: number, y: number, x: number) => number }} options
 */
function paintTiles(canvas, { tiles, h, w, columns, value, scale, zoom, gapColour = 0xffffffff }) {
  const { ctx, image, pixels, width, origin } = tileCanvas(canvas, { tiles, h, w, columns, zoom, gapColour });
  const lut = SCALES[scale.kind].lut;
  for (let t = 0; t < tiles; t++) {
    const o = origin(t);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) pixels[o + y * width + x] = lut[scale.index(value(t, y, x))];
    }
  }
  ctx.putImageData(image, 0, 0);
}

/** paintTiles for an [h, w, c] activation (channels last), one tile per channel, without a call per pixel. */
/**
 * @param {HTMLCanvasElement} canvas
 * @param {{ data: Float32Array, h: number, w: number, c: number, columns: number, zoom: number, scale: Scale }} options
 */
function paintChannels(canvas, { data, h, w, c, columns, zoom, scale }) {
  // White gaps between the tiles.
  const { ctx, image, pixels, width, origin: originOf } = tileCanvas(canvas, { tiles: c, h, w, columns, zoom, gapColour: 0xffffffff });
  const lut = SCALES[scale.kind].lut;
  const offset = -scale.min;
  const factor = 255 / (scale.max - scale.min);
  const origin = Int32Array.from({ length: c }, (_, t) => originOf(t));
  let k = 0;
  for (let y = 0; y < h; y++) {
    const rowStart = y * width;
    for (let x = 0; x < w; x++) {
      const at = rowStart + x;
      for (let t = 0; t < c; t++, k++) {
        let i = ((data[k] + offset) * factor + 0.5) | 0;
        if (i < 0) i = 0;
        else if (i > 255) i = 255;
        pixels[origin[t] + at] = lut[i];
      }
    }
  }
  ctx.putImageData(image, 0, 0);
}

/** Updates a legend in place (no new elements while training). */
function setLegend(/** @type {Element} */ slot, /** @type {Scale} */ scale, /** @type {string} */ label) {
  const current = /** @type {HTMLElement | null} */ (slot.firstElementChild);
  if (current && current.dataset.kind === scale.kind) {
    current.dataset.min = String(scale.min);
    current.dataset.max = String(scale.max);
    const ticks = scale.kind === 'diverging' ? [scale.min, 0, scale.max] : [0, scale.max];
    current.querySelectorAll('.legend-ticks > span').forEach((span, i) => (span.textContent = fmt(ticks[i])));
    return;
  }
  slot.replaceChildren(legend(scale, label));
}

/** Tile index under a mouse position, for the canvas' title (which channel is this?). */
/** @param {HTMLCanvasElement} canvas @param {MouseEvent} event @param {{ h: number, w: number, columns: number, tiles: number }} layout */
function tileAt(canvas, event, { h, w, columns, tiles }) {
  const rect = canvas.getBoundingClientRect();
  const x = ((event.clientX - rect.left) / rect.width) * canvas.width;
  const y = ((event.clientY - rect.top) / rect.height) * canvas.height;
  const col = Math.floor(x / (w + 1));
  const row = Math.floor(y / (h + 1));
  const t = row * columns + col;
  return col < columns && t >= 0 && t < tiles ? t : -1;
}

/** Columns so that a layer's tiles make a roughly 2:1 block that fits ~460 CSS pixels. */
function layout(/** @type {number} */ channels, /** @type {number} */ size) {
  const columns = Math.min(channels, Math.max(4, Math.ceil(Math.sqrt(channels * 2))));
  const width = columns * (size + 1);
  const zoom = Math.max(1, Math.min(4, Math.floor(460 / width)));
  return { columns, zoom };
}

/**
 * Feature maps: one block per layer, one tile per channel, a shared colour scale per layer (so
 * channels can be compared) with its legend.
 * @param {HTMLElement & { paintJob?: object }} container
 * @param {LayerOutput[] | null} outputs  each [h, w, c]
 */
export function renderFeatureMaps(container, outputs, { emptyText = 'Draw a digit to see the feature maps.' } = {}) {
  if (!outputs?.length) {
    container.replaceChildren(el('p', { className: 'hint' }, emptyText));
    container.dataset.signature = '';
    return;
  }
  // Reuse the blocks when the layers are the same (this runs while drawing and training).
  const signature = outputs.map((o) => `${o.name}:${o.shape.join('x')}`).join(',');
  if (container.dataset.signature !== signature) {
    container.replaceChildren(
      ...outputs.map((o) => {
        const [h, w, c] = o.shape;
        const canvas = el('canvas', { role: 'img', 'aria-label': `${o.name} (${o.className}): ${c} feature maps of ${h}×${w}` });
        const { columns } = layout(c, w);
        canvas.addEventListener('mousemove', (event) => {
          const t = tileAt(canvas, event, { h, w, columns, tiles: c });
          canvas.title = t >= 0 ? `${o.name}, channel ${t}` : '';
        });
        return el('figure', { className: 'fmap', dataset: { layer: o.name, index: String(o.index) } }, [
          el('figcaption', {}, [el('strong', {}, o.name), ` ${o.className} → ${h}×${w}×${c}`]),
          canvas,
          el('div', { className: 'legend-slot' }),
        ]);
      }),
    );
    container.dataset.signature = signature;
  }
  const figures = /** @type {NodeListOf<HTMLElement>} */ (container.querySelectorAll('figure.fmap'));
  // One layer per animation frame: each task stays short even while the workers keep both cores busy.
  const job = {};
  container.paintJob = job;
  outputs.forEach((o, i) => {
    // A cheap fingerprint of what is shown, for tests and for the curious.
    let sum = 0;
    for (let k = 0; k < o.data.length; k += 7) sum += o.data[k];
    figures[i].dataset.checksum = sum.toFixed(4);
  });
  const paintLayer = (/** @type {number} */ i) => {
    if (container.paintJob !== job || i >= outputs.length) return;
    const o = outputs[i];
    const [h, w, c] = o.shape;
    const scale = scaleFor(o.data);
    const { columns, zoom } = layout(c, w);
    paintChannels(/** @type {HTMLCanvasElement} */ (figures[i].querySelector('canvas')), { data: o.data, h, w, c, columns, zoom, scale });
    setLegend(/** @type {Element} */ (figures[i].querySelector('.legend-slot')), scale, scale.kind === 'sequential' ? 'activation' : 'activation (0 = white)');
    requestAnimationFrame(() => paintLayer(i + 1));
  };
  paintLayer(0);
}

/** @type {WeakMap<Element, (kernel: Kernel, step: number | null) => void>} */
const painters = new WeakMap(); // filters figure → its repaint function

/**
 * Filters: the kernels [kh, kw, in, out] of the first Conv2D layers. With one input channel each
 * filter is one tile; with several, a row per filter and a column per input channel.
 * @param {HTMLElement} container @param {Kernel[] | null} kernels
 * @param {{ step?: number | null }} [options]  the training step the weights are from, if trained here
 */
export function renderFilters(container, kernels, { step = null } = {}) {
  if (!kernels?.length) {
    container.replaceChildren(el('p', { className: 'hint' }, 'No convolution layers.'));
    return;
  }
  const MAX_TILES = 64 * 64;
  const signature = kernels.map((k) => `${k.name}:${k.shape.join('x')}`).join(',');
  if (container.dataset.signature === signature) {
    // Same layers: repaint the canvases in place.
    container.querySelectorAll('figure.filters-block').forEach((figure, n) => painters.get(figure)?.(kernels[n], step));
    return;
  }
  container.dataset.signature = signature;
  container.replaceChildren(
    ...kernels.map((first) => {
      const figure = el('figure', { className: 'filters-block', dataset: { layer: first.name } });
      const caption = el('figcaption');
      const canvas = el('canvas', { role: 'img' });
      const slot = el('div', { className: 'legend-slot' });
      figure.append(caption, canvas, slot);
      const paint = (/** @type {Kernel} */ k, /** @type {number | null} */ at) => {
        const [kh, kw, cin, cout] = k.shape;
        const inputs = Math.min(cin, Math.max(1, Math.floor(MAX_TILES / cout)));
        const tiles = inputs * cout;
        const columns = cin === 1 ? Math.min(cout, 16) : inputs;
        const zoom = Math.max(2, Math.min(12, Math.floor(460 / (columns * (kw + 1)))));
        // Kernel layout [kh, kw, in, out]: weight (y, x, i, o) at ((y * kw + x) * cin + i) * cout + o.
        const value = (/** @type {number} */ t, /** @type {number} */ y, /** @type {number} */ x) => {
          const o = cin === 1 ? t : Math.floor(t / inputs);
          const i = cin === 1 ? 0 : t % inputs;
          return k.data[((y * kw + x) * cin + i) * cout + o];
        };
        const scale = scaleFor(k.data);
        canvas.setAttribute('aria-label', `${k.name}: ${cout} filters of ${kh}×${kw}${cin > 1 ? ` over ${cin} input channels` : ''}`);
        // Grey gaps: white means a zero weight here.
        paintTiles(canvas, { tiles, h: kh, w: kw, columns, value, scale, zoom, gapColour: 0xffc8c8c8 });
        const what = cin === 1
          ? `${cout} filters of ${kh}×${kw}`
          : `${cout} filters (rows) × ${inputs}${inputs < cin ? ` of ${cin}` : ''} input channels (columns), ${kh}×${kw} each`;
        caption.replaceChildren(el('strong', {}, k.name), ` ${what}${at != null ? ` · step ${at}` : ''}`);
        setLegend(slot, scale, 'weight (0 = white)');
      };
      painters.set(figure, paint);
      paint(first, step);
      return figure;
    }),
  );
}
