// @ts-check
// The runs table: one row per run (the one in progress last), with its name to edit, a tick to
// compare it on the charts, what it trained and how it did, and its actions; and the line that
// says what the runs take in this browser.

import { runBytes, lastStep } from '../shared/runs.js';
import { fromKerasConfig, sameArchitecture } from '../shared/keras-form.js';
import { serialiseHash } from '../shared/url-state.js';
import { DEFAULT_OPTIONS, optionsSummary } from '../shared/training-options.js';
import { byId, el, formatPercent, formatCount } from './views.js';

/** @typedef {import('./app.js').PageState} PageState */
/** @typedef {import('../shared/runs.js').Run} Run */

/** Colours of the runs on the charts and in the table, by their place in the table. */
const COLOURS = ['#d9480f', '#1c7ed6', '#2b8a3e', '#9c36b5', '#e67700', '#0b7285', '#c2255c', '#5c940d', '#364fc7', '#862e9c'];
export const colourOf = (/** @type {number} */ index) => COLOURS[index % COLOURS.length];

const megabytes = (/** @type {number} */ bytes) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 0)} MB`;

/** The link that reopens the page with the run's network and settings ('' if the editor cannot hold it). */
function linkOf(/** @type {Run} */ run, /** @type {PageState} */ s) {
  try {
    const { layers } = fromKerasConfig(run.topology);
    const hash = serialiseHash({ ...s.settings, ...DEFAULT_OPTIONS, ...run.settings }, sameArchitecture(layers, s.basicCnn) ? null : layers);
    return `${location.pathname}${location.search}${hash || '#'}`;
  } catch {
    return '';
  }
}

function duration(/** @type {number} */ seconds) {
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** @param {Run} run @param {number} index @param {PageState} s @param {boolean} live */
function row(run, index, s, live) {
  const { optimizer, learningRate, batchSize, epochs, seed } = run.settings;
  const lastValidation = run.validation[run.validation.length - 1];
  const id = `run-${index}`;
  const cant = live || s.busy.length > 0 || s.training.state === 'running';
  const link = live ? '' : linkOf(run, s);
  const action = (/** @type {string} */ name, /** @type {string} */ label, /** @type {string} */ what, disabled = cant) =>
    el('button', { type: 'button', dataset: { action: name, testid: `run-${name}` }, disabled, 'aria-label': `${label} ${run.name}` }, what);
  return el('tr', { dataset: { id: run.id, testid: 'run-row', state: run.state } }, [
    el('td', {}, el('input', {
      type: 'checkbox', id: `${id}-tick`, checked: s.runs.ticked.includes(run.id), disabled: live,
      dataset: { action: 'tick', testid: 'run-tick' }, 'aria-label': `Compare ${run.name} on the charts`,
    })),
    el('td', {}, [
      el('span', { className: 'swatch', style: `background:${colourOf(index)}`, 'aria-hidden': 'true' }),
      live ? el('span', { dataset: { testid: 'run-name' } }, run.name)
        : el('input', { type: 'text', value: run.name, dataset: { action: 'rename', testid: 'run-name' }, 'aria-label': 'Name of the run', size: 16 }),
    ]),
    el('td', {}, [`${run.modelName} · ${optimizer} lr ${learningRate} · batch ${batchSize} · ${epochs} epoch${epochs > 1 ? 's' : ''} · seed ${seed}`,
      optionsSummary(run.settings).replace(/^(?=.)/, ' · '), `${run.settings.fresh ? '' : ' · continued'} · ${run.data}`].join('')),
    el('td', { className: 'num', dataset: { testid: 'run-steps' } }, `${formatCount(lastStep(run))}${live ? '…' : ''}`),
    el('td', { className: 'num' }, lastValidation === undefined ? '–' : formatPercent(lastValidation, 2)),
    el('td', { className: 'num', dataset: { testid: 'run-test' } }, run.testAccuracy == null ? '–' : formatPercent(run.testAccuracy, 2)),
    el('td', { className: 'num' }, duration(run.seconds)),
    el('td', { className: 'num' }, formatCount(Math.round(run.imagesPerSec))),
    el('td', {}, run.build),
    el('td', { className: 'run-actions' }, live ? 'training…' : [
      action('restore', 'Restore', 'Restore', s.training.state === 'running'),
      link ? el('a', { href: link, target: '_blank', rel: 'noopener', dataset: { testid: 'run-link' }, 'aria-label': `Link to ${run.name}` }, 'Link') : null,
      run.weightsBytes ? action('load', 'Load the weights of', `Load weights (${megabytes(run.weightsBytes)})`) : null,
      action('delete', 'Delete', 'Delete'),
    ]),
  ]);
}

/** Renders the table body and the storage line from the state. */
export function renderRuns(/** @type {HTMLElement} */ body, /** @type {PageState} */ s) {
  const { list, live, problem } = s.runs;
  // A name being typed survives a render caused by something else.
  const focused = /** @type {HTMLElement | null} */ (document.activeElement);
  const typing = focused && body.contains(focused) && focused.dataset.action === 'rename'
    ? { id: focused.closest('tr')?.dataset.id, value: /** @type {HTMLInputElement} */ (focused).value } : null;
  body.replaceChildren(...list.map((run, i) => row(run, i, s, false)), ...(live ? [row(live, list.length, s, true)] : []));
  if (typing) {
    const input = /** @type {HTMLInputElement | null} */ (body.querySelector(`tr[data-id="${typing.id}"] [data-action="rename"]`));
    if (input) {
      input.value = typing.value;
      input.focus();
    }
  }
  if (!list.length && !live) body.append(el('tr', {}, el('td', { colSpan: 10, className: 'hint' }, 'No runs yet: each training run (Train until it stops or finishes) appears here.')));
  const bytes = list.reduce((sum, run) => sum + runBytes(run), 0);
  const weights = s.analysis?.total_params ? ` (${megabytes(s.analysis.total_params * 4)} a run for this network)` : '';
  byId('runs-weight-size').textContent = weights;
  byId('runs-usage').textContent = problem ||
    `${list.length} run${list.length === 1 ? '' : 's'} kept in this browser, ${megabytes(bytes)}.`;
}
