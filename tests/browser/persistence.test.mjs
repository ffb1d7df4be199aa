// Saving and loading models: download + IndexedDB, a reload brings the saved model back, the
// downloaded files load again through the file picker. Run by `node --test tests/browser/`.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  usePlaygroundPage, waitForReady, drawDigit, clearPad, waitForAnswer, readProbabilities,
} from './server.mjs';

const text = async (page, id) => (await page.getByTestId(id).textContent()).trim();

/** Draws the same 4 every time and returns the ten probabilities shown for it. */
async function probabilitiesOfA4(page) {
  await clearPad(page);
  await drawDigit(page, 4, 50, 40, 190);
  await waitForAnswer(page);
  return readProbabilities(page);
}

const sameProbabilities = (a, b) => a.every((p, i) => Math.abs(p - b[i]) < 0.15); // shown to 0.1 %

describe('saving and loading models', () => {
  let page, downloads;
  usePlaygroundPage((opened) => ({ page } = opened));
  before(() => {
    downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-playground-downloads-'));
  });
  after(() => {
    if (downloads) fs.rmSync(downloads, { recursive: true, force: true });
  });

  let shipped, random;

  it('saves a model as two downloads and in the browser; a reload brings it back', async () => {
    assert.match(await text(page, 'model-status'), /Shipped/);
    shipped = await probabilitiesOfA4(page);

    // New random weights make a model that is easy to tell from the shipped one.
    await page.getByTestId('train-reset').click();
    await page.getByTestId('model-status').filter({ hasText: /random weights.*ready/ }).waitFor();
    random = await probabilitiesOfA4(page);
    assert.ok(!sameProbabilities(random, shipped), 'the reset model answers differently');

    const saved = [];
    const collect = (download) => saved.push(download);
    page.on('download', collect);
    await page.getByTestId('save-model').click();
    const deadline = Date.now() + 15_000;
    while (saved.length < 2 && Date.now() < deadline) await page.waitForTimeout(50);
    page.off('download', collect);
    const names = saved.map((d) => d.suggestedFilename()).sort();
    assert.deepEqual(names, ['model.json', 'weights.bin']);
    for (const d of saved) await d.saveAs(path.join(downloads, d.suggestedFilename()));
    const modelJson = JSON.parse(fs.readFileSync(path.join(downloads, 'model.json'), 'utf8'));
    assert.equal(modelJson.format, 'layers-model');
    // 1,676,266 float32 weights.
    assert.equal(fs.statSync(path.join(downloads, 'weights.bin')).size, 1_676_266 * 4);
    await page.getByTestId('model-status').filter({ hasText: /Your saved model/ }).waitFor();

    await page.reload();
    await waitForReady(page);
    assert.match(await text(page, 'model-status'), /Your saved model/);
    assert.ok(sameProbabilities(await probabilitiesOfA4(page), random), 'the reloaded model is the saved one');
  });

  it('loads the downloaded files back through the file picker', async () => {
    await page.locator('#default-model').click();
    await page.getByTestId('model-status').filter({ hasText: /Shipped.*ready/ }).waitFor();
    assert.ok(sameProbabilities(await probabilitiesOfA4(page), shipped), 'the shipped model is back');

    await page.getByTestId('load-model').setInputFiles([path.join(downloads, 'model.json'), path.join(downloads, 'weights.bin')]);
    await page.getByTestId('model-status').filter({ hasText: /Model from model.json.*ready/ }).waitFor();
    assert.equal(await text(page, 'error'), '');
    assert.ok(sameProbabilities(await probabilitiesOfA4(page), random), 'the loaded model is the saved one');
  });

  it('loads a model dropped on the page', async () => {
    // The shipped files, dropped as a person would drop them from a file manager.
    await page.evaluate(async () => {
      const transfer = new DataTransfer();
      for (const name of ['model.json', 'weights.bin']) {
        const bytes = await (await fetch(`/models/basic-cnn/${name}`)).arrayBuffer();
        transfer.items.add(new File([bytes], name));
      }
      for (const type of ['dragenter', 'dragover', 'drop']) {
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    });
    await page.getByTestId('model-status').filter({ hasText: /Model from model.json.*test accuracy.*ready/ }).waitFor();
    assert.ok(sameProbabilities(await probabilitiesOfA4(page), shipped), 'the dropped model is the shipped one');
  });

  it('forgets the saved model on request: a reload shows the shipped model', async () => {
    await page.locator('#forget-model').click();
    await page.waitForFunction(() => document.querySelector('#forget-model').disabled);
    await page.reload();
    await waitForReady(page);
    assert.match(await text(page, 'model-status'), /Shipped/);
  });
});
