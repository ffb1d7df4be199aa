// @ts-check
// Small view components: each renders one part of the page from plain data.

import { paintImage28 } from './draw-pad.js';

/** @typedef {Node | string | null | undefined} Child */

/**
 * A DOM element with properties (or attributes) and children; null children are left out.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag @param {Record<string, any>} [props] @param {Child | Child[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key in node) /** @type {any} */ (node)[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of /** @type {Child[]} */ ([]).concat(children)) if (child != null) node.append(child);
  return node;
}

/** The page's element with this id (the page is broken if it is missing). */
export function byId(/** @type {string} */ id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`The page has no #${id}.`);
  return node;
}
export const inputById = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (byId(id));
export const selectById = (/** @type {string} */ id) => /** @type {HTMLSelectElement} */ (byId(id));
export const buttonById = (/** @type {string} */ id) => /** @type {HTMLButtonElement} */ (byId(id));

export const formatPercent = (/** @type {number} */ p, digits = 1) => `${(p * 100).toFixed(digits)}%`;

/** "1,234" */
export const formatCount = (/** @type {number} */ n) => n.toLocaleString('en');

/** Ten bars, one per class; `update(probs)` sets them (null = no drawing); `setNames(names)` relabels. */
export function createProbabilityBars(/** @type {HTMLElement} */ list) {
  /** @type {Array<{ row: HTMLElement, bar: HTMLElement, value: HTMLElement, meter: HTMLElement, label: HTMLElement }>} */
  const rows = [];
  for (let digit = 0; digit < 10; digit++) {
    const bar = el('span', { className: 'bar-fill' });
    const value = el('span', { className: 'bar-value', dataset: { testid: `prob-${digit}` } }, '–');
    const label = el('span', { className: 'digit' }, String(digit));
    const meter = el('span', { className: 'bar', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-label': `Probability of ${digit}` }, bar);
    const row = el('li', { className: 'prob' }, [label, meter, value]);
    list.append(row);
    rows.push({ row, bar, value, meter, label });
  }
  const api = {
    setNames(/** @type {string[]} */ classNames) {
      rows.forEach(({ label, meter, row }, i) => {
        const name = classNames?.[i] ?? String(i);
        label.textContent = name;
        label.title = name;
        meter.setAttribute('aria-label', `Probability of ${name}`);
        row.classList.toggle('named', name.length > 1);
      });
      list.classList.toggle('named', rows.some((r) => r.label.textContent.length > 1));
    },
    update(/** @type {Float32Array | null} */ probs) {
      let best = -1;
      if (probs) best = probs.reduce((b, p, i) => (p > probs[b] ? i : b), 0);
      rows.forEach(({ row, bar, value, meter }, digit) => {
        const p = probs ? probs[digit] : 0;
        bar.style.width = `${(p * 100).toFixed(1)}%`;
        value.textContent = probs ? formatPercent(p) : '–';
        meter.setAttribute('aria-valuenow', (p * 100).toFixed(1));
        row.classList.toggle('best', digit === best);
      });
      return best;
    },
  };
  return api;
}

/**
 * Confusion matrix: row = true class, column = the network's answer; cells shaded by their share
 * of the row. Each non-empty cell is a button: onCell(label, predicted) shows those images.
 */
/**
 * @param {HTMLElement} container @param {number[][]} confusion
 * @param {{ names: string[], onCell: (label: number, predicted: number) => void, selected: number[] | null }} options
 */
export function renderConfusion(container, confusion, { names, onCell, selected }) {
  const name = (/** @type {number} */ i) => names[i] ?? String(i);
  const head = el('tr', {}, [
    el('th', { scope: 'col' }, 'true ↓ / answer →'),
    ...confusion.map((_, c) => el('th', { scope: 'col', title: name(c) }, name(c))),
  ]);
  const rows = confusion.map((row, r) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    return el('tr', {}, [
      el('th', { scope: 'row', title: name(r) }, name(r)),
      ...row.map((count, c) => {
        const share = count / total;
        const describe = `${count} test images of ${name(r)} answered as ${name(c)}`;
        const content = count > 0
          ? el('button', { type: 'button', className: 'cell', 'aria-label': describe, title: describe, onclick: () => onCell(r, c) }, String(count))
          : String(count);
        const cell = el('td', { dataset: { row: String(r), col: String(c) } }, content);
        if (selected && selected[0] === r && selected[1] === c) cell.classList.add('selected');
        if (count > 0) {
          cell.style.background = r === c ? `rgba(43, 138, 62, ${0.15 + 0.6 * share})` : `rgba(224, 49, 49, ${Math.min(0.8, 0.15 + 4 * share)})`;
        }
        return cell;
      }),
    ]);
  });
  const table = el('table', { className: 'confusion-table' }, [el('thead', {}, head), el('tbody', {}, rows)]);
  container.replaceChildren(table);
  container.classList.toggle('named', confusion.some((_, i) => name(i).length > 2));
}

/**
 * Thumbnails of test images with true and answered class and the confidence of the answer.
 * Each is a button: onPick(item) classifies that image.
 */
/**
 * @param {HTMLElement} container @param {import('../shared/protocol.js').TestImage[]} items
 * @param {{ names: string[], onPick: (item: import('../shared/protocol.js').TestImage) => void, empty?: string }} options
 */
export function renderGallery(container, items, { names, onPick, empty = 'None.' }) {
  const name = (/** @type {number} */ i) => names[i] ?? String(i);
  if (!items.length) {
    container.replaceChildren(el('p', { className: 'hint' }, empty));
    return;
  }
  container.replaceChildren(
    ...items.map((item) => {
      const canvas = el('canvas', { width: 28, height: 28, 'aria-hidden': 'true' });
      paintImage28(canvas, Float32Array.from(item.image ?? [], (v) => v / 255));
      const right = item.label === item.predicted;
      const confidence = item.confidence != null ? ` ${formatPercent(item.confidence, 0)}` : '';
      const caption = right ? `${name(item.label)}${confidence}` : `${name(item.label)} → ${name(item.predicted)}${confidence}`;
      const description = `Test image ${item.index}: ${name(item.label)}, answered ${name(item.predicted)}${item.confidence != null ? ` with ${formatPercent(item.confidence, 0)} confidence` : ''}`;
      const figure = el('figure', { className: `thumb${right ? ' right' : ''}`, dataset: { index: String(item.index), label: String(item.label), predicted: String(item.predicted) } }, [
        canvas,
        el('figcaption', {}, caption),
      ]);
      return el('button', { type: 'button', className: 'thumb-button', title: `${description}. Click to classify it.`, 'aria-label': `${description}. Classify it.`, onclick: () => onPick(item) }, figure);
    }),
  );
}

/**
 * "How it works": a title, an introduction, a list of terms and a closing paragraph.
 * @param {HTMLElement} title @param {HTMLElement} body
 * @param {{ title: string, intro: string, items: string[][], training: string }} text
 */
export function renderExplanation(title, body, { title: heading, intro, items, training }) {
  title.textContent = heading;
  const terms = el('dl', { className: 'layers' }, items.flatMap(([term, description]) => [
    el('dt', { textContent: term }),
    el('dd', { textContent: description }),
  ]));
  body.replaceChildren(el('p', { textContent: intro }), terms, el('p', { textContent: training }));
}

/** `count` labelled text fields for class names; `onEdit(i, name)` on typing; `show(names)` fills them. */
export function createClassNameFields(/** @type {HTMLElement} */ grid, /** @type {number} */ count, /** @type {(i: number, name: string) => void} */ onEdit) {
  const inputs = Array.from({ length: count }, (_, i) => {
    const input = el('input', { type: 'text', id: `class-${i}`, dataset: { testid: `class-name-${i}` } });
    input.addEventListener('input', () => onEdit(i, input.value.trim()));
    return input;
  });
  grid.replaceChildren(...inputs.map((input, i) => el('div', {}, [el('label', { htmlFor: input.id, textContent: String(i) }), input])));
  return {
    show(/** @type {string[]} */ names) {
      names.forEach((name, i) => {
        // Not the field being typed in: it shows what the person types, blanks included.
        if (inputs[i] !== document.activeElement && inputs[i].value !== name) inputs[i].value = name;
      });
    },
  };
}
