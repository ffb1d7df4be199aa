// @ts-check
// The files of a TF.js Layers model: model.json (topology + weightsManifest) and its weight
// shards. One reader of the manifest for the page (files chosen or dropped) and the workers (the
// shipped model, the learned filters). The engine checks the weights themselves when it loads them.

/** @typedef {import('./protocol.js').ModelFiles} ModelFiles */
/** @typedef {{ paths: string[], weights: Array<{ name: string, shape: number[], dtype?: string }> }} ManifestGroup */

const BYTES = Object.freeze(/** @type {Record<string, number>} */ ({ float32: 4 }));

/**
 * The weightsManifest of a model.json text, checked to be one; `file` names it in the error.
 * @returns {{ json: any, manifest: ManifestGroup[] }}
 */
export function readManifest(/** @type {string} */ modelJson, file = 'model.json') {
  let json;
  try {
    json = JSON.parse(modelJson);
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${/** @type {Error} */ (err).message}).`);
  }
  const manifest = json?.weightsManifest;
  if (!Array.isArray(manifest)) throw new Error(`${file} has no weightsManifest: it is not a TensorFlow.js layers model.`);
  return { json, manifest };
}

/** The shard paths of a manifest, in the order their bytes follow each other. */
export const shardPaths = (/** @type {ManifestGroup[]} */ manifest) => manifest.flatMap((group) => group.paths ?? []);

/** Byte arrays laid end to end in a new one. */
export function concatBytes(/** @type {Uint8Array[]} */ parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Fetches a model.json and its shards (paths relative to it). */
export async function fetchModel(/** @type {string} */ modelUrl) {
  const fetchOk = async (/** @type {string} */ url) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`Could not fetch ${url}: HTTP ${response.status}`);
    return response;
  };
  const modelJson = await (await fetchOk(modelUrl)).text();
  const { manifest } = readManifest(modelJson, modelUrl);
  const base = new URL(modelUrl, self.location.href);
  const parts = [];
  for (const path of shardPaths(manifest)) parts.push(new Uint8Array(await (await fetchOk(new URL(path, base).href)).arrayBuffer()));
  return { modelJson, weights: concatBytes(parts) };
}

/** What the model.json says about itself (userDefinedMetadata), {} if nothing or not readable. */
export function metadataOf(/** @type {string} */ modelJson) {
  try {
    return JSON.parse(modelJson).userDefinedMetadata ?? {};
  } catch {
    return {};
  }
}

/**
 * The weights by name ('conv2d/kernel'), read from all the shards laid end to end.
 * @param {string} modelJson @param {ArrayBuffer | Uint8Array} buffer
 * @returns {Map<string, { shape: number[], data: Float32Array }>}
 */
export function readWeights(modelJson, buffer) {
  const { manifest } = readManifest(modelJson);
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  const weights = new Map();
  let offset = 0;
  for (const group of manifest) {
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

/**
 * The kernels of the first `count` Conv2D layers.
 * @returns {import('./protocol.js').Kernel[]}
 */
export function convKernels(/** @type {string} */ modelJson, /** @type {ArrayBuffer | Uint8Array} */ buffer, count = 2) {
  const { json } = readManifest(modelJson);
  const topology = json.modelTopology?.model_config ?? json.modelTopology ?? {};
  /** @type {Array<{ class_name: string, config?: { name?: string } }>} */
  const layers = topology.config?.layers ?? [];
  const names = layers.filter((l) => l.class_name === 'Conv2D').map((l) => String(l.config?.name)).slice(0, count);
  const weights = readWeights(modelJson, buffer);
  return names.flatMap((name) => {
    const kernel = weights.get(`${name}/kernel`);
    return kernel ? [{ name, ...kernel }] : [];
  });
}
