// @ts-check
// The editor's form of a network, and the Keras / TF.js layer config it stands for, both ways.
// Whether a network can exist (shapes, parameter counts, memory) is for the engine to say
// (page/analyser.js); this module only converts, and refuses only what the form cannot hold.
//
// A form layer is { type, name, ...fields }, its fields named as in Keras:
//   { type: 'Conv2D', name: 'conv2d', filters: 32, kernel_size: 3, strides: 1, padding: 'same', activation: 'relu' }
// Windows and strides are square: one number in the form, [n, n] in Keras. A number the user has
// not given (an empty field) is null. Names are the user's: they go to Keras and come back.
// Adding a layer type is adding a row to LAYER_FORMS (and its explanation in explain.js).

/** @typedef {string | number | null} FieldValue */
/** @typedef {{ type: string, name: string, [field: string]: FieldValue }} FormLayer */
/**
 * integer, number: a number field; window: a square window or stride (an integer in the form,
 * a pair in Keras); choice: one of `choices`. `initial` is what a new layer gets in the editor,
 * `keras` what Keras assumes when a config leaves the field out (undefined: Keras requires it).
 * `limit` names the engine's bound (limits()) that the input shows.
 * @typedef {{ key: string, kind: 'integer' | 'number' | 'window' | 'choice', initial: FieldValue,
 *   keras?: FieldValue, choices?: readonly string[], limit?: string }} Field
 */

export const ACTIVATIONS = Object.freeze(['relu', 'softmax', 'sigmoid', 'tanh', 'linear']);
export const PADDINGS = Object.freeze(['valid', 'same']);

/** @type {(key: string, initial: number, limit: string, keras?: number) => Field} */
const integer = (key, initial, limit, keras) => ({ key, kind: 'integer', initial, limit, keras });
/** @type {(key: string, initial: number | null, keras?: number | null) => Field} */
const window = (key, initial, keras) => ({ key, kind: 'window', initial, limit: 'window', keras });
/** @type {(key: string, choices: readonly string[], initial: string, keras?: string) => Field} */
const choice = (key, choices, initial, keras) => ({ key, kind: 'choice', choices, initial, keras });

const GLOROT = { class_name: 'GlorotUniform', config: { seed: null } };
const ZEROS = { class_name: 'Zeros', config: {} };

/**
 * Each layer type: the fields the editor shows, in order, and the constant part of its Keras config.
 * @type {Readonly<Record<string, { fields: Field[], keras?: Record<string, unknown> }>>}
 */
export const LAYER_FORMS = Object.freeze({
  Conv2D: {
    fields: [
      integer('filters', 32, 'filters'), window('kernel_size', 3), window('strides', 1, 1),
      choice('padding', PADDINGS, 'same', 'valid'), choice('activation', ACTIVATIONS, 'relu', 'linear'),
    ],
    keras: { data_format: 'channels_last', dilation_rate: [1, 1], use_bias: true, kernel_initializer: GLOROT, bias_initializer: ZEROS },
  },
  // strides null: the window's size, as in Keras.
  MaxPooling2D: {
    fields: [window('pool_size', 2, 2), window('strides', null, null), choice('padding', PADDINGS, 'valid', 'valid')],
    keras: { data_format: 'channels_last' },
  },
  Dropout: { fields: [{ key: 'rate', kind: 'number', initial: 0.25, limit: 'dropout_rate' }] },
  Flatten: { fields: [], keras: { data_format: 'channels_last' } },
  Dense: {
    fields: [integer('units', 128, 'units'), choice('activation', ACTIVATIONS, 'relu', 'linear')],
    keras: { use_bias: true, kernel_initializer: GLOROT, bias_initializer: ZEROS },
  },
  Activation: { fields: [choice('activation', ACTIVATIONS, 'relu')] },
});

export const LAYER_TYPES = Object.freeze(Object.keys(LAYER_FORMS));

/** Keras' class classes the form reads as one of its own types, with the fields they imply. */
const ALIASES = Object.freeze({
  MaxPool2D: { type: 'MaxPooling2D' },
  ReLU: { type: 'Activation', activation: 'relu' },
  Softmax: { type: 'Activation', activation: 'softmax' },
});

/** The fields of a layer type ([] for a type the form does not know). */
export const fieldsOf = (/** @type {string} */ type) => LAYER_FORMS[type]?.fields ?? [];

/** The fields the form shows for a Keras class (MaxPool2D's are MaxPooling2D's). */
export const formFieldsOf = (/** @type {string} */ className) =>
  fieldsOf(ALIASES[/** @type {keyof typeof ALIASES} */ (className)]?.type ?? className);

/** Keras' name for layers of a class: Conv2D → conv2d, MaxPooling2D → max_pooling2d. */
export function snakeCase(/** @type {string} */ className) {
  return className.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Keras' default names by position: conv2d, conv2d_1, max_pooling2d, ... */
export function defaultNames(/** @type {string[]} */ types) {
  /** @type {Map<string, number>} */
  const seen = new Map();
  return types.map((type) => {
    const base = snakeCase(type);
    const k = seen.get(base) ?? 0;
    seen.set(base, k + 1);
    return k ? `${base}_${k}` : base;
  });
}

/** A name of the type's Keras form that none of `taken` has: dense, dense_1, dense_2, ... */
export function freshName(/** @type {string} */ type, /** @type {Iterable<string>} */ taken) {
  const used = new Set(taken);
  const base = snakeCase(type);
  let name = base;
  for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
  return name;
}

/** A new layer of `type` with the editor's starting values, named apart from `taken`. */
export function newLayer(/** @type {string} */ type, /** @type {Iterable<string>} */ taken = []) {
  /** @type {FormLayer} */
  const layer = { type, name: freshName(type, taken) };
  for (const field of fieldsOf(type)) layer[field.key] = field.initial;
  return layer;
}

// ---------------------------------------------------------------------------------------------
// Form → Keras

/** @param {FormLayer} layer @param {boolean} first @param {number[]} inputShape */
function kerasLayer(layer, first, inputShape) {
  /** @type {Record<string, unknown>} */
  const config = { name: layer.name, trainable: true, dtype: 'float32' };
  if (first) config.batch_input_shape = [null, ...inputShape];
  for (const { key, kind } of fieldsOf(layer.type)) {
    const value = layer[key];
    if (kind !== 'window') config[key] = value;
    else if (value == null && key === 'strides') config[key] = null; // pooling: the window
    else config[key] = [value, value];
  }
  return { class_name: layer.type, config: { ...config, ...LAYER_FORMS[layer.type]?.keras } };
}

/** The Keras Sequential model config (what `model.to_json()` writes, and TF.js reads). */
export function toKerasConfig(/** @type {FormLayer[]} */ layers, { name = 'Basic_CNN', inputShape = [28, 28, 1] } = {}) {
  return {
    class_name: 'Sequential',
    config: { name, layers: layers.map((layer, i) => kerasLayer(layer, i === 0, inputShape)) },
  };
}

// ---------------------------------------------------------------------------------------------
// Keras → form

/**
 * A Keras config value → the form's value of that field.
 * @param {Field} field @param {unknown} value @param {string} who
 * @returns {FieldValue}
 */
function formValue(field, value, who) {
  if (value === undefined) return field.keras === undefined ? null : field.keras;
  if (value === null) return field.kind === 'choice' ? null : field.keras ?? null;
  if (field.kind === 'choice') {
    const name = typeof value === 'object' ? /** @type {{class_name?: unknown}} */ (value).class_name : value;
    return String(name).toLowerCase();
  }
  if (field.kind === 'window' && Array.isArray(value)) {
    if (value.length !== 2 || typeof value[0] !== 'number' || typeof value[1] !== 'number') {
      throw new Error(`layer '${who}': ${field.key} must be a number or a pair of numbers, not ${JSON.stringify(value)}`);
    }
    if (value[0] !== value[1]) {
      throw new Error(`layer '${who}': ${field.key} ${value[0]}x${value[1]} is not square; the editor holds square windows only`);
    }
    return value[0];
  }
  if (typeof value !== 'number') throw new Error(`layer '${who}': ${field.key} must be a number, not ${JSON.stringify(value)}`);
  return value;
}

/** Config keys the form cannot hold, and the values they must have for it to stand for the layer. */
const FIXED = Object.freeze({ data_format: 'channels_last', dilation_rate: 1 });

/** One Keras layer entry → a form layer; null for an InputLayer. */
function formLayer(/** @type {any} */ entry, /** @type {number} */ index) {
  if (!entry || typeof entry.class_name !== 'string') throw new Error(`layer ${index + 1} has no "class_name"`);
  const config = entry.config ?? {};
  if (entry.class_name === 'InputLayer') return null;
  const alias = ALIASES[/** @type {keyof typeof ALIASES} */ (entry.class_name)];
  const type = alias?.type ?? entry.class_name;
  const who = String(config.name ?? entry.name ?? entry.class_name);
  if (!LAYER_FORMS[type]) {
    throw new Error(`layer '${who}': the editor has no ${entry.class_name} layer (it has ${LAYER_TYPES.join(', ')})`);
  }
  for (const [key, wanted] of Object.entries(FIXED)) {
    const value = config[key];
    const given = Array.isArray(value) && value.every((v) => v === value[0]) ? value[0] : value;
    if (value != null && given !== wanted) throw new Error(`layer '${who}': the editor holds ${key} ${JSON.stringify(wanted)} only, not ${JSON.stringify(value)}`);
  }
  /** @type {FormLayer} */
  const layer = { type, name: typeof config.name === 'string' ? config.name : typeof entry.name === 'string' ? entry.name : '' };
  for (const field of fieldsOf(type)) {
    const implied = /** @type {Record<string, FieldValue>} */ (alias ?? {})[field.key];
    layer[field.key] = implied ?? formValue(field, config[field.key], who);
  }
  if (type === 'MaxPooling2D' && layer.strides === layer.pool_size) layer.strides = null;
  return layer;
}

/**
 * Keras/TF.js model config (Sequential or a functional chain; also a whole TF.js model.json, or
 * Keras' {model_config}) → its layers in the form, names kept (Keras' default names where the
 * config has none) and the input shape it declares (null if none). Throws an Error that names
 * the problem when the text is no model config or holds a layer the form cannot stand for.
 * @param {unknown} input  JSON text or the parsed object
 * @returns {{ layers: FormLayer[], inputShape: number[] | null }}
 */
export function fromKerasConfig(input) {
  /** @type {any} */
  let root = typeof input === 'string' ? JSON.parse(input) : input;
  if (root?.modelTopology) root = root.modelTopology;
  if (root?.model_config) root = root.model_config;
  if (!root || typeof root !== 'object') throw new Error('the architecture must be a JSON object');
  const config = root.config ?? {};
  const list = Array.isArray(config) ? config : config.layers;
  if (!Array.isArray(list)) throw new Error('no "config.layers" list: this is not a Keras Sequential or functional model config');
  /** @type {number[] | null} */
  let inputShape = null;
  /** @type {FormLayer[]} */
  const layers = [];
  list.forEach((entry, i) => {
    const shape = entry?.config?.batch_input_shape ?? entry?.config?.batch_shape;
    if (Array.isArray(shape)) inputShape = shape.slice(1);
    const layer = formLayer(entry, i);
    if (layer) layers.push(layer);
  });
  const names = defaultNames(layers.map((l) => l.type));
  layers.forEach((layer, i) => (layer.name ||= names[i]));
  return { layers, inputShape };
}

/** True when both lists describe the same network. */
export function sameArchitecture(/** @type {FormLayer[]} */ a, /** @type {FormLayer[]} */ b) {
  const canonical = (/** @type {FormLayer[]} */ layers) =>
    JSON.stringify(layers.map((layer) => [layer.type, layer.name, ...fieldsOf(layer.type).map(({ key }) => layer[key])]));
  return canonical(a) === canonical(b);
}
