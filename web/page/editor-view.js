// @ts-check
// The layer editor: the layer stack as an editable list (add, remove, reorder, change type and
// fields), the engine's verdict on each layer (output shape, parameters, what is wrong), the
// Keras-style summary beside it, and the explanations of each layer type and field in the chosen
// language. It renders from { layers, analysis, lang } and reports every edit as onChange(layers).

import { regularizerValue, regularizerKind, UNSEEDED_INITIALIZERS, REGULARIZER_FACTOR } from '../shared/keras-form.js';
import { text, paramText, sizeText } from '../shared/explain.js';
import { el } from './views.js';

/** @typedef {import('../shared/keras-form.js').FormLayer} FormLayer */
/** @typedef {import('../shared/keras-form.js').Field} Field */
/** @typedef {import('../shared/keras-form.js').FieldValue} FieldValue */
/** @typedef {import('../shared/keras-form.js').Form} Form */
/** @typedef {import('./analyser.js').Analysis} Analysis */
/** @typedef {import('./analyser.js').AnalysedLayer} AnalysedLayer */
/** @typedef {{ layers: FormLayer[], analysis: Analysis | null, lang: string }} EditorView */
/**
 * One field's controls: the element to place, and show(value) to set them from the form (a
 * control whose text already means that value is left alone, so typing is not disturbed).
 * @typedef {{ element: HTMLElement, show: (value: FieldValue) => void }} FieldWidget
 */

const shapeText = (/** @type {Array<number | null> | null} */ shape) =>
  (shape ? `(${shape.map((d) => (d == null ? 'None' : d)).join(', ')})` : '—');

/** A number field's text → the form's value: null when empty or not a finite number. */
const numberValue = (/** @type {string} */ raw) => (raw.trim() === '' || !Number.isFinite(Number(raw)) ? null : Number(raw));

/** A number input shows `value` unless its text already means it. */
function showNumber(/** @type {HTMLInputElement} */ input, /** @type {FieldValue} */ value) {
  const wanted = typeof value === 'number' ? value : null;
  if (numberValue(input.value) !== wanted || (wanted === null && input.value !== '' && value !== null)) {
    input.value = wanted === null ? (value == null ? '' : String(value)) : String(wanted);
  }
}

/** Fields shown behind "more" (initializers, regularizers, a choice of one): the rest stay in view. */
const isAdvanced = (/** @type {Field} */ f) => f.type === 'initializer' || f.type === 'regularizer' || (f.type === 'choice' && (f.choices?.length ?? 0) < 2);

let uid = 0;

/** Where a new layer of `type` most likely belongs: image layers before Flatten, the rest before the output. */
export function suggestedPosition(/** @type {FormLayer[]} */ layers, /** @type {string} */ type, /** @type {Form} */ form) {
  const flatten = layers.findIndex((l) => l.type === 'Flatten');
  const imageLayer = type === 'Flatten' || form.fieldsOf(type).some((f) => f.name === 'data_format');
  if (imageLayer && type !== 'Dense') return flatten >= 0 ? flatten : layers.length;
  return Math.max(0, layers.length - 1);
}

/**
 * How a window layer's output height follows from its input, for the size note.
 * @param {FormLayer} layer @param {AnalysedLayer} row @param {Array<number | null> | null} inputShape
 */
function geometryOf(layer, row, inputShape) {
  const window = /** @type {FieldValue} */ (layer.kernel_size ?? layer.pool_size);
  const k = Array.isArray(window) ? Number(window[0]) : NaN;
  const strides = layer.strides;
  const s = Array.isArray(strides) ? Number(strides[0]) : k;
  const dilation = Array.isArray(layer.dilation_rate) ? Number(layer.dilation_rate[0]) : 1;
  const n = inputShape?.[1];
  const out = row.output_shape?.[1];
  if (n == null || out == null || !Number.isFinite(k) || !Number.isFinite(s) || dilation !== 1) return null;
  return { n, k, s, padding: String(layer.padding), out };
}

/**
 * @param {HTMLElement} list  the <ol> of layers
 * @param {HTMLElement} summary  the summary table's container
 * @param {{ form: Form, onChange: (layers: FormLayer[]) => void }} options
 */
export function createEditorView(list, summary, { form, onChange }) {
  /** @type {EditorView} */
  let current = { layers: [], analysis: null, lang: 'en' };
  let structure = ''; // layer types and names in order: the rows are rebuilt only when it changes
  /** @type {WeakMap<Element, Map<string, FieldWidget>>} */
  const widgetsOf = new WeakMap();

  const change = (/** @type {FormLayer[]} */ layers) => onChange(layers.map((l) => ({ ...l })));

  function setField(/** @type {number} */ index, /** @type {string} */ key, /** @type {FieldValue} */ value) {
    change(current.layers.map((l, i) => (i === index ? { ...l, [key]: value } : l)));
  }

  /**
   * A number input for one value; `label` is what a screen reader hears.
   * @param {string} id @param {string} label @param {Field} field @param {() => void} onInput
   */
  function numberInput(id, label, field, onInput) {
    const input = el('input', { id, type: 'number', step: field.type === 'number' ? 'any' : '1', 'aria-label': label });
    if (field.min !== undefined) input.min = String(field.min);
    if (field.max !== undefined) input.max = String(field.max);
    if (field.type === 'number' && field.default != null) input.placeholder = String(field.default);
    input.addEventListener('input', onInput);
    return input;
  }

  /**
   * The controls of one field, by its type in the engine's schema.
   * @param {FormLayer} layer @param {number} index @param {Field} field @returns {FieldWidget}
   */
  function fieldWidget(layer, index, field) {
    const id = `layer-${uid}-${index}-${field.name}`;
    const of = `${field.name} of ${layer.name}`;
    const set = (/** @type {FieldValue} */ value) => setField(index, field.name, value);
    const now = () => current.layers[index]?.[field.name];
    /** @type {HTMLElement[]} */
    let controls;
    /** @type {(value: FieldValue) => void} */
    let show;
    if (field.type === 'integer' || field.type === 'number') {
      const input = numberInput(id, of, field, () => set(numberValue(input.value)));
      controls = [input];
      show = (value) => showNumber(input, value);
    } else if (field.type === 'pair' || field.type === 'padding_sizes') {
      // [h, w], or [[top, bottom], [left, right]]: one input per number.
      const parts = field.type === 'pair' ? ['height', 'width'] : ['top', 'bottom', 'left', 'right'];
      const flat = (/** @type {FieldValue} */ v) => (Array.isArray(v) ? v.flat() : []);
      // A part typed into an empty field (a pool's strides left to Keras' default) fills them all.
      const inputs = parts.map((part, k) => numberInput(k ? `${id}-${k}` : id, `${of}: ${part}`, field, () => {
        const typed = numberValue(inputs[k].value);
        const others = flat(now());
        const numbers = parts.map((_, j) => (j === k || !others.length ? typed : /** @type {FieldValue} */ (others[j] ?? null)));
        set(field.type === 'pair' ? numbers : [[numbers[0], numbers[1]], [numbers[2], numbers[3]]]);
      }));
      controls = [el('span', { className: 'pair', role: 'group', 'aria-label': of }, inputs.flatMap((input, k) => (k ? [field.type === 'pair' ? '×' : ' ', input] : [input])))];
      show = (value) => inputs.forEach((input, k) => showNumber(input, /** @type {FieldValue} */ (flat(value)[k] ?? null)));
    } else if (field.type === 'boolean') {
      const box = el('input', { id, type: 'checkbox' });
      box.addEventListener('change', () => set(box.checked));
      controls = [box];
      show = (value) => (box.checked = value === true);
    } else if (field.type === 'initializer') {
      const select = el('select', { id }, (field.choices ?? []).map((c) => el('option', { value: c }, c)));
      const seed = el('input', { id: `${id}-seed`, type: 'number', min: '0', step: '1', placeholder: 'none', 'aria-label': `seed of ${of}` });
      const config = () => { const v = now(); return v && typeof v === 'object' && !Array.isArray(v) && v.config && typeof v.config === 'object' ? v.config : {}; };
      select.addEventListener('change', () => {
        const seeded = !UNSEEDED_INITIALIZERS.includes(select.value);
        set({ class_name: select.value, config: seeded ? { seed: numberValue(seed.value) } : {} });
      });
      seed.addEventListener('input', () => set({ class_name: select.value, config: { ...config(), seed: numberValue(seed.value) } }));
      controls = [select, el('label', { className: 'seed' }, ['seed ', seed])];
      show = (value) => {
        const name = value && typeof value === 'object' && !Array.isArray(value) ? String(value.class_name) : String(value);
        if (![...select.options].some((o) => o.value === name)) select.append(el('option', { value: name }, name));
        select.value = name;
        seed.disabled = UNSEEDED_INITIALIZERS.includes(name);
        showNumber(seed, /** @type {FieldValue} */ (config().seed ?? null));
      };
    } else if (field.type === 'regularizer') {
      const select = el('select', { id }, [el('option', { value: '' }, 'none'), ...(field.choices ?? []).map((c) => el('option', { value: c }, c))]);
      /** @type {(key: 'l1' | 'l2') => FieldValue} */
      const factorOf = (key) => { const r = regularizerValue(now()); return r && typeof r === 'object' && !Array.isArray(r) ? /** @type {any} */ (r.config)[key] : 0; };
      const factor = (/** @type {'l1' | 'l2'} */ key) => {
        const input = numberInput(`${id}-${key}`, `${key} factor of ${of}`, { ...field, type: 'number', default: REGULARIZER_FACTOR }, () =>
          set({ class_name: 'L1L2', config: { l1: factorOf('l1'), l2: factorOf('l2'), [key]: numberValue(input.value) } }));
        return input;
      };
      const l1 = factor('l1');
      const l2 = factor('l2');
      select.addEventListener('change', () => {
        const kind = select.value;
        const keep = (/** @type {'l1' | 'l2'} */ key) => (kind.includes(key.toUpperCase()) ? (factorOf(key) || REGULARIZER_FACTOR) : 0);
        set(kind ? { class_name: 'L1L2', config: { l1: keep('l1'), l2: keep('l2') } } : null);
      });
      const l1Label = el('label', {}, ['l1 ', l1]);
      const l2Label = el('label', {}, ['l2 ', l2]);
      controls = [select, l1Label, l2Label];
      show = (value) => {
        const kind = regularizerKind(value);
        if (select.value !== kind && !(kind === '' && select.value === '')) select.value = kind;
        l1Label.hidden = !kind.includes('L1');
        l2Label.hidden = kind === '' || kind === 'L1';
        showNumber(l1, factorOf('l1'));
        showNumber(l2, factorOf('l2'));
      };
    } else {
      const select = el('select', { id }, (field.choices ?? []).map((c) => el('option', { value: c }, c)));
      select.addEventListener('change', () => set(select.value));
      controls = [select];
      show = (value) => {
        const name = String(value ?? '');
        if (![...select.options].some((o) => o.value === name)) select.append(el('option', { value: name }, name)); // e.g. from an imported config
        select.value = name;
      };
    }
    for (const control of controls) {
      for (const input of control.matches('input, select') ? [control] : control.querySelectorAll('input, select')) {
        input.setAttribute('aria-describedby', `${id}-help`);
        /** @type {HTMLElement} */ (input).dataset.param = field.name;
      }
    }
    const element = el('div', { className: 'param', dataset: { field: field.name } }, [
      el('label', { htmlFor: id }, [el('code', {}, field.name), el('span', { className: 'visually-hidden' }, ` of ${layer.name}`)]),
      ...controls,
    ]);
    return { element, show };
  }

  function rowFor(/** @type {FormLayer} */ layer, /** @type {number} */ index) {
    const { name } = layer;
    const types = form.types.includes(layer.type) ? form.types : [...form.types, layer.type];
    const typeSelect = el('select', { 'aria-label': `Type of layer ${index + 1}`, dataset: { role: 'type' } },
      types.map((t) => el('option', { value: t }, t)));
    typeSelect.value = layer.type;
    typeSelect.addEventListener('change', () => {
      const others = current.layers.filter((_, i) => i !== index).map((l) => l.name);
      change(current.layers.map((l, i) => (i === index ? form.newLayer(typeSelect.value, others) : l)));
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
    const fields = form.fieldsOf(layer.type);
    /** @type {Map<string, FieldWidget>} */
    const widgets = new Map(fields.map((f) => [f.name, fieldWidget(layer, index, f)]));
    const elements = (/** @type {boolean} */ advanced) => fields.filter((f) => isAdvanced(f) === advanced).map((f) => /** @type {FieldWidget} */ (widgets.get(f.name)).element);
    const more = elements(true);
    // The explanations live in a closed <details> per layer (the list stays short); each input is
    // described by its field's explanation all the same.
    const helps = el('dl', { className: 'param-helps' }, fields.flatMap((f) => [
      el('dt', {}, el('code', {}, f.name)),
      el('dd', { className: 'param-help', id: `layer-${uid}-${index}-${f.name}-help` }),
    ]));
    const li = el('li', { className: 'layer', dataset: { index: String(index), type: layer.type } }, [
      el('div', { className: 'layer-head' }, [
        el('strong', { className: 'layer-name' }, name),
        typeSelect,
        el('span', { className: 'params' }, [
          ...elements(false),
          more.length ? el('details', { className: 'more-params' }, [el('summary', {}, `initializers, regularizers (${more.length})`), ...more]) : null,
        ]),
        el('span', { className: 'layer-buttons' }, [move(-1, 'Move up', '↑'), move(1, 'Move down', '↓'), remove]),
      ]),
      el('div', { className: 'layer-foot' }, [
        el('span', { className: 'layer-out' }),
        el('span', { className: 'size-note' }),
        el('details', { className: 'layer-explain' }, [el('summary', {}, `explain ${layer.type}`), el('p', { className: 'layer-help' }), helps]),
      ]),
      el('p', { className: 'layer-error', role: 'alert' }),
    ]);
    widgetsOf.set(li, widgets);
    return li;
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
      for (const [key, widget] of widgetsOf.get(li) ?? []) {
        widget.show(/** @type {FieldValue} */ (layer[key] ?? null));
        // Empty strides of a pooling layer are its pool size (Keras' None): shown as the placeholder.
        const pool = layer.pool_size;
        if (key === 'strides' && Array.isArray(pool)) {
          widget.element.querySelectorAll('input').forEach((input, k) => (input.placeholder = String(pool[k] ?? '')));
        }
        const invalid = Boolean(row?.error) && row?.field === key;
        for (const input of widget.element.querySelectorAll('input, select')) input.setAttribute('aria-invalid', String(invalid));
        if (invalid) /** @type {HTMLDetailsElement | null} */ (widget.element.closest('details.more-params'))?.setAttribute('open', '');
        const help = find(`#${CSS.escape(`layer-${uid}-${i}-${key}`)}-help`);
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
