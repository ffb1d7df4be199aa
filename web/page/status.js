// @ts-check
// Views of what the page is doing: the status line (which model, its test accuracy, ready or
// not), the error line, the engine build in the footer, and which controls can be used now.

import { watch } from './store.js';
import { editorIsBuilt } from './model.js';
import { byId, buttonById, formatPercent } from './views.js';

/** @typedef {import('./app.js').PageState} PageState */

const TRAIN_STATE_TEXT = Object.freeze(/** @type {Record<string, string>} */ ({
  idle: 'not started', running: 'training…', paused: 'paused', stopped: 'stopped', done: 'finished',
}));

/** The engine build in words: "SIMD + 2 threads". @param {{ build: string, threads: number }} engine */
export const buildName = ({ build, threads }) => (build === 'threads' ? `SIMD + ${threads} threads` : 'SIMD, 1 thread');

/** @param {import('./app.js').App} app */
export function startStatus({ store }) {
  watch(store, (s) => ({ label: s.model.label, testAccuracy: s.model.testAccuracy, state: s.training.state, ready: s.engine.ready }), ({ label, testAccuracy, state, ready }) => {
    const parts = [label];
    if (testAccuracy != null) parts.push(`test accuracy ${formatPercent(testAccuracy, 2)}`);
    if (state === 'running') parts.push('training');
    parts.push(ready ? 'ready' : 'loading…');
    byId('model-status').textContent = parts.filter(Boolean).join(' · ');
    document.body.classList.toggle('is-ready', ready);
  });
  watch(store, (s) => ({ build: s.engine.build, threads: s.engine.threads, why: s.engine.singleThreadReason, note: s.offline.isolationNote }), ({ build, threads, why, note }) => {
    byId('build-info').textContent = build ? `${buildName({ build, threads })}${why ? ` — no threads: ${why}${note ? ` (${note})` : ''}` : ''}` : '…';
  });
  watch(store, (s) => s.error, ({ text }) => {
    byId('error').textContent = text;
  });
  watch(store, (s) => s.saved, (saved) => {
    buttonById('forget-model').disabled = !saved;
  });
  watch(store, (s) => [s.engine.ready, s.data, s.training, s.busy, s.analysis, s.layers, s.model.layers, s.settingProblems, s.settings.seed], // what it reads
    (_, s) => renderControls(s));
}

/** Which buttons and fields can be used, and why training waits when it does. */
function renderControls(/** @type {PageState} */ s) {
  const { ready } = s.engine;
  const { loaded: dataLoaded, loading: loadingData } = s.data;
  const running = s.training.state === 'running';
  const paused = s.training.state === 'paused';
  const blocked = s.busy.length > 0;
  const invalid = !s.analysis?.valid;
  const edited = !invalid && !editorIsBuilt(s);
  const settingProblems = Object.entries(s.settingProblems);
  const settingsBad = settingProblems.length > 0;
  const disable = (/** @type {string} */ id, /** @type {boolean} */ off) => {
    /** @type {HTMLButtonElement | HTMLInputElement | HTMLSelectElement} */ (byId(id)).disabled = off;
  };
  disable('load-data', !ready || loadingData || running || s.data.name === 'MNIST');
  disable('data-files', !ready || loadingData || running);
  disable('train-start', !ready || !dataLoaded || running || paused || blocked || invalid || settingsBad);
  disable('train-pause', !(running || paused));
  disable('train-step', !ready || !dataLoaded || running || blocked || invalid || edited || settingsBad);
  disable('train-stop', !(running || paused));
  disable('train-reset', !ready || running || blocked);
  disable('evaluate', !ready || !dataLoaded || running || blocked);
  disable('eval-limit', s.busy.includes('evaluate'));
  disable('save-model', !ready || blocked);
  disable('load-model', !ready || running || blocked);
  disable('build-model', !ready || running || paused || blocked || invalid || !edited);
  disable('default-model', !ready || running || blocked);
  for (const id of ['epochs', 'batch-size', 'learning-rate', 'optimizer', 'fresh', 'seed']) disable(id, running || paused);

  const pause = buttonById('train-pause');
  pause.textContent = paused ? 'Resume' : 'Pause';
  pause.setAttribute('aria-pressed', String(paused));
  const trainBlocked = byId('train-blocked');
  trainBlocked.textContent = invalid
    ? `Training is off until the network can be built: ${s.analysis?.error ?? 'the engine has not checked it yet'}.`
    : settingsBad
      ? `Training is off until the settings are fixed: ${settingProblems.map(([what, problem]) => `${what} ${problem}`).join('; ')}.`
      : edited && dataLoaded ? `Train builds the changed network first (new random weights, seed ${s.settings.seed}).` : '';
  trainBlocked.classList.toggle('bad', invalid || settingsBad);
  byId('editor-status').textContent = invalid
    ? 'Not possible — see the layer marked in red.'
    : edited ? 'Changed: not built yet.' : 'This is the network in use.';
  const state = byId('train-state');
  state.textContent = TRAIN_STATE_TEXT[s.training.state] ?? s.training.state;
  state.dataset.state = s.training.state;
  if (s.training.reason === 'error') state.dataset.reason = 'error';
}
