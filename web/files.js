// Files the user gives or takes: downloads, and the files of a TensorFlow.js layers model chosen
// in a picker or dropped on the page.

/** Saves `blob` as `name` through a temporary link (the browser's download). */
export function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Files → {modelJson, weights}: the .json plus the shards its weightsManifest names. */
export async function readModelFiles(files) {
  const list = [...files];
  const jsonFile = list.find((f) => f.name.endsWith('.json'));
  if (!jsonFile) throw new Error('Choose the model.json file (and its weights .bin file).');
  const modelJson = await jsonFile.text();
  let manifest;
  try {
    manifest = JSON.parse(modelJson).weightsManifest;
  } catch (err) {
    throw new Error(`${jsonFile.name} is not valid JSON (${err.message}).`);
  }
  if (!Array.isArray(manifest)) throw new Error(`${jsonFile.name} has no weightsManifest: it is not a TensorFlow.js layers model.`);
  const paths = manifest.flatMap((group) => group.paths ?? []);
  const bins = list.filter((f) => f !== jsonFile);
  const shards = paths.map((path) => {
    const base = path.split('/').pop();
    return bins.find((f) => f.name === base) ?? (paths.length === 1 && bins.length === 1 ? bins[0] : null);
  });
  const missing = paths.filter((_, i) => !shards[i]);
  if (missing.length) throw new Error(`Also choose the weights file ${missing.join(', ')} that ${jsonFile.name} refers to.`);
  const buffers = await Promise.all(shards.map((f) => f.arrayBuffer()));
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const weights = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weights.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return { modelJson, weights: weights.buffer, name: jsonFile.name };
}
