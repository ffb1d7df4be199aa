// @ts-check
// The page's side of shared/protocol.js: starts a worker, turns requests into promises, forwards
// the worker's events, and starts a new worker if this one dies (the page then reloads a model
// into it). A worker that dies before its first message twice in a row (its script does not load
// or run in this browser) is not started again: the page says so instead of starting workers forever.

import { Request } from '../shared/protocol.js';

/** @typedef {import('../shared/protocol.js').RequestType} RequestType */
/** @typedef {import('../shared/protocol.js').WorkerEvent} WorkerEvent */

/** Why a request failed when its worker was replaced on purpose: no error for the person to see. */
export class WorkerRestarted extends Error {}

const START_ATTEMPTS = 2;
const delay = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class WorkerClient {
  /**
   * @param {{ create: () => Worker, onEvent: (event: WorkerEvent) => void,
   *   onCrash: (reason: string, how: { gaveUp: boolean }) => void }} options
   *   gaveUp: the worker could not start and no new one was started.
   */
  constructor({ create, onEvent, onCrash }) {
    this.create = create;
    this.onEvent = onEvent;
    this.onCrash = onCrash;
    this.nextId = 1;
    /** @type {Map<number, { resolve: (result: any) => void, reject: (err: Error) => void }>} */
    this.pending = new Map();
    this.heard = false; // the current worker has sent a message
    this.failedStarts = 0; // workers in a row that died before their first message
    /** @type {string | null} */
    this.stopped = null; // why no worker runs any more (stop()), or null
    /** @type {Worker | null} */
    this.worker = null;
    this.start();
  }

  start() {
    const worker = this.create();
    this.heard = false;
    worker.onmessage = ({ data }) => {
      this.heard = true;
      this.failedStarts = 0;
      this.receive(data);
    };
    // An 'error' event means the worker script failed or threw outside a handler (or the wasm
    // module aborted): the worker may be unusable, so replace it.
    worker.onerror = (event) => {
      event.preventDefault();
      this.crash(event.message || (this.heard ? 'the worker stopped unexpectedly' : 'its script did not load or run'));
    };
    worker.onmessageerror = () => this.crash('a message from the worker could not be read');
    this.worker = worker;
  }

  crash(/** @type {string} */ reason) {
    if (!this.heard && ++this.failedStarts >= START_ATTEMPTS) {
      this.stop(`The worker could not start (${reason}).`);
      this.onCrash(reason, { gaveUp: true });
      return;
    }
    this.restart(`The worker crashed (${reason}).`);
    this.onCrash(reason, { gaveUp: false });
  }

  /** Ends the worker; requests waiting for an answer, and any made later, fail with `why`. */
  stop(/** @type {string} */ why) {
    this.stopped = why;
    const failed = [...this.pending.values()];
    this.pending.clear();
    this.worker?.terminate();
    this.worker = null;
    for (const { reject } of failed) reject(new WorkerRestarted(why));
  }

  /** A new worker; requests still waiting for an answer fail with `why`. */
  restart(why = 'The worker was restarted.') {
    this.stop(why);
    this.stopped = null;
    this.start();
  }

  /** @param {import('../shared/protocol.js').Reply | WorkerEvent} message */
  receive(message) {
    if (message?.type !== 'reply') {
      this.onEvent(message);
      return;
    }
    const entry = this.pending.get(message.id);
    if (!entry) return;
    this.pending.delete(message.id);
    if (message.ok) {
      const { type, id, ok, ...result } = message;
      entry.resolve(result);
    } else {
      entry.reject(new Error(message.error));
    }
  }

  /**
   * Sends a request; resolves with the reply's result, rejects with the worker's error text.
   * @template {RequestType} T
   * @param {T} type @param {import('../shared/protocol.js').PayloadOf<T>} payload @param {Transferable[]} [transfer]
   * @returns {Promise<import('../shared/protocol.js').ResultOf<T>>}
   */
  request(type, payload, transfer = []) {
    const { worker, stopped } = this;
    if (!worker) return Promise.reject(new Error(stopped ?? 'The worker is not running.'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ type, id, ...payload }, transfer);
    });
  }

  /** Resolves true if the worker stops answering pings before `pending` settles (its thread is
   *  frozen: a busy but live worker answers between its tasks), false once `pending` settles.
   *  While `pending` waits, a ping every `pingIntervalMs`; frozen when one is not answered within `frozenAfterMs`.
   *  @param {Promise<unknown>} pending @param {Pick<import('../shared/waits.js').Waits, 'pingIntervalMs' | 'frozenAfterMs'>} waits */
  async frozenBefore(pending, { pingIntervalMs, frozenAfterMs }) {
    const settled = pending.then(() => 'settled', () => 'settled');
    for (;;) {
      if ((await Promise.race([settled, delay(pingIntervalMs)])) === 'settled') return false;
      const pong = this.request(Request.PING, {}).then(() => 'alive', () => 'alive');
      const answer = await Promise.race([settled, pong, delay(frozenAfterMs).then(() => 'frozen')]);
      if (answer === 'settled') return false;
      if (answer === 'frozen') return true;
    }
  }
}
