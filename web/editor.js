// The model editor: the layer stack as an editable list (add, remove, reorder, change type and
// parameters), the live Keras-style summary beside it, and the explanations of each layer type
// and parameter in the chosen language. It renders from { layers, analysis, lang } and reports
// every edit through onChange(newLayers); the page owns the state (state.js) and the analysis
// (architecture.js).

import { LAYER_TYPES, ACTIVATIONS, PADDINGS, PARAMS, KERAS_NAME, LIMITS, newLayer } from './architecture.js';
import { text, paramText, sizeText } from './explain.js';
import { el } from './views.js';

const shapeText = (shape) => (shape ? `(None, ${shape.join(', ')})` : '—');

let uid = 0;

/** Where a new layer of `type` most likely belongs: convolutions before Flatten, dense layers before the output. */
export function suggestedPosition(layers, type) {
  const flatten = layers.findIndex((l) => l.type === 'Flatten');
  if (type === 'Conv2D' || type === 'MaxPooling2D' || type === 'Flatten') return flatten >= 0 ? flatten : layers.length;
  return Math.max(0, layers.length - 1);
}

/**
 * @param {HTMLElement} list   the <ol> of layers
 * @param {HTMLElement} summary  the summary table's container
 * @param {{ onChange(layers): void }} options
 */
export function createEditor(list, summary, { onChange }) {
  let current = { layers: [], analysis: null, lang: 'en' };
  let structure = ''; // layer types in order: the rows are rebuilt only when it changes

  const change = (layers) => onChange(layers.map((l) => ({ ...l })));

  function setParam(index, param, raw) {
    const layers = current.layers.map((l) => ({ ...l }));
    const layer = layers[index];
    if (param === 'padding' || param === 'activation') layer[param] = raw;
    else if (param === 'strides' && layer.type === 'MaxPooling2D' && raw === '') layer.strides = null;
    else layer[param] = raw === '' ? NaN : Number(raw);
    change(layers);
  }

  function paramInput(layer, index, param, name) {
    const id = `layer-${uid}-${index}-${param}`;
    const keras = KERAS_NAME[param];
    let input;
    if (param === 'padding' || param === 'activation') {
      const options = param === 'padding' ? PADDINGS : ACTIVATIONS;
      input = el('select', { id }, options.map((o) => el('option', { value: o }, o)));
      input.value = layer[param];
      input.addEventListener('change', () => setParam(index, param, input.value));
    } else {
      const [min, max] = LIMITS[param];
      const value = layer[param];
      input = el('input', {
        id, type: 'number', min: String(min), max: String(max), step: param === 'rate' ? '0.05' : '1',
        value: value == null || Number.isNaN(value) ? '' : String(value),
        placeholder: param === 'strides' && layer.type === 'MaxPooling2D' ? String(layer.poolSize) : '',
      });
      input.addEventListener('input', () => setParam(index, param, input.value));
    }
    input.dataset.param = param;
    input.setAttribute('aria-describedby', `${id}-help`);
    return el('div', { className: 'param' }, [
      el('label', { htmlFor: id }, [el('code', {}, keras), el('span', { className: 'visually-hidden' }, ` of ${name}`)]),
      input,
    ]);
  }

  function rowFor(layer, index, names) {
    const name = names[index];
    const typeSelect = el('select', { 'aria-label': `Type of layer ${index + 1}`, dataset: { role: 'type' } },
      LAYER_TYPES.map((t) => el('option', { value: t }, t)));
    typeSelect.value = layer.type;
    typeSelect.addEventListener('change', () => {
      const layers = [...current.layers];
      layers[index] = newLayer(typeSelect.value);
      change(layers);
    });
    const move = (delta, label, glyph) =>
      el('button', {
        type: 'button', className: 'icon', 'aria-label': `${label} ${name}`, title: `${label}`,
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
    // The explanations live in a closed <details> per layer (the list stays short); each input is
    // described by its parameter's explanation all the same.
    const helps = el('dl', { className: 'param-helps' }, PARAMS[layer.type].flatMap((p) => [
      el('dt', {}, el('code', {}, KERAS_NAME[p])),
      el('dd', { className: 'param-help', id: `layer-${uid}-${index}-${p}-help` }),
    ]));
    return el('li', { className: 'layer', dataset: { index: String(index), type: layer.type } }, [
      el('div', { className: 'layer-head' }, [
        el('strong', { className: 'layer-name' }, name),
        typeSelect,
        el('span', { className: 'params' }, PARAMS[layer.type].map((p) => paramInput(layer, index, p, name))),
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

  /** Fills in what changes with every edit: shapes, errors, explanations. */
  function update() {
    const { layers, analysis, lang } = current;
    const t = text(lang);
    list.querySelectorAll(':scope > li.layer').forEach((li, i) => {
      const row = analysis.rows[i];
      const layer = layers[i];
      li.querySelector('.layer-name').textContent = row.name;
      li.querySelector('.layer-out').textContent = row.outputShape
        ? `→ ${shapeText(row.outputShape)} · ${t.params(row.params)}`
        : '';
      const note = li.querySelector('.size-note');
      note.lang = lang;
      note.textContent = row.geometry && row.outputShape ? sizeText(lang, row.geometry) : '';
      const error = li.querySelector('.layer-error');
      error.textContent = row.error ? `${row.name}: ${row.error}` : '';
      li.classList.toggle('invalid', Boolean(row.error));
      for (const input of li.querySelectorAll('[data-param]')) {
        const bad = Boolean(row.error) && (row.param === input.dataset.param || row.param == null);
        input.setAttribute('aria-invalid', String(bad && row.param === input.dataset.param));
        const help = li.querySelector(`#${CSS.escape(input.id)}-help`);
        help.lang = lang;
        help.textContent = paramText(lang, layer.type, input.dataset.param);
      }
      const explain = li.querySelector('.layer-help');
      explain.lang = lang;
      explain.textContent = t.layer[layer.type];
    });
    renderSummary(summary, analysis);
  }

  return {
    /** Shows `layers`; rows are rebuilt when the list's structure changed or `rebuild` is set. */
    render({ layers, analysis, lang }, { rebuild = false } = {}) {
      current = { layers, analysis, lang };
      const next = layers.map((l) => l.type).join(',');
      if (rebuild || next !== structure) {
        const focused = document.activeElement;
        const focusKey = list.contains(focused) ? { index: focused.closest('li')?.dataset.index, label: focused.getAttribute('aria-label')?.split(' ')[0] } : null;
        uid++;
        list.replaceChildren(...layers.map((layer, i) => rowFor(layer, i, analysis.rows.map((r) => r.name))));
        structure = next;
        // Keep the keyboard where it was (e.g. on the type select just changed).
        if (focusKey?.index != null) {
          const li = list.querySelector(`li[data-index="${focusKey.index}"]`) ?? list.lastElementChild;
          li?.querySelector('select[data-role="type"]')?.focus();
        }
      }
      update();
    },
  };
}

/** The Keras-style summary: layer (type), output shape, params; total; the first problem, if any. */
export function renderSummary(container, analysis) {
  const rows = analysis.rows.map((row) =>
    el('tr', { className: row.error ? 'invalid' : '' }, [
      el('td', {}, `${row.name} (${row.type})`),
      el('td', {}, row.error ? '✗' : shapeText(row.outputShape)),
      el('td', { className: 'n' }, row.outputShape ? row.params.toLocaleString('en') : '—'),
    ]),
  );
  const problem = analysis.valid
    ? null
    : el('p', { className: 'summary-error', role: 'alert' }, `Cannot be built: ${analysis.error}.`);
  container.replaceChildren(
    el('table', {}, [
      el('caption', {}, 'Model summary (input (None, 28, 28, 1))'),
      el('thead', {}, el('tr', {}, [el('th', { scope: 'col' }, 'Layer (type)'), el('th', { scope: 'col' }, 'Output Shape'), el('th', { scope: 'col' }, 'Param #')])),
      el('tbody', {}, rows),
      el('tfoot', {}, el('tr', {}, [
        el('th', { scope: 'row', colSpan: 2 }, 'Total params'),
        el('td', { className: 'n', dataset: { total: String(analysis.totalParams) } }, analysis.valid ? analysis.totalParams.toLocaleString('en') : '—'),
      ])),
    ]),
    ...(problem ? [problem] : []),
  );
  container.dataset.valid = String(analysis.valid);
}
