// After one visit the page works offline: its service worker keeps the app, both engines and
// the shipped model, and MNIST once loaded. The server is then stopped (nothing answers at the
// page's address any more) and the page reloaded: ready, a drawn 7 is a 7, MNIST loads, training
// runs. Forgetting MNIST frees its space.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPreview, launchBrowser, waitForReady, drawDigit, waitForAnswer } from './server.mjs';

const text = async (page, id) => (await page.getByTestId(id).textContent()).trim();

describe('the page offline, after one visit', () => {
  let server, browser;
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('keeps the app and MNIST, then starts, classifies, loads MNIST and trains without a server', async () => {
    server = await startPreview();
    browser = await launchBrowser({ serviceWorkers: 'allow' });
    const page = await browser.context.newPage();
    const problems = [];
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(server.url);
    await waitForReady(page);
    await page.getByTestId('offline-status').filter({ hasText: /^Works offline: .* \(\d+\.\d MB\); MNIST too, once loaded\.$/ }).waitFor({ timeout: 120_000 });
    await page.getByTestId('load-data').click();
    await page.getByTestId('data-status').filter({ hasText: /test images loaded/ }).waitFor({ timeout: 120_000 });
    await page.getByTestId('offline-status').filter({ hasText: /and MNIST \(11\.\d MB\)\.$/ }).waitFor({ timeout: 30_000 });

    await server.close();
    await assert.rejects(fetch(server.url), 'nothing answers at the page address any more');
    await page.reload();
    await waitForReady(page);
    assert.match(await page.getByTestId('build-info').textContent(), /^SIMD \+ \d+ threads$/, 'isolated offline too');
    await drawDigit(page, 7, 30, 30, 220);
    await waitForAnswer(page);
    assert.equal(await text(page, 'prediction'), '7');

    await page.getByTestId('load-data').click();
    await page.getByTestId('data-status').filter({ hasText: /60,000 training and 10,000 test images loaded/ }).waitFor({ timeout: 60_000 });
    await page.getByTestId('train-start').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="step"]').textContent) >= 5, null, { timeout: 60_000 });
    await page.getByTestId('train-stop').click();
    assert.equal(await text(page, 'error'), '');

    // Forgetting MNIST: its space is freed, and offline it cannot be loaded again.
    await page.getByTestId('forget-data').click();
    await page.getByTestId('offline-status').filter({ hasText: /MNIST too, once loaded\.$/ }).waitFor();
    assert.equal(await page.getByTestId('forget-data').isVisible(), false);
    await page.reload();
    await waitForReady(page);
    await page.getByTestId('load-data').click();
    await page.getByTestId('error').filter({ hasText: /Loading MNIST failed/ }).waitFor({ timeout: 30_000 });
    assert.deepEqual(problems, []);
  });
});
