// @ts-check
// Colour scales for activations and weights, as 256-entry lookup tables of ABGR pixels (the byte
// order of ImageData on little-endian machines). No DOM here.

// Viridis (sequential; perceptually uniform, readable in grey and by most colour-blind people).
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];
// Blue–white–red (diverging; ColorBrewer RdBu reversed): negative blue, zero white, positive red.
const DIVERGING = ['#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7', '#fddbc7', '#f4a582', '#d6604d', '#b2182b'];

const rgb = (/** @type {string} */ hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

function table(/** @type {string[]} */ stops) {
  const colours = stops.map(rgb);
  const lut = new Uint32Array(256);
  const rgbs = [];
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (colours.length - 1);
    const k = Math.min(colours.length - 2, Math.floor(t));
    const f = t - k;
    const [r, g, b] = colours[k].map((c, j) => Math.round(c + (colours[k + 1][j] - c) * f));
    lut[i] = (0xff << 24) | (b << 16) | (g << 8) | r;
    rgbs.push(`rgb(${r}, ${g}, ${b})`);
  }
  return { lut, css: rgbs, stops };
}

export const SCALES = Object.freeze({ sequential: table(VIRIDIS), diverging: table(DIVERGING) });

/**
 * A colour scale over [min, max]: its kind, and index(v), the entry of SCALES[kind] for a value.
 * @typedef {{ kind: 'sequential' | 'diverging', min: number, max: number, index: (v: number) => number }} Scale
 */

/**
 * The scale for some values: sequential from 0 to the max when none is negative (e.g. after
 * ReLU), else diverging and symmetric around 0. → { kind, min, max, index(v) → 0..255 }
 */
/** @returns {Scale} */
export function scaleFor(/** @type {ArrayLike<number>} */ data) {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) min = max = 0;
  if (min >= 0) {
    const top = max > 0 ? max : 1;
    return { kind: 'sequential', min: 0, max: top, index: (v) => Math.max(0, Math.min(255, Math.round((v / top) * 255))) };
  }
  const m = Math.max(-min, max) || 1;
  return { kind: 'diverging', min: -m, max: m, index: (v) => Math.max(0, Math.min(255, Math.round(((v + m) / (2 * m)) * 255))) };
}
