// The network's architecture as plain data: a list of layers, with the Keras rules that give
// each layer's output shape and parameter count, the Keras/TF.js layer config it maps to, and a
// short text form for the URL. No DOM here; the engine applies the same rules (core/model.cpp)
// and tests/browser/architecture.test.mjs checks that both agree.
//
// A layer: { type, ...params } with
//   Conv2D        filters, kernelSize, strides, padding ('valid'|'same'), activation
//   MaxPooling2D  poolSize, strides (null = poolSize, as in Keras), padding
//   Dropout       rate (the fraction dropped while training)
//   Flatten
//   Dense         units, activation
//   Activation    activation
// Windows and strides are square (one number), as in the tutorial.

export const INPUT_SHAPE = Object.freeze([28, 28, 1]);
export const NUM_CLASSES = 10;
export const LAYER_TYPES = Object.freeze(['Conv2D', 'MaxPooling2D', 'Dropout', 'Flatten', 'Dense', 'Activation']);
export const ACTIVATIONS = Object.freeze(['relu', 'softmax', 'sigmoid', 'tanh', 'linear']);
export const PADDINGS = Object.freeze(['valid', 'same']);
/** The parameters each layer type has, in the order the editor shows them. */
export const PARAMS = Object.freeze({
  Conv2D: ['filters', 'kernelSize', 'strides', 'padding', 'activation'],
  MaxPooling2D: ['poolSize', 'strides', 'padding'],
  Dropout: ['rate'],
  Flatten: [],
  Dense: ['units', 'activation'],
  Activation: ['activation'],
});
/** Keras' name of each parameter. */
export const KERAS_NAME = Object.freeze({
  filters: 'filters', kernelSize: 'kernel_size', strides: 'strides', padding: 'padding', activation: 'activation',
  poolSize: 'pool_size', rate: 'rate', units: 'units',
});
/** Bounds the editor enforces on numbers (the engine refuses models that need too much memory). */
export const LIMITS = Object.freeze({
  filters: [1, 1024], kernelSize: [1, 28], strides: [1, 28], poolSize: [1, 28], units: [1, 65536], rate: [0, 0.99],
});
/** The engine's default memory bound for a model (core/model.h kDefaultMemoryLimit); the
 *  WebAssembly engine reports its own, lower one (Engine.memoryLimit). */
export const DEFAULT_MEMORY_LIMIT = 1536 * 2 ** 20;

/** "1.5 GiB", "425 MiB": three significant digits, as the engine's format_bytes. */
export function formatBytes(bytes) {
  return bytes >= 2 ** 30 ? `${Number((bytes / 2 ** 30).toPrecision(3))} GiB` : `${Number((bytes / 2 ** 20).toPrecision(3))} MiB`;
}

const KERAS_BASE_NAME = {
  Conv2D: 'conv2d', MaxPooling2D: 'max_pooling2d', Dropout: 'dropout', Flatten: 'flatten', Dense: 'dense', Activation: 'activation',
};

/** A new layer of `type` with Keras' defaults (the tutorial's values where Keras has none). */
export function newLayer(type) {
  switch (type) {
    case 'Conv2D': return { type, filters: 32, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' };
    case 'MaxPooling2D': return { type, poolSize: 2, strides: null, padding: 'valid' };
    case 'Dropout': return { type, rate: 0.25 };
    case 'Flatten': return { type };
    case 'Dense': return { type, units: 128, activation: 'relu' };
    case 'Activation': return { type, activation: 'relu' };
    default: throw new Error(`Unknown layer type '${type}' (known: ${LAYER_TYPES.join(', ')}).`);
  }
}

/** The tutorial's Basic_CNN (shared/DESIGN.md). */
export function basicCnn() {
  const conv = (filters) => ({ type: 'Conv2D', filters, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' });
  const pool = () => ({ type: 'MaxPooling2D', poolSize: 2, strides: null, padding: 'valid' });
  return [
    conv(32), conv(32), pool(), { type: 'Dropout', rate: 0.25 },
    conv(64), conv(64), pool(), { type: 'Dropout', rate: 0.25 },
    { type: 'Flatten' }, { type: 'Dense', units: 512, activation: 'relu' }, { type: 'Dropout', rate: 0.5 },
    { type: 'Dense', units: 10, activation: 'softmax' },
  ];
}

/** Keras' default names: conv2d, conv2d_1, max_pooling2d, ... */
export function layerNames(layers) {
  const used = new Set();
  return layers.map((layer) => {
    const base = KERAS_BASE_NAME[layer.type] ?? 'layer';
    let name = base;
    for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    return name;
  });
}

/** Output size of a window along one axis (Keras/TF): 'valid' floor((n − k) / s) + 1, 'same' ceil(n / s). */
export function windowOutput(n, k, s, padding) {
  return padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
}

const shapeText = (shape) => `(None, ${shape.join(', ')})`;
const isInt = (v) => Number.isInteger(v);

function checkNumber(layer, key, problems, { integer = true } = {}) {
  const v = layer[key];
  const [lo, hi] = LIMITS[key];
  const keras = KERAS_NAME[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !isInt(v))) {
    problems.push({ param: key, message: `${keras} must be ${integer ? 'a whole number' : 'a number'}` });
  } else if (v < lo || v > hi) {
    problems.push({ param: key, message: `${keras} must be between ${lo} and ${hi} (got ${v})` });
  }
}

/**
 * Shapes and parameter counts, layer by layer, as Keras computes them.
 * @returns {{ rows: Array<{name, type, inputShape, outputShape, params, error, param, geometry}>,
 *             totalParams: number, valid: boolean, firstError: number }}
 *   outputShape has no batch axis; `error` is a sentence naming the problem (null when fine);
 *   `param` is the parameter to blame; `geometry` ({axis n, k, s, padding, out}) feeds the
 *   size explanation. Layers after the first error get no shape.
 */
export function analyse(layers, { inputShape = INPUT_SHAPE, memoryLimit = DEFAULT_MEMORY_LIMIT } = {}) {
  const names = layerNames(layers);
  const rows = [];
  let shape = [...inputShape];
  let totalParams = 0;
  let activations = shape.reduce((a, b) => a * b, 1);
  let firstError = -1;
  layers.forEach((layer, i) => {
    const row = { name: names[i], type: layer.type, inputShape: shape, outputShape: null, params: 0, error: null, param: null, geometry: null };
    rows.push(row);
    if (firstError >= 0) return;
    const fail = (message, param = null) => {
      row.error = message;
      row.param = param;
      firstError = i;
    };
    const problems = [];
    for (const key of PARAMS[layer.type] ?? []) {
      if (['filters', 'kernelSize', 'poolSize', 'units'].includes(key)) checkNumber(layer, key, problems);
      if (key === 'strides' && !(layer.type === 'MaxPooling2D' && layer.strides == null)) checkNumber(layer, key, problems);
      if (key === 'rate') checkNumber(layer, key, problems, { integer: false });
      if (key === 'padding' && !PADDINGS.includes(layer.padding)) problems.push({ param: key, message: `padding must be 'valid' or 'same'` });
      if (key === 'activation' && !ACTIVATIONS.includes(layer.activation)) {
        problems.push({ param: key, message: `activation must be one of ${ACTIVATIONS.join(', ')}` });
      }
    }
    if (!PARAMS[layer.type]) problems.push({ param: null, message: `unknown layer type '${layer.type}'` });
    if (problems.length) return fail(problems[0].message, problems[0].param);

    switch (layer.type) {
      case 'Conv2D':
      case 'MaxPooling2D': {
        const conv = layer.type === 'Conv2D';
        if (shape.length !== 3) {
          return fail(`needs a 3-D input (height, width, channels) but gets ${shapeText(shape)}; a ${layer.type} cannot follow Flatten or Dense`);
        }
        const k = conv ? layer.kernelSize : layer.poolSize;
        const s = conv ? layer.strides : layer.strides ?? layer.poolSize;
        const [h, w, c] = shape;
        const outH = windowOutput(h, k, s, layer.padding);
        const outW = windowOutput(w, k, s, layer.padding);
        row.geometry = { n: h, k, s, padding: layer.padding, out: outH };
        if (outH < 1 || outW < 1) {
          return fail(
            `a ${k}x${k} 'valid' window does not fit the ${h}x${w} input ${shapeText(shape)}; use padding 'same' or a smaller window`,
            conv ? 'kernelSize' : 'poolSize',
          );
        }
        row.outputShape = [outH, outW, conv ? layer.filters : c];
        if (conv) row.params = k * k * c * layer.filters + layer.filters;
        break;
      }
      case 'Dense':
        if (shape.length !== 1) return fail(`needs a flat input but gets ${shapeText(shape)}; add a Flatten layer before it`);
        row.outputShape = [layer.units];
        row.params = shape[0] * layer.units + layer.units;
        break;
      case 'Flatten':
        row.outputShape = [shape.reduce((a, b) => a * b, 1)];
        break;
      default: // Dropout, Activation: same shape
        row.outputShape = [...shape];
    }
    totalParams += row.params;
    activations += row.outputShape.reduce((a, b) => a * b, 1);
    // The engine's estimate: weights, gradients and two optimizer slots; activations and their
    // gradients for a batch of 32.
    const bytes = 4 * (4 * totalParams + 2 * 32 * activations);
    if (bytes > memoryLimit) {
      fail(`brings the model to ${totalParams.toLocaleString('en')} parameters, which would need about ${formatBytes(bytes)} for training; the limit is ${formatBytes(memoryLimit)}`);
      return;
    }
    shape = row.outputShape;
  });
  if (!layers.length) {
    return { rows, totalParams: 0, valid: false, firstError: -1, error: 'the model has no layers' };
  }
  if (firstError < 0) {
    const last = rows[rows.length - 1];
    if (last.outputShape.length !== 1 || last.outputShape[0] !== NUM_CLASSES) {
      last.error = `the last layer must give ${NUM_CLASSES} numbers, one per class, but gives ${shapeText(last.outputShape)}; end with Dense(${NUM_CLASSES}, softmax)`;
      last.param = last.type === 'Dense' ? 'units' : null;
      firstError = rows.length - 1;
    }
  }
  const valid = firstError < 0;
  return {
    rows,
    totalParams: valid ? totalParams : rows.reduce((n, r) => n + r.params, 0),
    valid,
    firstError,
    error: valid ? null : `${rows[firstError].name} (${rows[firstError].type}): ${rows[firstError].error}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Keras / TF.js layer config

function kerasLayer(layer, name, first, inputShape) {
  const config = { name, trainable: true, dtype: 'float32' };
  if (first) config.batch_input_shape = [null, ...inputShape];
  switch (layer.type) {
    case 'Conv2D':
      Object.assign(config, {
        filters: layer.filters, kernel_size: [layer.kernelSize, layer.kernelSize], strides: [layer.strides, layer.strides],
        padding: layer.padding, data_format: 'channels_last', dilation_rate: [1, 1], activation: layer.activation, use_bias: true,
        kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
        bias_initializer: { class_name: 'Zeros', config: {} },
      });
      break;
    case 'MaxPooling2D': {
      const s = layer.strides ?? layer.poolSize;
      Object.assign(config, { pool_size: [layer.poolSize, layer.poolSize], strides: [s, s], padding: layer.padding, data_format: 'channels_last' });
      break;
    }
    case 'Dropout':
      config.rate = layer.rate;
      break;
    case 'Flatten':
      config.data_format = 'channels_last';
      break;
    case 'Dense':
      Object.assign(config, {
        units: layer.units, activation: layer.activation, use_bias: true,
        kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
        bias_initializer: { class_name: 'Zeros', config: {} },
      });
      break;
    case 'Activation':
      config.activation = layer.activation;
      break;
    default:
      throw new Error(`Unknown layer type '${layer.type}'.`);
  }
  return { class_name: layer.type, config };
}

/** The Keras Sequential model config (what `model.to_json()` writes, and TF.js reads). */
export function toKerasConfig(layers, { name = 'Basic_CNN', inputShape = INPUT_SHAPE } = {}) {
  const names = layerNames(layers);
  return {
    class_name: 'Sequential',
    config: { name, layers: layers.map((layer, i) => kerasLayer(layer, names[i], i === 0, inputShape)) },
  };
}

function square(value, what, who) {
  if (value == null) return null;
  const pair = Array.isArray(value) ? value : [value, value];
  if (pair.length !== 2 || !pair.every(isInt)) throw new Error(`layer '${who}': ${what} must be a number or a pair of numbers`);
  if (pair[0] !== pair[1]) throw new Error(`layer '${who}': ${what} ${pair[0]}x${pair[1]} is not square; the editor supports square windows only`);
  return pair[0];
}

function activationOf(value, who) {
  const name = value == null ? 'linear' : typeof value === 'string' ? value : value?.class_name ?? value?.config?.name;
  const lower = String(name).toLowerCase();
  if (!ACTIVATIONS.includes(lower)) throw new Error(`layer '${who}': unknown activation '${name}' (known: ${ACTIVATIONS.join(', ')})`);
  return lower;
}

/** A Keras layer config → a layer of ours; null for an InputLayer. */
function fromKerasLayer(entry, index) {
  if (!entry || typeof entry.class_name !== 'string') throw new Error(`layer ${index + 1} has no "class_name"`);
  const cls = entry.class_name;
  const c = entry.config ?? {};
  const who = c.name ?? entry.name ?? cls;
  if (c.data_format && c.data_format !== 'channels_last') throw new Error(`layer '${who}': only data_format 'channels_last' is supported`);
  const padding = () => {
    const p = String(c.padding ?? 'valid').toLowerCase();
    if (!PADDINGS.includes(p)) throw new Error(`layer '${who}': padding must be 'valid' or 'same', not '${c.padding}'`);
    return p;
  };
  switch (cls) {
    case 'InputLayer':
      return null;
    case 'Conv2D': {
      const d = c.dilation_rate == null ? 1 : square(c.dilation_rate, 'dilation_rate', who);
      if (d !== 1) throw new Error(`layer '${who}': dilation_rate other than 1 is not supported`);
      return {
        type: 'Conv2D', filters: c.filters, kernelSize: square(c.kernel_size, 'kernel_size', who),
        strides: square(c.strides, 'strides', who) ?? 1, padding: padding(), activation: activationOf(c.activation, who),
      };
    }
    case 'MaxPooling2D':
    case 'MaxPool2D': {
      const poolSize = square(c.pool_size, 'pool_size', who) ?? 2;
      const strides = square(c.strides, 'strides', who);
      return { type: 'MaxPooling2D', poolSize, strides: strides === poolSize ? null : strides, padding: padding() };
    }
    case 'Dropout': // float32 in the engine: 0.7 comes back as 0.699999988
      return { type: 'Dropout', rate: typeof c.rate === 'number' ? Number(c.rate.toPrecision(6)) : c.rate };
    case 'Flatten':
      return { type: 'Flatten' };
    case 'Dense':
      return { type: 'Dense', units: c.units, activation: activationOf(c.activation, who) };
    case 'Activation':
      return { type: 'Activation', activation: activationOf(c.activation, who) };
    case 'ReLU':
      return { type: 'Activation', activation: 'relu' };
    case 'Softmax':
      return { type: 'Activation', activation: 'softmax' };
    default:
      throw new Error(`layer '${who}': ${cls} is not supported (supported: InputLayer, ${LAYER_TYPES.join(', ')})`);
  }
}

/**
 * Keras/TF.js model config (Sequential or a functional chain; also a whole TF.js model.json, or
 * Keras' {model_config}) → { name, layers, inputShape }. Throws an Error that names the problem.
 */
export function fromKerasConfig(input) {
  let root = typeof input === 'string' ? JSON.parse(input) : input;
  if (root?.modelTopology) root = root.modelTopology;
  if (root?.model_config) root = root.model_config;
  if (!root || typeof root !== 'object') throw new Error('the architecture must be a JSON object');
  const config = root.config ?? {};
  const list = Array.isArray(config) ? config : config.layers;
  if (!Array.isArray(list)) throw new Error('no "config.layers" list: this is not a Keras Sequential or functional model config');
  let inputShape = [...INPUT_SHAPE];
  const layers = [];
  list.forEach((entry, i) => {
    const shape = entry?.config?.batch_input_shape ?? entry?.config?.batch_shape;
    if (Array.isArray(shape)) inputShape = shape.slice(1);
    const layer = fromKerasLayer(entry, i);
    if (layer) layers.push(layer);
  });
  if (inputShape.length !== 3 || inputShape.some((d, i) => d !== INPUT_SHAPE[i])) {
    throw new Error(`the input shape is (${inputShape.join(', ')}); this page's images are (${INPUT_SHAPE.join(', ')})`);
  }
  return { name: typeof config.name === 'string' ? config.name : 'Model', layers, inputShape };
}

// ---------------------------------------------------------------------------------------------
// Text form for the URL: layers joined by '_', fields by '-' (characters a URL keeps as they are).
//   C-32-3-1-same-relu (Conv2D filters, kernel, strides, padding, activation)
//   M-2-2-valid (MaxPooling2D pool, strides, padding)   D-0.25 (Dropout)   F (Flatten)
//   L-512-relu (Dense units, activation)                A-relu (Activation)

const CODES = { Conv2D: 'C', MaxPooling2D: 'M', Dropout: 'D', Flatten: 'F', Dense: 'L', Activation: 'A' };

export function encodeArchitecture(layers) {
  return layers
    .map((l) => {
      const fields = {
        Conv2D: [l.filters, l.kernelSize, l.strides, l.padding, l.activation],
        MaxPooling2D: [l.poolSize, l.strides ?? l.poolSize, l.padding],
        Dropout: [l.rate],
        Flatten: [],
        Dense: [l.units, l.activation],
        Activation: [l.activation],
      }[l.type];
      return [CODES[l.type], ...fields].join('-');
    })
    .join('_');
}

export function decodeArchitecture(text) {
  if (!text) throw new Error('the architecture is empty');
  return text.split('_').map((token, i) => {
    const [code, ...f] = token.split('-');
    const type = Object.keys(CODES).find((t) => CODES[t] === code);
    const expected = { Conv2D: 5, MaxPooling2D: 3, Dropout: 1, Flatten: 0, Dense: 2, Activation: 1 }[type];
    if (!type || f.length !== expected) throw new Error(`layer ${i + 1} ('${token}') is not understood`);
    const num = (s) => (s === '' ? NaN : Number(s));
    switch (type) {
      case 'Conv2D': return { type, filters: num(f[0]), kernelSize: num(f[1]), strides: num(f[2]), padding: f[3], activation: f[4] };
      case 'MaxPooling2D': {
        const poolSize = num(f[0]);
        const strides = num(f[1]);
        return { type, poolSize, strides: strides === poolSize ? null : strides, padding: f[2] };
      }
      case 'Dropout': return { type, rate: num(f[0]) };
      case 'Flatten': return { type };
      case 'Dense': return { type, units: num(f[0]), activation: f[1] };
      default: return { type, activation: f[0] };
    }
  });
}

/** True when both lists describe the same network. */
export function sameArchitecture(a, b) {
  return encodeArchitecture(a) === encodeArchitecture(b);
}
