// The page lives in web/; public/ (shipped models, and the generated wasm/ and data/) is served
// as is at the site root. Both servers send the cross-origin isolation headers that
// SharedArrayBuffer, and so the threads build of the engine, need.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const fromHere = (p) => fileURLToPath(new URL(p, import.meta.url));

const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
const port = Number(process.env.PORT) || 8080;

// --- Content-Security-Policy: only this origin; WebAssembly compilation ('wasm-unsafe-eval') but
// no eval (the engine is linked with -sDYNAMIC_EXECUTION=0). The built page carries it as a <meta>
// (so it holds wherever dist/ is served) and the preview server also sends it as a header.
// The dev server allows the inline <style> elements and the HMR web socket Vite itself uses.
const csp = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');
const devCsp = csp.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace("connect-src 'self'", "connect-src 'self' ws: wss:");
function contentSecurityPolicyMeta() {
  return {
    name: 'content-security-policy-meta',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: csp }, injectTo: 'head-prepend' }],
  };
}
// ---

const server = { host: '127.0.0.1', port, strictPort: true, headers: { ...isolationHeaders, 'Content-Security-Policy': devCsp } };
const preview = { ...server, headers: { ...isolationHeaders, 'Content-Security-Policy': `${csp}; frame-ancestors 'none'` } };

// Vite's static server labels every *.gz file `Content-Encoding: gzip`, so the browser would
// inflate the MNIST files itself while the page expects the compressed bytes (it inflates them
// with DecompressionStream and reports progress against Content-Length). Serve them as plain
// application/gzip files instead, in the dev server and in the preview server alike.
function serveGzipAsFile() {
  const middleware = (req, res, next) => {
    if (/\.gz(\?|$)/.test(req.url ?? '')) {
      const writeHead = res.writeHead;
      res.writeHead = function (status, ...rest) {
        const headers = rest.find((x) => x && typeof x === 'object');
        if (headers) {
          for (const key of Object.keys(headers)) {
            if (/^content-(encoding|type)$/i.test(key)) delete headers[key];
          }
        }
        res.removeHeader('Content-Encoding');
        res.setHeader('Content-Type', 'application/gzip');
        return writeHead.call(this, status, ...rest);
      };
    }
    next();
  };
  return {
    name: 'serve-gzip-as-file',
    configureServer: (s) => void s.middlewares.use(middleware),
    configurePreviewServer: (s) => void s.middlewares.use(middleware),
  };
}

// The service worker (web/workers/service-worker.js: isolation headers on any static host, and
// offline use) is written to dist/sw.js, at the root so that its scope is the whole site, with
// the build's files and a version that changes with any of them. MNIST (data/) is left out: it
// is cached when the page first downloads it.
function serviceWorker() {
  const source = fromHere('./web/workers/service-worker.js');
  const placeholder = "const BUILD = { version: 'dev', files: /** @type {string[]} */ ([]) };";
  return {
    name: 'service-worker',
    apply: 'build',
    writeBundle({ dir }) {
      const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
        .filter((file) => file !== 'sw.js' && !file.startsWith('data/'))
        .sort();
      const hash = crypto.createHash('sha256');
      for (const file of files) hash.update(file).update(fs.readFileSync(path.join(dir, file)));
      const build = { version: hash.digest('hex').slice(0, 12), files: files.map((file) => (file === 'index.html' ? './' : file)) };
      const code = fs.readFileSync(source, 'utf8');
      if (!code.includes(placeholder)) throw new Error(`${source} no longer has the line this build replaces: ${placeholder}`);
      fs.writeFileSync(path.join(dir, 'sw.js'), code.replace(placeholder, `const BUILD = ${JSON.stringify(build)};`));
    },
  };
}

export default defineConfig({
  root: fromHere('./web'),
  publicDir: fromHere('./public'),
  build: { outDir: fromHere('./dist'), emptyOutDir: true },
  server,
  preview,
  plugins: [serveGzipAsFile(), contentSecurityPolicyMeta(), serviceWorker()],
});
