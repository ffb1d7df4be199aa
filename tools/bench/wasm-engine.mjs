// One wasm build of the engine under Node: training img/s (Basic_CNN, batch 32, Adam; median of
// chunks of 5 steps after 5 warm-up steps; at 1 thread also per second of CPU time) at each thread count, the counts interleaved round by
// round so a change in the machine's load hits them alike; then single-image predict latency.
// Prints one JSON object. Run by run.mjs:  node wasm-engine.mjs --build simd|threads --dir D
//   [--threads 1,2] [--seconds S]
import { loadModule, mnist } from '../../wasm/node.mjs';
import { median, parseArgs } from './util.mjs';

const STEPS = 5, WARMUP = 5, BATCH = 32;
const args = parseArgs(process.argv.slice(2), { threads: '1', seconds: '8' });
const counts = String(args.threads).split(',').map(Number);
const budget = Number(args.seconds) * 1000;

const m = await loadModule(args.build, args.dir);
const e = new m.Engine();
const train = mnist('train'), test = mnist('t10k');
e.setData(train.images, train.labels, test.images, test.labels);
e.setTraining(JSON.stringify({ optimizer: 'adam', learning_rate: 0.001, batch_size: BATCH, epochs: 10, seed: 1 }));

const result = { engine: `wasm-${args.build}`, train: {}, predict: {} };
const rates = Object.fromEntries(counts.map((t) => [t, []]));
const cpuRates = Object.fromEntries(counts.map((t) => [t, []]));
// The process's CPU time: at 1 thread the engine's, plus a little of V8's helper threads.
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const actual = {};
for (const t of counts) {
  actual[t] = e.setThreads(t);
  e.train(WARMUP);
}
const start = performance.now();
for (let round = 0; round < 40 && (round < 2 || performance.now() - start < budget); round++) {
  for (const t of counts) {
    e.setThreads(t);
    for (let c = 0; c < 2; c++) {
      const t0 = performance.now(), cpu0 = cpuMs();
      e.train(STEPS);
      rates[t].push((STEPS * BATCH * 1000) / (performance.now() - t0));
      cpuRates[t].push((STEPS * BATCH * 1000) / (cpuMs() - cpu0));
    }
  }
}
for (const t of counts) {
  result.train[t] = { threads: actual[t], img_per_s: median(rates[t]), chunks: rates[t], steps_per_chunk: STEPS, batch: BATCH };
  if (actual[t] === 1) result.train[t].cpu_img_per_s = median(cpuRates[t]);
}

// One test image at a time, as the page's predictor runs it.
const size = 28 * 28, offset = test.images.length - 10000 * size;
const x = new Float32Array(size);
for (const t of counts) {
  e.setThreads(t);
  const ms = [];
  for (let i = 0; i < 300; i++) {
    for (let k = 0; k < size; k++) x[k] = test.images[offset + i * size + k] / 255;
    const t0 = performance.now();
    e.predict(x);
    if (i >= 20) ms.push(performance.now() - t0);
  }
  result.predict[t] = { ms: median(ms), samples: ms.length };
}
e.delete();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0); // the threads build's workers would keep Node alive
