// @ts-check
// The editor's form of a network, and the Keras / TF.js layer config it stands for, both ways.
// Which layer kinds exist, their fields, choices, bounds and defaults are the engine's
// (Module.layerSchema(), from core/keras.cpp): createForm(schema) reads them, and this module has
// no list of its own. Whether a network can exist (shapes, parameter counts, memory, bad values)
// is for the engine to say too (page/analyser.js); this module only converts.
//
// A form layer is { type, name, ...fields }, each field named and valued as in the Keras config:
//   { type: 'Conv2D', name: 'conv2d', filters: 32, kernel_size: [3, 3], strides: [1, 1], padding: 'same', … }
// so that form → Keras → form is the identity and the engine's own topology reads as a form. A
// number the user has not given (an empty field) is null. Names are the user's: they go to Keras
// and come back.

/** A JSON value, as a config field holds it. @typedef {null | boolean | number | string | any[] | { [key: string]: any }} FieldValue */
/** @typedef {{ type: string, name: string, [field: string]: FieldValue }} FormLayer */
/**
 * One field of a layer kind, as Module.layerSchema() describes it. `default` is the value of a
 * layer just made (null for a required field); `min`/`max` bound integers and pairs; `choices`
 * lists a choice's values, an initializer's classes or a regularizer's kinds.
 * @typedef {{ name: string, type: 'integer' | 'pair' | 'number' | 'boolean' | 'choice' | 'initializer' |
 *   'regularizer' | 'padding_sizes', default: FieldValue, required: boolean, min?: number, max?: number,
 *   choices?: string[] }} Field
 */
/** @typedef {{ class_name: string, fields: Field[] }} LayerKind */
/** @typedef {ReturnType<typeof createForm>} Form */

/** Config keys every layer has, which the form keeps apart from the fields (name) or leaves to the model. */
const COMMON_KEYS = Object.freeze(['name', 'trainable', 'dtype', 'batch_input_shape', 'batch_shape', 'input_shape']);

/**
 * What a new layer starts with where Keras requires a value (and a useful activation where Keras'
 * default is 'linear'): the editor's suggestions, not rules. Other fields take the engine's defaults.
 */
const STARTING = Object.freeze({ filters: 32, kernel_size: [3, 3], units: 128, rate: 0.25, activation: 'relu' });

/** Keras' initializers that draw nothing at random, so a seed means nothing to them. */
export const UNSEEDED_INITIALIZERS = Object.freeze(['Zeros', 'Ones', 'Constant']);

/** The factor of an L1 or L2 regularizer named without one ('l2'), as Keras and the engine read it. */
export const REGULARIZER_FACTOR = 0.01;

/** A pair as Keras reads it: n → [n, n], [n] → [n, n]; anything else as it is. */
const asPair = (/** @type {FieldValue} */ value) =>
  (typeof value === 'number' ? [value, value] : Array.isArray(value) && value.length === 1 ? [value[0], value[0]] : value);

const clone = (/** @type {FieldValue} */ value) => /** @type {FieldValue} */ (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

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

/**
 * A regularizer as the engine writes it back ({"class_name": "L1L2", "config": {l1, l2}}, null
 * when both factors are 0), from any form Keras accepts ('l2', {"class_name": "L2", "config":
 * {"l2": 0.001}}, …); a value it cannot read is kept for the engine to refuse.
 * @param {FieldValue} value @returns {FieldValue}
 */
export function regularizerValue(value) {
  const named = typeof value === 'string' ? { class_name: value, config: {} } : value;
  if (!named || typeof named !== 'object' || Array.isArray(named) || typeof named.class_name !== 'string') return value;
  const kind = named.class_name.toLowerCase().replace('_', '');
  if (!['l1', 'l2', 'l1l2'].includes(kind)) return value;
  const config = /** @type {Record<string, FieldValue>} */ (named.config && typeof named.config === 'object' ? named.config : {});
  const factor = (/** @type {'l1' | 'l2'} */ key) => {
    const given = config[key];
    if (given !== undefined && given !== null) return given;
    return kind === key ? REGULARIZER_FACTOR : 0;
  };
  const l1 = factor('l1');
  const l2 = factor('l2');
  return l1 === 0 && l2 === 0 ? null : { class_name: 'L1L2', config: { l1, l2 } };
}

/** The kind a regularizer value stands for: '' (none), 'L1', 'L2' or 'L1L2'. */
export function regularizerKind(/** @type {FieldValue} */ value) {
  const r = regularizerValue(value);
  if (!r || typeof r !== 'object' || Array.isArray(r)) return '';
  const { l1, l2 } = /** @type {{ l1: FieldValue, l2: FieldValue }} */ (r.config);
  if (l1 !== 0 && l2 !== 0) return 'L1L2';
  return l1 !== 0 ? 'L1' : 'L2';
}

/**
 * The form over the engine's layer kinds.
 * @param {LayerKind[]} schema  JSON.parse(Module.layerSchema())
 */
export function createForm(schema) {
  /** @type {Map<string, Field[]>} */
  const kinds = new Map(schema.map((kind) => [kind.class_name, kind.fields]));

  /** The fields of a layer kind, in the engine's order ([] for a kind it does not know). */
  const fieldsOf = (/** @type {string} */ type) => kinds.get(type) ?? [];

  /** An initializer by name or object → {class_name, config}, the class spelled as the engine's choices. */
  function initializerValue(/** @type {Field} */ field, /** @type {FieldValue} */ value) {
    const fold = (/** @type {string} */ s) => s.replace(/_/g, '').toLowerCase();
    if (typeof value !== 'string') return value;
    const className = field.choices?.find((c) => fold(c) === fold(value));
    return className ? { class_name: className, config: UNSEEDED_INITIALIZERS.includes(className) ? {} : { seed: null } } : value;
  }

  /**
   * A field's value in the one spelling the engine writes back: pairs as [h, w], padding sizes as
   * [[top, bottom], [left, right]], initializers as objects, regularizers as L1L2 (null: none); a
   * missing or null value takes the engine's default. A pooling layer's strides are null where
   * they are the pool's size (Keras' None), however the config spells them, so that editing the
   * pool size moves them along as in Keras.
   * @param {FormLayer} layer @param {Field} field @param {Field[]} fields @returns {FieldValue}
   */
  function fieldValue(layer, field, fields) {
    const value = layer[field.name];
    const pool = field.name === 'strides' ? fields.find((f) => f.name === 'pool_size') : undefined;
    if (pool) {
      const strides = asPair(value ?? null);
      return strides === null || sameValue(strides, fieldValue(layer, pool, fields)) ? null : strides;
    }
    if (value === undefined || (value === null && field.default !== null)) return clone(field.default);
    if (field.type === 'pair') return asPair(value);
    if (field.type === 'padding_sizes' && typeof value === 'number') return [[value, value], [value, value]];
    if (field.type === 'padding_sizes' && Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
      return [[value[0], value[0]], [value[1], value[1]]];
    }
    if (field.type === 'initializer') return initializerValue(field, value);
    if (field.type === 'regularizer') return regularizerValue(value);
    return clone(value);
  }

  /**
   * A layer with every field of its kind, in the engine's spelling, and no others: what the
   * engine's topology of the built layer says. A kind the engine does not know is kept as it is
   * (the engine's analysis says what is wrong with it).
   * @param {FormLayer} layer @returns {FormLayer}
   */
  function complete(layer) {
    const fields = kinds.get(layer.type);
    if (!fields) return { ...layer };
    /** @type {FormLayer} */
    const done = { type: layer.type, name: layer.name };
    for (const field of fields) done[field.name] = fieldValue(layer, field, fields);
    return done;
  }

  return {
    /** The layer kinds, in the engine's order. */
    types: Object.freeze([...kinds.keys()]),
    fieldsOf,
    complete,
    /** A new layer of `type` with the editor's starting values, named apart from `taken`. */
    newLayer(/** @type {string} */ type, /** @type {Iterable<string>} */ taken = []) {
      /** @type {FormLayer} */
      const layer = { type, name: freshName(type, taken) };
      for (const field of fieldsOf(type)) {
        const starting = /** @type {Record<string, FieldValue>} */ (STARTING)[field.name];
        const fits = starting !== undefined && (field.type !== 'choice' || field.choices?.includes(/** @type {string} */ (starting)));
        layer[field.name] = fits && (field.required || field.type === 'choice') ? clone(starting) : clone(field.default);
      }
      return complete(layer);
    },
    /**
     * A Keras config (anything fromKerasConfig reads) → its layers completed, and its input shape.
     * @param {unknown} input
     */
    read(input) {
      const { layers, inputShape } = fromKerasConfig(input);
      return { layers: layers.map(complete), inputShape };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Form → Keras

/** @param {FormLayer} layer @param {boolean} first @param {number[]} inputShape */
function kerasLayer(layer, first, inputShape) {
  const { type, name, ...fields } = layer;
  /** @type {Record<string, FieldValue>} */
  const config = { name, trainable: true, dtype: 'float32' };
  if (first) config.batch_input_shape = [null, ...inputShape];
  return { class_name: type, config: { ...config, ...fields } };
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

/** One Keras layer entry → a form layer with the config's fields as they are; null for an InputLayer. */
function formLayer(/** @type {any} */ entry, /** @type {number} */ index) {
  if (!entry || typeof entry !== 'object' || typeof entry.class_name !== 'string') throw new Error(`layer ${index + 1} has no "class_name"`);
  if (entry.class_name === 'InputLayer') return null;
  const config = entry.config && typeof entry.config === 'object' && !Array.isArray(entry.config) ? entry.config : {};
  /** @type {FormLayer} */
  const layer = { type: entry.class_name, name: typeof config.name === 'string' ? config.name : typeof entry.name === 'string' ? entry.name : '' };
  for (const [key, value] of Object.entries(config)) {
    if (!COMMON_KEYS.includes(key) && key !== 'type') layer[key] = value;
  }
  if ('pool_size' in layer && 'strides' in layer && sameValue(asPair(layer.strides), asPair(layer.pool_size))) layer.strides = null;
  return layer;
}

/**
 * Keras/TF.js model config (Sequential or a functional chain; also a whole TF.js model.json, or
 * Keras' {model_config}) → its layers in the form, fields as the config gives them (Form.read
 * completes them with the engine's defaults; a pool's strides equal to its size are null, as
 * Form.read holds them, so that the engine's own topology reads as a complete form), names kept (Keras' default names where the config
 * has none), and the input shape it declares (null if none). Throws an Error that names the
 * problem when the text is no model config; what is wrong inside a layer is for the engine to say.
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

/** A JSON text of a value with the keys of every object sorted: equal values, equal texts. */
export function canonicalJson(/** @type {unknown} */ value) {
  return JSON.stringify(value, (_, v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
    : v));
}

/** True when two JSON values are equal. */
const sameValue = (/** @type {unknown} */ a, /** @type {unknown} */ b) => canonicalJson(a) === canonicalJson(b);

/** True when both lists describe the same network (completed layers: as the engine writes them). */
export function sameArchitecture(/** @type {FormLayer[]} */ a, /** @type {FormLayer[]} */ b) {
  return a.length === b.length && canonicalJson(a) === canonicalJson(b);
}
