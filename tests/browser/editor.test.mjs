// The layer editor over the engine's schema, in the page: a ready architecture (Basic_CNN_BN)
// with the engine's verdict and parameter count, trained a few steps; a BatchNormalization layer
// added by hand and its momentum edited (a bad value gets the engine's message on that field);
// Undo after a ready architecture replaced the user's network; the explanations in Korean.
// Run by `node --test tests/browser/`.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { usePlaygroundPage } from './server.mjs';
import { loadModule } from '../../wasm/node.mjs';

const text = async (page, id) => (await page.getByTestId(id).textContent()).trim();
const row = (page, name) => page.locator('#layer-list > li').filter({ has: page.locator('.layer-name', { hasText: new RegExp(`^${name}$`) }) });
const param = (page, name, p) => row(page, name).locator(`[data-param="${p}"]`);
const totalParams = async (page) => Number(await page.locator('[data-testid="model-summary"] tfoot td').getAttribute('data-total'));
const layerNames = (page) => page.locator('#layer-list .layer-name').allTextContents();

describe('the layer editor: every layer the engine knows, and ready architectures', () => {
  let page, problems;
  usePlaygroundPage((opened) => ({ page, problems } = opened));

  // What the engine says of the ready architectures, for comparison with the page.
  let ready;
  before(async () => {
    const m = await loadModule('simd');
    ready = Object.fromEntries(JSON.parse(m.architectures()).map((a) => [a.name, JSON.parse(m.analyse(JSON.stringify(a.config), '{}'))]));
  });

  it('offers every ready architecture and every layer kind of the engine', async () => {
    const options = await page.getByTestId('architectures').locator('option').allTextContents();
    assert.deepEqual(options.slice(1), ['Basic_CNN', 'Basic_CNN_BN', 'AllConv_GAP', 'LeNet5']);
    assert.equal(await page.getByTestId('architectures').inputValue(), 'Basic_CNN', 'the editor shows Basic_CNN');
    const kinds = await page.locator('#add-type option').allTextContents();
    for (const kind of ['BatchNormalization', 'DepthwiseConv2D', 'SeparableConv2D', 'GlobalAveragePooling2D', 'ReLU', 'LeakyReLU', 'SpatialDropout2D', 'ZeroPadding2D']) {
      assert.ok(kinds.includes(kind), kind);
    }
  });

  it('Basic_CNN_BN: valid, the parameters the engine counts, and it trains', async () => {
    await page.getByTestId('architectures').selectOption('Basic_CNN_BN');
    const engine = ready.Basic_CNN_BN;
    assert.equal(engine.valid, true);
    await page.waitForFunction((n) => document.querySelector('[data-testid="model-summary"] tfoot td')?.dataset.total === String(n), engine.total_params);
    assert.equal(await totalParams(page), engine.total_params);
    assert.equal(await page.getByTestId('model-summary').getAttribute('data-valid'), 'true');
    assert.deepEqual(await layerNames(page), engine.layers.map((l) => l.name));
    assert.match(await page.locator('#architecture-note').textContent(), /BatchNormalization after each convolution/);
    assert.equal(await page.locator('#architecture-undo').isHidden(), true, 'Basic_CNN was no network of the user\'s own');
    // conv2d has no bias (BatchNormalization's beta takes its place).
    assert.equal(await param(page, 'conv2d', 'use_bias').isChecked(), false);

    await page.getByTestId('load-data').click();
    await page.getByTestId('data-status').filter({ hasText: /images loaded/ }).waitFor({ timeout: 120_000 });
    await page.locator('#build-model').click();
    await page.getByTestId('model-status').filter({ hasText: /My_CNN.*ready/ }).waitFor({ timeout: 60_000 });
    const losses = [];
    for (let i = 0; i < 3; i++) {
      const before = await text(page, 'step');
      await page.locator('#train-step').click();
      await page.waitForFunction((b) => document.querySelector('[data-testid="step"]').textContent !== b
        && !document.querySelector('#train-step').disabled, before, { timeout: 60_000 });
      losses.push(Number(await text(page, 'loss')));
    }
    // Cross-entropy of 10 classes starts near ln 10 ≈ 2.3 and is finite.
    for (const loss of losses) assert.ok(Number.isFinite(loss) && loss > 0 && loss < 10, `loss ${loss}`);
  });

  it('a BatchNormalization layer added by hand: its momentum edited, a bad value refused on that field', async () => {
    await page.getByTestId('architectures').selectOption('Basic_CNN');
    await page.waitForFunction(() => document.querySelector('[data-testid="model-summary"] tfoot td')?.dataset.total === '1676266');
    await page.locator('#add-type').selectOption('BatchNormalization');
    await page.locator('#add-position').selectOption({ label: 'before conv2d_1' });
    await page.locator('#add-layer').click();
    assert.deepEqual((await layerNames(page)).slice(0, 3), ['conv2d', 'batch_normalization', 'conv2d_1']);
    // 32 channels × (gamma, beta, moving mean, moving variance).
    await page.waitForFunction(() => document.querySelector('[data-testid="model-summary"] tfoot td')?.dataset.total === String(1_676_266 + 128));
    assert.match(await row(page, 'batch_normalization').locator('.layer-out').textContent(), /\(None, 28, 28, 32\) · 128 parameters/);
    assert.equal(await page.getByTestId('architectures').inputValue(), '', 'no ready architecture any more');

    const momentum = param(page, 'batch_normalization', 'momentum');
    assert.equal(await momentum.inputValue(), '0.99');
    await momentum.fill('0.9');
    await page.waitForFunction(() => window.cnnPlayground.state.layers[1].momentum === 0.9);
    await page.locator('#json-io summary').click(); // the config is written when the details' toggle event comes
    await page.waitForFunction(() => /"momentum": 0\.9\b/.test(document.querySelector('#model-config').value), null, { timeout: 5000 });

    await momentum.fill('1.5');
    const error = row(page, 'batch_normalization').locator('.layer-error');
    await error.filter({ hasText: /momentum must be in \[0, 1\] \(got 1\.5\)/ }).waitFor();
    assert.match(await error.textContent(), /^batch_normalization: /);
    assert.equal(await momentum.getAttribute('aria-invalid'), 'true');
    assert.equal(await param(page, 'batch_normalization', 'epsilon').getAttribute('aria-invalid'), 'false');
    assert.equal(await page.getByTestId('model-summary').getAttribute('data-valid'), 'false');
    await momentum.fill('0.9');
    await page.waitForFunction(() => document.querySelector('[data-testid="model-summary"]').dataset.valid === 'true');
    assert.equal(await error.textContent(), '');
  });

  it('picking a ready architecture over the user\'s own network can be undone', async () => {
    await page.getByTestId('architectures').selectOption('LeNet5');
    await page.waitForFunction((n) => document.querySelector('[data-testid="model-summary"] tfoot td')?.dataset.total === String(n), ready.LeNet5.total_params);
    assert.equal(await page.locator('#architecture-undo').isVisible(), true);
    // Trying another on the way keeps the user's network for Undo.
    await page.getByTestId('architectures').selectOption('AllConv_GAP');
    await page.waitForFunction((n) => document.querySelector('[data-testid="model-summary"] tfoot td')?.dataset.total === String(n), ready.AllConv_GAP.total_params);
    await page.locator('#undo-architecture').click();
    assert.deepEqual((await layerNames(page)).slice(0, 3), ['conv2d', 'batch_normalization', 'conv2d_1']);
    assert.equal(await param(page, 'batch_normalization', 'momentum').inputValue(), '0.9');
    assert.equal(await page.locator('#architecture-undo').isHidden(), true);
  });

  it('explains each layer and field in Korean when the page is in Korean, reachable from the field', async () => {
    await page.getByRole('radio', { name: '한국어' }).check();
    const bn = row(page, 'batch_normalization');
    await bn.locator('.layer-explain summary').click();
    assert.equal(await bn.locator('.layer-help').getAttribute('lang'), 'ko');
    assert.match(await bn.locator('.layer-help').textContent(), /배치 정규화/);
    // The momentum input is described by its explanation (screen readers read it with the field).
    const describedBy = await param(page, 'batch_normalization', 'momentum').getAttribute('aria-describedby');
    const help = page.locator(`[id="${describedBy}"]`);
    assert.match(await help.textContent(), /이동 평균/);
    assert.equal(await help.getAttribute('lang'), 'ko');
    await page.getByRole('radio', { name: 'English' }).check();
    assert.match(await help.textContent(), /moving mean and variance/);
    assert.deepEqual(problems, []);
  });
});
