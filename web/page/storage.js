// @ts-check
// Keeps one saved model in IndexedDB so that a reload brings it back.

/** @typedef {{ modelJson: string, weights: ArrayBuffer, savedAt: string, testAccuracy?: number | null }} StoredModel */

const DB_NAME = 'cnn-playground';
const STORE = 'models';
const KEY = 'saved';

function open() {
  return /** @type {Promise<IDBDatabase>} */ (new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  }));
}

/**
 * @template T
 * @param {IDBTransactionMode} mode @param {(store: IDBObjectStore) => IDBRequest<T>} action
 * @returns {Promise<T>}
 */
async function withStore(mode, action) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = action(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

export function storeModel(/** @type {StoredModel} */ model) {
  return withStore('readwrite', (store) => store.put(model, KEY));
}

/** @returns {Promise<StoredModel | undefined>} */
export function readStoredModel() {
  return withStore('readonly', (store) => store.get(KEY));
}

export function forgetStoredModel() {
  return withStore('readwrite', (store) => store.delete(KEY));
}
