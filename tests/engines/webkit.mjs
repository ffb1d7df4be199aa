// WebKitGTK (Safari's engine, Debian's webkit2gtk-driver) for the tests: an Xvfb display on a
// free number, WebKitWebDriver on a free port, and a selenium-webdriver session in MiniBrowser,
// wrapped as the driver tests/engines/playground.mjs expects.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { Builder, Origin } from 'selenium-webdriver';
import { freePort } from '../browser/server.mjs';

const START_TIMEOUT_MS = 30_000;

/** Where Debian puts MiniBrowser, the browser WebKitWebDriver starts: /usr/lib/<triplet>/…. */
function miniBrowser() {
  const found = fs.readdirSync('/usr/lib', { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `/usr/lib/${entry.name}/webkit2gtk-4.1/MiniBrowser`)
    .find((candidate) => fs.existsSync(candidate));
  if (!found) throw new Error('MiniBrowser not found under /usr/lib/*/webkit2gtk-4.1: apt-get install webkit2gtk-driver');
  return found;
}

/** Resolves when `child` writes a line to the pipe `stream`, rejects if it exits first. */
function firstLine(child, stream, what) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    stream.on('data', (chunk) => {
      seen += chunk;
      if (seen.includes('\n')) {
        clearTimeout(timer);
        resolve(seen.trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${code} before it was ready`));
    });
  });
}

/** Waits until WebKitWebDriver answers on `url`. */
async function waitForDriver(url, child) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/status`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`WebKitWebDriver did not answer at ${url} within ${START_TIMEOUT_MS / 1000} s`);
}

function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}

/**
 * Starts Xvfb, WebKitWebDriver and a MiniBrowser session. `env` is added to the browser's
 * environment. Returns { driver (for playground.mjs), session (selenium's WebDriver), close() }.
 */
export async function launchWebKit({ env = {} } = {}) {
  const children = [];
  const close = async () => {
    for (const child of children.reverse()) await stop(child);
  };
  try {
    // -displayfd: Xvfb takes the first free display number and writes it to fd 3 once ready.
    const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    children.push(xvfb);
    const display = `:${await firstLine(xvfb, xvfb.stdio[3], 'Xvfb')}`;

    const port = await freePort();
    const webdriver = spawn('WebKitWebDriver', [`--port=${port}`], {
      env: { ...process.env, ...env, DISPLAY: display },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    children.push(webdriver);
    const url = `http://127.0.0.1:${port}`;
    await waitForDriver(url, webdriver);

    const session = await new Builder()
      .usingServer(url)
      .withCapabilities({
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: miniBrowser(), args: ['--automation'] },
      })
      .build();
    await session.manage().window().setRect({ width: 1200, height: 900 });
    const driver = {
      evaluate: (fn, ...args) => session.executeScript(fn, ...args),
      // WebKitWebDriver scrolls a button only to the window's edge before clicking, where on the
      // 1200-px workbench layout the click did not reach it (the page never saw it); a user looks
      // at a button before clicking, so bring it to the middle first.
      async click(testid) {
        const element = await session.findElement({ css: `[data-testid="${testid}"]` });
        await session.executeScript((e) => e.scrollIntoView({ block: 'center' }), element);
        await element.click();
      },
      async stroke([first, ...rest]) {
        let actions = session.actions({ async: true }).move({ x: first.x, y: first.y, origin: Origin.VIEWPORT }).press();
        for (const p of rest) actions = actions.move({ x: p.x, y: p.y, origin: Origin.VIEWPORT, duration: 10 });
        await actions.release().perform();
      },
    };
    return {
      driver,
      session,
      async close() {
        await session.quit().catch(() => {});
        await close();
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}
