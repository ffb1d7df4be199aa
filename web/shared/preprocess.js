// @ts-check
// Turning a drawing into the 28×28 input the network expects, the way MNIST itself was made
// (LeCun et al.): the ink's bounding box is scaled so that its longer side is 20 px (aspect kept,
// anti-aliased by area averaging), then placed in a 28×28 field with its centre of mass at the
// centre. No DOM here: everything works on plain arrays so it runs (and is tested) under Node.

export const FIELD = 28;
export const BOX = 20;
/** Where the centre of mass goes, in continuous coordinates (pixel i spans [i, i+1)): the centre
 *  of pixel (14, 14). MNIST's training images average 14.50 / 14.50 measured this way. */
export const CENTRE = 14.5;
/** Pen width as a fraction of the drawing's longer side. Chosen so that a digit drawn at any
 *  size ends up with strokes as thick as MNIST's (about 2–3 px at 28×28; see the unit test). */
export const PEN_FRACTION = 0.15;
/** Resolution of the intermediate binary raster (its longer side), like NIST's 128×128 scans. */
export const RASTER = 128;

/** A grayscale image, row-major, values 0..1 (ink bright). */
/** @typedef {ArrayLike<number>} Pixels */
/** @typedef {{ x: number, y: number }} Point */
/** @typedef {{ x0: number, y0: number, x1: number, y1: number }} Box */

/**
 * Bounding box of the pixels above `threshold` in a grayscale image.
 * @param {Pixels} pixels @param {number} width @param {number} height
 * @returns {Box | null} x1/y1 exclusive; null if no ink.
 */
export function inkBounds(pixels, width, height, threshold = 0) {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (pixels[row + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/**
 * Centre of mass in continuous coordinates (pixel i covers [i, i+1), so its centre is i + 0.5).
 * @param {Pixels} pixels @param {number} width @param {number} height
 * @returns {{x:number,y:number,mass:number}}
 */
export function centreOfMass(pixels, width, height) {
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = pixels[y * width + x];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  return mass > 0 ? { x: mx / mass, y: my / mass, mass } : { x: width / 2, y: height / 2, mass: 0 };
}

/**
 * For each source pixel i of [start, end), the destination pixels it overlaps after mapping
 * u ↦ offset + (u − start)·scale, with the overlap lengths (area averaging along one axis).
 * @param {number} start @param {number} end @param {number} scale @param {number} offset @param {number} destSize
 * @returns {Array<Array<[number, number]>>} per source pixel: [destIndex, overlap] pairs
 */
function axisWeights(start, end, scale, offset, destSize) {
  /** @type {Array<Array<[number, number]>>} */
  const weights = [];
  for (let i = start; i < end; i++) {
    const a = offset + (i - start) * scale;
    const b = a + scale;
    /** @type {Array<[number, number]>} */
    const pairs = [];
    for (let d = Math.max(0, Math.floor(a)); d < Math.min(destSize, Math.ceil(b)); d++) {
      const overlap = Math.min(b, d + 1) - Math.max(a, d);
      if (overlap > 0) pairs.push([d, overlap]);
    }
    weights.push(pairs);
  }
  return weights;
}

/**
 * Area-averaged resampling of the region `box` of `src` into a `destSize`² field: the region's
 * pixel (u, v) lands at (ox + (u − x0)·scale, oy + (v − y0)·scale). Each destination pixel gets
 * the ink that falls into it divided by its area, so values stay in 0..1.
 * @param {Pixels} src @param {number} width @param {Box} box @param {number} scale @param {number} ox @param {number} oy
 */
export function resampleArea(src, width, box, scale, ox, oy, destSize = FIELD) {
  const dest = new Float32Array(destSize * destSize);
  const wx = axisWeights(box.x0, box.x1, scale, ox, destSize);
  const wy = axisWeights(box.y0, box.y1, scale, oy, destSize);
  for (let v = box.y0; v < box.y1; v++) {
    const rowWeights = wy[v - box.y0];
    if (rowWeights.length === 0) continue;
    for (let u = box.x0; u < box.x1; u++) {
      const ink = src[v * width + u];
      if (ink === 0) continue;
      const colWeights = wx[u - box.x0];
      for (const [dy, ay] of rowWeights) {
        for (const [dx, ax] of colWeights) dest[dy * destSize + dx] += ink * ax * ay;
      }
    }
  }
  for (let i = 0; i < dest.length; i++) if (dest[i] > 1) dest[i] = 1;
  return dest;
}

/**
 * The MNIST recipe on a grayscale image (values 0..1, ink bright):
 * bounding box → longer side scaled to 20 px (area averaging) → 28×28 with the centre of mass at
 * the centre (kept inside the field).
 * @param {Pixels} pixels @param {number} width @param {number} height
 * @returns {Float32Array|null} 784 values in 0..1, row-major; null when there is no ink.
 */
export function mnistFromImage(pixels, width, height) {
  const box = inkBounds(pixels, width, height);
  if (!box) return null;
  const bw = box.x1 - box.x0, bh = box.y1 - box.y0;
  const scale = BOX / Math.max(bw, bh);
  // Centre of mass of the ink inside the box, in box coordinates.
  let mass = 0, mx = 0, my = 0;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const v = pixels[y * width + x];
      mass += v;
      mx += v * (x - box.x0 + 0.5);
      my += v * (y - box.y0 + 0.5);
    }
  }
  const clamp = (/** @type {number} */ value, /** @type {number} */ max) => Math.min(Math.max(value, 0), max);
  const ox = clamp(CENTRE - (mx / mass) * scale, FIELD - bw * scale);
  const oy = clamp(CENTRE - (my / mass) * scale, FIELD - bh * scale);
  return resampleArea(pixels, width, box, scale, ox, oy, FIELD);
}

/** Bounding box of all stroke points, or null when there are none. */
export function strokeBounds(/** @type {Point[][]} */ strokes) {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const stroke of strokes) {
    for (const p of stroke) {
      if (p.x < x0) x0 = p.x;
      if (p.x > x1) x1 = p.x;
      if (p.y < y0) y0 = p.y;
      if (p.y > y1) y1 = p.y;
    }
  }
  return x0 === Infinity ? null : { x0, y0, x1, y1 };
}

/**
 * Squared distance from (px, py) to the segment (ax, ay)–(bx, by).
 * @param {number} px @param {number} py @param {number} ax @param {number} ay @param {number} bx @param {number} by
 */
function segmentDistance2(px, py, ax, ay, bx, by) {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = px - (ax + t * dx), ey = py - (ay + t * dy);
  return ex * ex + ey * ey;
}

/**
 * Renders pen strokes (arrays of {x, y} points, any coordinate system) into a binary raster whose
 * longer side is `size` pixels, with a round pen `penFraction` × the drawing's longer side wide.
 * Re-rendering from the strokes is what makes the stroke width independent of how large the
 * digit was drawn: a small digit gets the same relative pen as a large one.
 * @param {Point[][]} strokes
 * @returns {{pixels: Float32Array, width: number, height: number}|null}
 */
export function rasterizeStrokes(strokes, { size = RASTER, penFraction = PEN_FRACTION } = {}) {
  const bounds = strokeBounds(strokes);
  if (!bounds) return null;
  const extent = Math.max(bounds.x1 - bounds.x0, bounds.y1 - bounds.y0);
  // A tap (no extent) still gets a visible dot: treat it as a pen-sized blob.
  const pen = Math.max(extent * penFraction, 1e-3);
  const radius = pen / 2;
  const scale = (size - 2) / (extent + pen); // 1 px margin on each side
  const width = Math.max(1, Math.ceil((bounds.x1 - bounds.x0 + pen) * scale) + 2);
  const height = Math.max(1, Math.ceil((bounds.y1 - bounds.y0 + pen) * scale) + 2);
  const pixels = new Float32Array(width * height);
  const r = radius * scale, r2 = r * r;
  const toX = (/** @type {number} */ x) => (x - bounds.x0 + radius) * scale + 1;
  const toY = (/** @type {number} */ y) => (y - bounds.y0 + radius) * scale + 1;
  for (const stroke of strokes) {
    for (let i = 0; i < stroke.length; i++) {
      const a = stroke[i], b = stroke[Math.min(i + 1, stroke.length - 1)];
      if (i > 0 && i === stroke.length - 1) break; // last point handled by the previous segment
      const ax = toX(a.x), ay = toY(a.y), bx = toX(b.x), by = toY(b.y);
      const xMin = Math.max(0, Math.floor(Math.min(ax, bx) - r));
      const xMax = Math.min(width - 1, Math.ceil(Math.max(ax, bx) + r));
      const yMin = Math.max(0, Math.floor(Math.min(ay, by) - r));
      const yMax = Math.min(height - 1, Math.ceil(Math.max(ay, by) + r));
      for (let y = yMin; y <= yMax; y++) {
        for (let x = xMin; x <= xMax; x++) {
          if (segmentDistance2(x + 0.5, y + 0.5, ax, ay, bx, by) <= r2) pixels[y * width + x] = 1;
        }
      }
    }
  }
  return { pixels, width, height };
}

/** Strokes → the 28×28 network input (Float32Array(784), 0..1), or null for an empty drawing. */
/** @param {Point[][]} strokes @param {{ size?: number, penFraction?: number }} [options] */
export function mnistFromStrokes(strokes, options) {
  const raster = rasterizeStrokes(strokes, options);
  return raster ? mnistFromImage(raster.pixels, raster.width, raster.height) : null;
}
