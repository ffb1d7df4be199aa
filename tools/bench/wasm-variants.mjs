// What each addition of issue 13 costs in training speed: Basic_CNN as the tutorial has it, with
// BatchNormalization after each convolution (the ready architecture Basic_CNN_BN), and with
// augmentation on (translation, rotation and zoom of every batch). wasm SIMD, 1 thread, batch 32,
// Adam; chunks of 5 steps after 5 warm-up steps, the variants interleaved round by round so a change
// in the machine's load hits them alike; the median chunk of each, per second of wall and CPU time.
// Prints one JSON object. Run by run.mjs:  node wasm-variants.mjs --dir D [--seconds S]
import { loadModule, mnist } from '../../wasm/node.mjs';
import { median, parseArgs } from './util.mjs';

const STEPS = 5, WARMUP = 5, BATCH = 32;
const args = parseArgs(process.argv.slice(2), { seconds: '8' });
const budget = Number(args.seconds) * 1000;

const m = await loadModule('simd', args.dir);
const ready = Object.fromEntries(JSON.parse(m.architectures()).map((a) => [a.name, a.config]));
const train = mnist('train'), test = mnist('t10k');
const recipe = { optimizer: 'adam', learning_rate: 0.001, batch_size: BATCH, epochs: 10, seed: 1 };
const augmentation = [
  { class_name: 'RandomTranslation', config: { height_factor: 0.1, width_factor: 0.1, fill_mode: 'constant' } },
  { class_name: 'RandomRotation', config: { factor: 0.05, fill_mode: 'nearest' } },
  { class_name: 'RandomZoom', config: { height_factor: 0.1 } },
];
const variants = [
  { name: 'Basic_CNN', what: 'nothing', config: ready.Basic_CNN, training: recipe },
  { name: 'Basic_CNN_BN', what: 'BatchNormalization', config: ready.Basic_CNN_BN, training: recipe },
  { name: 'Basic_CNN + augmentation', what: 'augmentation', config: ready.Basic_CNN, training: { ...recipe, augmentation } },
];

const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (const v of variants) {
  v.engine = new m.Engine();
  v.engine.buildModel(JSON.stringify(v.config), 1);
  v.engine.setData(train.images, train.labels, test.images, test.labels);
  v.engine.setTraining(JSON.stringify(v.training));
  v.engine.train(WARMUP);
  v.rates = [];
  v.cpuRates = [];
}
const start = performance.now();
for (let round = 0; round < 40 && (round < 2 || performance.now() - start < budget); round++) {
  for (const v of variants) {
    const t0 = performance.now(), cpu0 = cpuMs();
    v.engine.train(STEPS);
    v.rates.push((STEPS * BATCH * 1000) / (performance.now() - t0));
    v.cpuRates.push((STEPS * BATCH * 1000) / (cpuMs() - cpu0));
  }
}
const result = {
  engine: 'wasm-simd', threads: 1, batch: BATCH,
  variants: variants.map((v) => ({ name: v.name, what: v.what, img_per_s: median(v.rates), cpu_img_per_s: median(v.cpuRates), chunks: v.rates.length })),
};
for (const v of variants) v.engine.delete();
process.stdout.write(`${JSON.stringify(result)}\n`);
