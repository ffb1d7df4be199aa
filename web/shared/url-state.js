// @ts-check
// The page's settings and the editor's network in the URL hash, so that a link reproduces an
// experiment (architecture, hyper-parameters, seed, language):
//   #epochs=2&batch=64&lr=0.01&opt=sgd&seed=7&lang=ko&arch=1.<the editor's layers>
// Only what differs from the defaults is written. The layers are the editor's form as JSON
// (names left out where they are Keras' defaults), deflated and base64url-encoded: any value the
// form holds comes back exactly, whatever characters it has. `1.` is the form's version (its
// early links held square windows as one number: the editor's Form.complete reads both).

import { deflateSync, inflateSync, strToU8, strFromU8 } from 'fflate';
import { defaultNames, canonicalJson } from './keras-form.js';
import { DEFAULT_OPTIONS, OPTION_HASH_KEYS, OPTION_KEYS, optionValue, fitConfig } from './training-options.js';

/** @typedef {import('./keras-form.js').FormLayer} FormLayer */
/** @typedef {import('./protocol.js').WasmChoice} WasmChoice */
/**
 * The training settings (with the options of training-options.js), the build and the language.
 * @typedef {{ epochs: number, batchSize: number, learningRate: number, optimizer: string, seed: number,
 *   fresh: boolean, wasm: WasmChoice, lang: string } & import('./training-options.js').TrainingOptions} Settings
 */
/** The bounds of the numeric settings, from the engine's limits(): [min, max] each. */
/** @typedef {{ epochs: number[], batchSize: number[], learningRate: number[], seed: number[] }} SettingBounds */

export const OPTIMIZERS = Object.freeze(['adam', 'adamw', 'sgd', 'rmsprop']);
/** Keras' default learning rate of each optimizer. */
export const DEFAULT_LEARNING_RATE = Object.freeze(/** @type {Record<string, number>} */ ({ adam: 0.001, adamw: 0.001, sgd: 0.01, rmsprop: 0.001 }));
export const LANGUAGES = Object.freeze(['en', 'ko']);
const WASM_CHOICES = Object.freeze(['auto', 'simd', 'threads']);

/** @type {Readonly<Settings>} */
export const DEFAULT_SETTINGS = Object.freeze({
  epochs: 1,
  batchSize: 32,
  learningRate: 0.001,
  optimizer: 'adam',
  seed: 1,
  fresh: true, // start training from new random weights (false: continue from the current ones)
  wasm: 'auto',
  lang: 'en', // language of the explanations
  ...DEFAULT_OPTIONS,
});

/** The hash key of each setting. */
const KEYS = Object.freeze({
  epochs: 'epochs', batchSize: 'batch', learningRate: 'lr', optimizer: 'opt', seed: 'seed', fresh: 'fresh', wasm: 'wasm', lang: 'lang',
  ...OPTION_HASH_KEYS,
});
const INTEGER_SETTINGS = new Set(['epochs', 'batchSize', 'seed']);

/**
 * Why a value cannot be the setting `key`, or null when it can.
 * @param {'epochs' | 'batchSize' | 'learningRate' | 'seed'} key @param {number} value @param {SettingBounds} bounds
 */
export function settingProblem(key, value, bounds) {
  const [min, max] = bounds[key];
  const whole = INTEGER_SETTINGS.has(key);
  if (!Number.isFinite(value) || (whole && !Number.isInteger(value)) || value < min || value > max) {
    return `must be ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}`;
  }
  return null;
}

/** Settings from loose values: each one that is missing or not allowed takes its default. */
export function validSettings(/** @type {Record<string, unknown>} */ input, /** @type {SettingBounds} */ bounds) {
  const settings = { ...DEFAULT_SETTINGS };
  for (const key of /** @type {const} */ (['epochs', 'batchSize', 'learningRate', 'seed'])) {
    const value = Number(input[key]);
    if (input[key] != null && input[key] !== '' && settingProblem(key, value, bounds) === null) settings[key] = value;
  }
  if (OPTIMIZERS.includes(/** @type {string} */ (input.optimizer))) settings.optimizer = /** @type {string} */ (input.optimizer);
  if (typeof input.fresh === 'boolean') settings.fresh = input.fresh;
  if (WASM_CHOICES.includes(/** @type {string} */ (input.wasm))) settings.wasm = /** @type {WasmChoice} */ (input.wasm);
  if (LANGUAGES.includes(/** @type {string} */ (input.lang))) settings.lang = /** @type {string} */ (input.lang);
  // The options: any value of the right kind; the engine judges the values when they are used.
  const options = /** @type {Record<string, unknown>} */ (settings);
  for (const key of OPTION_KEYS) {
    const value = optionValue(key, input[key]);
    if (value !== undefined) options[key] = value;
  }
  return settings;
}

// ---------------------------------------------------------------------------------------------
// The layers

const FORM_VERSION = '1.';

const toBase64Url = (/** @type {Uint8Array} */ bytes) =>
  btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join('')).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const fromBase64Url = (/** @type {string} */ text) =>
  Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

/** The editor's layers → the text of `arch=` (keys sorted: the same layers, the same link). */
export function encodeLayers(/** @type {FormLayer[]} */ layers) {
  const names = defaultNames(layers.map((l) => l.type));
  const compact = layers.map((layer, i) => {
    const { name, ...rest } = layer;
    return name === names[i] ? rest : layer;
  });
  return FORM_VERSION + toBase64Url(deflateSync(strToU8(canonicalJson(compact)), { level: 9 }));
}

/**
 * The text of `arch=` → the editor's layers, their fields as written (the engine judges them, the
 * editor completes them); throws an Error that says why it cannot be read.
 */
export function decodeLayers(/** @type {string} */ text) {
  if (!text.startsWith(FORM_VERSION)) throw new Error('it is not in a form this page writes');
  /** @type {unknown} */
  let list;
  try {
    list = JSON.parse(strFromU8(inflateSync(fromBase64Url(text.slice(FORM_VERSION.length)))));
  } catch {
    throw new Error('it is damaged (cut short or changed?)');
  }
  if (!Array.isArray(list) || !list.length) throw new Error('it holds no layers');
  const entries = /** @type {Array<Record<string, unknown>>} */ (list);
  const unnamed = entries.find((e) => !e || typeof e !== 'object' || Array.isArray(e) || typeof e.type !== 'string');
  if (unnamed !== undefined) throw new Error(`it holds ${JSON.stringify(unnamed).slice(0, 40)}, which is not a layer`);
  const names = defaultNames(entries.map((e) => /** @type {string} */ (e.type)));
  return entries.map((entry, i) => /** @type {FormLayer} */ ({ ...entry, name: typeof entry.name === 'string' ? entry.name : names[i] }));
}

// ---------------------------------------------------------------------------------------------
// The hash

/**
 * `#epochs=2&…&arch=…` → the settings (bad values take their defaults) and the layers (null when
 * the link has none; archError says why a link's layers could not be read).
 * @param {string} hash @param {SettingBounds} bounds
 * @returns {{ settings: Settings, layers: FormLayer[] | null, archError: string | null }}
 */
export function parseHash(hash, bounds) {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  /** @type {Record<string, unknown>} */
  const raw = {};
  for (const [key, name] of Object.entries(KEYS)) {
    const value = params.get(name);
    if (value !== null) raw[key] = key === 'fresh' ? value !== '0' && value !== 'false' : value;
  }
  let layers = null;
  let archError = null;
  const arch = params.get('arch');
  if (arch) {
    try {
      layers = decodeLayers(arch);
    } catch (err) {
      archError = `The link's network could not be read: ${/** @type {Error} */ (err).message}.`;
    }
  }
  return { settings: validSettings(raw, bounds), layers, archError };
}

/** The settings and layers (null: the default network) → the hash; '' when all are defaults. */
export function serialiseHash(/** @type {Settings} */ settings, /** @type {FormLayer[] | null} */ layers) {
  const params = new URLSearchParams();
  for (const [key, name] of Object.entries(KEYS)) {
    const value = settings[/** @type {keyof Settings} */ (key)];
    if (value !== DEFAULT_SETTINGS[/** @type {keyof Settings} */ (key)]) {
      params.set(name, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
    }
  }
  if (layers) params.set('arch', encodeLayers(layers));
  const text = params.toString();
  return text ? `#${text}` : '';
}

/** The engine's training settings (Engine.setTraining) for some settings. */
export const trainingConfig = (/** @type {Settings} */ settings) => fitConfig(settings);
