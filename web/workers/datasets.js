// @ts-check
// The training worker's data: MNIST downloaded with progress, or four IDX files the person chose,
// decompressed, handed to the engine, and the test set kept for thumbnails and evaluation.

import { MNIST_FILES } from '../shared/protocol.js';
import { messageOf } from '../shared/engine-module.js';
import { gunzip, pairDataFiles } from '../shared/idx.js';
import { concatBytes } from '../shared/model-files.js';

/** @typedef {import('../shared/engine-module.js').Engine} Engine */
/** @typedef {{ trainImages: Uint8Array, trainLabels: Uint8Array, testImages: Uint8Array, testLabels: Uint8Array }} IdxFiles */
/** The test images (raw pixels, 0..255) and labels the engine holds, `size` pixels each. */
/** @typedef {{ images: Uint8Array, labels: Uint8Array, count: number, size: number }} TestSet */
/** @typedef {(progress: { file: string, loaded: number, total: number, done: boolean }) => void} OnProgress */

/** The body of `url`, reporting the bytes received so far and the Content-Length (0 if unknown). */
async function fetchWithProgress(/** @type {string} */ url, /** @type {(loaded: number, total: number) => void} */ onBytes) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Could not download ${url}: HTTP ${response.status}`);
  const total = Number(response.headers.get('Content-Length')) || 0;
  if (!response.body) {
    const buffer = new Uint8Array(await response.arrayBuffer());
    onBytes(buffer.length, buffer.length);
    return buffer;
  }
  const reader = response.body.getReader();
  const chunks = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onBytes(loaded, total);
  }
  return concatBytes(chunks);
}

/** The four MNIST files under `baseUrl`, decompressed; `onProgress` at most every 50 ms. */
export async function downloadMnist(/** @type {string} */ baseUrl, /** @type {OnProgress} */ onProgress) {
  const base = new URL(baseUrl, self.location.origin);
  const names = Object.values(MNIST_FILES);
  const progress = new Map(names.map((n) => [n, { loaded: 0, total: 0 }]));
  let lastPost = 0;
  const report = (/** @type {string} */ file, done = false) => {
    const now = performance.now();
    if (!done && now - lastPost < 50) return;
    lastPost = now;
    let loaded = 0;
    let total = 0;
    for (const p of progress.values()) {
      loaded += p.loaded;
      total += p.total;
    }
    onProgress({ file, loaded, total, done });
  };
  // The sizes come from the Content-Length headers; ask for all four up front so the bar's total
  // is known from the start.
  const packed = await Promise.all(names.map((name) =>
    fetchWithProgress(new URL(name, base).href, (loaded, total) => {
      progress.set(name, { loaded, total: Math.max(total, loaded) });
      report(name);
    })));
  report('', true);
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(packed.map((bytes, i) =>
    gunzip(bytes).catch((err) => {
      throw new Error(`${names[i]} could not be decompressed (${messageOf(err)})`);
    })));
  return { trainImages, trainLabels, testImages, testLabels };
}

/**
 * Four IDX files the person chose (raw or .gz), in any order → the four parts and their names.
 * @param {Array<{ name: string, bytes: ArrayBuffer }>} files
 */
export async function unpackFiles(files) {
  const unpacked = await Promise.all(files.map(async (f) => {
    try {
      return { name: f.name, bytes: await gunzip(new Uint8Array(f.bytes)) };
    } catch (err) {
      throw new Error(`${f.name} could not be decompressed (${messageOf(err)})`);
    }
  }));
  const { train, test } = pairDataFiles(unpacked);
  for (const part of [train.images, test.images]) {
    const { rows, cols } = part.info;
    if (rows !== 28 || cols !== 28) throw new Error(`${part.name} holds ${rows}×${cols} images; the page works with 28×28 images`);
  }
  return {
    data: { trainImages: train.images.bytes, trainLabels: train.labels.bytes, testImages: test.images.bytes, testLabels: test.labels.bytes },
    names: { trainImages: train.images.name, trainLabels: train.labels.name, testImages: test.images.name, testLabels: test.labels.name },
  };
}

/**
 * Hands four decompressed IDX files to the engine, which checks them (labels included) and keeps
 * what it had when it refuses them.
 * @param {Engine} engine @param {IdxFiles} files
 * @returns {{ train: import('../shared/protocol.js').DataPart, test: import('../shared/protocol.js').DataPart, testSet: TestSet }}
 */
export function giveData(engine, { trainImages, trainLabels, testImages, testLabels }) {
  const { train, test } = JSON.parse(engine.setData(trainImages, trainLabels, testImages, testLabels));
  const testSet = {
    images: testImages.subarray(testImages.length - test.count * test.rows * test.cols),
    labels: testLabels.subarray(testLabels.length - test.count),
    count: test.count,
    size: test.rows * test.cols,
  };
  return { train, test, testSet };
}
