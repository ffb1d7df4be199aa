// What the Firefox and WebKit suites share: the page's flows, written once against a small driver
// that each suite implements with its own WebDriver client (puppeteer-core over WebDriver BiDi for
// Firefox, selenium-webdriver over classic WebDriver for WebKitGTK). Everything reads the page
// through its data-testid contract (DESIGN.md), never through its file layout.
//
// A driver is { evaluate(fn, ...args), click(testid), stroke(points) }: `fn` runs in the page
// with `args` (JSON values) and its result comes back; `stroke` presses the mouse at the first
// point, moves through the others and releases (viewport CSS pixels).

import { placeDigit } from '../web/digits.mjs';

const POLL_MS = 100; // how often a wait looks at the page again

/** Polls `fn(...args)` in the page until it returns something truthy, and returns that. A
 *  call that fails (the page is reloading) counts as a no. */
export async function waitFor(driver, what, fn, args = [], timeout = 60_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    let failure = '';
    const value = await driver.evaluate(fn, ...args).catch((err) => void (failure = err.message));
    if (value) return value;
    if (Date.now() > deadline) {
      const error = await text(driver, 'error').catch((err) => `(unreadable: ${err.message})`);
      throw new Error(`waited ${timeout / 1000} s for ${what}; the page's error line says: "${error}"${failure ? `; the last look failed: ${failure}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The trimmed text of the element with data-testid `id`. */
export function text(driver, id) {
  return driver.evaluate((testid) => document.querySelector(`[data-testid="${testid}"]`).textContent.trim(), id);
}

/** Waits until the text of `id` matches `pattern`; returns the text. */
export function waitForText(driver, id, pattern, timeout) {
  return waitFor(
    driver,
    `${id} to match ${pattern}`,
    (testid, source, flags) => {
      const shown = document.querySelector(`[data-testid="${testid}"]`)?.textContent.trim() ?? '';
      return new RegExp(source, flags).test(shown) && shown;
    },
    [id, pattern.source, pattern.flags],
    timeout,
  );
}

/** Clicks the element with data-testid `id` once it is enabled: a click on a disabled button,
 *  which the page may still be re-rendering, would do nothing. */
export async function click(driver, id) {
  await waitFor(driver, `${id} to be enabled`, (testid) => {
    const element = document.querySelector(`[data-testid="${testid}"]`);
    return element && !element.disabled;
  }, [id]);
  await driver.click(id);
}

export const waitForReady = (driver, timeout) => waitForText(driver, 'model-status', /ready/, timeout);

/** Clears the pad, draws `digit` in the square (left, top, size) of the 280-px pad, waits for
 *  the answer to this drawing and returns the predicted digit. */
export async function classifyDrawing(driver, digit, [left, top, size] = [30, 30, 220]) {
  await click(driver, 'clear');
  await waitForText(driver, 'prediction', /^\?$/, 10_000);
  const box = await driver.evaluate(() => {
    const pad = document.querySelector('[data-testid="draw-canvas"]');
    pad.scrollIntoView({ block: 'center' }); // strokes are given in viewport coordinates
    // A driver may return before the page has handled all of a stroke's events, so the page
    // notes the version of input-28 at each pointerup: the drawing is complete once input-28
    // shows a later version.
    window.testStrokeEnds = [];
    if (!window.testStrokeEndsWatched) {
      window.testStrokeEndsWatched = true;
      pad.addEventListener('pointerup', () => window.testStrokeEnds.push(Number(document.querySelector('[data-testid="input-28"]').dataset.version ?? 0)));
    }
    const { x, y, width } = pad.getBoundingClientRect();
    return { x, y, scale: width / 280 };
  });
  const strokes = placeDigit(digit, left, top, size);
  for (const stroke of strokes) {
    await driver.stroke(stroke.map((p) => ({ x: Math.round(box.x + p.x * box.scale), y: Math.round(box.y + p.y * box.scale) })));
  }
  // input-28 and prediction carry the version of the drawing they show and answer.
  await waitFor(driver, `the answer to a drawn ${digit}`, (count) => {
    const drawn = Number(document.querySelector('[data-testid="input-28"]').dataset.version);
    const ends = window.testStrokeEnds;
    return ends.length === count && drawn > ends[count - 1] &&
      String(drawn) === document.querySelector('[data-testid="prediction"]').dataset.version;
  }, [strokes.length], 20_000);
  return text(driver, 'prediction');
}

/** The ten probabilities shown in prob-0 … prob-9, as numbers 0..100. */
export function probabilities(driver) {
  return driver.evaluate(() => Array.from({ length: 10 }, (_, d) => parseFloat(document.querySelector(`[data-testid="prob-${d}"]`).textContent)));
}

/** Loads MNIST with the page's button and waits until both sets are in. */
export async function loadMnist(driver) {
  await click(driver, 'load-data');
  return waitForText(driver, 'data-status', /60,000 training and 10,000 test images loaded/, 180_000);
}

export const stepOf = async (driver) => Number(await text(driver, 'step')) || 0;

export function waitForState(driver, state, timeout = 60_000) {
  return waitFor(driver, `training state "${state}"`, (s) => document.querySelector('[data-testid="train-state"]').dataset.state === s, [state], timeout);
}

/** Waits until the shown training step is above `step`; returns it. */
export async function waitForStepAbove(driver, step, timeout = 120_000) {
  await waitFor(driver, `a training step above ${step}`, (s) => Number(document.querySelector('[data-testid="step"]').textContent) > s, [step], timeout);
  return stepOf(driver);
}

/** What the engine offers the threads build, seen from the page: mirrors the worker's choice, so
 *  a test can tell what the page should run. */
export function threadsSupport(driver) {
  return driver.evaluate(() => {
    let canShare = true;
    try {
      structuredClone(new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }));
    } catch {
      canShare = false;
    }
    return { isolated: self.crossOriginIsolated, sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined', canShare };
  });
}
