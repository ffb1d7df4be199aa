// Why this answer, and teaching the network your handwriting: saliency and Grad-CAM of a drawn
// digit for the answer and for a clicked class, my digits kept across a reload and exported as
// IDX files, and fine-tuning with before/after accuracies whose undo gives back the same weights.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { usePlaygroundPage, waitForReady, drawDigit, clearPad, waitForAnswer, screenshotPath } from './server.mjs';
import { describeIdx } from '../../web/shared/idx.js';

/** The pixels of a map's canvas, once it answers the current input for class `target`. */
async function mapPixels(page, testid, target) {
  await page.waitForFunction(
    ([id, want]) => {
      const canvas = document.querySelector(`[data-testid="${id}"]`);
      const input = document.querySelector('[data-testid="input-28"]');
      return canvas.dataset.version === input.dataset.version && canvas.dataset.target === String(want);
    },
    [testid, target],
    { timeout: 15_000 },
  );
  return page.evaluate((id) => {
    const canvas = document.querySelector(`[data-testid="${id}"]`);
    return Array.from(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data);
  }, testid);
}

const distinctColours = (pixels) => new Set(pixels.filter((_, i) => i % 4 === 0).map((r, i) => `${r},${pixels[i * 4 + 1]},${pixels[i * 4 + 2]}`)).size;
const differing = (a, b) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);

async function teach(page, digit, left, top, size) {
  await clearPad(page);
  await drawDigit(page, digit, left, top, size);
  await waitForAnswer(page);
  const before = await page.getByTestId('my-digit').count();
  await page.getByTestId(`teach-${digit}`).click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="my-digit"]').length === n, before + 1);
}

const labelsShown = (page) => page.getByTestId('my-digit').evaluateAll((items) => items.map((item) => Number(item.dataset.label)));

describe('why this answer, and teaching it your handwriting', () => {
  let page, problems;
  usePlaygroundPage((opened) => ({ page, problems } = opened));

  it('shows saliency and Grad-CAM of a drawn digit, and other ones for a clicked class', async () => {
    await drawDigit(page, 3, 60, 40, 180);
    const predicted = Number(await waitForAnswer(page));
    const saliency = await mapPixels(page, 'saliency', predicted);
    const gradcam = await mapPixels(page, 'gradcam', predicted);
    assert.ok(distinctColours(saliency) > 20, 'the saliency map has a range of colours');
    assert.ok(distinctColours(gradcam) > 20, 'Grad-CAM has a range of colours');
    assert.match(await page.locator('#saliency-text').textContent(), new RegExp(`Saliency: .*“${predicted}”`));
    assert.match(await page.locator('#gradcam-text').textContent(), /Grad-CAM on conv2d_3/);
    assert.equal(await page.locator('#saliency-legend .legend').count(), 1);
    await mapPixels(page, 'occlusion', predicted);

    const other = predicted === 8 ? 5 : 8;
    await page.getByTestId(`prob-${other}`).click();
    const otherSaliency = await mapPixels(page, 'saliency', other);
    const otherGradcam = await mapPixels(page, 'gradcam', other);
    assert.ok(differing(saliency, otherSaliency) > 1000, 'the saliency map changed with the class');
    assert.ok(differing(gradcam, otherGradcam) > 1000, 'Grad-CAM changed with the class');
    assert.match(await page.locator('#gradcam-text').textContent(), new RegExp(`“${other}”`));

    await mapPixels(page, 'occlusion', other);
    await page.locator('#draw').screenshot({ path: screenshotPath('why-this-answer.png') });
    await page.locator('input[name="lang"][value="ko"]').check();
    await page.locator('#saliency-text').filter({ hasText: '돌출 맵' }).waitFor();
    await page.locator('input[name="lang"][value="en"]').check();
    assert.deepEqual(problems, []);
  });

  it('keeps three taught drawings across a reload, deletes one, exports the four IDX files', async () => {
    await page.getByTestId('my-digits-clear').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="my-digit"]').length === 0);
    await teach(page, 1, 100, 40, 190);
    await teach(page, 7, 50, 50, 170);
    await teach(page, 2, 60, 60, 150);
    assert.deepEqual(await labelsShown(page), [1, 7, 2]);

    await page.reload();
    await waitForReady(page);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="my-digit"]').length === 3);
    assert.deepEqual(await labelsShown(page), [1, 7, 2]);
    assert.match(await page.getByTestId('fine-tune-status').textContent(), /Teach 7 more digits/);

    const downloads = [];
    const collect = (download) => downloads.push(download);
    page.on('download', collect);
    await page.getByTestId('my-digits-export').click();
    const deadline = Date.now() + 15_000;
    while (downloads.length < 4 && Date.now() < deadline) await page.waitForTimeout(50);
    page.off('download', collect);
    const files = {};
    for (const d of downloads) files[d.suggestedFilename()] = new Uint8Array(fs.readFileSync(await d.path()));
    assert.deepEqual(Object.keys(files).sort(),
      ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte']);
    assert.deepEqual(describeIdx(files['train-images-idx3-ubyte']), { kind: 'images', count: 3, rows: 28, cols: 28 });
    assert.deepEqual(Array.from(files['train-labels-idx1-ubyte'].subarray(8)), [1, 7, 2]);

    await page.getByTestId('my-digit-delete').nth(1).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="my-digit"]').length === 2);
    assert.deepEqual(await labelsShown(page), [1, 2]);
  });

  it('fine-tunes on my digits (loading MNIST first), reports accuracies, and undo restores the weights exactly', async () => {
    for (const [digit, left, top, size] of [[7, 40, 40, 200], [4, 70, 30, 170], [5, 50, 60, 160], [0, 60, 40, 190],
      [9, 80, 50, 150], [3, 40, 70, 180], [8, 70, 40, 170], [6, 50, 50, 160]]) {
      await teach(page, digit, left, top, size);
    }
    assert.equal(await page.getByTestId('my-digit').count(), 10);
    assert.equal((await page.getByTestId('fine-tune-status').textContent()).trim(), '');
    await page.getByTestId('fine-tune').click();
    await page.getByTestId('fine-tune-status').filter({ hasText: /Loading MNIST first/ }).waitFor();
    await page.getByTestId('fine-tune-result').waitFor({ state: 'visible', timeout: 300_000 });
    const percent = async (id) => parseFloat(await page.getByTestId(id).textContent());
    const mnistBefore = await percent('fine-tune-mnist-before');
    const mnistAfter = await percent('fine-tune-mnist-after');
    const ownAfter = await percent('fine-tune-own-after');
    assert.ok(mnistBefore > 97, `MNIST before: ${mnistBefore}%`);
    assert.ok(mnistAfter > 96, `MNIST after: ${mnistAfter}%`);
    assert.ok(ownAfter >= await percent('fine-tune-own-before'), 'no worse on the digits it was taught');
    assert.ok(ownAfter >= 80, `my digits after: ${ownAfter}%`);
    const { digestBefore, digestAfter } = await page.getByTestId('fine-tune-result').evaluate((el) => ({ ...el.dataset }));
    assert.notEqual(digestBefore, digestAfter);

    await page.getByTestId('fine-tune-undo').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="fine-tune-status"]').dataset.ended === 'undone');
    const digestNow = await page.getByTestId('fine-tune-result').evaluate((el) => el.dataset.digestNow);
    assert.equal(digestNow, digestBefore, 'the weights from before, bit for bit');
    assert.equal((await page.getByTestId('error').textContent()).trim(), '');
  });
});
