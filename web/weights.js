// Reading the weights of a TF.js Layers model (model.json's weightsManifest + one buffer), e.g. to
// show the learned convolution filters. No DOM here.

const BYTES = { float32: 4 };

/**
 * @param {string|object} modelJson  the model.json text or object
 * @param {ArrayBuffer|Uint8Array} buffer  all weight shards, concatenated in manifest order
 * @returns {Map<string, {shape: number[], data: Float32Array}>}  by weight name ('conv2d/kernel')
 */
export function readWeights(modelJson, buffer) {
  const json = typeof modelJson === 'string' ? JSON.parse(modelJson) : modelJson;
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  const weights = new Map();
  let offset = 0;
  for (const group of json.weightsManifest ?? []) {
    for (const spec of group.weights ?? []) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const width = BYTES[spec.dtype ?? 'float32'];
      if (!width) throw new Error(`weight ${spec.name}: dtype ${spec.dtype} is not supported`);
      if (offset + size * width > bytes.length) throw new Error(`weight ${spec.name} runs past the end of the weights (${bytes.length} bytes)`);
      // Copy: the source may not be 4-byte aligned, and the copy outlives the buffer.
      const data = new Float32Array(size);
      new Uint8Array(data.buffer).set(bytes.subarray(offset, offset + size * width));
      weights.set(spec.name, { shape: spec.shape, data });
      offset += size * width;
    }
  }
  return weights;
}

/** The kernels of the first `count` Conv2D layers: [{ name, shape: [kh, kw, in, out], data }]. */
export function convKernels(modelJson, buffer, count = 2) {
  const json = typeof modelJson === 'string' ? JSON.parse(modelJson) : modelJson;
  const topology = json.modelTopology?.model_config ?? json.modelTopology ?? {};
  const layers = topology.config?.layers ?? [];
  const names = layers.filter((l) => l.class_name === 'Conv2D').map((l) => l.config?.name).slice(0, count);
  const weights = readWeights(json, buffer);
  return names
    .map((name) => ({ name, ...weights.get(`${name}/kernel`) }))
    .filter((k) => k.data);
}
