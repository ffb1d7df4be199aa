// What both workers need from the wasm engine: loading a build, and running one image through it.

import { INPUT_SIZE, NUM_CLASSES } from './protocol.js';

const BASE = import.meta.env?.BASE_URL ?? '/';

/** Loads /wasm/<name>.mjs (served as is from public/, not bundled) and makes an Engine. */
export async function instantiate(name) {
  const url = new URL(`${BASE}wasm/${name}.mjs`, self.location.origin).href;
  const { default: createCnnModule } = await import(/* @vite-ignore */ url);
  const module = await createCnnModule();
  return new module.Engine();
}

/** Error text from whatever was thrown: Embind passes C++ messages as Error objects. */
export function messageOf(err) {
  if (err == null) return 'Unknown error';
  if (typeof err === 'string') return err;
  if (err.message) return err.message;
  return String(err);
}

function toInput(input) {
  const x = input instanceof Float32Array ? input : new Float32Array(input);
  if (x.length !== INPUT_SIZE) throw new Error(`Expected ${INPUT_SIZE} pixels, got ${x.length}.`);
  return x;
}

export function predict(engine, input) {
  const started = performance.now();
  const probs = engine.predict(toInput(input)); // a fresh Float32Array, not a view of the heap
  if (probs.length !== NUM_CLASSES) throw new Error(`Expected ${NUM_CLASSES} probabilities, got ${probs.length}.`);
  return { probs, ms: performance.now() - started };
}

/** Activations of the given layers (default: every layer with an h×w×c output). */
export function layerOutputs(engine, { input, layers }) {
  const x = toInput(input);
  const summary = JSON.parse(engine.summary());
  const wanted =
    layers ??
    summary.layers
      .map((layer, index) => ({ layer, index }))
      .filter(({ layer }) => (layer.output_shape ?? []).length === 4)
      .map(({ index }) => index);
  return {
    outputs: wanted.map((index) => {
      const out = engine.layerOutput(index, x);
      const layer = summary.layers[index];
      return { index, name: layer.name, className: layer.class_name, shape: Array.from(out.shape), data: out.data };
    }),
  };
}

/** Objects in a result that can be moved to the other thread instead of copied. */
export function transferables(result) {
  const list = new Set();
  const visit = (value, depth) => {
    if (!value || depth > 3) return;
    if (value instanceof ArrayBuffer) list.add(value);
    else if (ArrayBuffer.isView(value)) list.add(value.buffer);
    else if (Array.isArray(value)) value.forEach((v) => visit(v, depth + 1));
    else if (typeof value === 'object') Object.values(value).forEach((v) => visit(v, depth + 1));
  };
  visit(result, 0);
  return [...list];
}

/** Answers `{type, id, ...payload}` requests with handlers[type]; every error becomes a reply. */
export function serveRequests(handlers, replyType, isReady) {
  self.onmessage = async ({ data }) => {
    const { type, id, ...payload } = data ?? {};
    try {
      const handler = handlers[type];
      if (!handler) throw new Error(`Unknown request "${type}".`);
      if (!isReady(type)) throw new Error('The engine is not loaded yet.');
      const result = (await handler(payload)) ?? {};
      self.postMessage({ type: replyType, id, ok: true, ...result }, transferables(result));
    } catch (err) {
      self.postMessage({ type: replyType, id, ok: false, error: messageOf(err) });
      failIfTrapped(err);
    }
  };
}

/** A WebAssembly trap (an abort or a bug) leaves the module unusable: the error is thrown again
 *  outside any handler, so the worker reports it and the page replaces this worker. Returns
 *  whether `err` was one. */
export function failIfTrapped(err) {
  if (!(err instanceof WebAssembly.RuntimeError)) return false;
  setTimeout(() => {
    throw err;
  });
  return true;
}
