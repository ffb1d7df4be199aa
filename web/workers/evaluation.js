// @ts-check
// Measuring the model on the test set in the training worker: accuracy, loss, the confusion
// matrix and the mistakes, in slices short enough that other requests are served in between;
// then the images of any cell of that confusion matrix.

import { yieldToEvents } from './request-loop.js';

/** @typedef {import('../shared/engine-module.js').Engine} Engine */
/** @typedef {import('./datasets.js').TestSet} TestSet */
/** @typedef {import('../shared/protocol.js').TestImage} TestImage */
/** What an evaluation leaves for cellImages: how many images it saw, its confusion matrix, every mistake. */
/** @typedef {{ count: number, confusion: number[][], misclassified: TestImage[] }} EvaluationRecord */

const EVAL_SLICE_MS = 100; // evaluation runs in slices this long, so other requests get a turn
const MISCLASSIFIED_SHOWN = 60; // misclassified images sent with an evaluation (the rest on request)
const CELL_IMAGES_MAX = 60;

/** The pixels of test image `index`. */
const imageOf = (/** @type {TestSet} */ testSet, /** @type {number} */ index) =>
  testSet.images.slice(index * testSet.size, (index + 1) * testSet.size);

/**
 * The first `limit` test images (0 = all), in slices of ~EVAL_SLICE_MS with a yield between;
 * `onProgress(done, total)` after each slice.
 * @param {Engine} engine @param {TestSet} testSet @param {number} limit
 * @param {(done: number, total: number) => void} onProgress
 * @returns {Promise<{ result: import('../shared/protocol.js').Evaluation, record: EvaluationRecord }>}
 */
export async function evaluate(engine, testSet, limit, onProgress) {
  const total = limit > 0 ? Math.min(limit, testSet.count) : testSet.count;
  /** @type {number[][] | null} */
  let confusion = null;
  let count = 0;
  let lossSum = 0;
  /** @type {TestImage[]} */
  const misclassified = [];
  let slice = 16; // grows to what fits in EVAL_SLICE_MS
  for (let offset = 0; offset < total;) {
    const n = Math.min(slice, total - offset);
    const started = performance.now();
    /** @type {{ count: number, loss: number, confusion: number[][], misclassified: TestImage[] }} */
    const r = JSON.parse(engine.evaluate(n, offset));
    const ms = performance.now() - started;
    if (r.count === 0) break;
    const sum = confusion ??= r.confusion.map((row) => row.map(() => 0));
    r.confusion.forEach((row, i) => row.forEach((v, j) => (sum[i][j] += v)));
    lossSum += r.loss * r.count;
    count += r.count;
    misclassified.push(...r.misclassified);
    offset += r.count;
    slice = Math.max(1, Math.min(1000, Math.round((n * EVAL_SLICE_MS) / Math.max(ms, 1))));
    onProgress(count, total);
    await yieldToEvents();
  }
  if (!confusion) throw new Error('The test set holds no images.');
  const correct = confusion.reduce((sum, row, i) => sum + row[i], 0);
  return {
    result: {
      accuracy: correct / count,
      loss: lossSum / count,
      count,
      confusion,
      misclassifiedTotal: misclassified.length,
      misclassified: misclassified.slice(0, MISCLASSIFIED_SHOWN).map((m) => ({ ...m, image: imageOf(testSet, m.index) })),
    },
    record: { count, confusion, misclassified },
  };
}

/**
 * Test images of one confusion-matrix cell (true `label`, answered `predicted`) of an evaluation.
 * @param {Engine} engine @param {TestSet} testSet @param {EvaluationRecord} record
 * @param {{ label: number, predicted: number, limit?: number }} cell
 * @returns {import('../shared/protocol.js').CellImages}
 */
export function cellImages(engine, testSet, record, { label, predicted, limit = CELL_IMAGES_MAX }) {
  const total = record.confusion[label]?.[predicted] ?? 0;
  /** @type {TestImage[]} */
  let items;
  if (label !== predicted) {
    items = record.misclassified.filter((m) => m.label === label && m.predicted === predicted).slice(0, limit);
  } else {
    // Right answers: images of this class that are not among the mistakes, with their confidence.
    const wrong = new Set(record.misclassified.map((m) => m.index));
    items = [];
    const x = new Float32Array(testSet.size);
    for (let i = 0; i < record.count && items.length < limit; i++) {
      if (testSet.labels[i] !== label || wrong.has(i)) continue;
      const image = testSet.images.subarray(i * testSet.size, (i + 1) * testSet.size);
      for (let k = 0; k < x.length; k++) x[k] = image[k] / 255;
      const probs = engine.predict(x);
      items.push({ index: i, label, predicted, confidence: probs[predicted] });
    }
  }
  return { label, predicted, total, items: items.map((m) => ({ ...m, image: imageOf(testSet, m.index) })) };
}
