// @ts-check
// The engine's verdict on the editor's network, from a small instance of the SIMD build on the
// page's own thread: Module.analyse() gives each layer's output shape, parameter count and what
// is wrong with it, and whether training it fits the engine's memory; Module.limits() the bounds
// of every setting. Both are synchronous once the module is loaded, so the summary follows a
// keystroke at once. The page writes none of these rules itself.

import { loadEngineModule } from '../shared/engine-module.js';
import { toKerasConfig, createForm } from '../shared/keras-form.js';

/** @typedef {import('../shared/keras-form.js').FormLayer} FormLayer */
/**
 * One layer as the engine sees it. output_shape has the batch axis first (null), and is null
 * from the first layer with an error on; `field` is the Keras config key to blame.
 * @typedef {{ name: string, class_name: string, output_shape: Array<number | null> | null, params: number,
 *   trainable_params: number, error: string | null, field: string | null }} AnalysedLayer
 */
/**
 * @typedef {{ name: string, input_shape: number[], layers: AnalysedLayer[], total_params: number,
 *   trainable_params: number, non_trainable_params: number, training_bytes: number, memory_limit: number,
 *   valid: boolean, error: string | null, summary: string }} Analysis
 */
/**
 * The engine's bounds, each [min, max] (the max of those in exclusive_max excluded).
 * @typedef {{ batch_size: number[], epochs: number[], learning_rate: number[], dropout_rate: number[],
 *   filters: number[], window: number[], units: number[], exclusive_max: string[], memory_limit: number }
 *   & Record<string, unknown>} Limits
 */
/** @typedef {{ memoryLimit: number | null, inputShape?: number[] }} AnalysisOptions */
/** A ready architecture (Module.architectures(), core/architectures.cpp): its Keras config, and what it is. */
/** @typedef {{ name: string, description: string, config: object }} Architecture */
/** @typedef {Awaited<ReturnType<typeof loadAnalyser>>} Analyser */

/** The seeds the page offers: any that a JavaScript number and the engine's uint64 both hold exactly. */
const SEEDS = [0, 2 ** 31 - 1];

export async function loadAnalyser() {
  const module = await loadEngineModule('cnn-simd');
  /** @type {Limits} */
  const limits = JSON.parse(module.limits());
  /** The editor's form over the engine's layer kinds and fields. */
  const form = createForm(JSON.parse(module.layerSchema()));
  /** @type {Architecture[]} */
  const architectures = JSON.parse(module.architectures());
  /** @type {FormLayer[] | null} */
  let basic = null;
  return {
    limits,
    form,
    architectures,
    /** The bounds of the training settings. */
    settingBounds: {
      epochs: limits.epochs,
      batchSize: limits.batch_size,
      learningRate: limits.learning_rate,
      seed: SEEDS,
    },
    /**
     * The engine's analysis of a Keras model config (JSON text), training against `memoryLimit`
     * bytes (the training worker's engine's, when known; else this module's own), refusing any
     * input shape but `inputShape` when given. The classes are the engine's: it reads no others.
     * @param {string} configJson @param {AnalysisOptions} options
     * @returns {Analysis}
     */
    analyseConfig(configJson, { memoryLimit, inputShape }) {
      const options = { ...(memoryLimit ? { memory_limit: memoryLimit } : {}), ...(inputShape ? { input_shape: inputShape } : {}) };
      return JSON.parse(module.analyse(configJson, JSON.stringify(options)));
    },
    /** The engine's analysis of the editor's layers, as the network `name`. */
    analyse(/** @type {FormLayer[]} */ layers, /** @type {AnalysisOptions & { name: string }} */ { name, ...options }) {
      return this.analyseConfig(JSON.stringify(toKerasConfig(layers, { name })), options);
    },
    /** The learning rate of each of the first `steps` steps of a training config (JSON text);
     *  throws the engine's refusal of the config, which names the field. */
    scheduleCurve: (/** @type {string} */ configJson, /** @type {number} */ steps) => module.scheduleCurve(configJson, steps),
    /** The tutorial's Basic_CNN, as the engine defines it (its default model). */
    basicCnn() {
      if (!basic) {
        const engine = new module.Engine();
        try {
          basic = form.read(engine.topology()).layers;
        } finally {
          engine.delete();
        }
      }
      return basic;
    },
  };
}
