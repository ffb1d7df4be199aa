// A random user, for a minute while the network trains: odd values (negative, exponent, empty,
// huge, text) typed into every field, every control clicked, options picked, digits drawn and
// links pasted, in an order drawn from a seeded generator (MONKEY_SEED=n replays one run,
// MONKEY_SECONDS=n changes its length, MONKEY_DEBUG=1 prints each action). The page may refuse
// things in its error line; it must throw nothing (no page error, no console error) and still
// answer a drawing afterwards, and the link it shows must open the same network.
// Run by `node --test tests/browser/`.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { usePlaygroundPage, waitForReady, drawDigit, clearPad, waitForAnswer, readProbabilities } from './server.mjs';
import { random } from '../web/random.mjs';

const SEED = Number(process.env.MONKEY_SEED ?? Date.now() % 100000);
const SECONDS = Number(process.env.MONKEY_SECONDS ?? 60);

// What gets typed: odd values, and now and then one that works.
const NUMBERS = ['-1', '1e-30', '', '1e400', '99999999999', '0', '-0', '2.5', '1e3', 'abc', ' ', '.', '-', 'e',
  '7', '3', '2', '1', '32', '0.25', '0.5', '10', '64'];
const TEXTS = ['', 'x', '-1', '1e-30', 'L--1-relu', '"; alert(1)', '<b>bold</b>', '한국어', 'a'.repeat(300), 'Boot', '7'];
const CONFIGS = ['', '{', 'null', '[]', '{"class_name": "Sequential", "config": {"layers": []}}',
  '{"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {"units": -1}}]}}',
  '{"class_name": "Sequential", "config": {"layers": [{"class_name": "Flatten", "config": {"name": "conv_big"}}, ' +
    '{"class_name": "Dense", "config": {"name": "out-1e-30", "units": 10, "activation": "softmax"}}]}}'];
const HASHES = ['#arch=1.', '#arch=L--1-relu_F', '#batch=-1&epochs=1e400&lr=abc&seed=-5', '#lang=xx&opt=lbfgs&wasm=gpu', '#'];

/** Every control a person could use right now, each tagged so it can be found again. */
function visibleControls() {
  const found = [];
  for (const el of document.querySelectorAll('[data-monkey]')) delete el.dataset.monkey;
  const all = document.querySelectorAll('button, input, select, textarea, summary, [data-testid="draw-canvas"]');
  all.forEach((el) => {
    if (el.disabled || el.readOnly || el.type === 'file') return;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) return; // inside a closed <details>, or hidden
    const key = String((window.monkeySerial = (window.monkeySerial ?? 0) + 1));
    el.dataset.monkey = key;
    found.push({ key, tag: el.tagName.toLowerCase(), type: el.type ?? '', id: el.id, label: el.getAttribute('aria-label') ?? el.textContent.trim().slice(0, 30) });
  });
  return found;
}

describe('a random user, for a minute while training', () => {
  let page, problems, browser;
  usePlaygroundPage((opened) => ({ page, problems, browser } = opened));

  it(`throws nothing and keeps answering (seed ${SEED})`, async () => {
    await page.getByTestId('load-data').click();
    await page.getByTestId('data-status').filter({ hasText: /images loaded/ }).waitFor({ timeout: 120_000 });
    await page.getByTestId('train-start').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="step"]').textContent) > 0, null, { timeout: 60_000 });

    const next = random(SEED);
    const pick = (list) => list[Math.floor(next() * list.length)];
    const done = [];
    let training = 0;
    const deadline = Date.now() + SECONDS * 1000;
    while (Date.now() < deadline) {
      const controls = await page.evaluate(visibleControls);
      const control = pick(controls);
      const target = page.locator(`[data-monkey="${control.key}"]`);
      let action = `${control.tag}#${control.id || control.label}`;
      const state = await page.getByTestId('train-state').getAttribute('data-state');
      const running = state === 'running';
      try {
        if (state === 'paused' && next() < 0.3) {
          action = 'Resume';
          await page.getByTestId('train-pause').click({ timeout: 1000 });
        } else if (!running && state !== 'paused' && next() < 0.3) {
          // Mostly while training: now and then the person puts things right and trains again.
          action = 'Reset to Basic_CNN, good settings, Train';
          await page.locator('#reset-architecture').click({ timeout: 1000 });
          for (const [id, value] of [['epochs', '1'], ['batch-size', '32'], ['learning-rate', '0.001'], ['seed', '1']]) {
            if (await page.locator(`#${id}`).isEnabled()) await page.locator(`#${id}`).fill(value, { timeout: 1000 });
          }
          await page.locator('#seed').press('Tab', { timeout: 1000 });
          await page.getByTestId('train-start').click({ timeout: 5000 });
        } else if (next() < 0.03) {
          const hash = pick(HASHES);
          action = `location.hash = ${hash}`;
          await page.evaluate((h) => (location.hash = h), hash);
        } else if (control.tag === 'canvas') {
          const digit = Math.floor(next() * 10);
          action += ` draw ${digit}`;
          await drawDigit(page, digit, 10 + next() * 100, 10 + next() * 100, 40 + next() * 120);
        } else if (control.tag === 'select') {
          const options = await target.locator('option').evaluateAll((os) => os.map((o) => o.value));
          const value = pick(options);
          action += ` = ${value}`;
          await target.selectOption(value, { timeout: 1000 });
        } else if (control.tag === 'textarea' || (control.tag === 'input' && ['number', 'text'].includes(control.type))) {
          const value = pick(control.tag === 'textarea' ? CONFIGS : control.type === 'number' ? NUMBERS : TEXTS);
          action += ` ← ${JSON.stringify(value.slice(0, 40))}`;
          // Typed key by key, as a person would (fill() refuses text in a number field).
          await target.click({ timeout: 1000 });
          await page.keyboard.press('ControlOrMeta+a');
          await page.keyboard.press('Backspace');
          if (value) await page.keyboard.type(value);
          if (next() < 0.5) await page.keyboard.press(pick(['Tab', 'Enter']));
        } else {
          await target.click({ timeout: 1000 });
        }
      } catch (err) {
        // The control went away or was covered between looking and acting: a test matter, not the page's.
        if (!/Timeout|detached|not attached|not visible|not enabled|intercepts pointer|outside of the viewport/i.test(err.message)) throw err;
        action += ' (missed)';
        if (process.env.MONKEY_DEBUG) action += ` [${await page.locator('#train-state').getAttribute('data-state')}: ${await page.locator('#train-blocked').textContent()} | ${await page.getByTestId('error').textContent()}]`;
      }
      done.push(action);
      if (process.env.MONKEY_DEBUG) console.log(`${Date.now() % 100000} ${action}`);
      if (running) training++;
      assert.deepEqual(problems, [], `after: ${done.slice(-15).join('\n  ')}`);
    }
    console.log(`# monkey (seed ${SEED}): ${done.length} actions in ${SECONDS} s, training during ${training} of them`);

    // Still answering: stop training, go back to the tutorial's network, draw.
    if (await page.getByTestId('train-stop').isEnabled()) {
      await page.getByTestId('train-stop').click();
      await page.locator('[data-testid="train-state"][data-state="stopped"]').waitFor({ timeout: 120_000 });
    }
    const link = page.url();
    const layers = await page.locator('#layer-list .layer-name').allTextContents();
    await clearPad(page);
    await drawDigit(page, 3, 40, 40, 200);
    assert.match(await waitForAnswer(page, 60_000), /\S/);
    const total = (await readProbabilities(page)).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 100) < 1, `probabilities add up to ${total}%`);

    // The link of that state opens the same network, without an error.
    const other = await browser.context.newPage();
    const opened = [];
    other.on('pageerror', (err) => opened.push(err.message));
    other.on('console', (msg) => msg.type() === 'error' && opened.push(msg.text()));
    await other.goto(link);
    await waitForReady(other, 120_000);
    assert.deepEqual(await other.locator('#layer-list .layer-name').allTextContents(), layers);
    assert.deepEqual(opened, []);
    await other.close();
    assert.deepEqual(problems, [], `after: ${done.slice(-15).join('\n  ')}`);
  });
});
