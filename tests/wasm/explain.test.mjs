// Explanations and fine-tuning through the Engine: what the page's workers call.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadModule, mnist, root } from '../../wasm/node.mjs';

let simd, train, t10k;
const shipped = path.join(root, 'public/models/basic-cnn');

before(async () => {
  simd = await loadModule('simd');
  train = mnist('train');
  t10k = mnist('t10k');
});

function shippedEngine() {
  const e = new simd.Engine();
  e.loadModel(fs.readFileSync(path.join(shipped, 'model.json'), 'utf8'), new Uint8Array(fs.readFileSync(path.join(shipped, 'weights.bin'))));
  return e;
}

function testImage(i) {
  const px = new Float32Array(784);
  for (let k = 0; k < 784; k++) px[k] = t10k.images[16 + i * 784 + k] / 255;
  return px;
}

test('explain: saliency and Grad-CAM of the predicted class, and of another class, differ', () => {
  const e = shippedEngine();
  const x = testImage(0); // a 7
  const predicted = e.explain(x, -1);
  assert.equal(predicted.target, 7);
  assert.equal(predicted.gradcamLayer, 'conv2d_3');
  assert.deepEqual(predicted.camShape, [14, 14]);
  assert.equal(predicted.saliency.length, 784);
  assert.equal(predicted.gradcam.length, 784);
  const probs = e.predict(x);
  predicted.probabilities.forEach((p, k) => assert.ok(Math.abs(p - probs[k]) < 1e-6));
  assert.ok(Math.max(...predicted.saliency) > 0);
  const other = e.explain(x, 1);
  assert.equal(other.target, 1);
  const difference = predicted.saliency.reduce((sum, v, k) => sum + Math.abs(v - other.saliency[k]), 0);
  assert.ok(difference > 1e-3, `saliency of 7 and of 1 differ by ${difference}`);
  assert.throws(() => e.explain(x, 10), /class 10 does not exist/);
  assert.equal(e.explain(x, 3).target, 3); // still usable after the error
  e.delete();
});

test('explain: a model without convolutions says Grad-CAM needs one', () => {
  const e = new simd.Engine();
  const config = {
    class_name: 'Sequential',
    config: { layers: [
      { class_name: 'Flatten', config: { batch_input_shape: [null, 28, 28, 1] } },
      { class_name: 'Dense', config: { units: 10, activation: 'softmax' } },
    ] },
  };
  e.buildModel(JSON.stringify(config), 1);
  const r = e.explain(testImage(1), -1);
  assert.equal(r.gradcam, null);
  assert.equal(r.gradcamLayer, '');
  assert.match(r.gradcamProblem, /needs a convolution layer/);
  assert.equal(r.saliency.length, 784);
  e.delete();
});

test('occlusion: a 7 × 7 grid of the class probability with each 4 × 4 patch greyed', () => {
  const e = shippedEngine();
  const x = testImage(2);
  const o = e.occlusion(x, -1);
  assert.equal(o.rows, 7);
  assert.equal(o.cols, 7);
  assert.equal(o.probability.length, 49);
  const occluded = Float32Array.from(x);
  for (let y = 12; y < 16; y++) for (let c = 12; c < 16; c++) occluded[y * 28 + c] = 0.5;
  assert.ok(Math.abs(o.probability[3 * 7 + 3] - e.predict(occluded)[o.target]) < 1e-5);
  e.delete();
});

test('fine-tuning reports accuracies before and after, and undo restores the weights exactly', () => {
  const e = shippedEngine();
  e.setData(train.images, train.labels, t10k.images, t10k.labels);
  const own = 12;
  const images = t10k.images.slice(16 + 5000 * 784, 16 + (5000 + own) * 784);
  const labels = t10k.labels.slice(8 + 5000, 8 + 5000 + own);
  const saved = e.saveModel().weights;
  const before = JSON.parse(e.startFineTune(images, labels, JSON.stringify({ steps: 6 })));
  assert.ok(before.own >= 0 && before.own <= 1 && before.test > 0.97, JSON.stringify(before));
  let s = JSON.parse(e.fineTune(4));
  assert.equal(s.step, 4);
  assert.equal(s.done, false);
  s = JSON.parse(e.fineTune(4));
  assert.equal(s.done, true);
  assert.equal(s.step, 6);
  assert.ok(s.after.test > 0.97, JSON.stringify(s.after));
  assert.notDeepEqual(e.saveModel().weights, saved);
  e.endFineTune(false);
  assert.deepEqual(e.saveModel().weights, saved);
  assert.throws(() => e.endFineTune(true), /no fine-tuning to keep/);
  assert.throws(() => e.startFineTune(images, labels.slice(0, 5), '{}'), /5 labels need 3920 pixels/);
  e.delete();
});

test('fine-tuning without MNIST loaded says so', () => {
  const e = shippedEngine();
  assert.throws(() => e.startFineTune(new Uint8Array(784), new Uint8Array(1), '{}'), /load it first/);
  e.delete();
});
