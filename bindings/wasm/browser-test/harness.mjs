// What the feedback and scenario browser tests share: site.mjs's set-up for a whole file, the
// screenshots at both widths, and a field's locator.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before } from 'node:test';

import { RESULTS, startSite } from './site.mjs';

export { RESULTS };

/** Starts the site (site.mjs) before the file's tests, stops it after; gives `open(t, query)`. */
export function harness() {
  let site;
  before(async () => {
    site = await startSite();
  });
  after(async () => {
    await site?.close();
  });
  return (t, query = '') => site.open(t, query);
}

/** Screenshots at desktop (1366 × 900) and phone (390 × 844) width, `name-desktop.png` and `name-phone.png`. */
export async function screenshots(page, name, locator) {
  for (const [kind, width, height] of [['desktop', 1366, 900], ['phone', 390, 844]]) {
    await page.setViewportSize({ width, height });
    if (locator) await locator.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(RESULTS, `${name}-${kind}.png`) });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), width, `${name}: nothing wider than the ${kind} screen`);
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

export const field = (page, name) => page.locator(`.field[data-input="${name}"]`);
