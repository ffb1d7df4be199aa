// @ts-check
// Data sets as IDX files (the MNIST format), raw or gzip: telling four files apart by their
// headers, and the class-name presets. The engine parses and checks the files themselves.

export const CLASS_PRESETS = Object.freeze({
  digits: Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']),
  // Fashion-MNIST's ten classes, in label order (Zalando's README).
  fashion: Object.freeze(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']),
});

/** @typedef {{ kind: 'images' | 'labels', count: number, rows: number, cols: number }} IdxInfo */
/** @typedef {{ name: string, bytes: Uint8Array, info: IdxInfo }} IdxEntry */

export const isGzip = (/** @type {Uint8Array} */ bytes) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** gunzip with DecompressionStream; bytes that are not gzip are returned as they are. */
export async function gunzip(/** @type {Uint8Array} */ bytes) {
  if (!isGzip(bytes)) return bytes;
  const stream = new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (bytes)]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The header of an IDX file: { kind: 'images'|'labels', count, rows, cols }; throws if it is none. */
/** @returns {IdxInfo} */
export function describeIdx(/** @type {Uint8Array} */ bytes, name = 'the file') {
  if (bytes.length < 8) throw new Error(`${name} is too short to be an IDX file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const count = view.getUint32(4);
  if (magic === 0x00000801) {
    if (bytes.length < 8 + count) throw new Error(`${name}: ${count} labels announced, ${bytes.length - 8} bytes present`);
    return { kind: 'labels', count, rows: 0, cols: 0 };
  }
  if (magic === 0x00000803) {
    if (bytes.length < 16) throw new Error(`${name} is too short for an IDX image header`);
    const rows = view.getUint32(8);
    const cols = view.getUint32(12);
    if (bytes.length < 16 + count * rows * cols) throw new Error(`${name}: ${count} images of ${rows}×${cols} announced, the file is shorter`);
    return { kind: 'images', count, rows, cols };
  }
  throw new Error(`${name} is not an IDX image or label file of unsigned bytes (magic number 0x${magic.toString(16).padStart(8, '0')})`);
}

const looksLikeTest = (/** @type {string} */ name) => /t10k|test/i.test(name);
const looksLikeTrain = (/** @type {string} */ name) => /train/i.test(name) && !looksLikeTest(name);

/**
 * Four IDX files → { train: {images, labels}, test: {images, labels} } (each an entry
 * {name, bytes, info}). Decides by name (train… / t10k… or test…), else the larger set trains.
 * @param {Array<{name: string, bytes: Uint8Array}>} files  already decompressed
 */
export function pairDataFiles(files) {
  if (files.length !== 4) throw new Error(`Choose four IDX files (training and test images and labels); got ${files.length}.`);
  const entries = files.map((f) => ({ ...f, info: describeIdx(f.bytes, f.name) }));
  const images = entries.filter((e) => e.info.kind === 'images');
  const labels = entries.filter((e) => e.info.kind === 'labels');
  if (images.length !== 2 || labels.length !== 2) {
    throw new Error(`Need two image files and two label files; got ${images.length} image and ${labels.length} label files.`);
  }
  const split = (/** @type {IdxEntry[]} */ pair) => {
    const [a, b] = pair;
    if (looksLikeTrain(a.name) && looksLikeTest(b.name)) return [a, b];
    if (looksLikeTrain(b.name) && looksLikeTest(a.name)) return [b, a];
    return a.info.count >= b.info.count ? [a, b] : [b, a];
  };
  const [trainImages, testImages] = split(images);
  const [trainLabels, testLabels] = split(labels);
  for (const [im, lb] of [[trainImages, trainLabels], [testImages, testLabels]]) {
    if (im.info.count !== lb.info.count) {
      throw new Error(`${im.name} has ${im.info.count} images but ${lb.name} has ${lb.info.count} labels.`);
    }
  }
  return { train: { images: trainImages, labels: trainLabels }, test: { images: testImages, labels: testLabels } };
}
