// web/shared/idx.js: telling four IDX files apart by their headers, and refusing what is not one.
// The engine checks the files in full (tests/native); these are the cases the page decides.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { describeIdx, pairDataFiles, gunzip } from '../../../web/shared/idx.js';

/** An IDX file: magic, big-endian dimensions, then the body. */
function idx(magic, dims, body) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([header, Buffer.from(body)]));
}
const images = (n, rows = 2, cols = 2) => idx(0x803, [n, rows, cols], new Uint8Array(n * rows * cols));
const labels = (n, value = 0) => idx(0x801, [n], new Uint8Array(n).fill(value));

describe('IDX headers', () => {
  it('reads images and labels', () => {
    assert.deepEqual(describeIdx(images(3)), { kind: 'images', count: 3, rows: 2, cols: 2 });
    assert.deepEqual(describeIdx(labels(5)), { kind: 'labels', count: 5, rows: 0, cols: 0 });
  });

  it('refuses what is not an IDX file of unsigned bytes, naming the file', () => {
    assert.throws(() => describeIdx(new Uint8Array(0), 'empty'), /empty is too short to be an IDX file \(0 bytes\)/);
    // The magic number written little-endian.
    assert.throws(() => describeIdx(new Uint8Array([1, 8, 0, 0, 6, 0, 0, 0, 3, 3, 3, 3, 3, 3]), 'x.bin'),
      /x.bin is not an IDX image or label file of unsigned bytes \(magic number 0x01080000\)/);
    assert.throws(() => describeIdx(images(6, 28, 28).subarray(0, 1000), 'short'), /short: 6 images of 28×28 announced, the file is shorter/);
    assert.throws(() => describeIdx(labels(6).subarray(0, 10), 'cut'), /cut: 6 labels announced, 2 bytes present/);
    assert.throws(() => describeIdx(idx(0x803, [1], []), 'head'), /head is too short for an IDX image header/);
  });
});

describe('pairing four files', () => {
  it('by name (train… / t10k… or test…), else the larger set trains', () => {
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
  });

  it('refuses sets that do not make a data set', () => {
    assert.throws(() => pairDataFiles([
      { name: 'train-i', bytes: images(4) }, { name: 'train-l', bytes: labels(3) },
      { name: 'test-i', bytes: images(2) }, { name: 'test-l', bytes: labels(2) },
    ]), /train-i has 4 images but train-l has 3 labels/);
    assert.throws(() => pairDataFiles([{ name: 'a', bytes: images(1) }]), /Choose four IDX files .*got 1/);
    assert.throws(() => pairDataFiles([
      { name: 'a', bytes: images(1) }, { name: 'b', bytes: images(1) }, { name: 'c', bytes: images(1) }, { name: 'd', bytes: labels(1) },
    ]), /Need two image files and two label files; got 3 image and 1 label files/);
  });
});

describe('gzip', () => {
  it('decompresses gzip and passes raw bytes through', async () => {
    const raw = labels(7);
    assert.deepEqual(await gunzip(new Uint8Array(zlib.gzipSync(raw))), raw);
    assert.equal(await gunzip(raw), raw);
  });

  it('fails on a damaged gzip stream', async () => {
    const corrupt = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, ...new Uint8Array(64).fill(0xff)]);
    await assert.rejects(gunzip(corrupt));
    await assert.rejects(gunzip(new Uint8Array(zlib.gzipSync(labels(6))).subarray(0, 20)));
  });
});
