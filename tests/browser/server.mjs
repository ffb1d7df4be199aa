// What the browser tests share: serve the built page with `vite preview` (or a plain static
// server) on a free port, start Debian's Chromium through playwright-core, and draw on the page
// with the mouse.
// The page must be built first (`npx vite build`; tools/run-tests.mjs does it).

import { before, after } from 'node:test';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { placeDigit } from '../web/digits.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

/** A TCP port on 127.0.0.1 that nothing listens on now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, child, name, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not answer at ${url} within ${timeoutMs} ms`);
}

/**
 * Runs `command args` (a server `name` told to listen on `port`) from the repository root until
 * it answers over HTTP.
 * @returns {Promise<{url: string, close: () => Promise<void>}>}
 */
async function startServer(name, port, command, args) {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'index.html'))) {
    throw new Error('dist/index.html is missing: build the page first (npx vite build)');
  }
  const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForHttp(url, child, name, 30_000);
  } catch (err) {
    child.kill();
    throw new Error(`${err.message}\n${output}`);
  }
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/**
 * Starts `vite preview` for the built page, with another Vite config if `configFile` (or
 * PREVIEW_CONFIG) names one.
 */
export async function startPreview({ configFile = process.env.PREVIEW_CONFIG } = {}) {
  const port = await freePort();
  const viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const args = [viteBin, 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'];
  if (configFile) args.push('--config', configFile);
  return startServer('vite preview', port, process.execPath, args);
}

/** Serves dist/ with Python's http.server: a plain static server that sends no COOP/COEP (nor
 *  any other header of ours), like most static hosts. */
export async function startStaticServer() {
  const port = await freePort();
  return startServer('python3 -m http.server', port, 'python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', 'dist']);
}

/** Debian's Chromium, headless, in a throw-away profile. The page's service worker is refused
 *  unless `serviceWorkers` is 'allow': requests it served would escape page.route(). */
export async function launchBrowser({ serviceWorkers = 'block' } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-playground-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1200, height: 900 },
    acceptDownloads: true,
    serviceWorkers,
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where tests leave their screenshots: SCREENSHOT_DIR, or a folder in the system temp dir. */
export function screenshotPath(name) {
  const dir = process.env.SCREENSHOT_DIR || path.join(os.tmpdir(), 'cnn-playground-screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

/** Opens the page and waits until the model status says `ready`. */
export async function openReadyPage(context, url, { timeout = 60_000 } = {}) {
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  await page.goto(url);
  await waitForReady(page, timeout);
  return { page, problems };
}

/**
 * For a test file: before its tests, a `vite preview` server, Chromium and the page, ready
 * (`initScript` runs in the page before its own scripts); after them, all closed.
 * `opened({ page, problems, server, browser })` receives them.
 */
export function usePlaygroundPage(opened, { initScript } = {}) {
  let server, browser;
  before(async () => {
    server = await startPreview();
    browser = await launchBrowser();
    if (initScript) await browser.context.addInitScript(initScript);
    await opened({ ...(await openReadyPage(browser.context, server.url)), server, browser });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
}

export async function waitForReady(page, timeout = 60_000) {
  await page.getByTestId('model-status').filter({ hasText: 'ready' }).waitFor({ timeout });
}

/**
 * Draws `digit` with real mouse strokes (press, move in small steps, release) into the square
 * (left, top, size) given in the pad's CSS pixels.
 */
export async function drawDigit(page, digit, left, top, size) {
  const canvas = page.getByTestId('draw-canvas');
  await canvas.scrollIntoViewIfNeeded(); // the mouse works in viewport coordinates
  const box = await canvas.boundingBox();
  const scale = box.width / 280;
  for (const stroke of placeDigit(digit, left, top, size)) {
    const [first, ...rest] = stroke;
    await page.mouse.move(box.x + first.x * scale, box.y + first.y * scale);
    await page.mouse.down();
    for (const p of rest) await page.mouse.move(box.x + p.x * scale, box.y + p.y * scale, { steps: 2 });
    await page.mouse.up();
  }
}

/** Clears the pad with its button and waits for the answer to disappear. */
export async function clearPad(page) {
  await page.getByTestId('clear').click();
  await page.getByTestId('prediction').filter({ hasText: '?' }).waitFor();
}

/** The probabilities shown in prob-0 … prob-9, as numbers 0..100. */
export async function readProbabilities(page) {
  const values = [];
  for (let d = 0; d < 10; d++) values.push(parseFloat(await page.getByTestId(`prob-${d}`).textContent()));
  return values;
}

/** Waits until the shown prediction answers the current drawing; returns the predicted digit. */
export async function waitForAnswer(page, timeout = 10_000) {
  await page.waitForFunction(
    () => {
      const drawn = document.querySelector('[data-testid="input-28"]').dataset.version;
      const answered = document.querySelector('[data-testid="prediction"]').dataset.version;
      return drawn !== undefined && drawn === answered;
    },
    null,
    { timeout },
  );
  return (await page.getByTestId('prediction').textContent()).trim();
}
