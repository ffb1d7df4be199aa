// @ts-check
// Keeps one saved model in IndexedDB so that a reload brings it back; and the way every feature
// reaches its IndexedDB store.

/** @typedef {{ modelJson: string, weights: ArrayBuffer, savedAt: string, testAccuracy?: number | null }} StoredModel */

/**
 * A database of one object store (IndexedDB), each feature its own so that none changes
 * another's version.
 * @typedef {{ name: string, store: string, options?: IDBObjectStoreParameters }} Database
 */

/** @type {Database} */
const MODELS = { name: 'cnn-playground', store: 'models' };
const KEY = 'saved';

function open(/** @type {Database} */ database) {
  return /** @type {Promise<IDBDatabase>} */ (new Promise((resolve, reject) => {
    const request = indexedDB.open(database.name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(database.store, database.options);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  }));
}

/**
 * Runs `action` on the database's store in one transaction; resolves to its request's result
 * once the transaction is complete.
 * @template T
 * @param {Database} database @param {IDBTransactionMode} mode @param {(store: IDBObjectStore) => IDBRequest<T>} action
 * @returns {Promise<T>}
 */
export async function withStore(database, mode, action) {
  const db = await open(database);
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(database.store, mode);
      const request = action(tx.objectStore(database.store));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

export function storeModel(/** @type {StoredModel} */ model) {
  return withStore(MODELS, 'readwrite', (store) => store.put(model, KEY));
}

/** @returns {Promise<StoredModel | undefined>} */
export function readStoredModel() {
  return withStore(MODELS, 'readonly', (store) => store.get(KEY));
}

export function forgetStoredModel() {
  return withStore(MODELS, 'readwrite', (store) => store.delete(KEY));
}
