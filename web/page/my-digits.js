// @ts-check
// My digits: the teach-0 … teach-9 buttons add the network's input (the drawing as MNIST would
// hold it) with that label; the digits live in IndexedDB (they survive a reload), are shown one by
// one with a delete button, can all be deleted, and export as the four IDX files of a data set.

import { pixelsOf, toIdxFiles, digitsNeeded } from '../shared/my-digits.js';
import { explainText } from '../shared/explain-text.js';
import { paintImage28 } from './draw-pad.js';
import { watch } from './store.js';
import { byId, el } from './views.js';
import { withStore } from './storage.js';

/** @typedef {import('../shared/my-digits.js').MyDigit} MyDigit */

/** @type {import('./storage.js').Database} */
const DIGITS = { name: 'cnn-playground-digits', store: 'digits', options: { keyPath: 'id', autoIncrement: true } };

/**
 * @param {import('./app.js').App} app
 * @param {{ currentInput: () => Float32Array | null }} drawing
 */
export function startMyDigits({ store, showError, clearError }, drawing) {
  const list = byId('my-digits');
  const count = byId('my-digits-count');
  /** @type {MyDigit[]} */
  let digits = [];
  const listeners = /** @type {Array<(digits: MyDigit[]) => void>} */ ([]);

  function render() {
    count.textContent = `(${digits.length})`;
    list.replaceChildren(...(digits.length ? digits.map(item) : [el('p', { className: 'hint' }, 'None yet: draw a digit and say which it is.')]));
    listeners.forEach((listener) => listener(digits));
  }

  function item(/** @type {MyDigit} */ digit) {
    const canvas = el('canvas', { width: 28, height: 28, role: 'img', 'aria-label': `Your ${digit.label}` });
    paintImage28(canvas, Float32Array.from(digit.pixels, (v) => v / 255));
    const remove = el('button', { type: 'button', className: 'delete', title: 'Delete this digit', 'aria-label': `Delete this ${digit.label}`, dataset: { testid: 'my-digit-delete' } }, '×');
    remove.addEventListener('click', () => update(() => withStore(DIGITS, 'readwrite', (s) => s.delete(digit.id))));
    return el('figure', { className: 'my-digit', dataset: { testid: 'my-digit', label: String(digit.label) } }, [
      canvas, el('figcaption', {}, String(digit.label)), remove,
    ]);
  }

  /** Runs a change of the database, then shows what it holds; a failure is reported and nothing is lost. */
  async function update(/** @type {() => Promise<unknown>} */ change) {
    try {
      await change();
      digits = await withStore(DIGITS, 'readonly', (s) => /** @type {IDBRequest<MyDigit[]>} */ (s.getAll()));
    } catch (err) {
      showError(`Your digits could not be kept in this browser (${/** @type {Error} */ (err).message}).`);
    }
    render();
  }

  for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (byId('teach').querySelectorAll('button[data-digit]'))) {
    button.addEventListener('click', () => {
      const input = drawing.currentInput();
      if (!input) {
        showError('Draw a digit first, then say which digit it is.');
        return;
      }
      clearError();
      const label = Number(button.dataset.digit);
      update(() => withStore(DIGITS, 'readwrite', (s) => s.add({ pixels: pixelsOf(input), label })));
    });
  }
  byId('my-digits-clear').addEventListener('click', () => update(() => withStore(DIGITS, 'readwrite', (s) => s.clear())));
  byId('my-digits-export').addEventListener('click', () => {
    if (!digits.length) {
      showError('There are no digits of yours to export yet.');
      return;
    }
    for (const file of toIdxFiles(digits)) {
      const link = el('a', { href: URL.createObjectURL(new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (file.bytes)], { type: 'application/octet-stream' })), download: file.name });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    }
  });
  // How many more fine-tuning needs, in the language of the explanations.
  watch(store, (s) => s.settings.lang, () => render());
  update(async () => {});

  return {
    digits: () => digits,
    /** Calls listener(digits) now and whenever they change. */
    onChange(/** @type {(digits: MyDigit[]) => void} */ listener) {
      listeners.push(listener);
      listener(digits);
    },
    needed: () => digitsNeeded(digits.length),
    neededText: () => explainText(store.get().settings.lang).needMore(digitsNeeded(digits.length)),
  };
}
