// The project's Vite config, but a preview server whose Content-Security-Policy forbids workers:
// the page's workers cannot start (startup.test.mjs checks that the page says so and stops trying).
import config from '../../vite.config.js';

export default {
  ...config,
  preview: { ...config.preview, headers: { ...config.preview.headers, 'Content-Security-Policy': "worker-src 'none'" } },
};
