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

// A network using every layer kind and activation that both TF.js and the engine know, with random
// weights and batch-norm statistics; `pooling` is the global pooling that ends the convolutions.
function everyLayerModel(pooling) {
  let seed = 100;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const bias = () => tf.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: seed++ });
  const layers = [
    tf.layers.zeroPadding2d({ inputShape: [28, 28, 1], padding: [[1, 0], [2, 1]] }),
    tf.layers.conv2d({ filters: 4, kernelSize: 3, useBias: false, kernelInitializer: init() }),
    tf.layers.batchNormalization({}),
    tf.layers.activation({ activation: 'elu' }),
    tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'selu',
      depthwiseInitializer: init(), biasInitializer: bias() }),
    tf.layers.separableConv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'gelu',
      depthwiseInitializer: init(), pointwiseInitializer: init(), biasInitializer: bias() }),
    tf.layers.reLU({ maxValue: 1.5 }),
    tf.layers.averagePooling2d({ poolSize: 2, padding: 'same' }),  // 14x15 → 7x8: the last column half padding
    tf.layers.leakyReLU({ alpha: 0.2 }),
    tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', dilationRate: 2, activation: 'swish',
      kernelInitializer: init(), biasInitializer: bias() }),
    tf.layers.batchNormalization({ momentum: 0.9, epsilon: 0.01 }),
    tf.layers.activation({ activation: 'softplus' }),
    pooling === 'max' ? tf.layers.globalMaxPooling2d({}) : tf.layers.globalAveragePooling2d({}),
    tf.layers.dense({ units: 16, activation: 'relu6', kernelInitializer: init(), biasInitializer: bias() }),
    tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init() }),
  ];
  const model = tf.sequential({ layers, name: `every_layer_${pooling}` });
  // Statistics far from their initial 0 and 1, so using them (or not) shows in the predictions.
  for (const layer of model.layers.filter((l) => l.getClassName() === 'BatchNormalization')) {
    const c = layer.getWeights()[0].shape[0];
    const random = (lo, hi) => tf.randomUniform([c], lo, hi, 'float32', seed++);
    layer.setWeights([random(0.5, 1.5), random(-0.5, 0.5), random(-1, 1), random(0.2, 2)]);
  }
  return model;
}

// The model.json and weights TF.js saves for a model.
async function savedByTfjs(model) {
  let artifacts;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return {
    modelJson: JSON.stringify({
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    }),
    weights: new Uint8Array(artifacts.weightData),
  };
}

// What the engine saves, loaded by tf.loadLayersModel.
async function loadedByTfjs(engine) {
  const { modelJson, weights } = engine.saveModel();
  const parsed = JSON.parse(modelJson);
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: parsed.modelTopology,
    weightSpecs: parsed.weightsManifest[0].weights,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  }));
}

test('a model of every new layer and activation saved by TF.js loads here and predicts the same, and back', async () => {
  for (const pooling of ['average', 'max']) {
    const model = everyLayerModel(pooling);
    const { modelJson, weights } = await savedByTfjs(model);
    const e = new cnn.Engine();
    e.loadModel(modelJson, weights);
    const summary = JSON.parse(e.summary());
    assert.equal(summary.total_params, model.countParams());
    assert.equal(summary.non_trainable_params, 2 * (4 + 8));  // the moving statistics
    await assertSamePredictions(e, model, 8);
    // Saved here, loaded by TF.js: the same predictions again, statistics included.
    const back = await loadedByTfjs(e);
    assert.deepEqual(back.layers.map((l) => l.getClassName()), model.layers.map((l) => l.getClassName()));
    await assertSamePredictions(e, back, 8);
    e.delete();
  }
});

test('every ready architecture saved here loads in tf.loadLayersModel and predicts the same', async () => {
  const ready = JSON.parse(cnn.architectures());
  assert.deepEqual(ready.map((a) => a.name), ['Basic_CNN', 'Basic_CNN_BN', 'AllConv_GAP', 'LeNet5']);
  for (const { name, config } of ready) {
    const e = new cnn.Engine();
    e.buildModel(JSON.stringify(config), 7);
    const model = await loadedByTfjs(e);
    assert.equal(model.countParams(), JSON.parse(e.summary()).total_params, name);
    await assertSamePredictions(e, model, 4);
    e.delete();
  }
});

test('the layer schema offers every layer kind the analysis accepts', () => {
  const schema = JSON.parse(cnn.layerSchema());
  for (const kind of ['BatchNormalization', 'GlobalAveragePooling2D', 'DepthwiseConv2D', 'SeparableConv2D', 'ReLU']) {
    const entry = schema.find((k) => k.class_name === kind);
    assert.ok(entry, kind);
    // A layer made of the schema's defaults (required fields filled) is one the engine reads.
    const config = Object.fromEntries(entry.fields.map((f) => [f.name, f.required ? (f.type === 'pair' ? 3 : 4) : f.default]));
    const layers = [{ class_name: kind, config }, { class_name: 'Flatten', config: {} },
      { class_name: 'Dense', config: { units: 10, activation: 'softmax' } }];
    const analysis = JSON.parse(cnn.analyse(JSON.stringify(layers), '{}'));
    assert.equal(analysis.error, null, `${kind}: ${analysis.error}`);
  }
});
