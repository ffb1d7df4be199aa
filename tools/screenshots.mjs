// Takes the README's screenshots with headless Chromium: the page mid-training, the feature maps,
// the confusion matrix and the editor. Run it after `npx vite build`:
//
//   node tools/screenshots.mjs [OUT_DIR]      (default: docs/)
//
// The PNGs are full-colour; `pngquant` (if installed) makes them a fraction of the size.

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startPreview, launchBrowser, openReadyPage, drawDigit, waitForAnswer, clearPad } from '../tests/browser/server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = path.resolve(process.argv[2] ?? path.join(root, 'docs'));
fs.mkdirSync(out, { recursive: true });

const server = await startPreview();
const browser = await launchBrowser();
const shots = [];
async function shoot(locator, name) {
  const file = path.join(out, name);
  await locator.screenshot({ path: file });
  shots.push(file);
}

try {
  const { page } = await openReadyPage(browser.context, server.url);
  await page.setViewportSize({ width: 1100, height: 900 });

  // Feature maps and filters of the shipped model for a drawn 3.
  await clearPad(page);
  await drawDigit(page, 3, 40, 30, 210);
  await waitForAnswer(page);
  await page.waitForTimeout(800); // the layers are painted one per frame
  await shoot(page.locator('#inside'), 'feature-maps.png');

  // Confusion matrix of the shipped model on all 10,000 test images, one cell opened.
  await page.getByTestId('load-data').click();
  await page.getByTestId('data-status').filter({ hasText: /images loaded/ }).waitFor({ timeout: 120_000 });
  await page.getByTestId('evaluate').click();
  await page.getByTestId('test-accuracy').filter({ hasText: /% of 10,000 images/ }).waitFor({ timeout: 300_000 });
  await page.locator('[data-testid="confusion-matrix"] td[data-row="4"][data-col="9"] button').click();
  await page.locator('#cell-figure:not([hidden])').waitFor();
  await shoot(page.locator('#evaluate-section'), 'confusion-matrix.png');

  // The editor: a 5×5 'valid' first convolution, and a pool too large for what is left.
  const param = (layer, p) => page.locator('#layer-list > li')
    .filter({ has: page.locator('.layer-name', { hasText: new RegExp(`^${layer}$`) }) }).locator(`[data-param="${p}"]`);
  await param('conv2d', 'kernel_size').fill('5');
  await param('conv2d', 'padding').selectOption('valid');
  await param('max_pooling2d', 'pool_size').fill('20');
  await page.locator('#layer-list > li').nth(3).locator('details summary').click();
  await shoot(page.locator('#layers'), 'editor.png');

  // Mid-training: a changed (valid) network trained from the seed, the drawing re-classified.
  await param('max_pooling2d', 'pool_size').fill('2');
  await page.getByTestId('train-start').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="step"]').textContent) >= 120, null, { timeout: 300_000 });
  await shoot(page.locator('#train'), 'training.png');
  await page.getByTestId('train-stop').click();
} finally {
  await browser.close();
  await server.close();
}

for (const file of shots) {
  try {
    execFileSync('pngquant', ['--force', '--skip-if-larger', '--quality', '60-90', '--output', file, file]);
  } catch {
    // pngquant missing or the quantised file not smaller: keep the original
  }
  console.log(`${path.relative(process.cwd(), file)}: ${Math.round(fs.statSync(file).size / 1024)} KB`);
}
