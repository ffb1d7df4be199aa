// Runs as data (web/shared/runs.js): the curves a run records, the name from what changed since
// the run before, CSV with one row per recorded step, JSON, and what 20 one-epoch runs cost.
// Run by `node --test tests/web/`.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { newRun, withSteps, withValidation, settled, storedRun, lastStep, whatChanged, defaultRunName, runsCsv, runsJson, runBytes } from '../../../web/shared/runs.js';
import { DEFAULT_SETTINGS } from '../../../web/shared/url-state.js';
import { DEFAULT_OPTIONS } from '../../../web/shared/training-options.js';

const shipped = JSON.parse(fs.readFileSync(new URL('../../../public/models/basic-cnn/model.json', import.meta.url), 'utf8'));
/** Basic_CNN's topology, as the engine's topology() writes it. */
const BASIC = JSON.stringify(shipped.modelTopology);
/** Basic_CNN without its Dropout layers, and with 64 filters in its first convolution. */
function edited() {
  const topology = JSON.parse(BASIC);
  topology.config.layers = topology.config.layers.filter((l) => l.class_name !== 'Dropout');
  topology.config.layers[0].config.filters = 64;
  return JSON.stringify(topology);
}

const start = (overrides = {}, topology = BASIC) => newRun({
  id: `run-${Math.random()}`, startedAt: '2026-12-01T00:00:00.000Z', topology,
  settings: { ...DEFAULT_SETTINGS, ...overrides }, data: 'MNIST', build: 'SIMD + 2 threads',
});

describe('runs', () => {
  it('record their curves, wall time, throughput and validation', () => {
    let run = start({ batchSize: 32 });
    assert.equal(run.modelName, 'Basic_CNN');
    // The hyper-parameters, the training options included (the language and build are not the run's).
    assert.deepEqual(run.settings, { epochs: 1, batchSize: 32, learningRate: 0.001, optimizer: 'adam', seed: 1, fresh: true, ...DEFAULT_OPTIONS });
    assert.equal(run.settings.validationSplit, 0.02);
    assert.ok(!('lang' in run.settings) && !('wasm' in run.settings));
    run = withSteps(run, { step: 2, losses: [2.3, 2.1], accuracies: [0.125, 0.25], chunkSeconds: 1 });
    run = withSteps(run, { step: 5, losses: [1.9, 1.7, 1.5], accuracies: [0.375, 0.5, 0.5], chunkSeconds: 1 });
    run = withValidation(run, 0.61);
    const columns = (r) => [r.steps, r.loss, r.accuracy].map((c) => Array.from(c.subarray(0, r.points)));
    assert.deepEqual(columns(run), [[1, 2, 3, 4, 5], [2.3, 2.1, 1.9, 1.7, 1.5], [0.125, 0.25, 0.375, 0.5, 0.5]]);
    assert.equal(lastStep(run), 5);
    assert.deepEqual([run.validationSteps, run.validation], [[5], [0.61]]);
    assert.equal(run.seconds, 2);
    assert.equal(run.imagesPerSec, 5 * 32 / 2);
    // Kept: the columns exactly as long as the steps recorded.
    const kept = settled(run);
    assert.deepEqual([kept.steps.length, kept.loss.length, kept.accuracy.length], [5, 5, 5]);
    assert.deepEqual(columns(kept), columns(run));
  });

  it('append a chunk without copying what they recorded, and an earlier version keeps its points', () => {
    let run = start();
    const versions = [];
    const columnsMade = new Set();
    for (let step = 1; step <= 5000; step++) {
      run = withSteps(run, { step, losses: [1 / step], accuracies: [0.5], chunkSeconds: 0.01 });
      columnsMade.add(run.loss);
      if (step === 100) versions.push(run);
    }
    // Room doubles: a handful of columns for 5,000 appends, not one per append.
    assert.ok(columnsMade.size <= 6, `${columnsMade.size} loss columns made`);
    assert.equal(run.points, 5000);
    assert.equal(run.loss[4999], 1 / 5000);
    const [early] = versions;
    assert.equal(early.points, 100);
    assert.equal(lastStep(early), 100);
    assert.equal(settled(early).loss.length, 100);
    assert.equal(settled(early).loss[99], 1 / 100);
  });

  it('read back runs recorded as plain arrays by an earlier page', () => {
    const { points, ...old } = { ...start(), steps: [10, 30], loss: [2.1, 1.5], accuracy: [0.2, 0.5] };
    const run = storedRun(/** @type {any} */ (old));
    assert.equal(run.points, 2);
    assert.ok(run.steps instanceof Int32Array && run.loss instanceof Float64Array && run.accuracy instanceof Float64Array);
    assert.equal(lastStep(run), 30);
    assert.equal(runsCsv([run]).trimEnd().split('\n').length, 3);
  });

  it('are named by what changed since the run before', () => {
    const first = { ...start(), name: 'Basic_CNN, adam lr 0.001' };
    assert.equal(defaultRunName(first, []), 'Basic_CNN, adam lr 0.001');
    assert.equal(defaultRunName(start({ learningRate: 0.01 }), [first]), 'lr 0.01');
    assert.equal(defaultRunName(start({ optimizer: 'sgd', batchSize: 64 }), [first]), 'batch 64, sgd');
    assert.equal(whatChanged(start({}, edited()), first), 'no dropout, conv2d filters 64');
    // The training options too: a schedule, augmentation, a callback.
    assert.equal(whatChanged(start({ optimizer: 'sgd', momentum: 0.9, schedule: 'CosineDecay' }), first), 'sgd, momentum 0.9, schedule CosineDecay');
    assert.equal(whatChanged(start({ augment: true, earlyStopping: true }), first), '+ augment, + earlyStopping');
    assert.equal(whatChanged(start({ validationSplit: 0.1 }), { ...first, settings: { ...first.settings, augment: undefined } }), 'validationSplit 0.1');
    // The same again is told apart by a number.
    assert.equal(defaultRunName(start(), [first]), 'Basic_CNN, adam lr 0.001 (2)');
  });

  it('export as CSV, one row per recorded step, and as JSON', () => {
    let a = { ...start({ learningRate: 0.01 }), id: 'a', name: 'lr 0.01, "fast"' };
    a = withValidation(withSteps(a, { step: 2, losses: [2, 1.9], accuracies: [0.1, 0.2], chunkSeconds: 0.1 }), 0.3);
    const b = withSteps({ ...start(), id: 'b', name: 'slow' }, { step: 1, losses: [2.2], accuracies: [0.05], chunkSeconds: 0.1 });
    const lines = runsCsv([a, b]).trimEnd().split('\n');
    assert.deepEqual(lines, [
      'run,name,optimizer,learning_rate,batch_size,seed,step,images_seen,loss,accuracy,validation_accuracy',
      'a,"lr 0.01, ""fast""",adam,0.01,32,1,1,32,2,0.1,',
      'a,"lr 0.01, ""fast""",adam,0.01,32,1,2,64,1.9,0.2,0.3',
      'b,slow,adam,0.001,32,1,1,32,2.2,0.05,',
    ]);
    const json = JSON.parse(runsJson([a, b]));
    assert.equal(json.runs.length, 2);
    assert.equal(json.runs[0].architecture.config.name, 'Basic_CNN');
    assert.deepEqual(json.runs[0].validation, [0.3]);
    assert.deepEqual([json.runs[0].steps, json.runs[0].loss, json.runs[0].accuracy], [[1, 2], [2, 1.9], [0.1, 0.2]]);
    assert.ok(!('points' in json.runs[0]));
  });

  it('20 runs of one epoch of MNIST take a few MB, without weights', () => {
    // One epoch at batch 32 is 1,875 steps, a point each, recorded in chunks as the worker sends them.
    let run = start();
    for (let step = 3; step <= 1875; step += 3) {
      const at = [step - 2, step - 1, step];
      run = withSteps(run, { step, losses: at.map((s) => 2.302585 / Math.sqrt(s)), accuracies: at.map((s) => 1 - 1 / (s + 1)), chunkSeconds: 0.1 });
    }
    run = settled(withValidation({ ...run, name: 'Basic_CNN, adam lr 0.001' }, 0.9734));
    assert.equal(run.points, 1875);
    // What IndexedDB keeps: the record with its binary columns (structured clone), and what the page says.
    const bytes = 20 * runBytes(run);
    const columns = run.steps.byteLength + run.loss.byteLength + run.accuracy.byteLength;
    assert.equal(columns, 1875 * 20);
    assert.ok(runBytes(run) > columns && runBytes(run) < columns + 20_000, `${runBytes(run)} bytes for one run`);
    console.log(`# 20 one-epoch runs, a point every step: ${(bytes / 1e6).toFixed(2)} MB`);
    assert.ok(bytes < 2e6, `${bytes} bytes`);
    // As JSON (the export), 20 such runs are a few MB too.
    const json = runsJson(Array.from({ length: 20 }, () => run)).length;
    console.log(`# as JSON: ${(json / 1e6).toFixed(2)} MB`);
    assert.ok(json < 8e6, `${json} bytes of JSON`);
  });
});
