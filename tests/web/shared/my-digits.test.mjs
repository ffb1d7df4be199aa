// web/shared/my-digits.js: the user's digits as the engine takes them and as four IDX files that
// the page's own-data loader (idx.js) reads back.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pixelsOf, packDigits, toIdxFiles, digitsNeeded } from '../../../web/shared/my-digits.js';
import { pairDataFiles } from '../../../web/shared/idx.js';

const digit = (id, label) => ({ id, label, pixels: Uint8Array.from({ length: 784 }, (_, k) => (k * 7 + id) % 256) });

describe('my digits', () => {
  it('stores the network input as MNIST bytes', () => {
    const input = new Float32Array(784);
    input[0] = 1;
    input[1] = 0.5;
    input[2] = -0.2; // the preprocessing never gives these, but a byte must stay a byte
    input[3] = 1.3;
    assert.deepEqual(Array.from(pixelsOf(input).subarray(0, 5)), [255, 128, 0, 255, 0]);
    assert.throws(() => pixelsOf(new Float32Array(10)), /Expected 784 pixels, got 10/);
  });

  it('packs the pixels one after another with their labels', () => {
    const { images, labels } = packDigits([digit(1, 4), digit(2, 9)]);
    assert.equal(images.length, 2 * 784);
    assert.deepEqual(Array.from(labels), [4, 9]);
    assert.deepEqual(images.subarray(784), digit(2, 9).pixels);
  });

  it('says how many more fine-tuning needs', () => {
    assert.equal(digitsNeeded(0), 10);
    assert.equal(digitsNeeded(7), 3);
    assert.equal(digitsNeeded(12), 0);
  });

  it('writes four IDX files that load back as a data set, every fifth digit in the test files', () => {
    const digits = Array.from({ length: 12 }, (_, i) => digit(i, i % 10));
    const files = toIdxFiles(digits);
    const { train, test } = pairDataFiles(files);
    assert.deepEqual(train.images.info, { kind: 'images', count: 10, rows: 28, cols: 28 });
    assert.deepEqual(test.images.info, { kind: 'images', count: 2, rows: 28, cols: 28 });
    assert.deepEqual(Array.from(test.labels.bytes.subarray(8)), [4, 9]);
    assert.deepEqual(Array.from(train.labels.bytes.subarray(8)), [0, 1, 2, 3, 5, 6, 7, 8, 0, 1]);
    // Image 4 of the test file is digit 9: its pixels after the 16-byte header.
    assert.deepEqual(test.images.bytes.subarray(16 + 784, 16 + 2 * 784), digits[9].pixels);
    assert.deepEqual(Array.from(train.images.bytes.subarray(0, 4)), [0, 0, 8, 3]);
  });
});
