// @ts-check
// The page's entry point: it loads main.js, and with it every module of the page, itself, so a
// page that cannot start says why in its error line instead of staying at "Loading the model…".
// First it registers the service worker, which may reload the page once (page/isolation.js).

// WebKitGTK started under the POSIX locale (LANG=C, as in containers and CI) reports
// navigator.language 'C', which is no BCP 47 tag: Intl throws on it. uPlot 1.6.32 makes a number
// format from navigator.language as it is imported (leeoniya/uPlot#1053), which stopped every
// module of the page from loading. Such a browser gets 'en-US' instead.
try {
  Intl.getCanonicalLocales(navigator.language);
} catch {
  Object.defineProperty(navigator, 'language', { value: 'en-US', configurable: true });
}

import('./page/isolation.js')
  .then(({ isolate }) => isolate())
  .catch(() => {}) // without its service worker the page still works, online
  .then(() => import('./main.js'))
  .catch((err) => {
    const error = document.getElementById('error');
    if (error) error.textContent = `The page could not start in this browser: ${err?.message ?? err}`;
  });
