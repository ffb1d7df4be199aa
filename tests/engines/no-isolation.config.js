// The project's Vite config, but a preview server that sends no COOP/COEP: a page that is not
// cross-origin isolated, as on a plain static host (the browser suites check the fallback).
import config from '../../vite.config.js';

export default { ...config, preview: { ...config.preview, headers: {} } };
