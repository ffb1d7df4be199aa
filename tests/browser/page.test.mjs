// The page with the shipped model: the testing contract, drawing → classification, bad files.
// Needs the built page (dist/), public/wasm and public/models; run by `node --test tests/browser/`.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  usePlaygroundPage, drawDigit, clearPad, waitForAnswer, readProbabilities, screenshotPath,
} from './server.mjs';
import { PLACEMENTS } from '../web/digits.mjs';

const CONTRACT = [
  'draw-canvas', 'clear', 'prediction', ...Array.from({ length: 10 }, (_, d) => `prob-${d}`), 'model-status',
  'load-data', 'train-start', 'train-pause', 'train-stop', 'epoch', 'step', 'loss', 'accuracy', 'throughput',
  'evaluate', 'test-accuracy', 'save-model', 'load-model', 'error', 'input-28', 'feature-maps',
  'confusion-matrix', 'misclassified', 'model-editor', 'model-summary',
];

describe('the page with the shipped model', () => {
  let page, problems;
  usePlaygroundPage((opened) => ({ page, problems } = opened));

  it('has every element of the testing contract', async () => {
    for (const id of CONTRACT) {
      assert.equal(await page.getByTestId(id).count(), 1, `data-testid="${id}"`);
    }
  });

  it('says which model is loaded and that it is ready', async () => {
    const status = await page.getByTestId('model-status').textContent();
    assert.match(status, /Basic_CNN/);
    assert.match(status, /ready/);
    assert.equal((await page.getByTestId('error').textContent()).trim(), '');
    // The summary is the engine's: Basic_CNN has 1,676,266 parameters.
    assert.match(await page.getByTestId('model-summary').textContent(), /1,676,266/);
  });

  it('classifies digits drawn with the mouse at different sizes and positions', async () => {
    // Each digit twice: large and centred, and small or off-centre.
    const wrong = [];
    for (let digit = 0; digit < 10; digit++) {
      for (const placement of [PLACEMENTS[0], PLACEMENTS[1 + (digit % 4)]]) {
        await clearPad(page);
        await drawDigit(page, digit, ...placement);
        const answer = await waitForAnswer(page);
        const probs = await readProbabilities(page);
        const total = probs.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(total - 100) < 1, `probabilities add up to ${total}%`);
        if (answer !== String(digit)) wrong.push(`${digit} at [${placement}] read as ${answer}`);
        if (digit === 3 && placement === PLACEMENTS[0]) await page.screenshot({ path: screenshotPath('draw-3.png') });
      }
    }
    assert.deepEqual(wrong, []);
    // The 28×28 view and the feature maps show something once a digit is drawn.
    assert.ok((await page.locator('[data-testid="feature-maps"] canvas').count()) > 0);
  });

  it('shows an error for a broken model file and keeps the model working', async () => {
    await page.getByTestId('load-model').setInputFiles([
      { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "layers-model", "modelTop') },
    ]);
    await page.getByTestId('error').filter({ hasText: /could not be loaded/ }).waitFor();
    assert.match(await page.getByTestId('error').textContent(), /not valid JSON/);

    // A well-formed model.json with weights of the wrong size: rejected by the engine itself.
    const modelJson = await page.evaluate(async () => (await fetch('/models/basic-cnn/model.json')).text());
    await page.getByTestId('load-model').setInputFiles([
      { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(modelJson) },
      { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(1000) },
    ]);
    await page.getByTestId('error').filter({ hasText: /could not be loaded: (?!.*JSON)/ }).waitFor();
    await page.screenshot({ path: screenshotPath('broken-file.png') });

    assert.match(await page.getByTestId('model-status').textContent(), /Basic_CNN.*ready/);
    await clearPad(page);
    await drawDigit(page, 7, 40, 40, 200);
    assert.equal(await waitForAnswer(page), '7');
  });

  it('says so in plain words when the data cannot be downloaded, and keeps classifying', async () => {
    await page.route('**/data/train-images-idx3-ubyte.gz', (route) => route.abort('connectionrefused'));
    await page.getByTestId('load-data').click();
    await page.getByTestId('error').filter({ hasText: /Loading MNIST failed/ }).waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('load-data').isEnabled(), true, 'the button can be tried again');
    await page.unroute('**/data/train-images-idx3-ubyte.gz');
    await clearPad(page);
    await drawDigit(page, 6, 60, 20, 160);
    assert.equal(await waitForAnswer(page), '6');
  });

  it('works from the keyboard: Tab reaches the controls, Escape clears the pad', async () => {
    await clearPad(page);
    await drawDigit(page, 0, 40, 40, 200);
    await waitForAnswer(page);
    await page.getByTestId('draw-canvas').focus();
    await page.keyboard.press('Escape');
    await page.getByTestId('prediction').filter({ hasText: '?' }).waitFor();
    // From the pad, Tab goes to Clear, and Enter presses it.
    await drawDigit(page, 1, 120, 40, 200);
    await waitForAnswer(page);
    await page.getByTestId('draw-canvas').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'clear');
    await page.keyboard.press('Enter');
    await page.getByTestId('prediction').filter({ hasText: '?' }).waitFor();
    // Every button and field has an accessible name.
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll('button, input, select, textarea')]
        .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.textContent.trim()))
        .map((el) => el.id || el.outerHTML.slice(0, 60)),
    );
    assert.deepEqual(unnamed, []);
  });

  it('imports an edited Keras config, builds it, and rejects a broken one', async () => {
    await page.locator('#json-io summary').click();
    // Opening it fills in the current architecture (on the 'toggle' event, which comes a moment later).
    await page.waitForFunction(() => document.querySelector('#model-config').value.includes('"class_name": "Sequential"'));
    const config = await page.locator('#model-config').inputValue();
    const edited = config.replace('"units": 512', '"units": 64');
    assert.notEqual(edited, config, 'the exported config shows Dense(512)');
    await page.locator('#model-config').fill(edited);
    await page.locator('#import-config').click();
    // Convolutions 64,992 + Dense(64) 3,136·64 + 64 + Dense(10) 64·10 + 10 = 266,410 parameters.
    await page.getByTestId('model-summary').filter({ hasText: '266,410' }).waitFor();
    await page.locator('#build-model').click();
    await page.getByTestId('model-status').filter({ hasText: /untrained.*ready/ }).waitFor();

    await page.locator('#model-config').fill(edited.replace('"Flatten"', '"Flattish"'));
    await page.locator('#import-config').click();
    await page.getByTestId('error').filter({ hasText: /could not be imported: .*Flattish/ }).waitFor();
    assert.match(await page.getByTestId('model-summary').textContent(), /266,410/, 'the editor is unchanged');

    await page.locator('#default-model').click();
    await page.getByTestId('model-status').filter({ hasText: /Shipped.*ready/ }).waitFor();
    assert.match(await page.getByTestId('model-summary').textContent(), /1,676,266/);
    assert.doesNotMatch(page.url(), /arch=/, 'the editor follows the loaded model');
  });

  it('left no errors in the console', () => {
    assert.deepEqual(problems, []);
  });

  it('restarts a crashed worker and keeps classifying', async () => {
    await page.evaluate(() => window.cnnPlayground.crashWorker());
    await page.getByTestId('error').filter({ hasText: /stopped.*restarted/ }).waitFor();
    await page.getByTestId('model-status').filter({ hasText: /Basic_CNN.*ready/ }).waitFor();
    await clearPad(page);
    await drawDigit(page, 1, 100, 30, 200);
    assert.equal(await waitForAnswer(page), '1');
  });
});
