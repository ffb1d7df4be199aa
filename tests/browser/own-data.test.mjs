// Bringing your own data: Fashion-MNIST's four IDX files (Debian's dataset-fashion-mnist, which
// `tools/setup.sh --test` installs) loaded through the file picker, renamed classes, training,
// evaluation and classification with the new names. Also the DOM-free IDX helpers (web/idx.js).
// Run by `node --test tests/browser/`.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import zlib from 'node:zlib';
import { usePlaygroundPage, waitForAnswer } from './server.mjs';
import { CLASS_PRESETS, describeIdx, pairDataFiles, gunzip } from '../../web/idx.js';

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

const idx = (magic, dims, body) => {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([header, Buffer.from(body)]));
};

describe('IDX files (web/idx.js)', () => {
  const images = (n) => idx(0x803, [n, 2, 2], new Uint8Array(n * 4));
  const labels = (n) => idx(0x801, [n], new Uint8Array(n));

  it('reads the headers and refuses what is not IDX', () => {
    assert.deepEqual(describeIdx(images(3)), { kind: 'images', count: 3, rows: 2, cols: 2 });
    assert.deepEqual(describeIdx(labels(5)), { kind: 'labels', count: 5, rows: 0, cols: 0 });
    assert.throws(() => describeIdx(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), 'x.bin'), /x.bin is not an IDX/);
    assert.throws(() => describeIdx(images(3).subarray(0, 20), 'short'), /short: 3 images/);
  });

  it('pairs four files by name, else by size, and checks the counts agree', () => {
    const named = pairDataFiles([
      { name: 'test-labels', bytes: labels(4) }, { name: 'train-images', bytes: images(4) },
      { name: 'train-labels', bytes: labels(4) }, { name: 't10k-images', bytes: images(4) },
    ]);
    assert.equal(named.train.images.name, 'train-images');
    assert.equal(named.test.labels.name, 'test-labels');
    const bySize = pairDataFiles([
      { name: 'a', bytes: images(2) }, { name: 'b', bytes: labels(6) }, { name: 'c', bytes: images(6) }, { name: 'd', bytes: labels(2) },
    ]);
    assert.equal(bySize.train.images.name, 'c');
    assert.equal(bySize.test.labels.name, 'd');
    assert.throws(() => pairDataFiles([
      { name: 'train-i', bytes: images(4) }, { name: 'train-l', bytes: labels(3) },
      { name: 'test-i', bytes: images(2) }, { name: 'test-l', bytes: labels(2) },
    ]), /has 4 images but train-l has 3 labels/);
    assert.throws(() => pairDataFiles([{ name: 'a', bytes: images(1) }]), /four IDX files/);
  });

  it('decompresses gzip and passes raw bytes through', async () => {
    const raw = labels(7);
    assert.deepEqual(await gunzip(new Uint8Array(zlib.gzipSync(raw))), raw);
    assert.equal(await gunzip(raw), raw);
  });
});

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
