// web/shared/training-options.js: the page's training options as the engine's training config.
// Each config is handed to the real engine (the wasm build's scheduleCurve, which reads and checks
// a config as setTraining does): the defaults and every option pass, bad values are refused with a
// message that names the field, and the schedules draw Keras' curves. Plain Node.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadModule } from '../../../wasm/node.mjs';
import { DEFAULT_SETTINGS } from '../../../web/shared/url-state.js';
import { fitConfig, plannedSteps, DEFAULT_OPTIONS, OPTION_KEYS, optionValue, optionsSummary } from '../../../web/shared/training-options.js';

let m;
before(async () => {
  m = await loadModule('simd');
});

const curve = (settings, steps) => m.scheduleCurve(JSON.stringify(fitConfig({ ...DEFAULT_SETTINGS, ...settings })), steps);
const refusal = (settings) => {
  try {
    curve(settings, 1);
  } catch (err) {
    return err.message;
  }
  return null;
};

describe('training options', () => {
  it('the defaults keep the recipe: Adam at 0.001, batch 32, no schedule, callbacks or augmentation', () => {
    const config = fitConfig(DEFAULT_SETTINGS);
    assert.deepEqual(config.optimizer, { class_name: 'Adam', config: { learning_rate: 0.001 } });
    assert.equal(config.batch_size, 32);
    assert.deepEqual([config.callbacks, config.augmentation], [[], []]);
    assert.deepEqual([...curve({}, 3)], [0.001, 0.001, 0.001].map(Math.fround));
    // 60,000 images, 2 % held out: 58,800 train, 1,838 batches of 32 per epoch.
    assert.equal(plannedSteps(DEFAULT_SETTINGS, 60000), 1838);
    assert.equal(plannedSteps({ ...DEFAULT_SETTINGS, epochs: 2, validationSplit: 0 }, 100), 8);
    assert.deepEqual(Object.keys(DEFAULT_OPTIONS), OPTION_KEYS);
  });

  it('every option reaches the engine, which takes it', () => {
    const all = {
      optimizer: 'sgd', momentum: 0.9, nesterov: true, augment: true, earlyStopping: true, reduceLr: true, esMonitor: 'val_accuracy', rlMonitor: 'loss',
    };
    assert.equal(refusal(all), null);
    const config = fitConfig({ ...DEFAULT_SETTINGS, ...all });
    assert.deepEqual(config.callbacks.map((c) => c.class_name), ['EarlyStopping', 'ReduceLROnPlateau']);
    assert.deepEqual(config.augmentation.map((c) => c.class_name), ['RandomTranslation', 'RandomRotation', 'RandomZoom']);
    assert.equal(refusal({ optimizer: 'adamw', weightDecay: 0.01 }), null);
    assert.equal(refusal({ optimizer: 'rmsprop', momentum: 0.5 }), null);
    // A factor of 0 leaves its layer out.
    assert.deepEqual(fitConfig({ ...DEFAULT_SETTINGS, augment: true, rotate: 0, zoom: 0 }).augmentation.map((c) => c.class_name), ['RandomTranslation']);
  });

  it('the schedules draw Keras\' curves, from the engine', () => {
    // CosineDecay with warm-up: from 0 up to the learning rate over 10 steps, then half a cosine over 100.
    const cosine = curve({ optimizer: 'sgd', learningRate: 0.1, schedule: 'CosineDecay', warmupSteps: 10, decaySteps: 100 }, 111);
    assert.ok(Math.abs(cosine[5] - 0.05) < 1e-7, `${cosine[5]}`);
    assert.ok(Math.abs(cosine[10] - 0.1) < 1e-7);
    assert.ok(Math.abs(cosine[60] - 0.05) < 1e-7, `${cosine[60]}`);
    assert.ok(Math.abs(cosine[110]) < 1e-7);
    const exponential = curve({ schedule: 'ExponentialDecay', learningRate: 0.01, decaySteps: 10, decayRate: 0.5 }, 21);
    assert.ok(Math.abs(exponential[20] - 0.0025) < 1e-8, `${exponential[20]}`);
    const piecewise = curve({ schedule: 'PiecewiseConstantDecay', boundaries: '2, 4', values: '0.3 0.2, 0.1' }, 6);
    assert.deepEqual([...piecewise], [0.3, 0.3, 0.3, 0.2, 0.2, 0.1].map(Math.fround));
  });

  it('bad values are refused by the engine with a message naming the field', () => {
    const cases = [
      [{ optimizer: 'sgd', momentum: 1.5 }, /SGD: momentum must be in \[0, 1\) \(got 1\.5\)/],
      [{ optimizer: 'adamw', weightDecay: -1 }, /AdamW: weight_decay must be in/],
      [{ schedule: 'ExponentialDecay', decaySteps: 0 }, /ExponentialDecay: decay_steps must be between 1/],
      [{ schedule: 'PiecewiseConstantDecay', boundaries: '10', values: '0.1' }, /values must have one more entry than boundaries/],
      [{ schedule: 'PiecewiseConstantDecay', boundaries: '10, x', values: '0.1 0.2 0.3' }, /boundaries must be a whole number \(got "x"\)/],
      [{ augment: true, rotate: -0.1 }, /RandomRotation: factor must be at least 0/],
      [{ validationSplit: 1 }, /validation_split must be in \[0, 1\)/],
      [{ validationSplit: 0, earlyStopping: true }, /EarlyStopping: monitor 'val_loss' needs a validation_split above 0/],
      [{ reduceLr: true, rlFactor: 2 }, /ReduceLROnPlateau: factor must be in \[0, 1\)/],
      [{ reduceLr: true, schedule: 'CosineDecay' }, /ReduceLROnPlateau needs a constant learning rate, not a CosineDecay schedule/],
      [{ earlyStopping: true, esPatience: 1.5 }, /patience must be a whole number/],
    ];
    for (const [settings, message] of cases) assert.match(refusal(settings) ?? 'taken', message, JSON.stringify(settings));
  });

  it('sum up a run\'s options in a few words', () => {
    assert.equal(optionsSummary(DEFAULT_SETTINGS), 'validation 2 %');
    assert.equal(optionsSummary({ ...DEFAULT_SETTINGS, optimizer: 'sgd', momentum: 0.9, nesterov: true, schedule: 'CosineDecay', augment: true, earlyStopping: true, validationSplit: 0 }),
      'momentum 0.9 · nesterov · CosineDecay · augmented · EarlyStopping · no validation');
    assert.equal(optionsSummary({ ...DEFAULT_SETTINGS, optimizer: 'adamw', reduceLr: true }), 'weight decay 0.004 · ReduceLROnPlateau · validation 2 %');
    // A run recorded before the options: nothing to say.
    assert.equal(optionsSummary({ optimizer: 'sgd', learningRate: 0.01 }), '');
  });

  it('reads loose values by kind only', () => {
    assert.equal(optionValue('momentum', '0.9'), 0.9);
    assert.equal(optionValue('momentum', ''), undefined);
    assert.equal(optionValue('augment', '1'), true);
    assert.equal(optionValue('fill', 'reflect'), undefined);
    assert.equal(optionValue('boundaries', '1, 2'), '1, 2');
  });
});
