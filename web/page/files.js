// @ts-check
// Files the person gives or takes: downloads, and the files of a TensorFlow.js Layers model
// chosen in a picker or dropped on the page.

import { readManifest, shardPaths, concatBytes } from '../shared/model-files.js';

/** Saves `blob` as `name` through a temporary link (the browser's download). */
export function download(/** @type {string} */ name, /** @type {Blob} */ blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Files → the model: the .json, plus the shards its weightsManifest names, found by file name. */
export async function readModelFiles(/** @type {Iterable<File>} */ files) {
  const list = [...files];
  const jsonFile = list.find((f) => f.name.endsWith('.json'));
  if (!jsonFile) throw new Error('Choose the model.json file (and its weights .bin file).');
  const modelJson = await jsonFile.text();
  const paths = shardPaths(readManifest(modelJson, jsonFile.name).manifest);
  const bins = list.filter((f) => f !== jsonFile);
  const shards = paths.map((path) => {
    const base = path.split('/').pop();
    return bins.find((f) => f.name === base) ?? (paths.length === 1 && bins.length === 1 ? bins[0] : null);
  });
  const missing = paths.filter((_, i) => !shards[i]);
  if (missing.length) throw new Error(`Also choose the weights file ${missing.join(', ')} that ${jsonFile.name} refers to.`);
  const buffers = await Promise.all(shards.map((f) => /** @type {File} */ (f).arrayBuffer()));
  const weights = concatBytes(buffers.map((b) => new Uint8Array(b)));
  return { modelJson, weights: /** @type {ArrayBuffer} */ (weights.buffer), name: jsonFile.name };
}
