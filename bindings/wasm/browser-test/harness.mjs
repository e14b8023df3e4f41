// What the page's browser tests share: out/site served on 127.0.0.1, Debian's chromium (never a
// downloaded one) driven by playwright-core, a fresh page whose console errors fail the test, and
// the screenshots' folder. calculator.test.mjs keeps its own copy (it came first).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SITE = path.resolve(HERE, '../out/site');
export const RESULTS = path.resolve(HERE, '../out/test-results');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** Starts the server and the browser before the file's tests, stops them after; gives `open`. */
export function harness() {
  let server;
  let base;
  let context;
  let profile;
  before(async () => {
    assert.ok(fs.existsSync(path.join(SITE, 'index.html')), `no ${SITE}: run bindings/wasm/build.sh first`);
    assert.ok(fs.existsSync(CHROMIUM), `no ${CHROMIUM}: apt-get install -y chromium`);
    fs.mkdirSync(RESULTS, { recursive: true });
    server = http.createServer((req, res) => {
      const url = new URL(req.url, 'http://127.0.0.1');
      const file = path.normalize(path.join(SITE, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)));
      if (!file.startsWith(SITE) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      fs.createReadStream(file).pipe(res);
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${server.address().port}/`;
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1366, height: 900 },
      deviceScaleFactor: 1,
      locale: 'zh-CN',
    });
  });
  after(async () => {
    await context?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });

  /** A fresh page with empty storage (reloads keep it); console errors fail the test at its end. */
  return async function open(t, query = '') {
    const page = await context.newPage();
    await page.addInitScript(() => {
      if (!sessionStorage.getItem('jixiao-test-tab')) {
        localStorage.clear();
        sessionStorage.setItem('jixiao-test-tab', '1');
      }
    });
    const problems = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(base + query);
    await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
    t.after(async () => {
      await page.close();
      assert.deepEqual(problems, [], 'the page logged errors');
    });
    return page;
  };
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
