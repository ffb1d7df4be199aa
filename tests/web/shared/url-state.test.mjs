// web/shared/url-state.js: the settings and the editor's network in the URL hash. Every value the
// form can hold comes back exactly; what cannot be read is refused with a reason. The layer kinds
// are the engine's (needs public/wasm: npm run build:wasm).

import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseHash, serialiseHash, encodeLayers, decodeLayers, validSettings, settingProblem, trainingConfig, DEFAULT_SETTINGS,
} from '../../../web/shared/url-state.js';
import { createForm } from '../../../web/shared/keras-form.js';
import { loadModule } from '../../../wasm/node.mjs';
import { random } from '../random.mjs';
import { deflateSync, strToU8 } from 'fflate';

let form;
before(async () => {
  form = createForm(JSON.parse((await loadModule('simd')).layerSchema()));
});
const newLayer = (type) => form.newLayer(type);

// As the engine states them (limits()); the seed range is the page's.
const BOUNDS = { epochs: [1, 1000], batchSize: [1, 4096], learningRate: [1e-6, 10], seed: [0, 2 ** 31 - 1] };

// What a person can put in a field: numbers of every sort, nothing, and (in choices) any text.
const ODD_NUMBERS = [-1, 0, 1e-30, -1e-30, 1e300, 2.5, 0.1 + 0.2, 2 ** 53 + 2, -0.000001, 1e21, null];
const ODD_VALUES = [true, false, [3, 5], [[1, 2], [0, 4]], { class_name: 'HeNormal', config: { seed: 7 } }, { class_name: 'L1L2', config: { l1: 0, l2: 1e-4 } }];
const ODD_TEXT = ['relu', 'same', '', '-', '_', '-1', '1e-30', 'a&b=c#d', 'L--1-relu', '%20', '한국어', 'x'.repeat(200)];

function oddNetwork(next) {
  const pick = (list) => list[Math.floor(next() * list.length)];
  return Array.from({ length: 1 + Math.floor(next() * 12) }, () => {
    const layer = newLayer(pick(form.types));
    if (next() < 0.3) layer.name = pick(ODD_TEXT) || 'unnamed';
    for (const field of form.fieldsOf(layer.type)) {
      if (next() < 0.6) layer[field.name] = pick([ODD_TEXT, ODD_NUMBERS, ODD_VALUES][Math.floor(next() * 3)]);
    }
    return layer;
  });
}

test('the layers round-trip exactly, whatever values and names they hold', () => {
  const next = random(12);
  for (let i = 0; i < 500; i++) {
    const layers = oddNetwork(next);
    const hash = serialiseHash(DEFAULT_SETTINGS, layers);
    const { layers: back, archError } = parseHash(hash, BOUNDS);
    assert.equal(archError, null, hash);
    assert.deepEqual(back, layers, hash);
  }
});

test('the same layers give the same link, whatever the order of their fields', () => {
  const layer = form.newLayer('Conv2D');
  const reversed = Object.fromEntries(Object.entries(layer).reverse());
  assert.equal(encodeLayers([reversed]), encodeLayers([layer]));
});

test('the case that broke the old text form: negative and exponent values', () => {
  const layers = [{ ...newLayer('Dense'), units: -1 }, { ...newLayer('Dropout'), rate: 1e-30 }];
  assert.deepEqual(parseHash(serialiseHash(DEFAULT_SETTINGS, layers), BOUNDS).layers, layers);
});

test("a link stays short: Basic_CNN with every field and one change is under 500 characters", () => {
  const conv = (name, filters) => ({ ...form.newLayer('Conv2D'), name, filters, padding: 'same' });
  const pool = (name) => ({ ...form.newLayer('MaxPooling2D'), name });
  const dense = (name, units, activation) => ({ ...form.newLayer('Dense'), name, units, activation });
  const layers = [
    { ...conv('conv2d', 32), kernel_size: [5, 5], padding: 'valid' }, conv('conv2d_1', 32), pool('max_pooling2d'), { type: 'Dropout', name: 'dropout', rate: 0.25 },
    conv('conv2d_2', 64), conv('conv2d_3', 64), pool('max_pooling2d_1'), { type: 'Dropout', name: 'dropout_1', rate: 0.25 },
    form.newLayer('Flatten'), dense('dense', 512, 'relu'),
    { type: 'Dropout', name: 'dropout_2', rate: 0.5 }, dense('dense_1', 10, 'softmax'),
  ];
  const hash = serialiseHash({ ...DEFAULT_SETTINGS, seed: 7 }, layers);
  assert.ok(hash.length < 500, `${hash.length} characters: ${hash}`);
  assert.deepEqual(parseHash(hash, BOUNDS).layers, layers);
});

test('refuses layers it cannot read, and says why', () => {
  const good = encodeLayers([newLayer('Flatten'), newLayer('Dense')]);
  const cases = [
    ['C-32-3-1-same-relu_F', /not in a form this page writes/],
    [good.slice(0, good.length - 6), /damaged/],
    [`${good.slice(0, 12)}A${good.slice(13)}`, /damaged/],
    [encodeLayers([]), /holds no layers/],
    [`1.${Buffer.from(deflateSync(strToU8('[{"type":"Dense"},"Dense"]'))).toString('base64url')}`, /"Dense", which is not a layer/],
  ];
  for (const [arch, reason] of cases) {
    const { layers, archError } = parseHash(`#seed=3&arch=${arch}`, BOUNDS);
    assert.equal(layers, null, arch);
    assert.match(archError, reason);
    assert.match(archError, /^The link's network could not be read: /);
  }
  // A field of the wrong kind, or a layer kind the engine lacks, comes back as it is, for the
  // engine to name and the editor to point at.
  const odd = [{ type: 'Dense', name: 'd', units: 'many', activation: 3 }, { type: 'LSTM', name: 'lstm', units: 4 }];
  assert.deepEqual(decodeLayers(encodeLayers(odd)), odd);
});

test('settings round-trip, the defaults are left out, bad values take the defaults', () => {
  const settings = { ...DEFAULT_SETTINGS, epochs: 3, batchSize: 64, learningRate: 0.01, optimizer: 'sgd', seed: 7, fresh: false, wasm: 'simd', lang: 'ko' };
  const hash = serialiseHash(settings, null);
  assert.equal(hash, '#epochs=3&batch=64&lr=0.01&opt=sgd&seed=7&fresh=0&wasm=simd&lang=ko');
  assert.deepEqual(parseHash(hash, BOUNDS), { settings, layers: null, archError: null });
  assert.equal(serialiseHash(DEFAULT_SETTINGS, null), '');
  const bad = parseHash('#epochs=-1&batch=abc&lr=50&opt=lbfgs&seed=1.5&lang=fr&wasm=gpu&epochs=', BOUNDS);
  assert.deepEqual(bad.settings, DEFAULT_SETTINGS);
  // The engine's bounds hold: 4096 is a batch size, 4097 is not.
  assert.equal(parseHash('#batch=4096&epochs=1000', BOUNDS).settings.batchSize, 4096);
  assert.equal(parseHash('#batch=4097', BOUNDS).settings.batchSize, 32);
});

test('says what is wrong with a setting', () => {
  assert.equal(settingProblem('batchSize', 64, BOUNDS), null);
  assert.equal(settingProblem('batchSize', 0, BOUNDS), 'must be a whole number from 1 to 4096');
  assert.equal(settingProblem('epochs', 2.5, BOUNDS), 'must be a whole number from 1 to 1000');
  assert.equal(settingProblem('learningRate', Infinity, BOUNDS), 'must be a number from 0.000001 to 10');
  assert.equal(settingProblem('seed', NaN, BOUNDS), 'must be a whole number from 0 to 2147483647');
  assert.deepEqual(validSettings({ seed: '12', fresh: false }, BOUNDS), { ...DEFAULT_SETTINGS, seed: 12, fresh: false });
});

test('gives the engine its training settings', () => {
  const settings = { ...DEFAULT_SETTINGS, epochs: 3, batchSize: 64, learningRate: 0.01, optimizer: 'sgd', seed: 7 };
  assert.deepEqual(trainingConfig(settings), {
    optimizer: { class_name: 'SGD', config: { learning_rate: 0.01, momentum: 0, nesterov: false } },
    batch_size: 64, epochs: 3, seed: 7, validation_split: 0.02, validation_every: 400, callbacks: [], augmentation: [],
  });
});

test('the training options travel in the link: only those off their defaults, each back exactly', () => {
  const settings = {
    ...DEFAULT_SETTINGS, optimizer: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true, schedule: 'CosineDecay', decaySteps: 500,
    warmupSteps: 20, augment: true, rotate: 0.1, fill: 'nearest', validationSplit: 0.1, validationEvery: 25, earlyStopping: true,
    esMonitor: 'val_accuracy', esPatience: 0, esRestore: false, boundaries: '10, 20', values: '0.1,0.01 0.001',
  };
  const hash = serialiseHash(settings, null);
  assert.match(hash, /mom=0\.9/);
  assert.match(hash, /sched=CosineDecay/);
  assert.match(hash, /esbest=0/);
  assert.doesNotMatch(hash, /tx=|zoom=|rlr=/, 'defaults are left out');
  assert.deepEqual(parseHash(hash, BOUNDS).settings, settings);
  // A value of the wrong kind takes the default; the engine judges the rest (a negative momentum stays, to be refused by name).
  const odd = parseHash('#sched=Linear&aug=maybe&fill=wrap&mom=-1&esmon=val_acc&vsplit=abc', BOUNDS).settings;
  assert.deepEqual([odd.schedule, odd.augment, odd.fill, odd.momentum, odd.esMonitor, odd.validationSplit], ['constant', false, 'constant', -1, 'val_loss', 0.02]);
});
