// Loading MNIST and training in the worker: progress, pause / resume / stop, predictions and a
// responsive page while it trains, evaluation. Run by `node --test tests/browser/`.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  usePlaygroundPage, drawDigit, clearPad, waitForAnswer, screenshotPath,
} from './server.mjs';
import { traceMainThread } from './main-thread.mjs';

const MAIN_THREAD_BUDGET_MS = 50; // of CPU per task, what a long task is

/** Records the round trip of every prediction the page receives. */
function recordPredictions() {
  window.__latencies = [];
  const latency = document.querySelector('#latency');
  new MutationObserver(() => {
    if (latency.dataset.ms) window.__latencies.push({ at: performance.now(), ms: Number(latency.dataset.ms) });
  }).observe(latency, { attributes: true, attributeFilter: ['data-ms'] });
}

const text = async (page, id) => (await page.getByTestId(id).textContent()).trim();
const stepOf = async (page) => Number(await text(page, 'step')) || 0;

async function waitForState(page, state, timeout = 30_000) {
  await page.locator(`[data-testid="train-state"][data-state="${state}"]`).waitFor({ timeout });
}

async function waitForStepAbove(page, step, timeout = 60_000) {
  await page.waitForFunction(
    (s) => Number(document.querySelector('[data-testid="step"]').textContent) > s,
    step,
    { timeout },
  );
  return stepOf(page);
}

describe('training in the worker', () => {
  let server, browser, page, problems;
  usePlaygroundPage(async (opened) => {
    ({ server, browser, page, problems } = opened);
    await page.evaluate(recordPredictions);
  });
  const mainThreadTasks = []; // what the page did on its main thread while training

  it('loads MNIST with a progress bar', async () => {
    const progress = [];
    await page.getByTestId('load-data').click();
    // Sample the progress bar while the 11 MB come in.
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const p = await page.locator('#data-progress').evaluate((el) => ({ value: el.value, max: el.max }));
      progress.push(p);
      if (/loaded/.test(await page.locator('#data-status').textContent())) break;
      await page.waitForTimeout(20);
    }
    assert.match(await page.locator('#data-status').textContent(), /60,000 training and 10,000 test images loaded/);
    const last = progress[progress.length - 1];
    assert.ok(last.max > 10e6, `the bar's total is the download size (${last.max} bytes)`);
    assert.equal(await page.getByTestId('train-start').isEnabled(), true);
  });

  it('trains: step, loss and throughput move; pause holds; resume continues; stop ends', async () => {
    const origin = new URL(server.url).origin;
    let tracing = await traceMainThread(browser.context, page, origin);
    await page.getByTestId('train-start').click();
    await waitForState(page, 'running');
    const firstStep = await waitForStepAbove(page, 0);
    const firstLoss = await text(page, 'loss');
    const laterStep = await waitForStepAbove(page, firstStep + 5);
    assert.ok(laterStep > firstStep);
    assert.notEqual(await text(page, 'loss'), firstLoss);
    assert.ok(Number((await text(page, 'throughput')).replace(/,/g, '')) > 0, 'images/s shown');
    assert.match(await text(page, 'epoch'), /^1 \/ 1$/);

    // Predictions keep coming while it trains, answered between training chunks.
    await clearPad(page);
    const before = await page.evaluate(() => window.__latencies.length);
    await drawDigit(page, 2, 40, 40, 200);
    await waitForAnswer(page);
    const stepAtFirstAnswer = await stepOf(page);
    // While the drawing stays, the page re-asks every 0.5 s with the newest weights.
    await waitForStepAbove(page, stepAtFirstAnswer + 3);
    await page.waitForTimeout(1200);
    const latencies = await page.evaluate((n) => window.__latencies.slice(n).map((l) => l.ms), before);
    assert.ok(latencies.length >= 3, `${latencies.length} answers while training`);
    console.log(`# predict round trip during training: max ${Math.max(...latencies).toFixed(0)} ms, ` +
      `median ${latencies.sort((a, b) => a - b)[latencies.length >> 1].toFixed(0)} ms over ${latencies.length}`);
    // A full-page screenshot resizes and repaints the page: the work it causes is not the page's.
    mainThreadTasks.push(...await tracing.stop());
    await page.screenshot({ path: screenshotPath('training.png'), fullPage: true });
    tracing = await traceMainThread(browser.context, page, origin);

    await page.getByTestId('train-pause').click();
    await waitForState(page, 'paused');
    const pausedStep = await stepOf(page);
    await page.waitForTimeout(1500);
    assert.equal(await stepOf(page), pausedStep, 'no steps while paused');
    assert.equal(await text(page, 'train-pause'), 'Resume');

    await page.getByTestId('train-pause').click();
    await waitForState(page, 'running');
    await waitForStepAbove(page, pausedStep);

    await page.getByTestId('train-stop').click();
    await waitForState(page, 'stopped');
    mainThreadTasks.push(...await tracing.stop());
    const stoppedStep = await stepOf(page);
    await page.waitForTimeout(1000);
    assert.equal(await stepOf(page), stoppedStep, 'no steps after stop');
    assert.match(await text(page, 'model-status'), /trained in this page.*ready/);
  });

  it('kept the main thread free while training (no task of the page over 50 ms of CPU)', () => {
    // Drawing, predictions every 0.5 s, feature maps and filters every second, metrics and charts
    // after every chunk: each task of the page's own on its main thread stays short.
    const worst = [...mainThreadTasks].sort((a, b) => b.cpuMs - a.cpuMs);
    const ms = (t) => `${t.cpuMs.toFixed(1)} ms CPU (${t.wallMs.toFixed(0)} ms wall, ${t.gcMs.toFixed(1)} ms GC) at ${t.at} ms: ${t.scripts.join(', ')}`;
    console.log(`# the page's main-thread tasks while training: ${mainThreadTasks.length}; longest ${worst.slice(0, 3).map(ms).join('; ')}`);
    assert.ok(mainThreadTasks.length > 100, `${mainThreadTasks.length} tasks traced`);
    const long = worst.filter((t) => t.cpuMs > MAIN_THREAD_BUDGET_MS);
    assert.deepEqual(long.map(ms), []);
  });

  it('evaluates on test images: accuracy, confusion matrix, misclassified examples', async () => {
    await page.locator('#eval-limit').selectOption('1000');
    await page.getByTestId('evaluate').click();
    await page.getByTestId('test-accuracy').filter({ hasText: /% of 1,000 images/ }).waitFor({ timeout: 120_000 });
    const accuracy = parseFloat(await text(page, 'test-accuracy'));
    // A few dozen steps from random weights already beat chance (10 %) by far.
    assert.ok(accuracy > 30, `test accuracy ${accuracy}%`);
    const cells = await page.locator('[data-testid="confusion-matrix"] tbody td').allTextContents();
    assert.equal(cells.length, 100);
    assert.equal(cells.reduce((s, c) => s + Number(c), 0), 1000);
    assert.ok((await page.locator('[data-testid="misclassified"] canvas').count()) > 0);
  });

  it('left no errors on the page', () => {
    assert.deepEqual(problems, []);
    return clearPad(page);
  });

  it('trains with the single-threaded build too (#wasm=simd)', async () => {
    const threadedFooter = await page.locator('#build-info').textContent();
    const threaded = await text(page, 'throughput');
    await page.close();
    const simdPage = await browser.context.newPage();
    await simdPage.goto(`${server.url}#wasm=simd`);
    await simdPage.getByTestId('model-status').filter({ hasText: 'ready' }).waitFor({ timeout: 60_000 });
    assert.equal(await simdPage.locator('#build-info').textContent(), 'SIMD, 1 thread');
    await simdPage.getByTestId('load-data').click();
    await simdPage.locator('#data-status').filter({ hasText: 'loaded' }).waitFor({ timeout: 120_000 });
    await simdPage.getByTestId('train-start').click();
    await waitForStepAbove(simdPage, 10);
    const simd = await text(simdPage, 'throughput');
    await simdPage.getByTestId('train-stop').click();
    await waitForState(simdPage, 'stopped');
    console.log(`# images/s in Chromium: ${threadedFooter}: ${threaded}; SIMD, 1 thread: ${simd}`);
    assert.ok(Number(simd.replace(/,/g, '')) > 0);
  });
});
