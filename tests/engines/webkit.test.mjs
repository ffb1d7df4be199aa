// The page in WebKitGTK (Safari's engine) through WebKitWebDriver: ready with the shipped model,
// the build the engine can really run (and why, when that is one thread), drawn digits
// classified, a few training steps. Run by `node tools/run-tests.mjs webkit` after the page build.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPreview } from '../browser/server.mjs';
import { launchWebKit } from './webkit.mjs';
import {
  click, text, waitForReady, waitForText, classifyDrawing, loadMnist, stepOf, waitForState, waitForStepAbove, threadsSupport,
} from './playground.mjs';

describe('the page in WebKit', () => {
  let server, webkit, driver;
  before(async () => {
    server = await startPreview();
    // The POSIX locale, as in CI: WebKitGTK then reports navigator.language 'C', which once kept
    // the page from starting at all.
    webkit = await launchWebKit({ env: { LANG: 'C', LC_ALL: 'C' } });
    driver = webkit.driver;
    await webkit.session.get(server.url);
    await waitForReady(driver);
  });
  after(async () => {
    await webkit?.close();
    await server?.close();
  });

  it('is ready with the shipped model and no error', async () => {
    assert.match(await text(driver, 'model-status'), /Basic_CNN.*ready/);
    assert.equal(await text(driver, 'error'), '');
    assert.match(await text(driver, 'model-summary'), /1,676,266/);
  });

  it('runs the threads build only where the engine can, and says why not', async () => {
    const support = await threadsSupport(driver);
    const buildInfo = await text(driver, 'build-info');
    console.log(`# WebKit: ${JSON.stringify(support)} → ${buildInfo}`);
    assert.equal(support.isolated, true, 'the preview server sends COOP/COEP');
    if (support.sharedArrayBuffer && support.canShare) {
      assert.match(buildInfo, /^SIMD \+ \d+ threads$/);
    } else {
      // WebKitGTK 2.50: isolated, but no SharedArrayBuffer and no shared memory across workers.
      const why = support.sharedArrayBuffer ? /cannot share WebAssembly memory between workers/ : /does not provide SharedArrayBuffer/;
      assert.match(buildInfo, /^SIMD, 1 thread — no threads: /);
      assert.match(buildInfo, why);
    }
  });

  it('classifies drawn digits', async () => {
    const wrong = [];
    for (const [digit, placement] of [[2, [30, 30, 220]], [3, [10, 10, 90]], [7, [150, 15, 120]]]) {
      const answer = await classifyDrawing(driver, digit, placement);
      if (answer !== String(digit)) wrong.push(`${digit} at [${placement}] read as ${answer}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('loads MNIST and trains a few steps', async () => {
    await loadMnist(driver);
    await click(driver, 'train-start');
    await waitForState(driver, 'running');
    const first = await waitForStepAbove(driver, 0);
    const later = await waitForStepAbove(driver, first + 3);
    assert.ok(Number.isFinite(parseFloat(await text(driver, 'loss'))), 'a finite loss is shown');
    await click(driver, 'train-stop');
    await waitForState(driver, 'stopped');
    assert.ok((await stepOf(driver)) >= later);
    await waitForText(driver, 'model-status', /trained in this page.*ready/);
    assert.equal(await text(driver, 'error'), '');
  });
});
