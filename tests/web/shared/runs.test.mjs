// Runs as data (web/shared/runs.js): the curves a run records, the name from what changed since
// the run before, CSV with one row per recorded step, JSON, and what 20 one-epoch runs cost.
// Run by `node --test tests/web/`.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { newRun, withStep, withValidation, whatChanged, defaultRunName, runsCsv, runsJson, runBytes } from '../../../web/shared/runs.js';
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
    run = withStep(run, { step: 10, loss: 2.1, accuracy: 0.2, chunkSeconds: 1 });
    run = withStep(run, { step: 30, loss: 1.5, accuracy: 0.5, chunkSeconds: 1 });
    run = withValidation(run, 0.61);
    assert.deepEqual([run.steps, run.loss, run.accuracy], [[10, 30], [2.1, 1.5], [0.2, 0.5]]);
    assert.deepEqual([run.validationSteps, run.validation], [[30], [0.61]]);
    assert.equal(run.seconds, 2);
    assert.equal(run.imagesPerSec, 30 * 32 / 2);
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
    a = withValidation(withStep(withStep(a, { step: 1, loss: 2, accuracy: 0.1, chunkSeconds: 0.1 }), { step: 2, loss: 1.9, accuracy: 0.2, chunkSeconds: 0.1 }), 0.3);
    const b = withStep({ ...start(), id: 'b', name: 'slow' }, { step: 1, loss: 2.2, accuracy: 0.05, chunkSeconds: 0.1 });
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
  });

  it('20 runs of one epoch of MNIST take a few MB, without weights', () => {
    // One epoch at batch 32 is 1,875 steps; the worker reports every chunk, at most one a step.
    let run = start();
    for (let step = 1; step <= 1875; step++) {
      run = { ...run, steps: [...run.steps, step], loss: [...run.loss, 2.302585 / Math.sqrt(step)], accuracy: [...run.accuracy, 1 - 1 / (step + 1)] };
    }
    run = withValidation(run, 0.9734);
    const bytes = 20 * runBytes(run);
    console.log(`# 20 one-epoch runs, a point every step: ${(bytes / 1e6).toFixed(2)} MB`);
    assert.ok(bytes < 4e6, `${bytes} bytes`);
  });
});
