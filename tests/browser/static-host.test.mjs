// The built page on a plain static server that sends no COOP/COEP headers (Python's
// http.server serving dist/): its service worker adds them, so the page reloads once and runs
// the threads build; where no service worker is allowed it runs on one thread and says why.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStaticServer, launchBrowser, waitForReady, drawDigit, waitForAnswer } from './server.mjs';

/** Opens `url` in a new page of `browser`; resolves to the page and the addresses it loaded. */
async function visit(browser, url) {
  const page = await browser.context.newPage();
  const loads = [];
  page.on('load', () => loads.push(page.url()));
  await page.goto(url);
  await waitForReady(page, 120_000);
  return { page, loads };
}

describe('the built page on a static host that sends no COOP/COEP headers', () => {
  let server;
  before(async () => {
    server = await startStaticServer();
    const headers = (await fetch(server.url)).headers;
    assert.equal(headers.get('cross-origin-opener-policy'), null, 'the static server sends no COOP');
    assert.equal(headers.get('cross-origin-embedder-policy'), null, 'the static server sends no COEP');
  });
  after(() => server?.close());

  it('reloads once under its service worker and then runs the threads build', async () => {
    const browser = await launchBrowser({ serviceWorkers: 'allow' });
    try {
      const { page, loads } = await visit(browser, server.url);
      assert.equal(loads.length, 2, `one reload (loads: ${loads.join(', ')})`);
      assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
      assert.match(await page.getByTestId('build-info').textContent(), /^SIMD \+ \d+ threads$/);
      await drawDigit(page, 7, 30, 30, 220);
      await waitForAnswer(page);
      assert.equal((await page.getByTestId('prediction').textContent()).trim(), '7');
      assert.equal((await page.getByTestId('error').textContent()).trim(), '');
    } finally {
      await browser.close();
    }
  });

  it('installs as an app: its manifest names icons of the sizes they are', async () => {
    const browser = await launchBrowser({ serviceWorkers: 'block' });
    try {
      const { page } = await visit(browser, server.url);
      const { manifest, icons } = await page.evaluate(async () => {
        const url = document.querySelector('link[rel="manifest"]').href;
        const manifest = await (await fetch(url)).json();
        const icons = await Promise.all(manifest.icons.map(async ({ src, sizes }) => {
          const image = new Image();
          image.src = new URL(src, url).href;
          await image.decode();
          return { sizes, width: image.naturalWidth, height: image.naturalHeight };
        }));
        return { manifest, icons };
      });
      assert.equal(manifest.display, 'standalone');
      assert.equal(new URL(manifest.start_url, server.url).href, server.url);
      for (const { sizes, width, height } of icons) {
        if (sizes !== 'any') assert.equal(`${width}x${height}`, sizes);
      }
      assert.ok(icons.some(({ width }) => width >= 512), 'a 512-px icon for install screens');
    } finally {
      await browser.close();
    }
  });

  it('runs on one thread where no service worker is allowed, and says why', async () => {
    const browser = await launchBrowser({ serviceWorkers: 'block' });
    try {
      const { page, loads } = await visit(browser, server.url);
      assert.equal(loads.length, 1, 'no reload');
      assert.equal(await page.getByTestId('build-info').textContent(),
        'SIMD, 1 thread — no threads: the page is not cross-origin isolated (the server sends no ' +
        'COOP/COEP headers, and this browser allows the page no service worker to add them)');
      assert.match(await page.getByTestId('offline-status').textContent(), /^Offline use is off/);
    } finally {
      await browser.close();
    }
  });
});
