// Debian's Firefox ESR for the tests, driven over WebDriver BiDi by puppeteer-core (no browser
// download), in a throw-away profile whose downloads land in `downloadDir`; its pages wrapped as
// the driver tests/engines/playground.mjs expects.

import puppeteer from 'puppeteer-core';

export async function launchFirefox({ downloadDir }) {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH || '/usr/bin/firefox-esr',
    headless: true,
    defaultViewport: { width: 1200, height: 900 },
    extraPrefsFirefox: {
      'browser.download.dir': downloadDir,
      'browser.download.folderList': 2, // 2: the folder in browser.download.dir
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
    },
  });
  return {
    browser,
    /** A new tab at `url`; `problems` collects its uncaught errors and console errors. */
    async open(url) {
      const page = await browser.newPage();
      const problems = [];
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
      });
      await page.goto(url);
      const driver = {
        evaluate: (fn, ...args) => page.evaluate(fn, ...args),
        click: (testid) => page.click(`[data-testid="${testid}"]`),
        async stroke([first, ...rest]) {
          await page.mouse.move(first.x, first.y);
          await page.mouse.down();
          for (const p of rest) await page.mouse.move(p.x, p.y, { steps: 2 });
          await page.mouse.up();
        },
        /** Chooses `paths` in the file input with data-testid `testid`. */
        async upload(testid, paths) {
          const input = await page.$(`[data-testid="${testid}"]`);
          await input.uploadFile(...paths);
        },
        reload: () => page.reload(),
      };
      return { page, driver, problems };
    },
    close: () => browser.close(),
  };
}
