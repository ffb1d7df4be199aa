// A page that cannot start says so in its error line, in bounded time, instead of staying at
// "Loading the model…": modules that do not load, workers that cannot start, a model download
// that stalls; a worker that freezes while starting is replaced. Run by `node --test tests/browser/`.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startPreview, launchBrowser, waitForReady } from './server.mjs';

const noWorkers = fileURLToPath(new URL('./no-workers.config.js', import.meta.url));
const noPoolWorkers = fileURLToPath(new URL('./no-pool-workers.config.js', import.meta.url));
const errorLine = (page) => page.getByTestId('error');
// The page's waits (web/shared/waits.js) shortened for these tests: a report after 4–6 s instead of 20–30 s, a frozen
// worker replaced after 2.8 s instead of 7 s.
const shortWaits = (server, factor) => `${server.url}?waits=${factor}`;

/** Counts the workers the page constructs (runs before the page's own scripts). */
function countWorkers() {
  const Native = window.Worker;
  window.testWorkersStarted = 0;
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      window.testWorkersStarted++;
    }
  };
}

describe('a page that cannot start says so', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  /** Runs `test(page, server)` on a new page and its own preview server (with `configFile`). */
  async function onNewPage(test, configFile) {
    const server = await startPreview({ configFile });
    const page = await browser.context.newPage();
    try {
      await test(page, server);
    } finally {
      await page.close();
      await server.close();
    }
  }

  it('reports modules that do not load', () => onNewPage(async (page, server) => {
    // Only the entry script the document names loads; every module it imports fails.
    const html = await (await fetch(server.url)).text();
    const entry = new URL(html.match(/<script type="module"[^>]*\ssrc="([^"]+)"/)[1], server.url).href;
    await page.route(/\.m?js(\?|$)/, (route) => (route.request().url() === entry ? route.continue() : route.abort('failed')));
    await page.goto(server.url);
    await errorLine(page).filter({ hasText: /could not start/ }).waitFor({ timeout: 30_000 });
    assert.doesNotMatch(await page.getByTestId('model-status').textContent(), /ready/);
  }));

  it('reports workers that cannot start, and stops starting new ones', () => onNewPage(async (page, server) => {
    await page.addInitScript(countWorkers);
    await page.goto(server.url);
    await errorLine(page).filter({ hasText: /worker could not start/ }).waitFor({ timeout: 30_000 });
    // A few tries, then no more (the page once started about 35 workers a second for ever).
    const started = await page.evaluate(() => window.testWorkersStarted);
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
    assert.equal(await page.evaluate(() => window.testWorkersStarted), started, `workers started after giving up (${started} before)`);
    assert.doesNotMatch(await page.getByTestId('model-status').textContent(), /ready/);
  }, noWorkers));

  it('goes on with one thread when the threads build does not finish starting', () => onNewPage(async (page, server) => {
    await page.goto(shortWaits(server, 0.2));
    await waitForReady(page);
    assert.match(await page.getByTestId('build-info').textContent(),
      /^SIMD, 1 thread — no threads: the multi-threaded engine did not start: still starting after 4 s$/);
  }, noPoolWorkers));

  // Firefox under automation now and then freezes a worker as the threads build starts its pool
  // of workers. Here the threads build's script itself freezes its worker: an endless loop.
  for (const [freezes, shown] of [
    [2, /^SIMD \+ \d+ threads$/],
    [Infinity, /^SIMD, 1 thread — no threads: the multi-threaded engine froze while starting, 3 times$/],
  ]) {
    it(`replaces a worker that freezes while starting (${freezes === 2 ? 'twice' : 'every time'})`, () => onNewPage(async (page, server) => {
      let served = 0;
      await page.route('**/wasm/cnn-threads.mjs', (route) =>
        ++served <= freezes ? route.fulfill({ contentType: 'text/javascript', body: 'for (;;) {}' }) : route.continue());
      // Pings every 0.8 s, frozen after 2 s unanswered (instead of 2 s and 5 s).
      await page.goto(shortWaits(server, 0.4));
      await waitForReady(page);
      assert.match(await page.getByTestId('build-info').textContent(), shown);
      assert.equal((await errorLine(page).textContent()).trim(), '');
    }));
  }

  it('reports a start that stalls, and clears the report once it finishes', () => onNewPage(async (page, server) => {
    let release;
    const released = new Promise((resolve) => (release = resolve));
    try {
      // The shipped model's download hangs until the page has said that the start stalls.
      await page.route('**/model.json', async (route) => {
        await released;
        await route.continue();
      });
      await page.goto(shortWaits(server, 0.2));
      await errorLine(page).filter({ hasText: /has not started after 6 s/ }).waitFor({ timeout: 90_000 });
      assert.doesNotMatch(await page.getByTestId('model-status').textContent(), /ready/);
      release();
      await waitForReady(page);
      assert.equal((await errorLine(page).textContent()).trim(), '');
    } finally {
      release();
    }
  }));
});
