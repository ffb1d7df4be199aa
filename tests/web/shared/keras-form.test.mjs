// web/shared/keras-form.js: the editor's form of a network ↔ the Keras / TF.js layer config, over
// the engine's layer schema. The configs it writes must build in the engine (and in TensorFlow.js),
// and what the engine writes back must read as the same form, layer names included. Needs
// public/wasm (npm run build:wasm).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { loadModule } from '../../../wasm/node.mjs';
import {
  createForm, toKerasConfig, fromKerasConfig, sameArchitecture, defaultNames, freshName, snakeCase,
  regularizerValue, regularizerKind,
} from '../../../web/shared/keras-form.js';

let m;
let form;
let schema;
let architectures;
before(async () => {
  m = await loadModule('simd');
  schema = JSON.parse(m.layerSchema());
  form = createForm(schema);
  architectures = JSON.parse(m.architectures());
});

/** The engine's own description of a network built from a config. */
function engineTopology(config) {
  const e = new m.Engine();
  try {
    e.buildModel(JSON.stringify(config), 1);
    return e.topology();
  } finally {
    e.delete();
  }
}

/** The engine's analysis of a config (valid, params, per-layer errors). */
const analyse = (config) => JSON.parse(m.analyse(JSON.stringify(config), '{}'));

/** A layer of `type` with the editor's starting values and some fields changed. */
const layer = (type, name, fields = {}) => ({ ...form.newLayer(type), name, ...fields });

/**
 * Every layer kind the engine knows, each with fields away from their defaults: a network that
 * builds (28×28×1 → 10 classes).
 */
function everyLayer() {
  const he = (seed) => ({ class_name: 'HeNormal', config: { seed } });
  return [
    layer('Conv2D', 'conv', { filters: 8, kernel_size: [3, 5], strides: [1, 1], padding: 'same', dilation_rate: [2, 2], use_bias: false,
      activation: 'linear', kernel_initializer: he(7), kernel_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 1e-4 } } }),
    layer('BatchNormalization', 'bn', { momentum: 0.9, epsilon: 1e-5, center: false, scale: true,
      gamma_regularizer: { class_name: 'L1L2', config: { l1: 1e-5, l2: 0 } } }),
    layer('ReLU', 'relu_cap', { max_value: 6, negative_slope: 0.1, threshold: 0 }),
    layer('LeakyReLU', 'leaky', { alpha: 0.2 }),
    layer('ZeroPadding2D', 'pad', { padding: [[1, 2], [0, 1]] }),
    layer('DepthwiseConv2D', 'depthwise', { kernel_size: [3, 3], depth_multiplier: 2, activation: 'elu',
      depthwise_initializer: { class_name: 'GlorotNormal', config: { seed: 3 } } }),
    layer('SeparableConv2D', 'separable', { filters: 12, kernel_size: [3, 3], padding: 'same', activation: 'selu',
      pointwise_regularizer: { class_name: 'L1L2', config: { l1: 0.001, l2: 0.002 } } }),
    layer('SpatialDropout2D', 'spatial', { rate: 0.1 }),
    layer('AveragePooling2D', 'avg', { pool_size: [2, 2], strides: null, padding: 'same' }),
    layer('MaxPooling2D', 'max', { pool_size: [3, 3], strides: [1, 1], padding: 'valid' }),
    layer('Activation', 'gelu', { activation: 'gelu' }),
    layer('Dropout', 'drop', { rate: 0.3 }),
    layer('GlobalMaxPooling2D', 'gmp', { keepdims: true }),
    layer('GlobalAveragePooling2D', 'gap', { keepdims: false }),
    layer('Flatten', 'flat'),
    layer('Dense', 'head', { units: 10, activation: 'softmax', bias_initializer: { class_name: 'Constant', config: { value: 0.1 } } }),
  ];
}

describe('keras-form: the form over the engine schema', () => {
  it('offers every layer kind and field the engine knows, and nothing else', () => {
    assert.deepEqual(form.types, schema.map((k) => k.class_name));
    for (const type of ['BatchNormalization', 'DepthwiseConv2D', 'SeparableConv2D', 'GlobalAveragePooling2D', 'LeakyReLU', 'ReLU']) {
      assert.ok(form.types.includes(type), type);
    }
    const keys = (type) => form.fieldsOf(type).map((f) => f.name);
    assert.ok(keys('BatchNormalization').includes('momentum') && keys('BatchNormalization').includes('center'));
    assert.ok(keys('ReLU').includes('max_value'));
    assert.deepEqual(keys('LeakyReLU'), ['alpha']);
    assert.ok(keys('Conv2D').includes('kernel_regularizer') && keys('Conv2D').includes('use_bias'));
    assert.ok(keys('SeparableConv2D').includes('depth_multiplier'));
    assert.deepEqual(form.fieldsOf('LSTM'), []);
  });

  it('uses every layer kind: the config builds, and reads back through the engine as the same form', () => {
    const layers = everyLayer();
    assert.deepEqual(new Set(layers.map((l) => l.type)), new Set(form.types), 'the network uses every kind');
    const config = toKerasConfig(layers, { name: 'Every_Layer' });
    assert.deepEqual(fromKerasConfig(JSON.stringify(config)).layers, layers);
    const verdict = analyse(config);
    assert.equal(verdict.error, null);
    assert.equal(verdict.valid, true);
    const back = form.read(engineTopology(config)).layers;
    assert.deepEqual(back, layers);
    assert.ok(sameArchitecture(back, layers));
  });

  it('every ready architecture: completed from its config as the engine writes it back', () => {
    assert.deepEqual(architectures.map((a) => a.name), ['Basic_CNN', 'Basic_CNN_BN', 'AllConv_GAP', 'LeNet5']);
    for (const { name, config } of architectures) {
      const { layers, inputShape } = form.read(config);
      assert.deepEqual(inputShape, [28, 28, 1], name);
      const rebuilt = toKerasConfig(layers, { name });
      assert.equal(analyse(rebuilt).total_params, analyse(config).total_params, name);
      assert.deepEqual(form.read(engineTopology(rebuilt)).layers, layers, name);
      assert.deepEqual(fromKerasConfig(rebuilt).layers, layers, name);
      // The engine's Basic_CNN (its default model) is the first of them.
      if (name === 'Basic_CNN') {
        const e = new m.Engine();
        assert.ok(sameArchitecture(form.read(e.topology()).layers, layers));
        e.delete();
      }
    }
  });

  it('reads the shipped TF.js model.json as the engine\'s Basic_CNN', () => {
    const json = fs.readFileSync(new URL('../../../public/models/basic-cnn/model.json', import.meta.url), 'utf8');
    const basic = form.read(architectures[0].config).layers;
    assert.equal(basic.length, 12);
    assert.ok(sameArchitecture(form.read(json).layers, basic));
    assert.deepEqual(form.read(json).inputShape, [28, 28, 1]);
  });

  it("completes Keras' other spellings and left-out fields as the engine reads them", () => {
    const config = { class_name: 'Sequential', config: { layers: [
      { class_name: 'Conv2D', config: { name: 'c', filters: 4, kernel_size: 3, kernel_initializer: 'he_normal', kernel_regularizer: 'l2' } },
      { class_name: 'MaxPooling2D', config: { name: 'p', pool_size: 3, strides: null } },
      { class_name: 'ZeroPadding2D', config: { name: 'z', padding: 1 } },
      { class_name: 'Flatten', config: { name: 'f' } },
      { class_name: 'Dense', config: { name: 'd', units: 10, activation: null, bias_regularizer: { class_name: 'L1', config: { l1: 0.5 } } } },
      { class_name: 'Activation', config: { name: 'a', activation: 'softmax' } },
    ] } };
    const { layers } = form.read(config);
    assert.deepEqual(layers[0].kernel_size, [3, 3]);
    assert.deepEqual(layers[0].kernel_initializer, { class_name: 'HeNormal', config: { seed: null } });
    assert.deepEqual(layers[0].kernel_regularizer, { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } });
    assert.equal(layers[1].strides, null, "strides None: the pool's size");
    assert.deepEqual(layers[2].padding, [[1, 1], [1, 1]]);
    assert.equal(layers[4].activation, 'linear');
    assert.deepEqual(layers[4].bias_regularizer, { class_name: 'L1L2', config: { l1: 0.5, l2: 0 } });
    // ... which is what the engine makes of the config.
    assert.deepEqual(form.read(engineTopology(config)).layers, layers);
  });

  it('keeps the names of an imported config, and gives them back on export', () => {
    const config = toKerasConfig(everyLayer());
    const names = config.config.layers.map((l) => l.config.name);
    assert.equal(names[0], 'conv');
    assert.deepEqual(toKerasConfig(fromKerasConfig(config).layers).config.layers.map((l) => l.config.name), names);
  });

  it("gives layers without a name Keras' default names", () => {
    assert.deepEqual(form.read(architectures[0].config).layers.map((l) => l.name).slice(0, 4), ['conv2d', 'conv2d_1', 'max_pooling2d', 'dropout']);
  });

  it('holds any value of a field for the engine to judge, and the engine names layer and field', () => {
    const odd = [layer('Conv2D', 'c', { filters: -1, padding: 'full' }), layer('BatchNormalization', 'bn', { momentum: 'fast' }),
      layer('Dense', 'x', { units: null, kernel_regularizer: { class_name: 'L1L2', config: { l1: -1, l2: 0 } } }), { type: 'LSTM', name: 'lstm', units: 3 }];
    assert.deepEqual(fromKerasConfig(toKerasConfig(odd)).layers, odd);
    assert.deepEqual(form.read(toKerasConfig(odd)).layers, odd, 'completing changes nothing the engine must judge');
    const verdict = analyse(toKerasConfig(odd));
    assert.equal(verdict.valid, false);
    const blamed = verdict.layers.map((l) => [l.name, l.field]);
    assert.deepEqual(blamed, [['c', 'filters'], ['bn', 'momentum'], ['x', 'units'], ['lstm', 'class_name']]);
    assert.match(verdict.layers[3].error, /unknown layer class 'LSTM'/);
  });

  it('refuses what is no model config, naming the problem', () => {
    assert.throws(() => fromKerasConfig('{"nothing": 1}'), /config.layers/);
    assert.throws(() => fromKerasConfig({ class_name: 'Sequential', config: { layers: [{ config: {} }] } }), /layer 1 has no "class_name"/);
    assert.throws(() => fromKerasConfig('{"class_name": '), SyntaxError);
  });
});

describe('keras-form: one spelling for each value, as the engine writes it back', () => {
  it("holds a pool's strides as null where they are its size (Keras' None)", () => {
    const pool = (config) => form.read({ class_name: 'Sequential', config: { layers: [{ class_name: 'MaxPooling2D', config: config }] } }).layers[0].strides;
    assert.equal(pool({ pool_size: 3 }), null);
    assert.equal(pool({ pool_size: [3, 3], strides: 3 }), null);
    assert.equal(pool({ pool_size: 3, strides: [3, 3] }), null);
    assert.deepEqual(pool({ pool_size: 3, strides: 1 }), [1, 1]);
    assert.equal(form.newLayer('AveragePooling2D').strides, null);
    // Also without the schema: the engine's topology, which writes them out, reads the same.
    assert.equal(fromKerasConfig({ class_name: 'Sequential', config: { layers: [{ class_name: 'MaxPooling2D', config: { pool_size: [2, 2], strides: [2, 2] } }] } }).layers[0].strides, null);
    const e = new m.Engine();
    assert.ok(sameArchitecture(fromKerasConfig(e.topology()).layers, form.read(architectures[0].config).layers));
    e.delete();
    assert.deepEqual(form.read({ class_name: 'Sequential', config: { layers: [{ class_name: 'Conv2D', config: {} }] } }).layers[0].strides, [1, 1]);
  });

  it('reads every spelling of a regularizer, and names the kind', () => {
    const l1l2 = (l1, l2) => ({ class_name: 'L1L2', config: { l1, l2 } });
    assert.deepEqual(regularizerValue('l1'), l1l2(0.01, 0));
    assert.deepEqual(regularizerValue({ class_name: 'L2', config: { l2: 0.001 } }), l1l2(0, 0.001));
    assert.deepEqual(regularizerValue({ class_name: 'L1L2', config: { l1: 0.1 } }), l1l2(0.1, 0));
    assert.equal(regularizerValue({ class_name: 'L1L2', config: { l1: 0, l2: 0 } }), null);
    assert.equal(regularizerValue(null), null);
    assert.equal(regularizerValue('max_norm'), 'max_norm', 'kept for the engine to refuse');
    assert.deepEqual([null, l1l2(0.1, 0), l1l2(0, 0.1), l1l2(0.1, 0.2)].map(regularizerKind), ['', 'L1', 'L2', 'L1L2']);
  });
});

describe('keras-form: TensorFlow.js builds the configs it writes', () => {
  let tf;
  let warn;
  before(async () => {
    warn = console.warn;
    console.warn = () => {}; // tfjs suggests installing its Node bindings
    tf = await import('@tensorflow/tfjs');
  });
  after(() => {
    console.warn = warn;
  });

  it('every ready architecture, into the model the engine builds', async () => {
    for (const { name, config } of architectures) {
      const layers = form.read(config).layers;
      const keras = toKerasConfig(layers, { name });
      const model = await tf.models.modelFromJSON({ modelTopology: keras });
      const e = new m.Engine();
      e.buildModel(JSON.stringify(keras), 1);
      const summary = JSON.parse(e.summary());
      e.delete();
      assert.deepEqual(model.layers.map((l) => l.name), layers.map((l) => l.name), name);
      assert.deepEqual(model.layers.map((l) => [null, ...l.outputShape.slice(1)]), summary.layers.map((l) => l.output_shape), name);
      assert.equal(model.countParams(), summary.total_params, name);
      model.dispose();
    }
  });
});

describe('keras-form: names', () => {
  it('spells class names as Keras does', () => {
    assert.deepEqual(['Conv2D', 'MaxPooling2D', 'Dense', 'BatchNormalization', 'GlobalAveragePooling2D', 'ReLU'].map(snakeCase),
      ['conv2d', 'max_pooling2d', 'dense', 'batch_normalization', 'global_average_pooling2d', 're_lu']);
  });

  it('names by position, and new layers apart from the names taken', () => {
    assert.deepEqual(defaultNames(['Conv2D', 'Conv2D', 'MaxPooling2D', 'Conv2D']), ['conv2d', 'conv2d_1', 'max_pooling2d', 'conv2d_2']);
    assert.equal(freshName('Conv2D', ['conv2d', 'conv2d_1', 'conv2d_3']), 'conv2d_2');
    assert.equal(form.newLayer('Dense', ['dense']).name, 'dense_1');
  });

  it('starts every layer kind with values the engine builds, as the engine writes them', () => {
    // Global pooling keeps its dimensions and windows pad, so that every kind can follow any.
    const layers = form.types.filter((t) => t !== 'Dense' && t !== 'Flatten').map((t) => form.newLayer(t));
    for (const l of layers) {
      if (l.type.startsWith('Global')) l.keepdims = true;
      if (l.padding === 'valid') l.padding = 'same';
    }
    layers.push(form.newLayer('Flatten'), layer('Dense', 'out', { units: 10, activation: 'softmax' }));
    const config = toKerasConfig(layers);
    assert.equal(analyse(config).error, null);
    assert.deepEqual(form.read(engineTopology(config)).layers, layers);
  });
});
