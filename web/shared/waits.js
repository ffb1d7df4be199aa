// @ts-check
// How long the page waits before it says that starting is stuck, or takes a worker for frozen:
// the engine's start as a whole, the threads build's pool of workers, and a worker that leaves a
// ping unanswered. The page's address can shorten every wait by one factor, `?waits=0.1`, so
// that the tests of these reports wait a second or two rather than half a minute.

/** The waits at their normal length, in ms. */
const WAITS = Object.freeze({
  startStalledMs: 30_000, // a start that takes longer is reported (it may still finish)
  threadsStartMs: 20_000, // the threads build's pool of workers must have started by then
  pingIntervalMs: 2000, // while a request is pending, its worker is pinged this often
  frozenAfterMs: 5000, // and taken for frozen when a ping stays unanswered this long
});
/** @typedef {{ -readonly [K in keyof typeof WAITS]: number }} Waits */

/**
 * The waits of a page whose address has the query `search` (location.search): shortened by its
 * `waits` factor when that is a number in (0, 1), else at their normal length.
 * @param {string} search @returns {Waits}
 */
export function waitsFor(search) {
  const factor = Number(new URLSearchParams(search).get('waits'));
  const scale = factor > 0 && factor < 1 ? factor : 1;
  return /** @type {Waits} */ (Object.fromEntries(Object.entries(WAITS).map(([name, ms]) => [name, Math.round(ms * scale)])));
}
