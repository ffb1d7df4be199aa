// @ts-check
// The user's own digits ("my digits"): each a drawing preprocessed as MNIST is (28×28 bytes) with
// the label the user taught, packed for the engine's fine-tuning and written as the four IDX files
// of a data set. No DOM here.

import { INPUT_SIZE } from './protocol.js';

/** @typedef {{ id: number, pixels: Uint8Array, label: number }} MyDigit */

/** Fine-tuning on fewer would mostly learn noise. */
export const FINE_TUNE_MINIMUM = 10;

/** How many more digits fine-tuning needs (0 when there are enough). */
export const digitsNeeded = (/** @type {number} */ count) => Math.max(0, FINE_TUNE_MINIMUM - count);

/** The network's input (0..1) as MNIST stores it: bytes 0..255. */
export function pixelsOf(/** @type {Float32Array} */ input) {
  if (input.length !== INPUT_SIZE) throw new Error(`Expected ${INPUT_SIZE} pixels, got ${input.length}.`);
  return Uint8Array.from(input, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
}

/** All the digits' pixels one after another, and their labels: what Engine.startFineTune takes. */
export function packDigits(/** @type {MyDigit[]} */ digits) {
  const images = new Uint8Array(digits.length * INPUT_SIZE);
  digits.forEach((d, i) => images.set(d.pixels, i * INPUT_SIZE));
  return { images, labels: Uint8Array.from(digits, (d) => d.label) };
}

/** An IDX file of unsigned bytes: magic 0x000008NN (NN dimensions), each dimension big-endian. */
function idx(/** @type {number[]} */ dims, /** @type {Uint8Array} */ body) {
  const header = 4 + 4 * dims.length;
  const bytes = new Uint8Array(header + body.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x00000800 | dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  bytes.set(body, header);
  return bytes;
}

/**
 * The digits as the four IDX files of a data set, named as MNIST's: every fifth digit goes to the
 * test files, the others to the training files, so the files load back as a data set of their own.
 * @param {MyDigit[]} digits @returns {Array<{ name: string, bytes: Uint8Array }>}
 */
export function toIdxFiles(digits) {
  const test = digits.filter((_, i) => i % 5 === 4);
  const train = digits.filter((_, i) => i % 5 !== 4);
  const files = (/** @type {MyDigit[]} */ part, /** @type {string} */ prefix) => {
    const { images, labels } = packDigits(part);
    return [
      { name: `${prefix}-images-idx3-ubyte`, bytes: idx([part.length, 28, 28], images) },
      { name: `${prefix}-labels-idx1-ubyte`, bytes: idx([part.length], labels) },
    ];
  };
  return [...files(train, 'train'), ...files(test, 't10k')];
}
