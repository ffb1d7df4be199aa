// web/shared/keras-form.js: the editor's form of a network ↔ the Keras / TF.js layer config. The
// configs it writes must build in the engine and in TensorFlow.js, and what the engine writes
// back must read as the same form, layer names included. Needs public/wasm (npm run build:wasm).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { loadModule } from '../../../wasm/node.mjs';
import {
  newLayer, toKerasConfig, fromKerasConfig, sameArchitecture, defaultNames, freshName, snakeCase, LAYER_TYPES,
} from '../../../web/shared/keras-form.js';

const conv = (name, filters, kernel_size = 3, strides = 1, padding = 'same', activation = 'relu') =>
  ({ type: 'Conv2D', name, filters, kernel_size, strides, padding, activation });
const pool = (name, pool_size = 2, strides = null, padding = 'valid') => ({ type: 'MaxPooling2D', name, pool_size, strides, padding });
const dense = (name, units, activation = 'relu') => ({ type: 'Dense', name, units, activation });
const flatten = (name = 'flatten') => ({ type: 'Flatten', name });

// Every field and layer type at least once, with names of the user's own.
const NETWORKS = {
  'named layers': [conv('conv_big', 8, 5, 2, 'valid'), pool('pool_a', 3, 2), { type: 'Dropout', name: 'drop', rate: 0.3 },
    flatten('flat'), dense('head', 10, 'softmax')],
  'Activation, Dropout 0.7 and a linear conv': [conv('conv2d', 5, 3, 1, 'valid', 'linear'), { type: 'Activation', name: 'activation', activation: 'tanh' },
    { type: 'Dropout', name: 'dropout', rate: 0.7 }, flatten(), dense('dense', 10, 'softmax')],
  "pool 'same' with its default strides": [conv('conv2d', 6, 3, 1, 'valid'), pool('max_pooling2d', 3, null, 'same'), flatten(), dense('dense', 10, 'softmax')],
  'dense only': [flatten(), dense('dense', 32, 'sigmoid'), dense('dense_1', 10, 'softmax')],
};

let m;
before(async () => {
  m = await loadModule('simd');
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

describe('keras-form: the editor form and the Keras config', () => {
  for (const [title, layers] of Object.entries(NETWORKS)) {
    it(`${title}: form → Keras → form, and through the engine`, () => {
      const config = toKerasConfig(layers);
      assert.deepEqual(fromKerasConfig(JSON.stringify(config)).layers, layers);
      // The engine builds it and describes it back with the same layers and names.
      assert.deepEqual(fromKerasConfig(engineTopology(config)).layers, layers);
    });
  }

  it('keeps the names of an imported config, and gives them back on export', () => {
    const config = toKerasConfig(NETWORKS['named layers']);
    const names = config.config.layers.map((l) => l.config.name);
    assert.deepEqual(names, ['conv_big', 'pool_a', 'drop', 'flat', 'head']);
    const imported = fromKerasConfig(JSON.stringify(config)).layers;
    assert.deepEqual(toKerasConfig(imported).config.layers.map((l) => l.config.name), names);
  });

  it("gives layers without a name Keras' default names", () => {
    const config = toKerasConfig(NETWORKS['dense only']);
    for (const l of config.config.layers) delete l.config.name;
    assert.deepEqual(fromKerasConfig(config).layers.map((l) => l.name), ['flatten', 'dense', 'dense_1']);
  });

  it("reads the shipped TF.js model.json as the engine's Basic_CNN", () => {
    const json = fs.readFileSync(new URL('../../../public/models/basic-cnn/model.json', import.meta.url), 'utf8');
    const e = new m.Engine(); // its default model is Basic_CNN
    const basic = fromKerasConfig(e.topology()).layers;
    e.delete();
    assert.equal(basic.length, 12);
    assert.ok(sameArchitecture(fromKerasConfig(json).layers, basic));
    assert.deepEqual(fromKerasConfig(json).inputShape, [28, 28, 1]);
  });

  it("uses Keras' defaults for fields a config leaves out", () => {
    const { layers } = fromKerasConfig({ class_name: 'Sequential', config: { layers: [
      { class_name: 'Conv2D', config: { name: 'c', filters: 4, kernel_size: 3 } },
      { class_name: 'MaxPool2D', config: { name: 'p' } },
      { class_name: 'ReLU', config: { name: 'r' } },
      { class_name: 'Dense', config: { name: 'd', units: 10 } },
    ] } });
    assert.deepEqual(layers, [
      conv('c', 4, 3, 1, 'valid', 'linear'), pool('p', 2, null, 'valid'),
      { type: 'Activation', name: 'r', activation: 'relu' }, dense('d', 10, 'linear'),
    ]);
  });

  it('holds any value of a field for the engine to judge, empty ones as null', () => {
    const odd = [conv('c', -1, 1e-30, 2.5, 'full', 'gelu'), { type: 'Dropout', name: 'd', rate: 7 }, dense('x', null)];
    assert.deepEqual(fromKerasConfig(toKerasConfig(odd)).layers, odd);
  });

  it('refuses what the form cannot hold, naming the layer and the reason', () => {
    const config = toKerasConfig([conv('wide', 4), flatten(), dense('dense', 10)]);
    config.config.layers[0].config.kernel_size = [3, 5];
    assert.throws(() => fromKerasConfig(config), /layer 'wide': kernel_size 3x5 is not square/);
    config.config.layers[0].config.kernel_size = [3, 3];
    config.config.layers[0].config.dilation_rate = [2, 2];
    assert.throws(() => fromKerasConfig(config), /layer 'wide': the editor holds dilation_rate 1 only/);
    assert.throws(() => fromKerasConfig({ class_name: 'Sequential', config: { layers: [{ class_name: 'LSTM', config: { name: 'lstm' } }] } }),
      /layer 'lstm': the editor has no LSTM layer/);
    assert.throws(() => fromKerasConfig('{"nothing": 1}'), /config.layers/);
    assert.throws(() => fromKerasConfig('{"class_name": '), SyntaxError);
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

  it('into the model the engine builds', async () => {
    for (const layers of [NETWORKS['named layers'], NETWORKS["pool 'same' with its default strides"]]) {
      const config = toKerasConfig(layers);
      const model = await tf.models.modelFromJSON({ modelTopology: config });
      const e = new m.Engine();
      e.buildModel(JSON.stringify(config), 1);
      const summary = JSON.parse(e.summary());
      e.delete();
      assert.deepEqual(model.layers.map((l) => l.name), layers.map((l) => l.name));
      assert.deepEqual(model.layers.map((l) => [null, ...l.outputShape.slice(1)]), summary.layers.map((l) => l.output_shape));
      assert.equal(model.countParams(), summary.total_params);
      model.dispose();
    }
  });
});

describe('keras-form: names', () => {
  it("spells class names as Keras does", () => {
    assert.deepEqual(['Conv2D', 'MaxPooling2D', 'Dense', 'BatchNormalization', 'GlobalAveragePooling2D', 'ReLU'].map(snakeCase),
      ['conv2d', 'max_pooling2d', 'dense', 'batch_normalization', 'global_average_pooling2d', 're_lu']);
  });

  it('names by position, and new layers apart from the names taken', () => {
    assert.deepEqual(defaultNames(['Conv2D', 'Conv2D', 'MaxPooling2D', 'Conv2D']), ['conv2d', 'conv2d_1', 'max_pooling2d', 'conv2d_2']);
    assert.equal(freshName('Conv2D', ['conv2d', 'conv2d_1', 'conv2d_3']), 'conv2d_2');
    assert.equal(newLayer('Dense', ['dense']).name, 'dense_1');
  });

  it('starts every layer type with values the engine builds', () => {
    const layers = [...LAYER_TYPES.filter((t) => t !== 'Dense').map((t) => newLayer(t)), dense('out', 10, 'softmax')];
    assert.doesNotThrow(() => engineTopology(toKerasConfig(layers)));
  });
});
