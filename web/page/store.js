// @ts-check
// The page's state in one serialisable object, changed only through update(), and the views
// that render from it: each one watches the part it shows and renders again when that changes.

/**
 * @template S
 * @typedef {{ get(): S, update(change: Partial<S> | ((state: S) => Partial<S>)): void,
 *   subscribe(listener: (state: S) => void): () => void }} Store
 */

/**
 * @template S
 * @param {S} initial
 * @returns {Store<S>}
 */
export function createStore(initial) {
  let state = initial;
  /** @type {Set<(state: S) => void>} */
  const listeners = new Set();
  return {
    get: () => state,
    update(change) {
      const patch = typeof change === 'function' ? change(state) : change;
      state = { ...state, ...patch };
      for (const listener of [...listeners]) listener(state);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Equal when identical, or arrays / plain objects whose items are identical. */
function shallowEqual(/** @type {unknown} */ a, /** @type {unknown} */ b) {
  if (Object.is(a, b)) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length &&
    ka.every((k) => Object.is(/** @type {Record<string, unknown>} */ (a)[k], /** @type {Record<string, unknown>} */ (b)[k]));
}

/**
 * Calls render(selected, state) now, and again whenever select(state) gives something else
 * (compared item by item when it is an array or an object).
 * @template S, T
 * @param {Store<S>} store @param {(state: S) => T} select @param {(selected: T, state: S) => void} render
 */
export function watch(store, select, render) {
  let last = select(store.get());
  render(last, store.get());
  return store.subscribe((state) => {
    const next = select(state);
    if (shallowEqual(next, last)) return;
    last = next;
    render(next, state);
  });
}
