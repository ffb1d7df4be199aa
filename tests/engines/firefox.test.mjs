// The page in Firefox (Debian's firefox-esr over WebDriver BiDi): ready with the shipped model,
// drawn digits classified, MNIST loaded, training that pauses and resumes, a model saved (two
// downloads and the browser's storage) and loaded back, threads where the page is isolated, and
// on a static host that sends no COOP/COEP, threads after one reload under the page's service
// worker. Run by `node tools/run-tests.mjs firefox`.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPreview, startStaticServer } from '../browser/server.mjs';
import { PLACEMENTS } from '../web/digits.mjs';
import { launchFirefox } from './firefox.mjs';
import {
  click, text, waitForReady, waitForText, classifyDrawing, probabilities, loadMnist, stepOf, waitForState,
  waitForStepAbove,
} from './playground.mjs';

/** Waits until Firefox has finished downloading `names` into `dir` (it writes a `.part` file
 *  beside an empty placeholder, then moves it over); returns their paths. */
async function downloaded(dir, names, timeout = 30_000) {
  const paths = names.map((name) => path.join(dir, name));
  const done = () => paths.every((file) => fs.existsSync(file) && fs.statSync(file).size > 0 && !fs.existsSync(`${file}.part`));
  const deadline = Date.now() + timeout;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`no complete download of ${names.join(' and ')} in ${dir} after ${timeout / 1000} s: ${fs.readdirSync(dir)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return paths;
}

/** Downloads the shipped model from the page's server into a folder of `dir`, its model.json as
 *  shipped-model.json (the page's status names the file); returns the files' paths. */
async function shippedModelFiles(serverUrl, dir) {
  const folder = fs.mkdtempSync(path.join(dir, 'shipped-'));
  const modelUrl = new URL('models/basic-cnn/model.json', serverUrl);
  const modelJson = await (await fetch(modelUrl)).text();
  const files = [path.join(folder, 'shipped-model.json')];
  fs.writeFileSync(files[0], modelJson);
  for (const name of JSON.parse(modelJson).weightsManifest.flatMap((group) => group.paths)) {
    files.push(path.join(folder, name));
    fs.writeFileSync(files.at(-1), Buffer.from(await (await fetch(new URL(name, modelUrl))).arrayBuffer()));
  }
  return files;
}

const sameProbabilities = (a, b) => a.every((p, i) => Math.abs(p - b[i]) < 0.15); // shown to 0.1 %

/** Asserts that the probabilities shown now are (or, with `same` false, are not) `expected`. */
async function assertProbabilities(driver, expected, same, what) {
  const shown = await probabilities(driver);
  assert.equal(sameProbabilities(shown, expected), same, `${what}: [${shown}] against [${expected}]`);
}

describe('the page in Firefox', () => {
  let server, firefox, driver, problems, downloads;
  before(async () => {
    downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-playground-firefox-downloads-'));
    server = await startPreview();
    firefox = await launchFirefox({ downloadDir: downloads });
    ({ driver, problems } = await firefox.open(server.url));
    await waitForReady(driver);
  });
  after(async () => {
    await firefox?.close();
    await server?.close();
    if (downloads) fs.rmSync(downloads, { recursive: true, force: true });
  });

  it('is ready with the shipped model, on threads (the page is cross-origin isolated)', async () => {
    assert.match(await text(driver, 'model-status'), /Shipped Basic_CNN.*ready/);
    assert.equal(await text(driver, 'error'), '');
    assert.match(await text(driver, 'model-summary'), /1,676,266/);
    const cores = await driver.evaluate(() => navigator.hardwareConcurrency);
    assert.equal(await text(driver, 'build-info'), `SIMD + ${Math.min(cores, 4)} threads`);
  });

  it('classifies digits drawn with the mouse at different sizes and positions', async () => {
    // Each digit twice: large and centred, and small or off-centre.
    const wrong = [];
    for (let digit = 0; digit < 10; digit++) {
      for (const placement of [PLACEMENTS[0], PLACEMENTS[1 + (digit % 4)]]) {
        const answer = await classifyDrawing(driver, digit, placement);
        if (answer !== String(digit)) wrong.push(`${digit} at [${placement}] read as ${answer}`);
      }
    }
    assert.deepEqual(wrong, []);
    const total = (await probabilities(driver)).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 100) < 1, `probabilities add up to ${total}%`);
  });

  it('loads MNIST', async () => {
    await loadMnist(driver);
    assert.equal(await driver.evaluate(() => document.querySelector('[data-testid="train-start"]').disabled), false);
  });

  it('trains: steps and loss move; pause holds; resume continues; stop ends', async () => {
    await click(driver, 'train-start');
    await waitForState(driver, 'running');
    const first = await waitForStepAbove(driver, 0);
    const firstLoss = await text(driver, 'loss');
    await waitForStepAbove(driver, first + 5);
    assert.notEqual(await text(driver, 'loss'), firstLoss);
    assert.ok(Number((await text(driver, 'throughput')).replace(/,/g, '')) > 0, 'images/s shown');

    await click(driver, 'train-pause');
    await waitForState(driver, 'paused');
    const paused = await stepOf(driver);
    // Paused: a step the page shows later would have come from a running worker. The answer to a
    // drawing made in between is a round trip through both workers (a few steps from fresh
    // weights read it as anything).
    assert.match(await classifyDrawing(driver, 7), /^\d$/);
    assert.equal(await stepOf(driver), paused, 'no steps while paused');

    await click(driver, 'train-pause'); // now "Resume"
    await waitForState(driver, 'running');
    await waitForStepAbove(driver, paused);
    await click(driver, 'train-stop');
    await waitForState(driver, 'stopped');
    await waitForText(driver, 'model-status', /trained in this page.*ready/);
  });

  it('saves a model as two downloads and in the browser, and loads it back', async () => {
    // New random weights: a model the predictor holds in full once the page shows it (right after
    // training it may still answer with a snapshot up to 0.5 s old), and easy to tell apart.
    await click(driver, 'train-reset');
    await waitForText(driver, 'model-status', /random weights.*ready/);
    await classifyDrawing(driver, 4, [50, 40, 190]);
    const random = await probabilities(driver);

    await click(driver, 'save-model');
    await waitForText(driver, 'model-status', /Your saved model/);
    const saved = await downloaded(downloads, ['model.json', 'weights.bin']);
    assert.equal(JSON.parse(fs.readFileSync(saved[0], 'utf8')).format, 'layers-model');
    assert.equal(fs.statSync(saved[1]).size, 1_676_266 * 4, 'float32 weights');

    // A reload brings the saved model back from the browser's storage.
    await driver.reload();
    await waitForReady(driver);
    assert.match(await text(driver, 'model-status'), /Your saved model/);
    await classifyDrawing(driver, 4, [50, 40, 190]);
    await assertProbabilities(driver, random, true, 'the reloaded model is the saved one');

    // Through the file picker: the shipped model (as the server has it), then the saved files.
    await driver.upload('load-model', await shippedModelFiles(server.url, downloads));
    await waitForText(driver, 'model-status', /Model from shipped-model\.json.*ready/);
    await classifyDrawing(driver, 4, [50, 40, 190]);
    await assertProbabilities(driver, random, false, 'the shipped model answers differently');
    assert.equal(await text(driver, 'prediction'), '4');
    await driver.upload('load-model', saved);
    await waitForText(driver, 'model-status', /Model from model\.json.*ready/);
    await classifyDrawing(driver, 4, [50, 40, 190]);
    await assertProbabilities(driver, random, true, 'the loaded model is the saved one');
    assert.equal(await text(driver, 'error'), '');
  });

  it('on a static host without COOP/COEP, reloads once under its service worker and runs on threads', async () => {
    const plain = await startStaticServer();
    try {
      const tab = await firefox.open(plain.url);
      await waitForReady(tab.driver, 120_000);
      assert.equal(await tab.driver.evaluate(() => performance.getEntriesByType('navigation')[0].type), 'reload');
      assert.equal(await tab.driver.evaluate(() => self.crossOriginIsolated), true);
      assert.match(await text(tab.driver, 'build-info'), /^SIMD \+ \d+ threads$/);
      assert.equal(await classifyDrawing(tab.driver, 3), '3');
      assert.deepEqual(tab.problems, []);
      await tab.page.close();
    } finally {
      await plain.close();
    }
  });

  it('logged no page errors', () => {
    assert.deepEqual(problems, []);
  });
});
