// @ts-check
// Loading the C++ engine compiled to WebAssembly (wasm/bindings.cpp), for the workers and for
// the page's own small instance that analyses the editor's network. The Emscripten modules are
// served as they are from public/wasm/, not bundled.

import { siteUrl } from './site.js';

/**
 * What wasm/bindings.cpp exports.
 * @typedef {object} EngineModule
 * @property {new () => Engine} Engine
 * @property {(configJson: string, optionsJson: string) => string} analyse  the analysis of a Keras config (JSON)
 * @property {() => string} limits  the engine's limits (JSON)
 * @property {() => string} layerSchema  every layer kind with its config fields (JSON, core/keras.h)
 * @property {() => string} architectures  the ready architectures: name, description, Keras config (JSON)
 * @property {(trainingConfigJson: string, steps: number) => Float32Array} scheduleCurve  the learning rate of each of the first `steps` steps
 * @property {() => number} heapBytesInUse  bytes malloc holds in the module's heap
 */
/**
 * @typedef {object} Engine
 * @property {(n: number) => number} setThreads
 * @property {(config: string, seed: number) => void} buildModel
 * @property {() => string} summary
 * @property {() => string} topology
 * @property {(trainImages: Uint8Array, trainLabels: Uint8Array, testImages: Uint8Array, testLabels: Uint8Array) => string} setData
 * @property {(config: string) => void} setTraining
 * @property {(config: string, count: number) => { images: Float32Array, shape: number[] }} augmentedBatch  the first `count` training images, augmented as the config says
 * @property {(steps: number) => string} train
 * @property {() => void} resetTraining
 * @property {(limit: number, offset: number) => string} evaluate
 * @property {(input: Float32Array) => Float32Array} predict
 * @property {(index: number, input: Float32Array) => { shape: Int32Array | number[], data: Float32Array }} layerOutput
 * @property {() => { modelJson: string, weights: Uint8Array }} saveModel
 * @property {(modelJson: string, weights: Uint8Array) => void} loadModel
 * @property {() => number} memoryLimit
 * @property {(input: Float32Array, target: number) => import('./protocol.js').Explanation} explain
 * @property {(input: Float32Array, target: number) => import('./protocol.js').Occlusion} occlusion
 * @property {(images: Uint8Array, labels: Uint8Array, options: string) => string} startFineTune  accuracies before (JSON)
 * @property {(steps: number) => string} fineTune  step statistics, and the accuracies after when done (JSON)
 * @property {(keep: boolean) => void} endFineTune
 * @property {() => string} crashForTesting
 * @property {() => void} delete
 */

/** Loads /wasm/<name>.mjs ('cnn-simd' or 'cnn-threads') and instantiates it. */
export async function loadEngineModule(/** @type {'cnn-simd' | 'cnn-threads'} */ name) {
  const { default: createCnnModule } = await import(/* @vite-ignore */ siteUrl(`wasm/${name}.mjs`));
  return /** @type {EngineModule} */ (await createCnnModule());
}

/** Error text from whatever was thrown: Embind passes C++ messages as Error objects. */
export function messageOf(/** @type {unknown} */ err) {
  if (err == null) return 'Unknown error';
  if (typeof err === 'string') return err;
  if (err instanceof Error && err.message) return err.message;
  return String(err);
}
