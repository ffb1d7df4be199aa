// Models cross between this engine and TensorFlow.js (@tensorflow/tfjs, its pure-JS CPU
// backend) in the TF.js Layers format, in both directions, with the same predictions.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModule, mnist, root } from '../../wasm/node.mjs';

let cnn, t10k;

before(async () => {
  await tf.setBackend('cpu');
  cnn = await loadModule('simd');
  t10k = mnist('t10k');
});

// Test images 0..n-1 as one [n, 28, 28, 1] batch of floats in [0, 1].
function testImages(n) {
  return Float32Array.from(t10k.images.subarray(16, 16 + n * 784), (v) => v / 255);
}

// The tutorial's functional Basic_CNN, written with the TF.js layers API.
function tutorialModel() {
  const inputs = tf.input({ shape: [28, 28, 1] });
  let net = inputs;
  let seed = 1;
  const conv = (filters) => tf.layers.conv2d({ filters, kernelSize: [3, 3], padding: 'same',
    kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }), biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed++ }) });
  const relu = () => tf.layers.activation({ activation: 'relu' });
  for (const filters of [32, 64]) {
    net = relu().apply(conv(filters).apply(net));
    net = relu().apply(conv(filters).apply(net));
    net = tf.layers.maxPooling2d({ poolSize: [2, 2] }).apply(net);
    net = tf.layers.dropout({ rate: 0.25 }).apply(net);
  }
  net = tf.layers.flatten().apply(net);
  net = relu().apply(tf.layers.dense({ units: 512, kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }) }).apply(net));
  net = tf.layers.dropout({ rate: 0.5 }).apply(net);
  net = tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }) }).apply(net);
  net = tf.layers.activation({ activation: 'softmax' }).apply(net);
  return tf.model({ inputs, outputs: net, name: 'Basic_CNN' });
}

// Compares the engine's and TF.js's probabilities for the first n test images; returns ours.
async function assertSamePredictions(engine, model, n = 4) {
  const x = testImages(n);
  const expected = await model.predict(tf.tensor4d(x, [n, 28, 28, 1])).data();
  const ours = [];
  for (let i = 0; i < n; i++) {
    const p = [...engine.predict(x.subarray(i * 784, (i + 1) * 784))];
    // float32 sums in another order: agreement to ~1e-7, checked at 1e-5.
    p.forEach((v, k) => assert.ok(Math.abs(v - expected[i * 10 + k]) <= 1e-5, `image ${i} class ${k}: ${v} vs ${expected[i * 10 + k]}`));
    ours.push(p);
  }
  return ours;
}

test('a Basic_CNN saved by TF.js loads here and predicts the same', async () => {
  const model = tutorialModel();
  let artifacts;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const modelJson = JSON.stringify({
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
  });
  const e = new cnn.Engine();
  e.loadModel(modelJson, new Uint8Array(artifacts.weightData));
  const summary = JSON.parse(e.summary());
  assert.equal(summary.total_params, 1676266);
  assert.equal(summary.layers.length, 18);  // the functional chain: Activation layers kept apart
  await assertSamePredictions(e, model);
  e.delete();
});

test('the model shipped with the page loads in tf.loadLayersModel and predicts the same', async () => {
  const dir = path.join(root, 'public/models/basic-cnn');
  const modelJson = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const weights = fs.readFileSync(path.join(dir, 'weights.bin'));
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: modelJson.modelTopology,
    weightSpecs: modelJson.weightsManifest[0].weights,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  }));
  assert.equal(model.countParams(), 1676266);

  const e = new cnn.Engine();
  e.loadModel(JSON.stringify(modelJson), new Uint8Array(weights));
  const ours = await assertSamePredictions(e, model);
  ours.forEach((p, i) => assert.equal(p.indexOf(Math.max(...p)), t10k.labels[8 + i]));  // and both are right
  e.delete();
});
