// The project's Vite config, but a preview server whose Content-Security-Policy lets the page
// start its own workers (Vite puts them in /assets/) and not the threads build's pool of workers:
// that build never finishes starting (startup.test.mjs checks that the page goes on without it).
import config from '../../vite.config.js';

export default {
  ...config,
  preview: {
    ...config.preview,
    headers: { ...config.preview.headers, 'Content-Security-Policy': 'worker-src http://127.0.0.1:*/assets/' },
  },
};
