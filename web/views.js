// Small view components: each renders one part of the page from plain data.

import { paintImage28 } from './draw.js';

const el = (tag, props = {}, children = []) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of [].concat(children)) node.append(child);
  return node;
};

export const formatPercent = (p, digits = 1) => `${(p * 100).toFixed(digits)}%`;

/** Ten bars, one per digit; `update(probs)` sets them (null = no drawing). */
export function createProbabilityBars(list) {
  const rows = [];
  for (let digit = 0; digit < 10; digit++) {
    const bar = el('span', { className: 'bar-fill' });
    const value = el('span', { className: 'bar-value', dataset: { testid: `prob-${digit}` } }, '–');
    const meter = el('span', { className: 'bar', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-label': `Probability of ${digit}` }, bar);
    const row = el('li', { className: 'prob' }, [el('span', { className: 'digit' }, String(digit)), meter, value]);
    list.append(row);
    rows.push({ row, bar, value, meter });
  }
  return {
    update(probs) {
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
}

/** Keras-style summary table from e.summary(). */
export function renderSummary(container, summary) {
  const shape = (s) => `(${(s ?? []).map((d) => (d == null ? 'None' : d)).join(', ')})`;
  const body = summary.layers.map((layer) =>
    el('tr', {}, [
      el('td', {}, `${layer.name} (${layer.class_name})`),
      el('td', {}, shape(layer.output_shape)),
      el('td', { className: 'n' }, Number(layer.params).toLocaleString('en')),
    ]),
  );
  const table = el('table', {}, [
    el('caption', {}, `Model "${summary.name}", input ${shape(summary.input_shape)}`),
    el('thead', {}, el('tr', {}, [el('th', { scope: 'col' }, 'Layer (type)'), el('th', { scope: 'col' }, 'Output shape'), el('th', { scope: 'col' }, 'Params')])),
    el('tbody', {}, body),
    el('tfoot', {}, el('tr', {}, [el('th', { scope: 'row', colSpan: 2 }, 'Total params'), el('td', { className: 'n' }, Number(summary.total_params).toLocaleString('en'))])),
  ]);
  container.replaceChildren(table);
}

/** 10×10 confusion matrix; cells shaded by their share of the row. */
export function renderConfusion(container, confusion) {
  const head = el('tr', {}, [el('th', { scope: 'col' }, 'true ↓ / predicted →'), ...confusion.map((_, c) => el('th', { scope: 'col' }, String(c)))]);
  const rows = confusion.map((row, r) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    return el('tr', {}, [
      el('th', { scope: 'row' }, String(r)),
      ...row.map((count, c) => {
        const share = count / total;
        const cell = el('td', { title: `${count} images of ${r} classified as ${c}` }, String(count));
        if (count > 0) {
          cell.style.background = r === c ? `rgba(43, 138, 62, ${0.15 + 0.6 * share})` : `rgba(224, 49, 49, ${Math.min(0.8, 0.15 + 4 * share)})`;
        }
        return cell;
      }),
    ]);
  });
  container.replaceChildren(el('table', { className: 'confusion-table' }, [el('thead', {}, head), el('tbody', {}, rows)]));
}

/** Thumbnails of misclassified test images. */
export function renderMisclassified(container, items) {
  if (!items.length) {
    container.replaceChildren(el('p', { className: 'hint' }, 'None found among the images checked.'));
    return;
  }
  container.replaceChildren(
    ...items.map((item) => {
      const canvas = el('canvas', { width: 28, height: 28, role: 'img', 'aria-label': `test image ${item.index}: a ${item.label} read as ${item.predicted}` });
      paintImage28(canvas, Float32Array.from(item.image, (v) => v / 255));
      return el('figure', { className: 'thumb' }, [canvas, el('figcaption', {}, `${item.label} → ${item.predicted}`)]);
    }),
  );
}

/** All channels of a layer output of shape [h, w, c] (NHWC) as tiles of one canvas (a single
 *  putImageData keeps this cheap enough to run while drawing). Each tile is scaled to its own max. */
export function renderFeatureMaps(container, output) {
  if (!output) {
    container.replaceChildren(el('p', { className: 'hint' }, 'Draw a digit to see the feature maps.'));
    return;
  }
  const [h, w, c] = output.shape;
  const data = output.data;
  const gap = 1;
  const columns = Math.min(c, c <= 32 ? 8 : 16);
  const rows = Math.ceil(c / columns);
  const width = columns * (w + gap) - gap;
  const height = rows * (h + gap) - gap;
  let canvas = container.querySelector('canvas');
  if (!canvas) {
    canvas = el('canvas', { role: 'img' });
    container.replaceChildren(canvas);
  }
  canvas.width = width;
  canvas.height = height;
  canvas.style.width = `${width * Math.max(1, Math.floor(Math.min(4, 900 / width)))}px`;
  canvas.setAttribute('aria-label', `${c} feature maps of ${w}×${h} pixels`);
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(width, height);
  const pixels = new Uint32Array(image.data.buffer);
  pixels.fill(0xff_ff_ff_ff); // white gaps between tiles
  for (let ch = 0; ch < c; ch++) {
    let max = 0;
    for (let i = ch; i < data.length; i += c) if (data[i] > max) max = data[i];
    const ox = (ch % columns) * (w + gap);
    const oy = Math.floor(ch / columns) * (h + gap);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = max > 0 ? Math.max(0, data[(y * w + x) * c + ch]) / max : 0;
        const g = Math.round(v * 255);
        pixels[(oy + y) * width + ox + x] = 0xff000000 | (g << 16) | (g << 8) | g;
      }
    }
  }
  ctx.putImageData(image, 0, 0);
}
