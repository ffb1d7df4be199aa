// The engine's judgement of a network from JavaScript, without an Engine: Module.analyse and
// Module.limits in both builds, agreeing with the native CLI and with what Engine.buildModel does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadModule, root } from '../../wasm/node.mjs';

const native = path.join(root, 'build/native/cnn');
const MiB = 2 ** 20;
const builds = {};

before(async () => {
  builds.simd = await loadModule('simd');
  builds.threads = await loadModule('threads');
});

after(() => builds.threads?.PThread.terminateAllThreads());

const conv = (filters, kernel, extra = {}) => ({
  class_name: 'Conv2D',
  config: { filters, kernel_size: kernel, padding: 'same', activation: 'relu', ...extra },
});
const flatten = { class_name: 'Flatten', config: {} };
const dense = (units, activation = 'linear', extra = {}) => ({ class_name: 'Dense', config: { units, activation, ...extra } });
const sequential = (layers, name = 'test') => JSON.stringify({ class_name: 'Sequential', config: { name, layers } });
const analyse = (build, config, options = {}) => JSON.parse(builds[build].analyse(config, JSON.stringify(options)));

/** The Basic_CNN topology as the engine writes it. */
function basicCnn() {
  const e = new builds.simd.Engine();
  const topology = e.topology();
  e.delete();
  return topology;
}

for (const build of ['simd', 'threads']) {
  test(`${build}: limits() states the engine's bounds, memory_limit being this build's`, () => {
    const limits = JSON.parse(builds[build].limits());
    assert.deepEqual(limits.batch_size, [1, 4096]);
    assert.deepEqual(limits.epochs, [1, 1000]);
    assert.deepEqual(limits.learning_rate, [1e-6, 10]);
    assert.deepEqual(limits.dropout_rate, [0, 1]);
    assert.deepEqual(limits.exclusive_max, ['dropout_rate', 'momentum', 'beta', 'rho', 'validation_split', 'reduce_factor']);
    assert.deepEqual(limits.classes, [10, 10]);
    assert.deepEqual(limits.filters, [1, 65536]);
    assert.deepEqual(limits.window, [1, 4096]);
    const e = new builds[build].Engine();
    assert.equal(limits.memory_limit, e.memoryLimit());
    e.delete();
    if (build === 'simd') assert.equal(limits.memory_limit, 1536 * MiB);
    else assert.ok(limits.memory_limit > 400 * MiB && limits.memory_limit < 512 * MiB, `${limits.memory_limit / MiB} MiB`);
  });

  test(`${build}: analyse() gives Basic_CNN's shapes, counts and summary`, () => {
    const a = analyse(build, basicCnn());
    assert.equal(a.valid, true);
    assert.equal(a.error, null);
    assert.equal(a.name, 'Basic_CNN');
    assert.deepEqual(a.input_shape, [28, 28, 1]);
    assert.equal(a.total_params, 1676266);
    assert.equal(a.trainable_params, 1676266);
    assert.equal(a.non_trainable_params, 0);
    assert.deepEqual(a.layers.map((l) => l.name), [
      'conv2d', 'conv2d_1', 'max_pooling2d', 'dropout', 'conv2d_2', 'conv2d_3', 'max_pooling2d_1', 'dropout_1', 'flatten',
      'dense', 'dropout_2', 'dense_1',
    ]);
    assert.deepEqual(a.layers[6], {
      name: 'max_pooling2d_1', class_name: 'MaxPooling2D', output_shape: [null, 7, 7, 64], params: 0, trainable_params: 0,
      error: null, field: null,
    });
    assert.match(a.summary, /^Model: "Basic_CNN"\n/);
    assert.match(a.summary, /Total params: 1,676,266\n/);
    // The estimate the memory verdict uses: about 50 MiB at batch 32.
    assert.ok(a.training_bytes > 45 * MiB && a.training_bytes < 55 * MiB, `${a.training_bytes / MiB} MiB`);
  });

  test(`${build}: a refused layer names the field, in the words Engine.buildModel throws`, () => {
    const config = sequential([conv(8, 3), { class_name: 'MaxPooling2D', config: { pool_size: 2 } }, conv(8, 20, { padding: 'valid' }),
      flatten, dense(10, 'softmax')]);
    const a = analyse(build, config);
    assert.equal(a.valid, false);
    assert.equal(a.layers[2].field, 'kernel_size');
    assert.equal(a.layers[2].error, "a 20x20 'valid' window does not fit the 14x14 input (None, 14, 14, 8); use padding 'same' or a smaller window");
    assert.equal(a.error, `conv2d_1 (Conv2D): ${a.layers[2].error}`);
    assert.deepEqual(a.layers[1].output_shape, [null, 14, 14, 8]);
    assert.equal(a.layers[3].output_shape, null);
    const e = new builds[build].Engine();
    assert.throws(() => e.buildModel(config, 1), { message: `Conv2D 'conv2d_1': ${a.layers[2].error}` });
    e.delete();
  });

  test(`${build}: a model too big to train is judged without allocating it`, () => {
    const before = builds[build].heapBytesInUse();
    const a = analyse(build, sequential([flatten, dense(1000000000), dense(10, 'softmax')]));
    // 785 billion weights would be 3 TB; the analysis holds a few strings.
    assert.ok(builds[build].heapBytesInUse() - before < MiB, `heap grew by ${builds[build].heapBytesInUse() - before} bytes`);
    assert.equal(a.valid, false);
    assert.equal(a.layers[1].params, 785000000000);
    assert.deepEqual(a.layers[1].output_shape, [null, 1000000000]);
    assert.match(a.layers[1].error, /^brings the model to 785,000,000,000 parameters, which would need about [\d.e+]+ GiB for training; the limit is [\d.]+ (MiB|GiB)$/);
  });
}

test('the main-thread instance judges with the worker engine\'s limit', () => {
  // Flatten → Dense(50,000) → Dense(10) needs about 611 MiB: within the SIMD build's limit, over the threads build's.
  const wide = sequential([flatten, dense(50000), dense(10, 'softmax')]);
  const worker = new builds.threads.Engine();
  assert.equal(analyse('simd', wide).valid, true);
  const judged = analyse('simd', wide, { memory_limit: worker.memoryLimit() });
  assert.equal(judged.valid, false);
  assert.equal(judged.memory_limit, worker.memoryLimit());
  assert.deepEqual(judged, analyse('threads', wide));
  assert.throws(() => worker.buildModel(wide, 1), (err) => err.message === `Dense 'dense' (None, 50000) ${judged.layers[1].error}`);
  worker.delete();
});

test('bad descriptions and options are reported in the analysis, never thrown', () => {
  let a = analyse('simd', '{nope');
  assert.equal(a.valid, false);
  assert.match(a.error, /^the model description is not valid JSON/);
  assert.deepEqual(a.layers, []);
  a = JSON.parse(builds.simd.analyse(basicCnn(), '{"classes": 3}'));
  assert.equal(a.valid, false);
  assert.match(a.error, /the analysis option classes must be 10/);
  a = JSON.parse(builds.simd.analyse(basicCnn(), 'not json'));
  assert.match(a.error, /the analysis options are not valid JSON/);
  a = analyse('simd', basicCnn(), { input_shape: [32, 32, 1] });
  assert.equal(a.error, 'the model takes (None, 28, 28, 1) inputs but the images are (None, 32, 32, 1)');
  a = analyse('simd', sequential([flatten, dense(7, 'softmax')]));
  assert.equal(a.layers[1].field, 'units');
  assert.match(a.error, /the last layer must give 10 numbers, one per class, but gives \(None, 7\)/);
});

test('the names a config gives survive analysis, building and the topology', () => {
  const config = sequential([conv(4, 3, { name: 'conv_big' }), flatten, dense(10, 'softmax', { name: 'scores' })], 'my_net');
  const a = analyse('simd', config);
  assert.deepEqual(a.layers.map((l) => l.name), ['conv_big', 'flatten', 'scores']);
  const e = new builds.simd.Engine();
  e.buildModel(config, 1);
  // The model's summary is its analysis, less the verdict (a model the engine built is valid).
  const { valid, error, ...analysis } = a;
  assert.deepEqual([valid, error], [true, null]);
  assert.deepEqual(JSON.parse(e.summary()), analysis);
  const topology = JSON.parse(e.topology());
  assert.equal(topology.config.name, 'my_net');
  assert.deepEqual(topology.config.layers.map((l) => l.config.name), ['conv_big', 'flatten', 'scores']);
  const saved = e.saveModel();
  e.loadModel(saved.modelJson, saved.weights);
  assert.deepEqual(JSON.parse(e.topology()), topology);
  e.delete();
});

test('the wasm analysis is the native one (cnn summary --json)', () => {
  assert.ok(fs.existsSync(native), `${native} is missing: build the native preset first (npm run build:native)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-analysis-'));
  for (const config of [basicCnn(), sequential([conv(8, 3), conv(8, 30, { padding: 'valid' }), flatten, dense(10, 'softmax')])]) {
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, config);
    let out;
    try {
      out = execFileSync(native, ['summary', '--model', file, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch (err) {
      out = err.stdout; // exit 1 for a model it refuses, the analysis still printed
    }
    assert.deepEqual(JSON.parse(out), analyse('simd', config));
  }
  fs.rmSync(dir, { recursive: true });
});
