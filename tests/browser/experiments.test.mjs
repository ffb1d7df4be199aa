// Experiments: short training runs recorded as rows of the runs table, drawn together on the
// charts when ticked, renamed, kept across a reload, restored into the editor, deleted, exported
// as CSV; a run's kept weights loaded as the model; "Export code"; the workbench layout at
// 1280×800 while training, and no sideways scrolling at 360 px. Run by `node --test tests/browser/`.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { usePlaygroundPage, waitForReady, drawDigit, waitForAnswer } from './server.mjs';

const text = async (page, id) => (await page.getByTestId(id).textContent()).trim();
const rows = (page) => page.getByTestId('run-row');
const names = (page) => page.getByTestId('run-name').evaluateAll((inputs) => inputs.map((i) => i.value ?? i.textContent));

async function waitForState(page, state, timeout = 30_000) {
  await page.locator(`[data-testid="train-state"][data-state="${state}"]`).waitFor({ timeout });
}

/** Trains until the step counter passes `steps`, then stops; the run appears as a finished row. */
async function shortRun(page, steps = 4) {
  const before = await rows(page).count();
  await page.getByTestId('train-start').click();
  await waitForState(page, 'running');
  await page.waitForFunction((s) => Number(document.querySelector('[data-testid="step"]').textContent) > s, steps, { timeout: 60_000 });
  await page.getByTestId('train-stop').click();
  await waitForState(page, 'stopped');
  await page.locator('[data-testid="run-row"][data-state="stopped"]').nth(before).waitFor();
}

/** Pixels of the step chart's canvas close to the colour `hex`. */
function pixelsOf(page, hex) {
  return page.locator('#chart-steps canvas').evaluate((canvas, colour) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 40 && data[i + 3] > 200) count++;
    }
    return count;
  }, hex);
}
const FIRST_COLOUR = '#d9480f';
const SECOND_COLOUR = '#1c7ed6';

/** Whether the element is wholly inside the viewport. */
async function onScreen(page, locator) {
  const box = await locator.boundingBox();
  const { width, height } = page.viewportSize();
  return box !== null && box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height;
}

describe('experiments', () => {
  let page, browser, server;
  usePlaygroundPage(async (opened) => {
    ({ page, browser, server } = opened);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('exports the model in use as a Keras script and a TF.js program', async () => {
    await page.getByTestId('export-code').click();
    const keras = await page.getByTestId('export-keras').textContent();
    assert.match(keras, /tf\.keras\.layers\.Conv2D\(name='conv2d', filters=32, kernel_size=\(3, 3\)/);
    assert.match(keras, /tf\.keras\.optimizers\.Adam\(learning_rate=0\.001\)/);
    assert.match(await text(page, 'export-tfjs'), /tf\.layers\.dense\(\{ name: 'dense_1', units: 10, activation: 'softmax'/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-keras-download').click()]);
    assert.equal(download.suggestedFilename(), 'basic_cnn.py');
    assert.equal(fs.readFileSync(await download.path(), 'utf8'), keras);
    await page.getByTestId('export-code').click();
    assert.equal(await page.locator('#export-panel').isVisible(), false);
  });

  it('records two short runs with different learning rates as two rows', async () => {
    assert.equal(await rows(page).count(), 0);
    await page.getByTestId('load-data').click();
    await page.locator('#data-status').filter({ hasText: 'loaded' }).waitFor({ timeout: 120_000 });
    await shortRun(page);

    // The second run: a higher learning rate and one Dropout less. While it trains, the pad, the
    // answer and the step counter are on the screen together.
    await page.locator('#learning-rate').fill('0.01');
    await page.locator('#learning-rate').dispatchEvent('change');
    await page.getByRole('button', { name: 'Remove dropout', exact: true }).click();
    await page.getByTestId('train-start').click();
    await waitForState(page, 'running');
    await page.getByTestId('step').scrollIntoViewIfNeeded();
    await drawDigit(page, 3, 50, 40, 190);
    await waitForAnswer(page);
    for (const id of ['draw-canvas', 'prediction', 'prob-9', 'step']) {
      assert.ok(await onScreen(page, page.getByTestId(id)), `${id} is on the 1280×800 screen while training`);
    }
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="step"]').textContent) > 4, null, { timeout: 60_000 });
    await page.getByTestId('train-stop').click();
    await waitForState(page, 'stopped');
    await page.locator('[data-testid="run-row"][data-state="stopped"]').nth(1).waitFor();

    assert.deepEqual(await names(page), ['Basic_CNN, adam lr 0.001', 'lr 0.01, − dropout']);
    assert.match(await text(page, 'runs-usage'), /^2 runs kept in this browser, 0\.\d\d MB\.$/);
  });

  it('draws a ticked run beside the newest one, in its own colour and named in the legend', async () => {
    await page.locator('#chart-steps').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300); // a redraw is at most one animation frame away
    assert.equal(await pixelsOf(page, FIRST_COLOUR), 0, 'the first run is not drawn before it is ticked');
    assert.ok(await pixelsOf(page, SECOND_COLOUR) > 20, 'the newest run is drawn');
    await page.getByTestId('run-tick').first().check();
    await page.waitForTimeout(300);
    // Its few steps can take few pixels: beside the second run's longer curve (and a loss spike that
    // stretches the scale) they span a tenth of the width. Before the tick there were none.
    assert.ok(await pixelsOf(page, FIRST_COLOUR) > 8, 'the ticked run is drawn');
    assert.ok(await pixelsOf(page, SECOND_COLOUR) > 20);
    const legend = await page.locator('#chart-steps .u-legend').textContent();
    assert.match(legend, /loss · Basic_CNN, adam lr 0\.001/);
    assert.match(legend, /loss · lr 0\.01, − dropout/);
    assert.match(await page.locator('#chart-epochs .u-legend').textContent(), /lr 0\.01, − dropout/);
  });

  it('exports the runs as CSV, one row per step trained', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('runs-csv').click()]);
    const [header, ...lines] = fs.readFileSync(await download.path(), 'utf8').trimEnd().split('\n');
    assert.equal(header, 'run,name,optimizer,learning_rate,batch_size,seed,step,images_seen,loss,accuracy,validation_accuracy');
    const shownSteps = (await page.getByTestId('run-steps').allTextContents()).map((t) => Number(t.replace(/,/g, '')));
    const byRun = new Map();
    for (const line of lines) {
      const cells = line.split(',');
      const [run, step, images, loss, accuracy] = [cells[0], Number(cells.at(-5)), Number(cells.at(-4)), Number(cells.at(-3)), Number(cells.at(-2))];
      assert.equal(images, step * 32);
      assert.ok(loss > 0 && Number.isFinite(loss) && accuracy >= 0 && accuracy <= 1, line);
      byRun.set(run, [...(byRun.get(run) ?? []), step]);
    }
    assert.equal(byRun.size, 2);
    // Both runs started from new weights: rows for steps 1, 2, … up to the last step the table shows.
    [...byRun.values()].forEach((steps, i) => {
      assert.equal(steps.length, shownSteps[i], 'as many rows as steps trained');
      assert.ok(steps.every((s, j) => s === j + 1), `consecutive steps from 1: ${steps.join(' ')}`);
    });
    assert.match(lines.find((l) => l.includes('lr 0.01')), /,adam,0\.01,32,1,/);
  });

  it('keeps renamed runs across a reload, and restores a run into the editor and the form', async () => {
    const first = page.getByTestId('run-name').first();
    await first.fill('slow and steady');
    await first.press('Enter');
    await page.waitForTimeout(200);
    await page.reload();
    await waitForReady(page);
    await rows(page).nth(1).waitFor();
    assert.deepEqual(await names(page), ['slow and steady', 'lr 0.01, − dropout']);

    // The page opened with the last link: lr 0.01 and no first Dropout. The first run gives back
    // Basic_CNN's twelve layers and lr 0.001.
    assert.equal(await page.locator('#layer-list > li').count(), 11);
    await page.getByTestId('run-restore').first().click();
    assert.equal(await page.locator('#layer-list > li').count(), 12);
    assert.equal(await page.locator('#learning-rate').inputValue(), '0.001');
    await page.getByTestId('run-restore').nth(1).click();
    assert.equal(await page.locator('#layer-list > li').count(), 11);
    assert.equal(await page.locator('#learning-rate').inputValue(), '0.01');
    // Its link says the same.
    assert.match(await page.getByTestId('run-link').nth(1).getAttribute('href'), /lr=0\.01.*arch=/);
  });

  it('deletes a run, for good', async () => {
    await page.getByRole('button', { name: 'Delete lr 0.01, − dropout' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"]').length === 1);
    await page.reload();
    await waitForReady(page);
    await rows(page).first().waitFor();
    assert.deepEqual(await names(page), ['slow and steady']);
  });

  it('keeps a run\'s weights when asked, and loads them as the model', async () => {
    await page.getByTestId('load-data').click();
    await page.locator('#data-status').filter({ hasText: 'loaded' }).waitFor({ timeout: 120_000 });
    await page.getByTestId('runs-keep-weights').check();
    assert.match(await page.locator('#runs-weight-size').textContent(), /\(6\.\d\d MB a run for this network\)/);
    await shortRun(page);
    const load = page.getByTestId('run-load');
    await load.waitFor();
    assert.match(await load.textContent(), /Load weights \(6\.\d\d MB\)/);
    await page.locator('#default-model').click();
    await page.getByTestId('model-status').filter({ hasText: /Shipped.*ready/ }).waitFor();
    await load.click();
    await page.getByTestId('model-status').filter({ hasText: /Model from run ".*".*ready/ }).waitFor();
    assert.equal(await text(page, 'error'), '');

    // Evaluating the run's weights gives the run its test accuracy.
    const runTest = page.getByTestId('run-test').last();
    assert.equal(await runTest.textContent(), '–');
    await page.locator('#eval-limit').selectOption('1000');
    await page.getByTestId('evaluate').click();
    await page.getByTestId('test-accuracy').filter({ hasText: /% of 1,000 images/ }).waitFor({ timeout: 120_000 });
    const shown = parseFloat(await text(page, 'test-accuracy'));
    await page.getByTestId('run-test').filter({ hasText: '%' }).waitFor();
    assert.equal(await page.getByTestId('run-test').first().textContent(), '–', 'the other run keeps none');
    assert.ok(Math.abs(parseFloat(await runTest.textContent()) - shown) < 0.01, `${await runTest.textContent()} for ${shown} %`);
  });

  it('does not scroll sideways on a 360 px screen', async () => {
    const narrow = await browser.context.newPage();
    await narrow.setViewportSize({ width: 360, height: 740 });
    await narrow.goto(server.url);
    await waitForReady(narrow);
    await narrow.getByTestId('export-code').click();
    const overflow = await narrow.evaluate(() => {
      const width = document.documentElement.clientWidth;
      // Wide tables and code scroll inside their own box, not the page.
      const scrolls = (e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
      const insideScroller = (e) => { for (let p = e.parentElement; p; p = p.parentElement) if (scrolls(p)) return true; return false; };
      const wide = [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > width + 0.5 && !insideScroller(e))
        .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${e.className}`);
      return { scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5) };
    });
    assert.deepEqual(overflow.wide, []);
    assert.ok(overflow.scroll <= overflow.width, `${overflow.scroll} px wide on a ${overflow.width} px screen`);
    await narrow.close();
  });
});
