// Bringing your own data: Fashion-MNIST's four IDX files (Debian's dataset-fashion-mnist, which
// `tools/setup.sh --test` installs) loaded through the file picker, renamed classes, training,
// evaluation and classification with the new names. Run by `node --test tests/browser/`.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { usePlaygroundPage, waitForAnswer } from './server.mjs';
import { CLASS_PRESETS } from '../../web/shared/idx.js';

/** The package's IDX files, found where dpkg says they are. */
function fashionFiles() {
  let listing;
  try {
    listing = execFileSync('dpkg', ['-L', 'dataset-fashion-mnist'], { encoding: 'utf8' });
  } catch {
    throw new Error('dataset-fashion-mnist is not installed: run tools/setup.sh --test');
  }
  const files = listing.split('\n').filter((f) => /-idx[13]-ubyte(\.gz)?$/.test(f));
  assert.equal(files.length, 4, `four IDX files in dataset-fashion-mnist: ${files.join(', ')}`);
  return files;
}

describe('bringing your own data: Fashion-MNIST', () => {
  let page, problems;
  usePlaygroundPage((opened) => ({ page, problems } = opened));

  it('loads the four files from the picker and takes the class names', async () => {
    await page.locator('#own-data summary').click();
    await page.locator('#data-files').setInputFiles(fashionFiles());
    await page.getByTestId('data-status').filter({ hasText: /60,000 training and 10,000 test images loaded from train-images/ }).waitFor({ timeout: 60_000 });
    await page.locator('#names-fashion').click();
    assert.equal(await page.getByTestId('class-name-1').inputValue(), 'Trouser');
    // Class names can be edited one by one too.
    await page.getByTestId('class-name-9').fill('Boot');
    assert.equal((await page.locator('#probs .digit').allTextContents())[9], 'Boot');
  });

  it('trains on it, and evaluates and classifies with the new class names', async () => {
    await page.getByTestId('train-start').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="step"]').textContent) >= 60, null, { timeout: 120_000 });
    await page.getByTestId('train-stop').click();
    await page.locator('[data-testid="train-state"][data-state="stopped"]').waitFor();

    await page.locator('#eval-limit').selectOption('1000');
    await page.getByTestId('evaluate').click();
    await page.getByTestId('test-accuracy').filter({ hasText: /% of 1,000 images/ }).waitFor({ timeout: 60_000 });
    const accuracy = parseFloat(await page.getByTestId('test-accuracy').textContent());
    // 60 steps of Adam from random weights: far above chance (10 %) on clothes too.
    assert.ok(accuracy > 45, `Fashion-MNIST test accuracy after 60 steps: ${accuracy}%`);
    const header = await page.locator('[data-testid="confusion-matrix"] thead th').allTextContents();
    assert.deepEqual(header.slice(1), [...CLASS_PRESETS.fashion.slice(0, 9), 'Boot']);
    const names = [...CLASS_PRESETS.fashion.slice(0, 9), 'Boot'];
    const caption = await page.locator('[data-testid="misclassified"] figcaption').first().textContent();
    const [truth, answer] = caption.replace(/ \d+%$/, '').split(' → ');
    assert.ok(names.includes(truth) && names.includes(answer), `caption "${caption}" uses the class names`);

    // Classify a test image: the answer is a class name, the one the evaluation gave.
    const thumb = page.locator('[data-testid="misclassified"] .thumb-button').first();
    const predicted = Number(await thumb.locator('figure').getAttribute('data-predicted'));
    const version = await page.getByTestId('input-28').getAttribute('data-version');
    await thumb.click();
    await page.waitForFunction((v) => document.querySelector('[data-testid="input-28"]').dataset.version !== v, version);
    assert.equal(await waitForAnswer(page), names[predicted]);
    assert.equal(problems.length, 0, problems.join('\n'));
  });
});
