// The page's DOM-free architecture module (web/architecture.js) against the engine it mirrors:
// shapes, parameter counts and refusals must match the engine's summary() and buildModel(); the
// exported Keras config must build in the engine and in TensorFlow.js; the URL text round-trips.
// Needs public/wasm (npm run build:wasm). Run by `node --test tests/browser/`.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadModule } from '../../wasm/node.mjs';
import {
  analyse, basicCnn, newLayer, toKerasConfig, fromKerasConfig, encodeArchitecture, decodeArchitecture, windowOutput,
} from '../../web/architecture.js';
import { parseState, serialiseState, validateState, layersOf } from '../../web/state.js';

const conv = (filters, kernelSize = 3, strides = 1, padding = 'same', activation = 'relu') =>
  ({ type: 'Conv2D', filters, kernelSize, strides, padding, activation });
const pool = (poolSize = 2, strides = null, padding = 'valid') => ({ type: 'MaxPooling2D', poolSize, strides, padding });
const dense = (units, activation = 'relu') => ({ type: 'Dense', units, activation });
const flatten = { type: 'Flatten' };
const head = [flatten, dense(10, 'softmax')];

// Architectures that build: every rule of the size arithmetic appears at least once.
const VALID = {
  'Basic_CNN': basicCnn(),
  'valid 5x5, stride 2 (floor((28-5)/2)+1 = 12)': [conv(8, 5, 2, 'valid'), ...head],
  "'same' with stride 3 (ceil(28/3) = 10)": [conv(4, 3, 3, 'same'), ...head],
  'pool 3, strides 2, valid (floor((28-3)/2)+1 = 13)': [conv(6, 3, 1, 'valid'), pool(3, 2), ...head],
  "pool 3 'same' (ceil(26/3) = 9)": [conv(6, 3, 1, 'valid'), pool(3, null, 'same'), ...head],
  'Activation, Dropout and a linear conv': [conv(5, 3, 1, 'valid', 'linear'), { type: 'Activation', activation: 'tanh' }, { type: 'Dropout', rate: 0.7 }, ...head],
  'dense only': [flatten, dense(32, 'sigmoid'), dense(10, 'softmax')],
  'conv down to 1x1': [conv(16, 7, 7, 'valid'), conv(10, 4, 1, 'valid', 'linear'), flatten, { type: 'Activation', activation: 'softmax' }],
};

// Architectures the engine refuses, with the layer (index) that the page must blame.
const INVALID = {
  // 28 → 14 → 7 → 3 → 1: no room for a 3x3 'valid' window.
  'a 3x3 valid window on 1x1': { layers: [pool(2), pool(2), pool(2), pool(2), conv(4, 3, 1, 'valid'), ...head], blame: 4, param: 'kernelSize' },
  'Dense before Flatten': { layers: [conv(4), dense(10, 'softmax')], blame: 1 },
  'Conv2D after Flatten': { layers: [flatten, conv(4), ...head], blame: 1 },
  'pool larger than its input': { layers: [conv(4, 5, 5, 'valid'), pool(8), ...head], blame: 1, param: 'poolSize' },
  // 28·28·1024 = 802,816 inputs × 2,048 units: 1.6 billion weights.
  'far too big to train': { layers: [conv(1024), flatten, dense(2048), dense(10, 'softmax')], blame: 2 },
};

let m;
before(async () => {
  m = await loadModule('simd');
});

/** The engine's summary of a layer list, or the message it throws. */
function engineSummary(layers) {
  const e = new m.Engine();
  try {
    e.buildModel(JSON.stringify(toKerasConfig(layers)), 1);
    return JSON.parse(e.summary());
  } catch (err) {
    return { error: err.message };
  } finally {
    e.delete();
  }
}

describe('architecture: shapes and parameters as the engine computes them', () => {
  for (const [title, layers] of Object.entries(VALID)) {
    it(title, () => {
      const ours = analyse(layers);
      assert.equal(ours.valid, true, ours.error);
      const engine = engineSummary(layers);
      assert.equal(engine.error, undefined, engine.error);
      assert.deepEqual(ours.rows.map((r) => [r.name, [null, ...r.outputShape], r.params]),
        engine.layers.map((l) => [l.name, l.output_shape, l.params]));
      assert.equal(ours.totalParams, engine.total_params);
    });
  }

  it('Basic_CNN has 1,676,266 parameters and ends in (None, 10)', () => {
    const { totalParams, rows } = analyse(basicCnn());
    assert.equal(totalParams, 1_676_266);
    assert.deepEqual(rows.map((r) => r.outputShape.join('x')), [
      '28x28x32', '28x28x32', '14x14x32', '14x14x32', '14x14x64', '14x14x64', '7x7x64', '7x7x64', '3136', '512', '512', '10',
    ]);
  });

  it('the size rules: valid floor((n-k)/s)+1, same ceil(n/s)', () => {
    assert.equal(windowOutput(28, 3, 1, 'valid'), 26);
    assert.equal(windowOutput(28, 5, 2, 'valid'), 12);
    assert.equal(windowOutput(28, 3, 1, 'same'), 28);
    assert.equal(windowOutput(28, 3, 3, 'same'), 10);
    assert.equal(windowOutput(7, 2, 2, 'valid'), 3);
  });
});

describe('architecture: impossible shapes are refused on the right layer, as the engine does', () => {
  for (const [title, { layers, blame, param }] of Object.entries(INVALID)) {
    it(title, () => {
      const ours = analyse(layers);
      assert.equal(ours.valid, false);
      assert.equal(ours.firstError, blame, ours.error);
      if (param) assert.equal(ours.rows[blame].param, param);
      const engine = engineSummary(layers);
      assert.ok(engine.error, 'the engine refuses it too');
      // The engine names the same layer (Keras names agree).
      assert.match(engine.error, new RegExp(`'${ours.rows[blame].name}'`));
    });
  }

  it('a last layer that does not give 10 classes is refused', () => {
    const ours = analyse([flatten, dense(7, 'softmax')]);
    assert.equal(ours.valid, false);
    assert.equal(ours.firstError, 1);
    assert.equal(ours.rows[1].param, 'units');
  });

  it("a model too big for the engine's memory limit is refused in the same words as the engine", async () => {
    // Flatten → Dense(50,000) needs about 611 MiB: over the threads build's limit, not the default.
    const wide = [flatten, dense(50000), dense(10, 'softmax')];
    assert.equal(analyse(wide).valid, true);
    const threads = await loadModule('threads');
    const e = new threads.Engine();
    try {
      const ours = analyse(wide, { memoryLimit: e.memoryLimit() });
      assert.equal(ours.firstError, 1);
      assert.throws(() => e.buildModel(JSON.stringify(toKerasConfig(wide)), 1), (err) => err.message.endsWith(ours.rows[1].error));
      assert.match(ours.rows[1].error, /^brings the model to 39,250,000 parameters, which would need about 611 MiB for training; the limit is \d+ MiB$/);
    } finally {
      e.delete();
      threads.PThread.terminateAllThreads();
    }
  });

  it('bad parameter values name the parameter', () => {
    const ours = analyse([{ ...conv(0) }, ...head]);
    assert.equal(ours.rows[0].param, 'filters');
    assert.equal(analyse([{ type: 'Dropout', rate: 1 }, ...head]).rows[0].param, 'rate');
    assert.equal(analyse([{ ...conv(4), padding: 'full' }, ...head]).rows[0].param, 'padding');
  });
});

describe('architecture: Keras / TF.js config', () => {
  it('round-trips through the Keras config and the engine topology', () => {
    for (const layers of Object.values(VALID)) {
      assert.deepEqual(fromKerasConfig(JSON.stringify(toKerasConfig(layers))).layers, layers);
      const e = new m.Engine();
      e.buildModel(JSON.stringify(toKerasConfig(layers)), 1);
      assert.deepEqual(fromKerasConfig(e.topology()).layers, layers, 'the engine describes the same layers');
      e.delete();
    }
  });

  it('reads the shipped TF.js model.json', async () => {
    const fs = await import('node:fs');
    const json = fs.readFileSync(new URL('../../public/models/basic-cnn/model.json', import.meta.url), 'utf8');
    assert.deepEqual(fromKerasConfig(json).layers, basicCnn());
  });

  it('is a config TensorFlow.js builds into the same model', async () => {
    const tf = await import('@tensorflow/tfjs');
    const warn = console.warn;
    console.warn = () => {}; // tfjs suggests installing its Node bindings
    try {
      for (const layers of [basicCnn(), VALID['pool 3, strides 2, valid (floor((28-3)/2)+1 = 13)']]) {
        const model = await tf.models.modelFromJSON({ modelTopology: toKerasConfig(layers) });
        assert.equal(model.countParams(), analyse(layers).totalParams);
        assert.deepEqual(model.layers.map((l) => l.outputShape.slice(1)), analyse(layers).rows.map((r) => r.outputShape));
        model.dispose();
      }
    } finally {
      console.warn = warn;
    }
  });

  it('refuses configs it cannot represent, with the reason', () => {
    const cfg = toKerasConfig([conv(4), ...head]);
    cfg.config.layers[0].config.kernel_size = [3, 5];
    assert.throws(() => fromKerasConfig(cfg), /not square/);
    assert.throws(() => fromKerasConfig({ class_name: 'Sequential', config: { layers: [{ class_name: 'LSTM', config: {} }] } }), /LSTM is not supported/);
    assert.throws(() => fromKerasConfig('{"nothing": 1}'), /config.layers/);
  });
});

describe('state in the URL', () => {
  it('round-trips architecture, hyper-parameters, seed and language', () => {
    const arch = [conv(8, 5, 2, 'valid'), pool(3, 2), { type: 'Dropout', rate: 0.3 }, ...head];
    const state = validateState({ epochs: 3, batchSize: 64, learningRate: 0.01, optimizer: 'sgd', seed: 1234, lang: 'ko', arch });
    const hash = serialiseState(state);
    assert.match(hash, /arch=C-8-5-2-valid-relu_M-3-2-valid_D-0.3_F_L-10-softmax/);
    const back = parseState(hash);
    assert.deepEqual(back, state);
    assert.deepEqual(layersOf(back), arch);
  });

  it('leaves Basic_CNN and the defaults out of the URL', () => {
    assert.equal(serialiseState(validateState({ arch: basicCnn() })), '');
    assert.deepEqual(layersOf(parseState('')), basicCnn());
  });

  it('keeps an architecture that cannot be built, so the editor can show why', () => {
    const arch = [flatten, conv(4), ...head];
    const back = parseState(serialiseState(validateState({ arch })));
    assert.deepEqual(back.arch, arch);
    assert.equal(analyse(back.arch).valid, false);
  });

  it('ignores an unreadable architecture and bad values', () => {
    const s = parseState('#arch=Q-1-2&seed=-5&lang=fr&batch=0');
    assert.equal(s.arch, null);
    assert.equal(s.seed, 1);
    assert.equal(s.lang, 'en');
    assert.equal(s.batchSize, 32);
  });

  it('encodes every layer type', () => {
    const all = ['Conv2D', 'MaxPooling2D', 'Dropout', 'Flatten', 'Dense', 'Activation'].map(newLayer);
    assert.deepEqual(decodeArchitecture(encodeArchitecture(all)), all);
  });
});
