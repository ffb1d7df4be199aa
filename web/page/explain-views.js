// @ts-check
// A map over the network's 28×28 input: the input in grey with the map's colours laid over it
// (viridis, 0 to the map's largest value, or to `max`), and the colour scale beside it.

import { SCALES } from '../shared/colormap.js';
import { legend } from './insight-views.js';

const SIDE = 28;
const ZOOM = 4;
const OPACITY = 0.75; // of the map's colour over the grey input, which still shows through

/**
 * Paints `values` ([28·28], or [rows·cols] cells of `grid`) over `input` on `canvas`; no values:
 * the input alone; no input: blank. With `slot`, puts the colour scale there.
 * @param {HTMLCanvasElement} canvas @param {Float32Array | null} input @param {Float32Array | null} values
 * @param {{ slot?: HTMLElement, label?: string, grid?: { rows: number, cols: number }, max?: number }} [options]
 */
export function paintOverlay(canvas, input, values, { slot, label = '', grid, max } = {}) {
  const size = SIDE * ZOOM;
  if (canvas.width !== size) canvas.width = canvas.height = size;
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const image = ctx.createImageData(size, size);
  const pixels = new Uint32Array(image.data.buffer);
  let top = max ?? 0;
  if (values && max === undefined) for (const v of values) top = Math.max(top, v);
  if (!(top > 0)) top = 1;
  const lut = SCALES.sequential.lut;
  const valueAt = (/** @type {number} */ y, /** @type {number} */ x) => {
    if (!values) return 0;
    if (!grid) return values[y * SIDE + x];
    const r = Math.min(grid.rows - 1, Math.floor((y * grid.rows) / SIDE));
    const c = Math.min(grid.cols - 1, Math.floor((x * grid.cols) / SIDE));
    return values[r * grid.cols + c];
  };
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const grey = input ? Math.round(Math.min(1, Math.max(0, input[y * SIDE + x])) * 255) : 0;
      let rgb = [grey, grey, grey];
      if (values) {
        const colour = lut[Math.max(0, Math.min(255, Math.round((valueAt(y, x) / top) * 255)))];
        rgb = [colour & 255, (colour >> 8) & 255, (colour >> 16) & 255].map((c) => Math.round(grey * (1 - OPACITY) + c * OPACITY));
      }
      const word = (0xff << 24) | (rgb[2] << 16) | (rgb[1] << 8) | rgb[0];
      for (let dy = 0; dy < ZOOM; dy++) pixels.fill(word, (y * ZOOM + dy) * size + x * ZOOM, (y * ZOOM + dy) * size + (x + 1) * ZOOM);
    }
  }
  ctx.putImageData(image, 0, 0);
  if (!slot) return;
  if (!values) {
    slot.replaceChildren();
    return;
  }
  const scale = /** @type {import('../shared/colormap.js').Scale} */ ({
    kind: 'sequential', min: 0, max: top, index: (v) => Math.max(0, Math.min(255, Math.round((v / top) * 255))),
  });
  slot.replaceChildren(legend(scale, label));
}
