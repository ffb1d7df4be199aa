// Runs the wasm kernel benchmark (bench_wasm_kernels.cpp, built by run.mjs) and prints its JSON.
//   node wasm-kernels.mjs --module build/bench/wasm-kernels/kernels.cjs
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from './util.mjs';

const args = parseArgs(process.argv.slice(2), { peak: '1.5', each: '0.4', layer: '0.3', threads: '1' });
const file = path.resolve(args.module);
const create = createRequire(import.meta.url)(file);
const m = await create({ wasmBinary: fs.readFileSync(file.replace(/\.cjs$/, '.wasm')) });
const json = JSON.parse(m.UTF8ToString(m._bench_kernels_json(Number(args.peak), Number(args.each), Number(args.layer), Number(args.threads))));
process.stdout.write(`${JSON.stringify({ engine: 'wasm-kernels', ...json })}\n`);
