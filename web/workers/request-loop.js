// @ts-check
// How both workers answer the page's requests (shared/protocol.js): one handler per type, one
// reply per request, and a worker whose engine trapped is given up so the page replaces it.

import { messageOf } from '../shared/engine-module.js';

/** @typedef {import('../shared/protocol.js').RequestType} RequestType */
/**
 * A handler for some of the request types; each gets its payload and returns its result.
 * @typedef {{ [T in RequestType]?: (payload: import('../shared/protocol.js').PayloadOf<T>) =>
 *   import('../shared/protocol.js').ResultOf<T> | void | Promise<import('../shared/protocol.js').ResultOf<T> | void> }} Handlers
 */

/** Objects in a result that can be moved to the other thread instead of copied. */
function transferables(/** @type {unknown} */ result) {
  /** @type {Set<Transferable>} */
  const list = new Set();
  const visit = (/** @type {unknown} */ value, /** @type {number} */ depth) => {
    if (!value || depth > 3) return;
    if (value instanceof ArrayBuffer) list.add(value);
    else if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) list.add(value.buffer);
    else if (Array.isArray(value)) value.forEach((v) => visit(v, depth + 1));
    else if (typeof value === 'object') Object.values(value).forEach((v) => visit(v, depth + 1));
  };
  visit(result, 0);
  return [...list];
}

/**
 * Answers `{type, id, ...payload}` requests with handlers[type]; every error becomes a reply.
 * Requests other than those `isReady(type)` allows are refused while the engine loads.
 * @param {Handlers} handlers @param {(type: string) => boolean} isReady
 */
export function serveRequests(handlers, isReady) {
  self.onmessage = async ({ data }) => {
    const { type, id, ...payload } = data ?? {};
    try {
      const handler = /** @type {((payload: object) => unknown) | undefined} */ (handlers[/** @type {RequestType} */ (type)]);
      if (!handler) throw new Error(`Unknown request "${type}".`);
      if (!isReady(type)) throw new Error('The engine is not loaded yet.');
      const result = (await handler(payload)) ?? {};
      self.postMessage({ type: 'reply', id, ok: true, ...result }, { transfer: transferables(result) });
    } catch (err) {
      self.postMessage({ type: 'reply', id, ok: false, error: messageOf(err) });
      failIfTrapped(err);
    }
  };
  // Anything that escapes a handler (e.g. a promise rejected outside the dispatch) is reported too.
  self.addEventListener('unhandledrejection', (event) => {
    event.preventDefault();
    self.postMessage({ type: 'workerError', message: messageOf(event.reason) });
  });
}

/** A WebAssembly trap (an abort or a bug) leaves the module unusable: the error is thrown again
 *  outside any handler, so the worker reports it and the page replaces this worker. Returns
 *  whether `err` was one. */
export function failIfTrapped(/** @type {unknown} */ err) {
  if (!(err instanceof WebAssembly.RuntimeError)) return false;
  setTimeout(() => {
    throw err;
  });
  return true;
}

/** Lets requests that arrived meanwhile be served (a macrotask without setTimeout's clamp). */
export function yieldToEvents() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(undefined);
    channel.port2.postMessage(null);
  });
}
