// The page's settings in one serialisable object: kept in the URL hash (so a link reproduces an
// experiment: architecture, hyper-parameters, seed) and validated on the way in. No DOM here.

import { basicCnn, encodeArchitecture, decodeArchitecture } from './architecture.js';

export const OPTIMIZERS = Object.freeze(['adam', 'sgd', 'rmsprop']);
/** Keras' default learning rate of each optimizer. */
export const DEFAULT_LEARNING_RATE = Object.freeze({ adam: 0.001, sgd: 0.01, rmsprop: 0.001 });

export const DEFAULTS = Object.freeze({
  epochs: 1,
  batchSize: 32,
  learningRate: 0.001,
  optimizer: 'adam',
  seed: 1,
  fresh: true, // start training from new random weights (false: continue from the current ones)
  wasm: 'auto', // 'auto' | 'simd' | 'threads'
  lang: 'en', // language of the explanations: 'en' | 'ko'
  arch: null, // the layers (architecture.js); null = Basic_CNN
});

export const LANGUAGES = Object.freeze(['en', 'ko']);

const LIMITS = {
  epochs: [1, 50],
  batchSize: [1, 1024],
  learningRate: [1e-6, 10], // up to rates that diverge: training then stops and says why
  seed: [0, 2 ** 31 - 1],
};

const KEYS = {
  epochs: 'epochs', batchSize: 'batch', learningRate: 'lr', optimizer: 'opt', seed: 'seed', fresh: 'fresh', wasm: 'wasm',
  lang: 'lang', arch: 'arch',
};

/** The layers of a state: its own, or Basic_CNN. */
export function layersOf(state) {
  return state.arch ?? basicCnn();
}

/** Returns a valid state: unknown or out-of-range values fall back to the defaults. */
export function validateState(input = {}) {
  const state = { ...DEFAULTS };
  for (const key of ['epochs', 'batchSize', 'seed']) {
    const v = Number(input[key]);
    if (Number.isInteger(v) && v >= LIMITS[key][0] && v <= LIMITS[key][1]) state[key] = v;
  }
  const lr = Number(input.learningRate);
  if (Number.isFinite(lr) && lr >= LIMITS.learningRate[0] && lr <= LIMITS.learningRate[1]) state.learningRate = lr;
  if (OPTIMIZERS.includes(input.optimizer)) state.optimizer = input.optimizer;
  if (typeof input.fresh === 'boolean') state.fresh = input.fresh;
  if (['auto', 'simd', 'threads'].includes(input.wasm)) state.wasm = input.wasm;
  if (LANGUAGES.includes(input.lang)) state.lang = input.lang;
  // An architecture is kept even when it cannot be built: the editor shows what is wrong with it.
  if (Array.isArray(input.arch) && input.arch.length) {
    const text = encodeArchitecture(input.arch);
    state.arch = text === encodeArchitecture(basicCnn()) ? null : decodeArchitecture(text);
  }
  return state;
}

/** `#epochs=2&batch=64&lr=0.001&opt=adam…` → state */
export function parseState(hash = '') {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const raw = {};
  for (const [key, name] of Object.entries(KEYS)) {
    if (params.has(name)) raw[key] = params.get(name);
  }
  if ('fresh' in raw) raw.fresh = raw.fresh !== '0' && raw.fresh !== 'false';
  if ('arch' in raw) {
    try {
      raw.arch = decodeArchitecture(raw.arch);
    } catch {
      delete raw.arch; // not an architecture: Basic_CNN
    }
  }
  return validateState(raw);
}

/** state → hash, listing only what differs from the defaults. */
export function serialiseState(state) {
  const params = new URLSearchParams();
  for (const [key, name] of Object.entries(KEYS)) {
    if (key === 'arch') {
      if (state.arch) params.set(name, encodeArchitecture(state.arch));
    } else if (state[key] !== DEFAULTS[key]) {
      params.set(name, key === 'fresh' ? (state.fresh ? '1' : '0') : String(state[key]));
    }
  }
  const text = params.toString();
  return text ? `#${text}` : '';
}

/** The engine's training settings (e.setTraining) for a state. */
export function trainingConfig(state) {
  return {
    optimizer: state.optimizer,
    learning_rate: state.learningRate,
    batch_size: state.batchSize,
    epochs: state.epochs,
    seed: state.seed,
  };
}
