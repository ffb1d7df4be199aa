// TensorFlow.js in this Node process: Basic_CNN built with tf.layers exactly as Keras' tutorial
// builds it, trained with trainOnBatch on real MNIST images. Its `cpu` backend is plain JS and
// takes minutes per batch of 32, so by default a few steps of batch 4 are timed (its cost per
// image does not depend on the batch size: measured 0.23 img/s at both 4 and 32 here).
// The `wasm` backend is tried when @tensorflow/tfjs-backend-wasm is installed.
//   node tfjs.mjs --backend cpu|wasm [--batch 4] [--steps 2]
import { mnist, median, parseArgs } from './util.mjs';

const args = parseArgs(process.argv.slice(2), { backend: 'cpu', batch: '4', steps: '2' });
const batch = Number(args.batch), steps = Number(args.steps);
const out = { engine: `tfjs-${args.backend}`, batch };

const silence = console.warn;
console.warn = () => {}; // the "install tfjs-node" banner
const tf = await import('@tensorflow/tfjs');
console.warn = silence;
out.version = tf.version.tfjs;

try {
  if (args.backend === 'wasm') {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
    } catch {
      throw Object.assign(new Error('@tensorflow/tfjs-backend-wasm is not installed'), { notInstalled: true });
    }
  }
  if (!(await tf.setBackend(args.backend))) throw new Error(`backend ${args.backend} did not initialise`);

  const model = tf.sequential();
  const conv = (filters, extra = {}) => tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', ...extra });
  model.add(conv(32, { inputShape: [28, 28, 1] }));
  model.add(conv(32));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.dropout({ rate: 0.25 }));
  model.add(conv(64));
  model.add(conv(64));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.dropout({ rate: 0.25 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 512, activation: 'relu' }));
  model.add(tf.layers.dropout({ rate: 0.5 }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'sparseCategoricalCrossentropy' });

  const train = mnist('train');
  const pixels = train.images.subarray(16), labels = train.labels.subarray(8);
  const batchAt = (first, n) => {
    const x = new Float32Array(n * 784);
    for (let i = 0; i < x.length; i++) x[i] = pixels[first * 784 + i] / 255;
    return [tf.tensor4d(x, [n, 28, 28, 1]), tf.tensor1d(Array.from(labels.subarray(first, first + n)), 'float32')];
  };
  const [wx, wy] = batchAt(0, 1);
  await model.trainOnBatch(wx, wy); // warm-up: kernels, weights, optimizer slots
  const rates = [];
  for (let s = 0; s < steps; s++) {
    const [x, y] = batchAt(1 + s * batch, batch);
    const t0 = performance.now();
    await model.trainOnBatch(x, y);
    rates.push((batch * 1000) / (performance.now() - t0));
    tf.dispose([x, y]);
  }
  out.train = { img_per_s: median(rates), chunks: rates, steps_per_chunk: 1 };
  const ms = [];
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    tf.tidy(() => model.predict(wx)).dataSync();
    if (i > 0) ms.push(performance.now() - t0);
  }
  out.predict = { ms: median(ms), samples: ms.length };
} catch (err) {
  out.error = err.message;
  out.available = !err.notInstalled;
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
