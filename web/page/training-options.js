// @ts-check
// The training options in the settings form (optimizer fields, learning-rate schedule,
// augmentation, validation split, callbacks): reading and showing them, the engine's verdict on
// them (its refusal names the field), the plot of the schedule over the planned steps (the
// engine's scheduleCurve) and the strip of augmented training images (the engine's augmentedBatch).

import { Request } from '../shared/protocol.js';
import { OPTION_KEYS, MONITORS, kindOf, optionValue, fitConfig, plannedSteps } from '../shared/training-options.js';
import { watch } from './store.js';
import { byId, el, formatCount } from './views.js';

/** @typedef {import('../shared/url-state.js').Settings} Settings */
/** @typedef {import('../shared/training-options.js').OptionKey} OptionKey */

const MNIST_TRAINING_IMAGES = 60_000; // the plot's steps before any data is loaded
const MAX_CURVE_STEPS = 1_000_000; // the engine draws at most this many (core/limits.h kMaxCurveSteps)
const PREVIEW_COUNT = 8;
/** The key of the engine's refusals among the settings' problems. */
export const OPTIONS_PROBLEM = 'training options';

/** The words of the engine's refusals that blame each field. */
const BLAMED = /** @type {Partial<Record<OptionKey, string[]>>} */ ({
  momentum: ['momentum'], weightDecay: ['weight_decay'], decaySteps: ['decay_steps'], decayRate: ['decay_rate'],
  alpha: ['alpha'], warmupSteps: ['warmup_steps', 'warmup_target'], boundaries: ['boundaries'], values: ['values'],
  translate: ['RandomTranslation'], rotate: ['RandomRotation'], zoom: ['RandomZoom'], validationSplit: ['validation_split'],
  validationEvery: ['validation_every'], esMonitor: ['EarlyStopping: monitor'], esPatience: ['EarlyStopping: patience'],
  rlMonitor: ['ReduceLROnPlateau: monitor'], rlFactor: ['ReduceLROnPlateau: factor'], rlPatience: ['ReduceLROnPlateau: patience'],
  rlMinLr: ['ReduceLROnPlateau: min_lr', 'ReduceLROnPlateau: min_delta'],
});

const HINTS = /** @type {Record<string, string>} */ ({
  en: 'A schedule changes the learning rate at every step (the plot shows it over the planned steps before training). '
    + 'Augmentation moves, turns and zooms each training image at random, a new way every time, so the network cannot memorise pixels; '
    + 'it is a training setting, not a layer of the saved model. The validation split holds out the last images of the training set '
    + '(as Keras\' validation_split) and checks them every few steps; EarlyStopping ends training when the monitored value stops improving '
    + 'for "patience" epochs, and ReduceLROnPlateau divides the rate when it does.',
  ko: '스케줄은 매 스텝 학습률을 바꿉니다 (학습 전에 계획된 스텝 동안의 학습률을 그림으로 보여 줍니다). '
    + '증강(augmentation)은 학습 이미지를 매번 무작위로 옮기고 돌리고 확대해서, 네트워크가 픽셀을 외우지 못하게 합니다. '
    + '저장되는 모델의 층이 아니라 학습 설정입니다. 검증 분할(validation split)은 학습 세트의 마지막 이미지를 떼어 두고 (Keras의 validation_split처럼) '
    + '몇 스텝마다 확인합니다. EarlyStopping은 지켜보는 값이 "patience" 에포크 동안 나아지지 않으면 학습을 끝내고, '
    + 'ReduceLROnPlateau는 그럴 때 학습률을 줄입니다.',
});

const optionFields = () => /** @type {Array<HTMLInputElement | HTMLSelectElement>} */ ([...document.querySelectorAll('[data-option]')]);
const keyOf = (/** @type {HTMLElement} */ field) => /** @type {OptionKey} */ (field.dataset.option);

/**
 * The options view; read() and write() are called by the settings form (training.js).
 * @param {import('./app.js').App} app
 * @param {{ scheduleCurve: (configJson: string, steps: number) => Float32Array }} engine  the main thread's engine module
 */
export function startTrainingOptions(app, engine) {
  const { store, trainer } = app;
  for (const id of ['es-monitor', 'rl-monitor']) byId(id).append(...MONITORS.map((m) => el('option', { value: m }, m)));

  /**
   * The engine's verdict on the settings: the learning rate of each planned step, or its refusal.
   * @param {Settings} settings
   * @returns {{ curve: Float32Array, steps: number, problem: null } | { curve: null, steps: number, problem: string }}
   */
  function verdict(settings) {
    const steps = plannedSteps(settings, store.get().data.trainCount ?? MNIST_TRAINING_IMAGES);
    try {
      return { curve: engine.scheduleCurve(JSON.stringify(fitConfig(settings)), Math.min(steps, MAX_CURVE_STEPS)), steps, problem: null };
    } catch (err) {
      return { curve: null, steps, problem: /** @type {Error} */ (err).message };
    }
  }

  /** Marks the fields the engine's refusal names. @param {string} problem */
  function markBlamed(problem) {
    for (const field of optionFields()) {
      const blamed = (BLAMED[keyOf(field)] ?? []).some((word) => problem.includes(word));
      if (!field.matches('[data-typed-bad]')) field.setAttribute('aria-invalid', String(blamed));
    }
  }

  /** Shows what applies: a field with data-when="optimizer=sgd,rmsprop" or data-when="augment". */
  function showApplicable(/** @type {Settings} */ settings) {
    for (const node of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-when]'))) {
      const [key, values] = /** @type {string} */ (node.dataset.when).split('=');
      const value = settings[/** @type {keyof Settings} */ (key)];
      node.hidden = values === undefined ? !value : !values.split(',').includes(String(value));
    }
  }

  const canvas = /** @type {HTMLCanvasElement} */ (byId('schedule-plot'));
  /** Draws the rate of each step (the curve thinned to the canvas' columns, each column's max). */
  function plot(/** @type {Float32Array | null} */ curve, /** @type {number} */ steps) {
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    const { width, height } = canvas;
    ctx.clearRect(0, 0, width, height);
    const caption = byId('schedule-caption');
    if (!curve || !curve.length) {
      caption.textContent = curve ? 'No steps planned.' : 'No plot: the settings are refused (below).';
      for (const key of ['first', 'last', 'min', 'max', 'steps']) delete canvas.dataset[key];
      return;
    }
    let [min, max] = [Infinity, -Infinity];
    for (const v of curve) [min, max] = [Math.min(min, v), Math.max(max, v)];
    const pad = 6;
    const top = max > 0 ? max : 1;
    const y = (/** @type {number} */ v) => height - pad - (v / top) * (height - 2 * pad);
    ctx.strokeStyle = getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() || '#1c64d6';
    ctx.lineWidth = 2;
    ctx.beginPath();
    const columns = width - 2 * pad;
    for (let c = 0; c <= columns; c++) {
      const step = Math.min(curve.length - 1, Math.round((c / columns) * (curve.length - 1)));
      ctx[c ? 'lineTo' : 'moveTo'](pad + c, y(curve[step]));
    }
    ctx.stroke();
    Object.assign(canvas.dataset, { first: String(curve[0]), last: String(curve[curve.length - 1]), min: String(min), max: String(max), steps: String(curve.length) });
    const shown = steps > curve.length ? ` (the first ${formatCount(curve.length)} of ${formatCount(steps)} steps)` : ` over ${formatCount(steps)} steps`;
    const rate = (/** @type {number} */ v) => Number(v.toPrecision(3)).toString();
    caption.textContent = `Learning rate from ${rate(curve[0])} to ${rate(curve[curve.length - 1])}, between ${rate(min)} and ${rate(max)}${shown}.`;
    canvas.setAttribute('aria-label', `Learning rate over the planned steps: ${caption.textContent}`);
  }

  // The engine judges the settings whenever they change (the form, a link, a restored run).
  watch(store, (s) => ({ settings: s.settings, count: s.data.trainCount }), ({ settings }) => {
    const { curve, steps, problem } = verdict(settings);
    showApplicable(settings);
    plot(curve, steps);
    markBlamed(problem ?? '');
    const { settingProblems } = store.get();
    if ((settingProblems[OPTIONS_PROBLEM] ?? null) !== problem) {
      const { [OPTIONS_PROBLEM]: _, ...others } = settingProblems;
      store.update({ settingProblems: problem ? { ...others, [OPTIONS_PROBLEM]: problem } : others });
    }
  });
  watch(store, (s) => s.settingProblems[OPTIONS_PROBLEM] ?? '', (problem) => {
    byId('options-problem').textContent = problem ? `These settings cannot be used: ${problem}.` : '';
    byId('options-problem').classList.toggle('bad', Boolean(problem));
  });
  watch(store, (s) => s.settings.lang, (lang) => {
    byId('options-hint').textContent = HINTS[lang] ?? HINTS.en;
    byId('options-hint').lang = lang;
  });

  // The strip of augmented images: the first training images, and below them as augmented.
  const strip = byId('augmentation-preview');
  const note = byId('augmentation-note');
  let previewSerial = 0;
  watch(store, (s) => ({ loaded: s.data.loaded, config: s.settings.augment ? JSON.stringify(fitConfig(s.settings)) : '' }), async ({ loaded, config }) => {
    const serial = ++previewSerial;
    if (!config) {
      note.textContent = '';
      return;
    }
    if (!loaded) {
      strip.replaceChildren();
      note.textContent = 'Load the data to see augmented training images here.';
      return;
    }
    if (store.get().settingProblems[OPTIONS_PROBLEM]) return;
    try {
      const { original, augmented, shape } = await trainer.request(Request.AUGMENTED_BATCH, { config: JSON.parse(config), count: PREVIEW_COUNT });
      if (serial !== previewSerial) return;
      const [h, w] = shape;
      const count = original.length / (h * w);
      const canvases = [original, augmented].flatMap((images, row) => Array.from({ length: count }, (_, i) =>
        imageCanvas(images.subarray(i * h * w, (i + 1) * h * w), w, h, `${row ? 'Augmented' : 'Original'} training image ${i + 1}`)));
      strip.replaceChildren(...canvases);
      let changed = 0;
      for (let i = 0; i < count; i++) {
        const a = original.subarray(i * h * w, (i + 1) * h * w);
        const b = augmented.subarray(i * h * w, (i + 1) * h * w);
        if (a.some((v, k) => Math.abs(v - b[k]) > 1e-6)) changed++;
      }
      strip.dataset.changed = String(changed);
      note.textContent = `Top: the first ${count} training images; below: as this augmentation changes them (${changed} of ${count} changed). Each step draws new changes.`;
    } catch (err) {
      if (serial === previewSerial) note.textContent = `No preview: ${/** @type {Error} */ (err).message}`;
    }
  });

  return {
    /**
     * The form's options into `settings`; a field that holds no value of its kind is named in
     * `problems`, and the engine's refusal of the whole is too.
     * @param {Settings} settings @param {Record<string, string>} problems
     */
    read(settings, problems) {
      const options = /** @type {Record<string, unknown>} */ (settings);
      for (const field of optionFields()) {
        const key = keyOf(field);
        const raw = field instanceof HTMLInputElement && field.type === 'checkbox' ? field.checked : field.value;
        const value = optionValue(key, raw);
        if (value === undefined) {
          problems[field.closest('label')?.firstChild?.textContent?.trim() || key] = `must be ${kindOf(key).kind === 'number' ? 'a number' : 'given'}`;
          field.setAttribute('aria-invalid', 'true');
          field.setAttribute('data-typed-bad', '');
        } else {
          options[key] = value;
          field.removeAttribute('data-typed-bad');
        }
      }
      const { problem } = verdict(settings);
      if (problem) problems[OPTIONS_PROBLEM] = problem;
    },
    /** The settings into the form (a field whose typed value was refused keeps it). @param {Settings} settings */
    write(settings) {
      for (const field of optionFields()) {
        if (field.matches('[data-typed-bad]')) continue;
        const value = settings[keyOf(field)];
        if (field instanceof HTMLInputElement && field.type === 'checkbox') field.checked = Boolean(value);
        else if (field instanceof HTMLInputElement && field.type === 'number' && Number(field.value) === value && field.value !== '') continue;
        else field.value = String(value);
      }
    },
  };
}

/** A 28×28 (h×w) image in [0, 1] as a small canvas, white ink on black as the network sees it. */
function imageCanvas(/** @type {Float32Array} */ pixels, /** @type {number} */ w, /** @type {number} */ h, /** @type {string} */ label) {
  const canvas = el('canvas', { width: w, height: h, role: 'img', 'aria-label': label });
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const image = ctx.createImageData(w, h);
  pixels.forEach((v, i) => {
    const g = Math.round(Math.min(1, Math.max(0, v)) * 255);
    image.data.set([g, g, g, 255], i * 4);
  });
  ctx.putImageData(image, 0, 0);
  return canvas;
}
