// The page's side of protocol.js: starts a worker, turns requests into promises, forwards the
// worker's events, and restarts the worker if it dies (the page then reloads a model into it).

import { Reply } from './protocol.js';

export class WorkerClient {
  /**
   * @param {object} options  { create(): Worker, onEvent(message), onCrash(reason) }
   */
  constructor({ create, onEvent, onCrash }) {
    this.create = create;
    this.onEvent = onEvent;
    this.onCrash = onCrash;
    this.nextId = 1;
    this.pending = new Map();
    this.worker = null;
    this.start();
  }

  start() {
    this.worker = this.create();
    this.worker.onmessage = ({ data }) => this.receive(data);
    // An 'error' event means the worker script failed or threw outside a handler (or the wasm
    // module aborted): the worker may be unusable, so replace it.
    this.worker.onerror = (event) => {
      event.preventDefault?.();
      this.crash(event.message || 'the worker stopped unexpectedly');
    };
    this.worker.onmessageerror = () => this.crash('a message from the worker could not be read');
  }

  crash(reason) {
    this.restart(`The worker crashed (${reason}).`);
    this.onCrash?.(reason);
  }

  /** A new worker; requests still waiting for an answer fail with `why`. */
  restart(why = 'The worker was restarted.') {
    const failed = [...this.pending.values()];
    this.pending.clear();
    this.worker?.terminate();
    for (const { reject } of failed) reject(new Error(why));
    this.start();
  }

  receive(message) {
    if (message?.type === Reply.REPLY) {
      const entry = this.pending.get(message.id);
      if (!entry) return;
      this.pending.delete(message.id);
      const { type, id, ok, error, ...result } = message;
      if (ok) entry.resolve(result);
      else entry.reject(new Error(error));
      return;
    }
    this.onEvent?.(message);
  }

  /** Sends a request; resolves with the reply's result, rejects with the worker's error text. */
  request(type, payload = {}, transfer = []) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type, id, ...payload }, transfer);
    });
  }

  /** Number of requests without an answer yet. */
  get busy() {
    return this.pending.size;
  }
}
