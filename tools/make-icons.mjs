// Draws the app icons in public/icons/ from icon.svg with headless Chromium: the PNG sizes the
// web app manifest (public/manifest.webmanifest) names. Run after changing icon.svg:
//   node tools/make-icons.mjs
import fs from 'node:fs';
import { chromium } from 'playwright-core';

const dir = new URL('../public/icons/', import.meta.url);
const svg = fs.readFileSync(new URL('icon.svg', dir), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  for (const size of [192, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<body style="margin:0">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body>`);
    await page.screenshot({ path: new URL(`icon-${size}.png`, dir).pathname, omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
