// `npm run bench -- --browser`: the page's own training worker (the file `vite build` emits for
// web/workers/trainer.js) in headless Chromium, driven through its message protocol
// (web/shared/protocol.js)
// rather than through the page's buttons, so the test accuracy can be polled without the page's
// UI in the way:
//   INIT (wasm 'auto': the threads build on this cross-origin-isolated page) → LOAD_DATA →
//   TRAIN {adam 1e-3, batch 32, fresh weights} — the clock starts here, as a press of Train would;
//   every 25 steps from step 100: PAUSE, EVALUATE the first 2,000 test images (the harder part of
//   the set), and when those reach 95.5 % the full 10,000; RESUME. Time to 97 % = training time (pauses excluded) up to the
//   first checkpoint whose full test accuracy is ≥ 97 %.
// img/s is the median of the worker's per-chunk figures. A second, shorter run measures the
// SIMD-only build (wasm 'simd') for comparison, and PyTorch (with OpenBLAS, torch.mjs) trains as
// `npm run bench` measures it, after the browser has closed; the ratio of the targets divides by
// its 1-thread img/s per second of CPU time, the main benchmark's basis (the wall clock of one
// thread on this shared machine also counts the time other processes held the core). Then what recording a run costs: the page itself
// (its Train button, its charts) trains in alternating trials with and without recording
// (`?no-recording`), and img/s with recording must be within the trials' spread of img/s without,
// or within 2 %. Writes build/bench/browser.json.
// Options: --build (run `vite build` first)  --limit-seconds S (default 240)
//          --recording-trials N (default 4 of each), --trial-seconds S (default 20)
//          --dist DIR: the built page to find the worker in when PREVIEW_CONFIG (see
//          tests/browser/server.mjs) serves another build than dist/
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fmt, target, targetLines, torchBasis } from './targets.mjs';
import { findPytorch, runPytorch } from './torch.mjs';
import { root, median } from './util.mjs';
import { startPreview, launchBrowser } from '../../tests/browser/server.mjs';

const require = createRequire(import.meta.url);
const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

function ensurePage(rebuild) {
  if (process.env.PREVIEW_CONFIG) return;
  if (!rebuild && fs.existsSync(path.join(root, 'dist/index.html'))) return;
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('vite build failed');
}

function workerUrl(dist) {
  const file = fs.readdirSync(path.join(dist, 'assets')).find((f) => /^trainer-.*\.js$/.test(f));
  if (!file) throw new Error('dist/assets has no trainer-*.js: rebuild the page (npm run bench -- --browser --build)');
  return `/assets/${file}`;
}

// Runs inside the page: a protocol client for a fresh instance of the page's worker.
function installClient(url) {
  const worker = new Worker(url, { type: 'module' });
  const pending = new Map();
  let nextId = 1;
  window.__bench = { metrics: [], errors: [] };
  worker.onmessage = ({ data }) => {
    if (data.type === 'reply') {
      const p = pending.get(data.id);
      pending.delete(data.id);
      if (data.ok) p.resolve(data);
      else p.reject(new Error(data.error));
    } else if (data.type === 'metrics') {
      window.__bench.metrics.push({ at: performance.now(), step: data.step, images_per_sec: data.images_per_sec });
    } else if (data.type === 'workerError') {
      window.__bench.errors.push(data.message);
    }
  };
  window.__bench.call = (type, payload = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ type, id, ...payload });
    });
  window.__bench.terminate = () => worker.terminate();
}

// Runs inside the page: one training run with accuracy checkpoints (see the header).
async function trainToTarget({ wasm, target, limitMs, firstCheck, every, maxSteps }) {
  const b = window.__bench;
  const init = await b.call('init', { wasm, modelUrl: '/models/basic-cnn/model.json' });
  await b.call('loadData', { baseUrl: '/data/' });
  const config = { optimizer: 'adam', learning_rate: 0.001, batch_size: 32, epochs: 1, seed: 1 };
  const checks = [];
  let paused = 0;
  const t0 = performance.now();
  await b.call('train', { config, fresh: true });
  let next = firstCheck;
  let reached = null;
  const lastStep = () => b.metrics.at(-1)?.step ?? 0;
  while (!reached && performance.now() - t0 - paused < limitMs && lastStep() < maxSteps) {
    await new Promise((r) => setTimeout(r, 20));
    if (next == null || lastStep() < next) continue;
    const pauseAt = performance.now();
    await b.call('pause');
    const trained = pauseAt - t0 - paused;
    const step = lastStep();
    const quick = await b.call('evaluate', { limit: 2000 });
    const check = { step, seconds: trained / 1000, accuracy_2000: quick.accuracy };
    if (quick.accuracy >= target - 0.015) {  // the first 2,000 test images are the harder ones
      const full = await b.call('evaluate', { limit: 0 });
      check.accuracy = full.accuracy;
      if (full.accuracy >= target) reached = check;
    }
    checks.push(check);
    if (!reached) await b.call('resume');
    paused += performance.now() - pauseAt;
    next = step + every;
  }
  if (!reached) await b.call('stop').catch(() => {});
  const rates = b.metrics.map((m) => m.images_per_sec).filter((v) => v > 0);
  return { build: init.build, threads: init.threads, single_thread_reason: init.singleThreadReason, checks, reached, rates, errors: b.errors };
}

async function trainFor({ wasm, ms }) {
  const b = window.__bench;
  const init = await b.call('init', { wasm, modelUrl: '/models/basic-cnn/model.json' });
  await b.call('loadData', { baseUrl: '/data/' });
  await b.call('train', { config: { optimizer: 'adam', learning_rate: 0.001, batch_size: 32, epochs: 1, seed: 1 }, fresh: true });
  await new Promise((r) => setTimeout(r, ms));
  await b.call('stop');
  const rates = b.metrics.map((m) => m.images_per_sec).filter((v) => v > 0);
  return { build: init.build, threads: init.threads, rates, steps: b.metrics.at(-1)?.step ?? 0 };
}

/** img/s of the page's own training between `warmMs` and `warmMs + ms` after a press of Train. */
async function pageTrial(page, { warmMs, ms }) {
  const step = async () => Number(await page.getByTestId('step').textContent());
  await page.getByTestId('train-start').click();
  await page.locator('[data-testid="train-state"][data-state="running"]').waitFor();
  await page.waitForTimeout(warmMs);
  const [from, t0] = [await step(), Date.now()];
  await page.waitForTimeout(ms);
  const [to, t1] = [await step(), Date.now()];
  await page.getByTestId('train-stop').click();
  await page.locator('[data-testid="train-state"][data-state="stopped"]').waitFor();
  return ((to - from) * 32) / ((t1 - t0) / 1000);
}

/** What recording the run (its steps, its curves drawn) costs the page's training: alternating
 *  trials in two pages, one recording and one not. */
async function recordingCost(browser, server, { trials, seconds }) {
  const pages = {};
  for (const [mode, query] of [['recording', ''], ['not recording', '?no-recording']]) {
    const page = (pages[mode] = await browser.context.newPage());
    await page.goto(`${server.url}${query}#epochs=50`);
    await page.getByTestId('model-status').filter({ hasText: 'ready' }).waitFor({ timeout: 120_000 });
    await page.getByTestId('load-data').click();
    await page.getByTestId('data-status').filter({ hasText: /test images loaded/ }).waitFor({ timeout: 300_000 });
  }
  const rates = { recording: [], 'not recording': [] };
  for (let i = 0; i < trials; i++) {
    for (const mode of i % 2 ? ['not recording', 'recording'] : ['recording', 'not recording']) {
      rates[mode].push(await pageTrial(pages[mode], { warmMs: 3000, ms: seconds * 1000 }));
    }
  }
  const [withIt, without] = [median(rates.recording), median(rates['not recording'])];
  const spread = Math.max(...rates['not recording']) - Math.min(...rates['not recording']);
  const difference = without - withIt;
  return { rates, img_per_s: withIt, img_per_s_without: without, spread, ok: difference <= Math.max(spread, 0.02 * without) };
}

export async function runBrowser(args) {
  ensurePage(Boolean(args.build));
  const url = workerUrl(path.resolve(root, args.dist ?? 'dist'));
  const result = { date: new Date().toISOString(), load_before: loadavg(), method: 'page worker via its protocol (see tools/bench/browser.mjs)' };
  const server = await startPreview();
  const browser = await launchBrowser();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(server.url);
    result.cross_origin_isolated = await page.evaluate(() => crossOriginIsolated);
    result.hardware_concurrency = await page.evaluate(() => navigator.hardwareConcurrency);
    const limitMs = Number(args['limit-seconds'] ?? 240) * 1000;
    page.setDefaultTimeout(limitMs + 120_000);

    process.stderr.write('bench: browser, default build: training to 97 % test accuracy\n');
    await page.evaluate(installClient, url);
    const run = await page.evaluate(trainToTarget, { wasm: 'auto', target: 0.97, limitMs, firstCheck: 100, every: 25, maxSteps: 1875 });
    await page.evaluate(() => window.__bench.terminate());
    result.default = { ...run, img_per_s: median(run.rates), rates: undefined, time_to_97_s: run.reached?.seconds ?? null };

    process.stderr.write('bench: browser, SIMD-only build: img/s\n');
    await page.evaluate(installClient, url);
    const simd = await page.evaluate(trainFor, { wasm: 'simd', ms: 10_000 });
    await page.evaluate(() => window.__bench.terminate());
    result.simd = { ...simd, img_per_s: median(simd.rates), rates: undefined };

    const trials = Number(args['recording-trials'] ?? 4);
    if (trials > 0) {
      process.stderr.write(`bench: browser, the page training with and without recording the run, ${trials} trials of each\n`);
      result.recording = await recordingCost(browser, server, { trials, seconds: Number(args['trial-seconds'] ?? 20) });
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const notes = (result.notes = []);
  const found = findPytorch(notes);
  if (found) {
    process.stderr.write('bench: PyTorch, 1 and 2 threads (as npm run bench)\n');
    result.pytorch = runPytorch(found);
  }
  result.load_after = loadavg();
  const out = path.resolve(root, args.out ?? 'build/bench/browser.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const d = result.default;
  const torch = torchBasis(result.pytorch, 'cpu_img_per_s');
  result.targets = [
    target(`page ${d.threads}T / PyTorch 1T (CPU time)`, d.img_per_s / torch.value, 1.6, { basis: torch.basis }),
    target('time to 97 % test accuracy, s', d.time_to_97_s, 12, { lower: true }),
  ];
  fs.writeFileSync(out, `${JSON.stringify(result, null, 1)}\n`);
  const lines = [
    `Headless Chromium (${result.hardware_concurrency} cores, crossOriginIsolated ${result.cross_origin_isolated})`,
    `Load average before: ${result.load_before.join(' ')}   after: ${result.load_after.join(' ')}`,
    `  ${`wasm ${d.build} (${d.threads} threads)`.padEnd(28)} ${fmt(d.img_per_s)} img/s   time to 97 %: ${d.time_to_97_s != null ? `${d.time_to_97_s.toFixed(1)} s (step ${d.reached.step}, test accuracy ${(100 * d.reached.accuracy).toFixed(2)} %)` : 'not reached'}`,
    ...(d.build !== 'threads' ? [`  note: the worker's 'auto' choice ended with the ${d.build} build: ${d.single_thread_reason || 'no reason given'}`] : []),
    `  ${`wasm ${result.simd.build} (${result.simd.threads} thread)`.padEnd(28)} ${fmt(result.simd.img_per_s)} img/s`,
    `  ${`PyTorch ${result.pytorch?.version ?? ''} (1 thread)`.padEnd(28)} ${fmt(result.pytorch?.train?.['1']?.cpu_img_per_s)} img/s per second of CPU time ` +
      `(wall clock ${fmt(result.pytorch?.train?.['1']?.img_per_s)}; 2 threads ${fmt(result.pytorch?.train?.['2']?.img_per_s)}), the ratio's basis   ${result.pytorch?.blas ?? ''}`,
    result.recording
      ? `  the page, recording the run: ${fmt(result.recording.img_per_s)} img/s, not recording: ${fmt(result.recording.img_per_s_without)} img/s ` +
        `(trials ${result.recording.rates.recording.map((r) => r.toFixed(0)).join(', ')} and ${result.recording.rates['not recording'].map((r) => r.toFixed(0)).join(', ')}) ` +
        `${result.recording.ok ? '✓ recording costs no measurable speed' : '✗ recording costs more than the trials\' spread and 2 %'}`
      : '  the page, recording the run: not measured (--recording-trials 0)',
    `  checkpoints: ${d.checks.map((c) => `${c.step}: ${(100 * c.accuracy_2000).toFixed(1)}%${c.accuracy != null ? `/${(100 * c.accuracy).toFixed(2)}%` : ''} @${c.seconds.toFixed(1)}s`).join('  ')}`,
    'Targets (issue 16):',
    ...targetLines(result.targets),
    ...notes.map((n) => `  note: ${n}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.stderr.write(`bench: wrote ${path.relative(root, out)}\n`);
}
