// @ts-check
// Running one image through an engine, for both workers: its class probabilities, and the
// activations of its layers (the feature maps).

import { INPUT_SIZE } from '../shared/protocol.js';

/** @typedef {import('../shared/engine-module.js').Engine} Engine */

function toInput(/** @type {Float32Array} */ input) {
  if (input.length !== INPUT_SIZE) throw new Error(`Expected ${INPUT_SIZE} pixels, got ${input.length}.`);
  return input;
}

/** The class probabilities of one input, and how long the engine took. */
export function predict(/** @type {Engine} */ engine, /** @type {Float32Array} */ input) {
  const started = performance.now();
  const probs = engine.predict(toInput(input)); // a fresh Float32Array, not a view of the heap
  return { probs, ms: performance.now() - started };
}

/**
 * Activations of the given layers (default: every layer with an h×w×c output).
 * @param {Engine} engine @param {{ input: Float32Array, layers?: number[] }} request
 */
export function layerOutputs(engine, { input, layers }) {
  const x = toInput(input);
  /** @type {import('../shared/protocol.js').EngineSummary} */
  const summary = JSON.parse(engine.summary());
  const wanted = layers ?? summary.layers.flatMap((layer, index) => (layer.output_shape.length === 4 ? [index] : []));
  return {
    outputs: wanted.map((index) => {
      const out = engine.layerOutput(index, x);
      const layer = summary.layers[index];
      return { index, name: layer.name, className: layer.class_name, shape: Array.from(out.shape), data: out.data };
    }),
  };
}

/** Engine.explain of one input for class `target` (-1: the predicted one). */
export const explain = (/** @type {Engine} */ engine, /** @type {Float32Array} */ input, /** @type {number} */ target) =>
  engine.explain(toInput(input), target);

/** Engine.occlusion of one input for class `target` (-1: the predicted one). */
export const occlusion = (/** @type {Engine} */ engine, /** @type {Float32Array} */ input, /** @type {number} */ target) =>
  engine.occlusion(toInput(input), target);
