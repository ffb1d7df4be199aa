// Runs the wasm kernel benchmark (bench_wasm_kernels.cpp, built by run.mjs) and prints its JSON.
//   node wasm-kernels.mjs --module build/wasm/bench/cnn-bench-kernels.cjs
//   node wasm-kernels.mjs --module build/wasm/bench/cnn-bench-kernels-threads.mjs --threads 2
// (the threads build, an ES module, times the layers at 1 and 2 threads)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseArgs } from './util.mjs';

const args = parseArgs(process.argv.slice(2), { peak: '1.5', each: '0.4', layer: '0.3', threads: '1' });
const file = path.resolve(args.module);
const wasmBinary = fs.readFileSync(file.replace(/\.[cm]js$/, '.wasm'));
let create;
if (file.endsWith('.mjs')) {
  // Emscripten 3.1.6's ES-module glue under Node (as wasm/node.mjs loads the engine).
  globalThis.require = createRequire(import.meta.url);
  globalThis.__dirname = path.dirname(file);
  create = (await import(pathToFileURL(file).href)).default;
} else {
  create = createRequire(import.meta.url)(file);
}
const m = await create({ wasmBinary, locateFile: (name) => path.join(path.dirname(file), name) });
const json = JSON.parse(m.UTF8ToString(m._bench_kernels_json(Number(args.peak), Number(args.each), Number(args.layer), Number(args.threads))));
process.stdout.write(`${JSON.stringify({ engine: 'wasm-kernels', ...json })}\n`);
process.exit(0); // the threads build's workers would keep Node alive
