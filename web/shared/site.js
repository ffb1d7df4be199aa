// @ts-check
// Where the site's files are: public/ is served at the base Vite builds the page for.

const BASE = import.meta.env?.BASE_URL ?? '/';

/** The address of a file the site serves from public/ ('wasm/cnn-simd.mjs', 'data/', ...). */
export const siteUrl = (/** @type {string} */ path) => new URL(`${BASE}${path}`, self.location.href).href;
