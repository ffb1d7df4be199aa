// npm run soak: a long run of the page, not part of npm test. Three full epochs of Basic_CNN on
// MNIST in one page in headless Chromium (the built page, served by `vite preview`; build it
// first with `npm run build:page`), trained from new random weights as a press of Train does.
// Checks, and prints with the load average:
//   - a validation point after every epoch (the worker's 1,000-image check);
//   - training as fast in the last epoch as in the first: the workers' CPU time per training
//     step in epoch 3 at most epoch 1's / 0.9 (from /proc, so other work on the machine does not
//     count), and, when the machine stayed idle (load average under its cores), images/s of
//     epoch 3 (its images over its wall time) at least 0.9 × epoch 1's; on a busy machine the wall
//     clock measures the other work, so that check is reported as skipped. Each epoch also prints
//     where the CPU went (the workers, the page's main thread, compositing, the rest of the
//     browser, this harness), to tell what took it;
//   - test accuracy on all 10,000 test images ≥ 99 % after the third epoch;
//   - the training worker's wasm heap in use (bytes malloc holds) after epoch 3 within 5 MiB
//     of after epoch 1: a long run does not leak;
//   - no task of the page's main thread over 50 ms of CPU, from Chromium's tracing
//     (tests/browser/main-thread.mjs), in segments of 30 s so the trace never grows large.
// Writes its figures to build/soak/latest.json; exits 1 if a check failed.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPreview, launchBrowser, waitForReady } from '../tests/browser/server.mjs';
import { traceMainThread } from '../tests/browser/main-thread.mjs';
import { threadCpu, cpuBetween } from '../tests/browser/thread-cpu.mjs';

const EPOCHS = 3;
const MIN_TEST_ACCURACY = 0.99;
const HEAP_SLACK_BYTES = 5 * 1024 * 1024;
const TASK_BUDGET_MS = 50;
const MIN_SPEED_KEPT = 0.9; // the last epoch's speed over the first's (CPU per step; images/s when idle)
const TRACE_SEGMENT_MS = 30_000;
const TIMEOUT_MS = 3 * 60 * 60 * 1000; // a very slow machine still finishes; a hang does not run for ever

const root = fileURLToPath(new URL('..', import.meta.url));
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(', ');
const MiB = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
const minutes = (ms) => `${(ms / 60_000).toFixed(1)} min`;

/** In the page before its scripts: keeps the training worker's validation points (its 'epoch'
 *  events) in window.soakEpochs, beside the page's own handling of them, with the step they
 *  came at and when. */
function recordEpochs() {
  window.soakEpochs = [];
  let step = 0;
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(url, options) {
      super(url, options);
      if (String(url).includes('trainer')) {
        this.addEventListener('message', ({ data }) => {
          if (data?.type === 'metrics') step = data.step;
          if (data?.type === 'epoch') window.soakEpochs.push({ epoch: data.epoch, accuracy: data.accuracy, count: data.count, step, at: performance.now() });
        });
      }
    }
  };
}

const loadBefore = load();
console.log(`soak: ${EPOCHS} epochs of Basic_CNN in headless Chromium; load average before: ${loadBefore}`);
const server = await startPreview();
const browser = await launchBrowser();
const failures = [];
const notes = [];
const report = { epochs: [], loadBefore };
try {
  const page = await browser.context.newPage();
  page.on('pageerror', (err) => failures.push(`page error: ${err.message}`));
  await page.addInitScript(recordEpochs);
  await page.goto(`${server.url}#epochs=${EPOCHS}`);
  await waitForReady(page);
  await page.getByTestId('load-data').click();
  await page.getByTestId('data-status').filter({ hasText: /test images loaded/ }).waitFor({ timeout: 300_000 });
  report.build = await page.getByTestId('build-info').textContent();
  console.log(`engine: ${report.build}`);

  const origin = new URL(server.url).origin;
  const tasks = [];
  let tracing = await traceMainThread(browser.context, page, origin);
  /** Ends the running trace and keeps its tasks (a segment may have run none of the page's scripts). */
  async function collect() {
    try {
      tasks.push(...(await tracing.stop()));
    } catch (err) {
      if (!/no script from/.test(err.message)) throw err;
    }
  }
  const batchSize = Number(await page.locator('#batch-size').inputValue());
  let segmentStart = Date.now();
  const started = Date.now();
  let previous = { step: 0, at: await page.evaluate(() => performance.now()), cpu: threadCpu() };
  await page.getByTestId('train-start').click();
  for (;;) {
    await page.waitForTimeout(1000);
    const seen = await page.evaluate(() => window.soakEpochs);
    for (const point of seen.slice(report.epochs.length)) {
      const heapBytes = await page.evaluate(() => window.cnnPlayground.heapInUse());
      const throughput = (await page.getByTestId('throughput').textContent()).trim();
      const cpu = threadCpu();
      const seconds = (point.at - previous.at) / 1000;
      const imagesPerSec = ((point.step - previous.step) * batchSize) / seconds;
      // CPU of each group over the epoch, as a share of one core; the workers' per training step.
      const used = cpuBetween(previous.cpu, cpu);
      const cpuShare = Object.fromEntries(Object.entries(used).map(([group, ms]) => [group, ms / 10 / seconds]));
      const workerMsPerStep = used.workers / (point.step - previous.step);
      previous = { step: point.step, at: point.at, cpu };
      const entry = { ...point, heapBytes, minutes: (Date.now() - started) / 60_000, throughput, imagesPerSec, cpuShare, workerMsPerStep, loadAverage: os.loadavg()[0] };
      report.epochs.push(entry);
      console.log(`epoch ${point.epoch}: validation accuracy ${(point.accuracy * 100).toFixed(2)} % on ${point.count} images, ` +
        `heap in use ${MiB(heapBytes)}, ${minutes(Date.now() - started)} in, ${imagesPerSec.toFixed(0)} images/s over the epoch ` +
        `(last chunk ${throughput}), load ${load()}\n  CPU, % of a core: ` +
        `${Object.entries(cpuShare).sort((a, b) => b[1] - a[1]).map(([group, share]) => `${group} ${share.toFixed(0)}`).join(', ')}; ` +
        `workers ${workerMsPerStep.toFixed(1)} ms a step`);
    }
    if (Date.now() - segmentStart > TRACE_SEGMENT_MS) {
      await collect();
      tracing = await traceMainThread(browser.context, page, origin);
      segmentStart = Date.now();
    }
    const error = (await page.getByTestId('error').textContent()).trim();
    if (error) throw new Error(`the page says: ${error}`);
    const state = await page.getByTestId('train-state').getAttribute('data-state');
    if (state === 'done' && report.epochs.length >= EPOCHS) break;
    if (Date.now() - started > TIMEOUT_MS) throw new Error(`not done after ${minutes(TIMEOUT_MS)} (state ${state})`);
  }
  await collect();
  report.trainingMinutes = (Date.now() - started) / 60_000;

  await page.locator('#eval-limit').selectOption('0');
  await page.getByTestId('evaluate').click();
  await page.getByTestId('test-accuracy').filter({ hasText: /%/ }).waitFor({ timeout: 600_000 });
  report.testAccuracy = parseFloat(await page.getByTestId('test-accuracy').textContent()) / 100;

  const worst = [...tasks].sort((a, b) => b.cpuMs - a.cpuMs);
  const describe = (t) => `${t.cpuMs.toFixed(1)} ms CPU (${t.wallMs.toFixed(0)} ms wall) at ${t.at} ms: ${t.scripts.join(', ')}`;
  report.mainThread = { tasks: tasks.length, longestCpuMs: worst.map((t) => t.cpuMs).slice(0, 3) };

  const byEpoch = new Map(report.epochs.map((e) => [e.epoch, e]));
  if (report.epochs.length !== EPOCHS || ![...Array(EPOCHS)].every((_, i) => byEpoch.has(i + 1))) {
    failures.push(`validation points for epochs ${report.epochs.map((e) => e.epoch).join(', ')}, not 1 to ${EPOCHS}`);
  }
  if (!(report.testAccuracy >= MIN_TEST_ACCURACY)) failures.push(`test accuracy ${report.testAccuracy} < ${MIN_TEST_ACCURACY}`);
  const first = byEpoch.get(1);
  const last = byEpoch.get(EPOCHS);
  if (first && last) {
    report.heapGrowthBytes = last.heapBytes - first.heapBytes;
    if (Math.abs(report.heapGrowthBytes) > HEAP_SLACK_BYTES) {
      failures.push(`wasm heap in use after epoch ${EPOCHS} is ${MiB(report.heapGrowthBytes)} away from after epoch 1 (allowed ${MiB(HEAP_SLACK_BYTES)})`);
    }
  }
  if (first && last && !(last.workerMsPerStep * MIN_SPEED_KEPT <= first.workerMsPerStep)) {
    failures.push(`epoch ${EPOCHS}'s training steps took ${last.workerMsPerStep.toFixed(1)} ms of the workers' CPU each, over epoch 1's ${first.workerMsPerStep.toFixed(1)} / ${MIN_SPEED_KEPT}`);
  }
  const idle = Math.max(...report.epochs.map((e) => e.loadAverage)) < os.availableParallelism();
  if (first && last && !idle) {
    notes.push(`images/s not compared (epoch 1 ${first.imagesPerSec.toFixed(0)}, epoch ${EPOCHS} ${last.imagesPerSec.toFixed(0)}): the load average reached ${Math.max(...report.epochs.map((e) => e.loadAverage)).toFixed(1)} on ${os.availableParallelism()} cores`);
  } else if (first && last && !(last.imagesPerSec >= MIN_SPEED_KEPT * first.imagesPerSec)) {
    failures.push(`epoch ${EPOCHS} trained at ${last.imagesPerSec.toFixed(0)} images/s, under ${MIN_SPEED_KEPT} × epoch 1's ${first.imagesPerSec.toFixed(0)}`);
  }
  if (tasks.length < 100) failures.push(`only ${tasks.length} main-thread tasks traced`);
  for (const t of worst.filter((t) => t.cpuMs > TASK_BUDGET_MS)) failures.push(`main-thread task over ${TASK_BUDGET_MS} ms: ${describe(t)}`);

  report.loadAfter = load();
  console.log(`\ntraining: ${minutes(report.trainingMinutes * 60_000)} for ${EPOCHS} epochs`);
  console.log(`test accuracy (10,000 images): ${(report.testAccuracy * 100).toFixed(2)} %`);
  console.log(`wasm heap in use: ${report.epochs.map((e) => `after epoch ${e.epoch} ${MiB(e.heapBytes)}`).join(', ')}` +
    ` (epoch ${EPOCHS} − epoch 1: ${MiB(report.heapGrowthBytes ?? NaN)})`);
  console.log(`main thread: ${tasks.length} tasks of the page's scripts; longest ${worst.slice(0, 3).map(describe).join('; ')}`);
  console.log(`load average before: ${report.loadBefore}; after: ${report.loadAfter}`);
} catch (err) {
  failures.push(err.message);
} finally {
  await browser.close();
  await server.close();
}

report.failures = failures;
report.notes = notes;
fs.mkdirSync(path.join(root, 'build', 'soak'), { recursive: true });
fs.writeFileSync(path.join(root, 'build', 'soak', 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
for (const note of notes) console.log(`note: ${note}`);
for (const failure of failures) console.log(`✗ ${failure}`);
console.log(failures.length ? `soak: ${failures.length} check(s) failed` : 'soak: every check passed');
process.exitCode = failures.length ? 1 : 0;
