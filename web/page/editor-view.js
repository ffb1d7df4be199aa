// @ts-check
// The layer editor: the layer stack as an editable list (add, remove, reorder, change type and
// fields), the engine's verdict on each layer (output shape, parameters, what is wrong), the
// Keras-style summary beside it, and the explanations of each layer type and field in the chosen
// language. It renders from { layers, analysis, lang } and reports every edit as onChange(layers).

import { LAYER_TYPES, fieldsOf, freshName } from '../shared/keras-form.js';
import { text, paramText, sizeText } from '../shared/explain.js';
import { el } from './views.js';

/** @typedef {import('../shared/keras-form.js').FormLayer} FormLayer */
/** @typedef {import('../shared/keras-form.js').Field} Field */
/** @typedef {import('./analyser.js').Analysis} Analysis */
/** @typedef {import('./analyser.js').AnalysedLayer} AnalysedLayer */
/** @typedef {{ layers: FormLayer[], analysis: Analysis | null, lang: string }} EditorView */

const shapeText = (/** @type {Array<number | null> | null} */ shape) =>
  (shape ? `(${shape.map((d) => (d == null ? 'None' : d)).join(', ')})` : '—');

/** A number field's text → the form's value: null when empty or not a finite number. */
const fieldValue = (/** @type {string} */ raw) => (raw.trim() === '' || !Number.isFinite(Number(raw)) ? null : Number(raw));

let uid = 0;

/** Where a new layer of `type` most likely belongs: convolutions before Flatten, dense layers before the output. */
export function suggestedPosition(/** @type {FormLayer[]} */ layers, /** @type {string} */ type) {
  const flatten = layers.findIndex((l) => l.type === 'Flatten');
  if (type === 'Conv2D' || type === 'MaxPooling2D' || type === 'Flatten') return flatten >= 0 ? flatten : layers.length;
  return Math.max(0, layers.length - 1);
}

/**
 * How a window layer's output height follows from its input, for the size note.
 * @param {FormLayer} layer @param {AnalysedLayer} row @param {Array<number | null> | null} inputShape
 */
function geometryOf(layer, row, inputShape) {
  const k = Number(layer.kernel_size ?? layer.pool_size);
  const n = inputShape?.[1];
  const out = row.output_shape?.[1];
  if (!('kernel_size' in layer || 'pool_size' in layer) || n == null || out == null || !Number.isFinite(k)) return null;
  return { n, k, s: Number(layer.strides ?? k), padding: String(layer.padding), out };
}

/**
 * @param {HTMLElement} list  the <ol> of layers
 * @param {HTMLElement} summary  the summary table's container
 * @param {{ limits: Record<string, unknown> | null, onChange: (layers: FormLayer[]) => void }} options
 */
export function createEditorView(list, summary, { limits, onChange }) {
  /** @type {EditorView} */
  let current = { layers: [], analysis: null, lang: 'en' };
  let structure = ''; // layer types and names in order: the rows are rebuilt only when it changes

  const change = (/** @type {FormLayer[]} */ layers) => onChange(layers.map((l) => ({ ...l })));

  function setField(/** @type {number} */ index, /** @type {Field} */ field, /** @type {string} */ raw) {
    change(current.layers.map((l, i) => (i === index ? { ...l, [field.key]: field.kind === 'choice' ? raw : fieldValue(raw) } : l)));
  }

  /** @param {FormLayer} layer @param {number} index @param {Field} field */
  function fieldInput(layer, index, field) {
    const id = `layer-${uid}-${index}-${field.key}`;
    /** @type {HTMLInputElement | HTMLSelectElement} */
    let input;
    if (field.kind === 'choice') {
      const value = String(layer[field.key] ?? '');
      const choices = [...(field.choices ?? [])];
      if (!choices.includes(value)) choices.push(value); // e.g. an activation from an imported config
      const select = el('select', { id }, choices.map((o) => el('option', { value: o }, o)));
      select.value = value;
      select.addEventListener('change', () => setField(index, field, select.value));
      input = select;
    } else {
      const bounds = /** @type {number[] | undefined} */ (field.limit ? limits?.[field.limit] : undefined);
      const value = layer[field.key];
      const number = el('input', {
        id, type: 'number', step: field.kind === 'number' ? '0.05' : '1',
        value: value == null ? '' : String(value),
        placeholder: layer.type === 'MaxPooling2D' && field.key === 'strides' ? String(layer.pool_size ?? '') : '',
      });
      if (bounds) {
        number.min = String(bounds[0]);
        number.max = String(bounds[1]);
      }
      number.addEventListener('input', () => setField(index, field, number.value));
      input = number;
    }
    input.dataset.param = field.key;
    input.setAttribute('aria-describedby', `${id}-help`);
    return el('div', { className: 'param' }, [
      el('label', { htmlFor: id }, [el('code', {}, field.key), el('span', { className: 'visually-hidden' }, ` of ${layer.name}`)]),
      input,
    ]);
  }

  function rowFor(/** @type {FormLayer} */ layer, /** @type {number} */ index) {
    const { name } = layer;
    const typeSelect = el('select', { 'aria-label': `Type of layer ${index + 1}`, dataset: { role: 'type' } },
      LAYER_TYPES.map((t) => el('option', { value: t }, t)));
    typeSelect.value = layer.type;
    typeSelect.addEventListener('change', () => {
      const others = current.layers.filter((_, i) => i !== index).map((l) => l.name);
      const fresh = { type: typeSelect.value, name: freshName(typeSelect.value, others) };
      for (const field of fieldsOf(fresh.type)) /** @type {FormLayer} */ (fresh)[field.key] = field.initial;
      change(current.layers.map((l, i) => (i === index ? fresh : l)));
    });
    const move = (/** @type {number} */ delta, /** @type {string} */ label, /** @type {string} */ glyph) =>
      el('button', {
        type: 'button', className: 'icon', 'aria-label': `${label} ${name}`, title: label,
        disabled: index + delta < 0 || index + delta >= current.layers.length,
        onclick: () => {
          const layers = [...current.layers];
          [layers[index], layers[index + delta]] = [layers[index + delta], layers[index]];
          change(layers);
        },
      }, glyph);
    const remove = el('button', {
      type: 'button', className: 'icon', 'aria-label': `Remove ${name}`, title: 'Remove',
      onclick: () => change(current.layers.filter((_, i) => i !== index)),
    }, '✕');
    const fields = fieldsOf(layer.type);
    // The explanations live in a closed <details> per layer (the list stays short); each input is
    // described by its field's explanation all the same.
    const helps = el('dl', { className: 'param-helps' }, fields.flatMap((f) => [
      el('dt', {}, el('code', {}, f.key)),
      el('dd', { className: 'param-help', id: `layer-${uid}-${index}-${f.key}-help` }),
    ]));
    return el('li', { className: 'layer', dataset: { index: String(index), type: layer.type } }, [
      el('div', { className: 'layer-head' }, [
        el('strong', { className: 'layer-name' }, name),
        typeSelect,
        el('span', { className: 'params' }, fields.map((f) => fieldInput(layer, index, f))),
        el('span', { className: 'layer-buttons' }, [move(-1, 'Move up', '↑'), move(1, 'Move down', '↓'), remove]),
      ]),
      el('div', { className: 'layer-foot' }, [
        el('span', { className: 'layer-out' }),
        el('span', { className: 'size-note' }),
        el('details', { className: 'layer-explain' }, [el('summary', {}, `explain ${layer.type}`), el('p', { className: 'layer-help' }), helps]),
      ]),
      el('p', { className: 'layer-error', role: 'alert' }),
    ]);
  }

  /** Fills in what changes with every edit: field values set from elsewhere, shapes, errors, explanations. */
  function update() {
    const { layers, analysis, lang } = current;
    const t = text(lang);
    /** @type {Array<number | null> | null} */
    let inputShape = analysis ? [null, ...analysis.input_shape] : null;
    list.querySelectorAll(':scope > li.layer').forEach((li, i) => {
      const layer = layers[i];
      const row = analysis?.layers[i];
      const find = (/** @type {string} */ selector) => /** @type {HTMLElement} */ (li.querySelector(selector));
      find('.layer-out').textContent = row?.output_shape ? `→ ${shapeText(row.output_shape)} · ${t.params(row.params)}` : '';
      const geometry = row ? geometryOf(layer, row, inputShape) : null;
      const note = find('.size-note');
      note.lang = lang;
      note.textContent = geometry ? sizeText(lang, geometry) : '';
      find('.layer-error').textContent = row?.error ? `${layer.name}: ${row.error}` : '';
      li.classList.toggle('invalid', Boolean(row?.error));
      for (const input of /** @type {NodeListOf<HTMLInputElement | HTMLSelectElement>} */ (li.querySelectorAll('[data-param]'))) {
        const key = /** @type {string} */ (input.dataset.param);
        const value = layer[key];
        const shown = input instanceof HTMLSelectElement ? input.value : fieldValue(input.value);
        if (shown !== value) input.value = value == null ? '' : String(value);
        input.setAttribute('aria-invalid', String(Boolean(row?.error) && row?.field === key));
        const help = find(`#${CSS.escape(input.id)}-help`);
        help.lang = lang;
        help.textContent = paramText(lang, layer.type, key);
      }
      const explain = find('.layer-help');
      explain.lang = lang;
      explain.textContent = /** @type {Record<string, string>} */ (t.layer)[layer.type] ?? '';
      inputShape = row?.output_shape ?? null;
    });
    renderSummary(summary, analysis);
  }

  return {
    /** Shows the layers and the engine's verdict; rows are rebuilt when the list's structure changed. */
    render(/** @type {EditorView} */ view) {
      current = view;
      const next = JSON.stringify(view.layers.map((l) => [l.type, l.name]));
      if (next !== structure) {
        const focused = document.activeElement;
        const focusIndex = focused && list.contains(focused) ? focused.closest('li')?.dataset.index : undefined;
        uid++;
        list.replaceChildren(...view.layers.map(rowFor));
        structure = next;
        // Keep the keyboard where it was (e.g. on the type select just changed).
        if (focusIndex != null) {
          const li = list.querySelector(`li[data-index="${focusIndex}"]`) ?? list.lastElementChild;
          /** @type {HTMLElement | null | undefined} */ (li?.querySelector('select[data-role="type"]'))?.focus();
        }
      }
      update();
    },
  };
}

/** The Keras-style summary: layer (type), output shape, params; total; the first problem, if any. */
function renderSummary(/** @type {HTMLElement} */ container, /** @type {Analysis | null} */ analysis) {
  if (!analysis) {
    container.replaceChildren(el('p', { className: 'hint' }, 'The engine has not checked this network yet.'));
    container.dataset.valid = 'false';
    return;
  }
  const rows = analysis.layers.map((row) =>
    el('tr', { className: row.error ? 'invalid' : '' }, [
      el('td', {}, `${row.name} (${row.class_name})`),
      el('td', {}, row.error ? '✗' : shapeText(row.output_shape)),
      el('td', { className: 'n' }, row.output_shape ? row.params.toLocaleString('en') : '—'),
    ]));
  const problem = analysis.valid ? null : el('p', { className: 'summary-error', role: 'alert' }, `Cannot be built: ${analysis.error}.`);
  container.replaceChildren(
    el('table', {}, [
      el('caption', {}, `Model summary (input ${shapeText([null, ...analysis.input_shape])})`),
      el('thead', {}, el('tr', {}, [el('th', { scope: 'col' }, 'Layer (type)'), el('th', { scope: 'col' }, 'Output Shape'), el('th', { scope: 'col' }, 'Param #')])),
      el('tbody', {}, rows),
      el('tfoot', {}, el('tr', {}, [
        el('th', { scope: 'row', colSpan: 2 }, 'Total params'),
        el('td', { className: 'n', dataset: { total: String(analysis.total_params) } }, analysis.valid ? analysis.total_params.toLocaleString('en') : '—'),
      ])),
    ]),
    ...(problem ? [problem] : []),
  );
  container.dataset.valid = String(analysis.valid);
}
