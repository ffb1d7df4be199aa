// Bad input in the page: broken IDX files (your own data, and a broken MNIST download), broken
// model files, a learning rate that makes training diverge, and an engine that traps. Each must show
// a message in `error` and leave the page usable with what it had. Run by `node --test tests/browser/`.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  usePlaygroundPage, waitForReady, drawDigit, clearPad, waitForAnswer, readProbabilities,
} from './server.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const text = async (page, id) => (await page.getByTestId(id).textContent()).trim();

/** An IDX file: magic, big-endian dimensions, then the body. */
function idx(magic, dims, body) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(body)]);
}
const images = (n, rows = 28, cols = 28) => idx(0x803, [n, rows, cols], new Uint8Array(n * rows * cols).fill(9));
const labels = (n, value = 3) => idx(0x801, [n], new Uint8Array(n).fill(value));
const file = (name, buffer) => ({ name, mimeType: 'application/octet-stream', buffer });

/** Four well-formed files; `change` replaces some of them. */
function dataFiles(change = {}) {
  const files = {
    'train-images-idx3-ubyte': images(6),
    'train-labels-idx1-ubyte': labels(6),
    't10k-images-idx3-ubyte': images(2),
    't10k-labels-idx1-ubyte': labels(2),
    ...change,
  };
  return Object.entries(files).map(([name, buffer]) => file(name, buffer));
}

const corruptGzip = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), Buffer.alloc(64, 0xff)]);

/** Waits until `error` shows something, and returns it. */
async function errorShown(page, timeout = 30_000) {
  await page.waitForFunction(() => document.querySelector('[data-testid="error"]').textContent.trim() !== '', null, { timeout });
  return text(page, 'error');
}

async function clearShownError(page) {
  await page.evaluate(() => {
    document.querySelector('[data-testid="error"]').textContent = '';
  });
}

async function expectStillReady(page, statusPattern) {
  const status = await text(page, 'model-status');
  assert.match(status, /ready/);
  if (statusPattern) assert.match(status, statusPattern);
}

describe('bad input in the page', () => {
  let page, problems;
  usePlaygroundPage((opened) => ({ page, problems } = opened));

  it('refuses broken IDX files chosen as your own data, naming the file and the problem', async () => {
    // One case of each place that decides (the full lists: tests/web/shared/idx.test.mjs and the
    // engine's tests/native/test_dataset.cpp): the page's header reader, the training worker, the engine.
    await page.locator('#own-data summary').click();
    const cases = [
      [{ 'train-images-idx3-ubyte': Buffer.alloc(0) }, /train-images-idx3-ubyte is too short to be an IDX file/],
      [{ 'train-labels-idx1-ubyte': labels(5) }, /has 6 images but train-labels-idx1-ubyte has 5 labels/],
      [{ 't10k-labels-idx1-ubyte': labels(2, 12) }, /test labels: label 12 of image 0 is outside 0-9/],
      [{ 'train-images-idx3-ubyte': images(6, 32, 32) }, /32×32 images; the page works with 28×28 images/],
      [{ 'train-images-idx3-ubyte': Buffer.concat([images(6), Buffer.alloc(5)]) }, /train images: has 5 bytes after the 6 images/],
      [{ 'train-images-idx3-ubyte.gz': corruptGzip }, /train-images-idx3-ubyte.gz could not be decompressed/],
    ];
    for (const [change, expected] of cases) {
      const files = dataFiles(change).filter((f) => !(f.name.endsWith('.gz') ? false : `${f.name}.gz` in change));
      await clearShownError(page);
      await page.locator('#data-files').setInputFiles(files);
      const shown = await errorShown(page);
      assert.match(shown, expected);
      assert.match(shown, /Loading your data failed/);
      await expectStillReady(page);
    }
    // Well-formed files still load afterwards.
    await clearShownError(page);
    await page.locator('#data-files').setInputFiles(dataFiles());
    await page.getByTestId('data-status').filter({ hasText: /6 training and 2 test images loaded/ }).waitFor();
    assert.equal(await text(page, 'error'), '');
  });

  it('refuses a broken MNIST download with a message; the next try works', async () => {
    // A corrupt gzip in place of the test labels, as a broken proxy or disk might serve it.
    await page.route('**/data/t10k-labels-idx1-ubyte.gz', (route) =>
      route.fulfill({ status: 200, contentType: 'application/gzip', body: corruptGzip }));
    await clearShownError(page);
    await page.getByTestId('load-data').click();
    const shown = await errorShown(page, 120_000);
    assert.match(shown, /Loading MNIST failed/);
    assert.match(shown, /t10k-labels-idx1-ubyte/);
    await expectStillReady(page);
    await page.unroute('**/data/t10k-labels-idx1-ubyte.gz');

    await clearShownError(page);
    await page.getByTestId('load-data').click();
    await page.getByTestId('data-status').filter({ hasText: /60,000 training and 10,000 test images loaded/ }).waitFor({ timeout: 120_000 });
    assert.equal(await text(page, 'error'), '');
  });

  it('refuses broken model files and keeps the current model', async () => {
    const shippedDir = path.join(repoRoot, 'public/models/basic-cnn');
    const modelJson = fs.readFileSync(path.join(shippedDir, 'model.json'), 'utf8');
    const weights = fs.readFileSync(path.join(shippedDir, 'weights.bin'));
    const statusBefore = await text(page, 'model-status');
    const json = (s) => Buffer.from(s);
    // The page reads the manifest, the engine the rest (its full list: tests/native/test_robustness.cpp).
    const cases = [
      [json(modelJson.slice(0, 500)), weights, /model.json is not valid JSON/],
      [json(modelJson), weights.subarray(0, 1000), /the weights file has 1000 bytes but model.json's weightsManifest describes 6705064/],
      [json(modelJson.replace('"class_name":"Flatten"', '"class_name":"LSTM"')), weights, /unknown layer class 'LSTM'/],
    ];
    for (const [jsonBytes, weightBytes, expected] of cases) {
      await clearShownError(page);
      await page.getByTestId('load-model').setInputFiles([file('model.json', jsonBytes), file('weights.bin', weightBytes)]);
      const shown = await errorShown(page);
      assert.match(shown, expected);
      assert.match(shown, /The previous model is still in use/);
      assert.equal(await text(page, 'model-status'), statusBefore);
    }
  });

  it('stops a diverging run with a hint to lower the learning rate and keeps the last good weights', async () => {
    await page.locator('#optimizer').selectOption('sgd');
    await page.locator('#learning-rate').fill('10');
    await clearShownError(page);
    await page.getByTestId('train-start').click();
    const shown = await errorShown(page, 120_000);
    assert.match(shown, /Training stopped: the (loss became (NaN|infinite)|weights overflowed) at step \d+/);
    assert.match(shown, /Try a lower learning rate \(now 10/);
    await page.locator('[data-testid="train-state"][data-state="stopped"]').waitFor();
    // The restored weights still give finite answers.
    await expectStillReady(page);
    await page.getByTestId('evaluate').click();
    await page.getByTestId('test-accuracy').filter({ hasText: /% of/ }).waitFor({ timeout: 60_000 });
    const accuracy = Number(await page.getByTestId('test-accuracy').getAttribute('data-value'));
    assert.ok(Number.isFinite(accuracy), `test accuracy after the diverged run: ${accuracy}`);
  });

  it('notices an engine that traps and restarts the worker with the weights in use', async () => {
    await page.locator('#optimizer').selectOption('adam');
    await page.locator('#learning-rate').fill('0.001');
    await page.getByTestId('train-reset').click();
    await page.getByTestId('model-status').filter({ hasText: /random weights.*ready/ }).waitFor();
    await page.getByTestId('save-model').click();
    await page.getByTestId('model-status').filter({ hasText: /Your saved model.*ready/ }).waitFor({ timeout: 30_000 });
    // Something else is in use when the worker dies: the shipped model, which is not the saved one.
    await page.locator('#default-model').click();
    await page.getByTestId('model-status').filter({ hasText: /Shipped.*ready/ }).waitFor();
    const before = await classify(page);

    // The engine traps (a WebAssembly `unreachable`, as a bug or an abort would) between requests.
    await clearShownError(page);
    await page.evaluate(() => window.cnnPlayground.crashWorker());
    assert.match(await errorShown(page), /worker stopped \(.*RuntimeError: unreachable.*\)\. It has been restarted with the weights in use when it stopped, and MNIST is loaded into it again\./);
    await waitForReady(page);
    assert.match(await text(page, 'model-status'), /^Shipped Basic_CNN, trained with the cnn command line, recovered after the worker stopped · test accuracy 99\.\d\d%/);
    assert.deepEqual(await classify(page), before, 'the same weights give the same answer');
    assert.equal(problems.filter((p) => !/unreachable/.test(p)).length, 0, problems.join('\n'));
  });

  it('notices an engine that traps in the middle of training, and goes on from the weights it had', async () => {
    // MNIST is there: loaded before the last crash, and again by the page after it.
    await page.getByTestId('data-status').filter({ hasText: /60,000 training and 10,000 test images loaded/ }).waitFor({ timeout: 120_000 });
    await page.getByTestId('train-start').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="step"]').textContent) > 3, null, { timeout: 60_000 });
    await clearShownError(page);
    await page.evaluate(() => window.cnnPlayground.crashWorker());
    assert.match(await errorShown(page), /worker stopped \(.*RuntimeError: unreachable.*\)\. It has been restarted with the weights in use when it stopped, and MNIST is loaded into it again\./);
    await waitForReady(page);
    // The predictor's copy of the weights, at most ~0.5 s older than the crash.
    const status = await text(page, 'model-status');
    const [, step] = status.match(/^Basic_CNN trained in this page to step (\d+), recovered after the worker stopped · ready$/) ?? [];
    assert.ok(Number(step) > 0, status);
    assert.equal(await page.getByTestId('train-state').getAttribute('data-state'), 'idle');
    assert.match((await classify(page)).digit, /^\d$/);
    // The data comes back by itself, and training can go on.
    await page.getByTestId('data-status').filter({ hasText: /60,000 training and 10,000 test images loaded/ }).waitFor({ timeout: 120_000 });
    await page.getByTestId('train-start').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="step"]').textContent) > 0, null, { timeout: 60_000 });
    await page.getByTestId('train-stop').click();
    await page.locator('[data-testid="train-state"][data-state="stopped"]').waitFor();
    assert.equal(problems.filter((p) => !/unreachable/.test(p)).length, 0, problems.join('\n'));
  });
});

/** Draws a 7 and returns the answer and its probabilities, from the (restarted) predictor. */
async function classify(page) {
  await clearPad(page);
  await drawDigit(page, 7, 40, 40, 200);
  const digit = await waitForAnswer(page, 30_000);
  return { digit, probs: await readProbabilities(page) };
}
