// Explaining one image in the wasm SIMD build under Node, as the page's prediction worker does:
// Engine.explain (one forward and one backward from a class score: the saliency map and Grad-CAM)
// and Engine.occlusion (49 forwards), with the shipped Basic_CNN, over real test images. Target:
// saliency + Grad-CAM within 30 ms, quick enough to follow the drawing. Prints one JSON object.
//   node tools/bench/wasm-explain.mjs [--build simd|threads] [--dir public/wasm] [--images N]
import fs from 'node:fs';
import path from 'node:path';
import { loadModule, mnist, root } from '../../wasm/node.mjs';
import { median, parseArgs } from './util.mjs';

const TARGET_MS = 30;
const args = parseArgs(process.argv.slice(2), { build: 'simd', dir: path.join(root, 'public/wasm'), images: '200' });
const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
const loadBefore = loadavg();

const m = await loadModule(args.build, args.dir);
const e = new m.Engine();
const shipped = path.join(root, 'public/models/basic-cnn');
e.loadModel(fs.readFileSync(path.join(shipped, 'model.json'), 'utf8'), new Uint8Array(fs.readFileSync(path.join(shipped, 'weights.bin'))));
const test = mnist('t10k');
const size = 28 * 28, offset = test.images.length - 10000 * size;
const x = new Float32Array(size);

/** Median ms of fn over `count` test images after 20 warm-up calls. */
function time(count, fn) {
  const ms = [];
  for (let i = 0; i < count + 20; i++) {
    for (let k = 0; k < size; k++) x[k] = test.images[offset + (i % 10000) * size + k] / 255;
    const t0 = performance.now();
    fn(i);
    if (i >= 20) ms.push(performance.now() - t0);
  }
  return median(ms);
}

const count = Number(args.images);
const result = {
  engine: `wasm-${args.build}`,
  model: 'Basic_CNN (shipped)',
  predict_ms: time(count, () => e.predict(x)),
  explain_ms: time(count, (i) => e.explain(x, i % 10)),
  occlusion_ms: time(Math.ceil(count / 10), () => e.occlusion(x, -1)),
  images: count,
  target_explain_ms: TARGET_MS,
};
result.explain_met = result.explain_ms <= TARGET_MS;
result.load_before = loadBefore;
result.load_after = loadavg();
e.delete();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0); // the threads build's workers would keep Node alive
