// The page's side of protocol.js: starts a worker, turns requests into promises, forwards the
// worker's events, and restarts the worker if it dies (the page then reloads a model into it).
// A worker that dies before its first message twice in a row (its script does not load or run in
// this browser) is not started again: the page says so instead of starting workers forever.

import { Reply } from './protocol.js';

const START_ATTEMPTS = 2;

export class WorkerClient {
  /**
   * @param {object} options  { create(): Worker, onEvent(message), onCrash(reason, { gaveUp }) }
   *   gaveUp: the worker could not start and no new one was started.
   */
  constructor({ create, onEvent, onCrash }) {
    this.create = create;
    this.onEvent = onEvent;
    this.onCrash = onCrash;
    this.nextId = 1;
    this.pending = new Map();
    this.worker = null;
    this.heard = false; // the current worker has sent a message
    this.failedStarts = 0; // workers in a row that died before their first message
    this.stopped = null; // why no worker runs any more (stop()), or null
    this.start();
  }

  start() {
    this.worker = this.create();
    this.heard = false;
    this.worker.onmessage = ({ data }) => {
      this.heard = true;
      this.failedStarts = 0;
      this.receive(data);
    };
    // An 'error' event means the worker script failed or threw outside a handler (or the wasm
    // module aborted): the worker may be unusable, so replace it.
    this.worker.onerror = (event) => {
      event.preventDefault?.();
      this.crash(event.message || (this.heard ? 'the worker stopped unexpectedly' : 'its script did not load or run'));
    };
    this.worker.onmessageerror = () => this.crash('a message from the worker could not be read');
  }

  crash(reason) {
    if (!this.heard && ++this.failedStarts >= START_ATTEMPTS) {
      this.stop(`The worker could not start (${reason}).`);
      this.onCrash?.(reason, { gaveUp: true });
      return;
    }
    this.restart(`The worker crashed (${reason}).`);
    this.onCrash?.(reason, { gaveUp: false });
  }

  /** Ends the worker; requests waiting for an answer, and any made later, fail with `why`. */
  stop(why) {
    this.stopped = why;
    const failed = [...this.pending.values()];
    this.pending.clear();
    this.worker?.terminate();
    this.worker = null;
    for (const { reject } of failed) reject(new Error(why));
  }

  /** A new worker; requests still waiting for an answer fail with `why`. */
  restart(why = 'The worker was restarted.') {
    this.stop(why);
    this.stopped = null;
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
    if (this.stopped) return Promise.reject(new Error(this.stopped));
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
