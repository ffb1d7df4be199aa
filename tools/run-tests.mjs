// Builds what the tests need and runs every suite, then prints a summary that ends with the line
// `N passed, N failed` (totals over all suites). Exits non-zero when anything failed.
// `npm test` runs tools/setup.sh --test first, which installs the toolchain, xsimd, the npm
// packages and Chromium.
//
//   node tools/run-tests.mjs [native] [asan] [fuzz] [wasm] [browser] [firefox] [webkit]
//                                                                        (default: all of them)
//
// Suites, in this order:
//   native   cmake --preset native, build, then `ctest --test-dir build/native` (doctest cases)
//   asan     the same under AddressSanitizer + UndefinedBehaviorSanitizer (build/native-asan)
//   fuzz     a short libFuzzer run of each target in tools/fuzz (clang, ASan + UBSan; build/fuzz)
//   wasm     emcmake cmake --preset wasm, build (public/wasm), then `node --test` on tests/wasm/
//   browser  the type check of web/ (tsc -p web, tsc -p web/workers), node tools/prepare-data.mjs
//            (public/data), `vite build` (dist/), then `node --test` on tests/web/ (unit tests of the
//            page's modules) and tests/browser/. The runner only builds the page: a test file
//            that needs a server starts its own `vite preview` on a free port with
//            tests/browser/server.mjs and stops it when done; Chromium is driven with
//            playwright-core from /usr/bin/chromium.
//   firefox  the page build, then tests/engines/firefox.test.mjs: Debian's firefox-esr over
//            WebDriver BiDi with puppeteer-core
//   webkit   the page build, then tests/engines/webkit.test.mjs: WebKitGTK's MiniBrowser through
//            WebKitWebDriver with selenium-webdriver, on an Xvfb display the test starts
//
// Test files are those node's test runner picks up by name (*.test.mjs, *-test.js, test-*.js,
// ...); other modules in the folders are shared code. A suite whose folder has no test files is
// skipped and the summary says so. A failed build counts as one failure of its suite.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const jobs = String(os.availableParallelism?.() ?? os.cpus().length);
const allSuites = ['native', 'asan', 'fuzz', 'wasm', 'browser', 'firefox', 'webkit'];
const defaultSuites = allSuites;

const asked = process.argv.slice(2);
for (const name of asked) {
  if (!allSuites.includes(name)) {
    console.error(`run-tests: unknown suite '${name}' (known: ${allSuites.join(', ')})`);
    process.exit(2);
  }
}
const wanted = asked.length ? allSuites.filter((s) => asked.includes(s)) : defaultSuites;

/** Runs a command from the repository root, echoing its output; resolves to {code, output}. */
function run(command, args, { env } = {}) {
  console.log(`\n$ ${[command, ...args].join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on('error', (err) => {
      console.error(`run-tests: cannot start ${command}: ${err.message}`);
      resolve({ code: 127, output });
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

/** Runs the steps in order and stops at the first that fails; resolves to true when all passed. */
async function steps(...commands) {
  for (const [command, ...args] of commands) {
    if ((await run(command, args)).code !== 0) return false;
  }
  return true;
}

const testFilePattern = /(^test\.[cm]?js$)|(^test-.+\.[cm]?js$)|([._-]test\.[cm]?js$)/;

/** Test files under dir (relative to the root), sorted; [] when the folder is missing. */
function testFiles(dir) {
  const found = [];
  const walk = (abs) => {
    if (!fs.existsSync(abs)) return;
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const child = path.join(abs, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (testFilePattern.test(entry.name)) found.push(path.relative(root, child));
    }
  };
  walk(path.join(root, dir));
  return found.sort();
}

/** Runs `node --test` on files; counts come from a TAP copy of the report. */
async function nodeTests(files) {
  const tapFile = path.join(os.tmpdir(), `cnn-tests-${process.pid}-${Date.now()}.tap`);
  const { code } = await run(process.execPath, [
    '--test',
    '--test-timeout=900000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...files,
  ]);
  let tap = '';
  try {
    tap = fs.readFileSync(tapFile, 'utf8');
    fs.rmSync(tapFile);
  } catch {
    // No report: counted as a failure below.
  }
  // The last summary block is the run's totals.
  const count = (key) => {
    const all = [...tap.matchAll(new RegExp(`^# ${key} (\\d+)$`, 'gm'))];
    return all.length ? Number(all[all.length - 1][1]) : 0;
  };
  const passed = count('pass');
  let failed = count('fail') + count('cancelled');
  const skipped = count('skipped') + count('todo');
  if (code !== 0 && failed === 0) failed = 1; // the runner itself failed (e.g. a file crashed)
  return { passed, failed, skipped };
}

/** Configures, builds and runs CTest for a native preset. */
async function nativeSuite(preset) {
  const built = await steps(
    ['cmake', '--preset', preset],
    ['cmake', '--build', '--preset', preset, '-j', jobs],
  );
  if (!built) return { failed: 1, note: 'build failed' };
  const dir = path.join('build', preset);
  if (!fs.existsSync(path.join(root, dir, 'CTestTestfile.cmake'))) {
    return { skip: true, note: 'no native tests registered (tests/native/ is empty)' };
  }
  const { code, output } = await run('ctest', [
    '--test-dir', dir, '--output-on-failure', '--timeout', '900', '-j', jobs,
  ]);
  const totals = output.match(/(\d+)% tests passed, (\d+) tests? failed out of (\d+)/);
  if (!totals) {
    if (/No tests were found/.test(output)) return { skip: true, note: 'no native tests registered' };
    return { failed: 1, note: `ctest exited with ${code} without a summary` };
  }
  const failed = Number(totals[2]);
  return { passed: Number(totals[3]) - failed, failed: failed || (code !== 0 ? 1 : 0) };
}

let wasmBuilt = null; // null: not tried yet
async function buildWasm() {
  if (wasmBuilt === null) {
    wasmBuilt = await steps(
      ['emcmake', 'cmake', '--preset', 'wasm'],
      ['cmake', '--build', '--preset', 'wasm', '-j', jobs],
    );
  }
  return wasmBuilt;
}

let pageBuilt = null; // null: not tried yet
/** The wasm modules, MNIST in public/data and the page in dist/, built once for every page suite. */
async function buildPage() {
  if (pageBuilt === null) {
    pageBuilt = (await buildWasm()) && (await steps(
      [process.execPath, 'tools/prepare-data.mjs'],
      [process.execPath, 'node_modules/vite/bin/vite.js', 'build'],
    ));
  }
  return pageBuilt;
}

/** Builds the page, then runs `node --test` on `files`. */
async function pageSuite(files) {
  if (!(await buildPage())) return { failed: 1, note: 'not run: the wasm or page build failed' };
  return nodeTests(files);
}

const suites = {
  native: { label: 'native (ctest)', run: () => nativeSuite('native') },
  asan: { label: 'native-asan (ctest)', run: () => nativeSuite('native-asan') },
  // --- robustness: fuzz smoke run (each target FUZZ_SECONDS, default 15 s; tools/fuzz/README.md)
  fuzz: {
    label: 'fuzz (libFuzzer smoke)',
    async run() {
      const targets = ['idx', 'model'];
      let passed = 0;
      for (const target of targets) {
        const { code } = await run('bash', ['tools/fuzz/run.sh', target, process.env.FUZZ_SECONDS || '15']);
        if (code === 0) passed++;
      }
      return { passed, failed: targets.length - passed };
    },
  },
  // ---
  wasm: {
    label: 'wasm (node --test)',
    async run() {
      if (!(await buildWasm())) return { failed: 1, note: 'wasm build failed' };
      const files = testFiles('tests/wasm');
      if (!files.length) return { skip: true, note: 'tests/wasm/ has no test files yet' };
      return nodeTests(files);
    },
  },
  browser: {
    label: 'browser (node --test)',
    async run() {
      const files = [...testFiles('tests/web'), ...testFiles('tests/browser')];
      if (!files.length) return { skip: true, note: 'tests/web/ and tests/browser/ have no test files yet' };
      // The page's JavaScript, type-checked from its JSDoc: the page, then the workers.
      const tsc = 'node_modules/typescript/bin/tsc';
      if (!(await steps([process.execPath, tsc, '-p', 'web'], [process.execPath, tsc, '-p', 'web/workers']))) {
        return { failed: 1, note: 'type check failed (tsc -p web, tsc -p web/workers)' };
      }
      return pageSuite(files);
    },
  },
  firefox: { label: 'firefox (node --test)', run: () => pageSuite(['tests/engines/firefox.test.mjs']) },
  webkit: { label: 'webkit (node --test)', run: () => pageSuite(['tests/engines/webkit.test.mjs']) },
};

const results = [];
const started = Date.now();
for (const name of wanted) {
  const suite = suites[name];
  console.log(`\n==== ${suite.label} ====`);
  const t0 = Date.now();
  let result;
  try {
    result = await suite.run();
  } catch (err) {
    console.error(err);
    result = { failed: 1, note: `runner error: ${err.message}` };
  }
  results.push({ name: suite.label, seconds: (Date.now() - t0) / 1000, passed: 0, failed: 0, skipped: 0, skip: false, ...result });
}

const pad = (s, n) => String(s).padEnd(n);
console.log('\n==== summary ====');
for (const r of results) {
  const counts = r.skip
    ? 'skipped'
    : `${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`;
  const status = r.skip ? 'SKIP' : r.failed ? 'FAIL' : 'ok  ';
  console.log(`${status}  ${pad(r.name, 22)} ${pad(counts, 34)} ${r.seconds.toFixed(1).padStart(6)} s${r.note ? `  (${r.note})` : ''}`);
}
const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0);
console.log(`total time ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
