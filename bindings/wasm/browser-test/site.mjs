// The page's browser tests' one set-up: out/site served on 127.0.0.1 and Debian's chromium (never
// a downloaded one) driven by playwright-core, with a fresh profile; pages that fail their test on
// any console error or failed request. harness.mjs wraps it in a file's before/after.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SITE = path.resolve(HERE, '../out/site');
export const RESULTS = path.resolve(HERE, '../out/test-results');
export const ROOT = path.resolve(HERE, '../../..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.md': 'text/markdown; charset=utf-8',
};

/** Starts the server and the browser; `close()` ends both. */
export async function startSite({ locale = 'zh-CN', viewport = { width: 1366, height: 900 } } = {}) {
  assert.ok(fs.existsSync(path.join(SITE, 'index.html')), `no ${SITE}: run bindings/wasm/build.sh first`);
  assert.ok(fs.existsSync(CHROMIUM), `no ${CHROMIUM}: apt-get install -y chromium`);
  fs.mkdirSync(RESULTS, { recursive: true });
  const server = http.createServer((req, res) => {
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
  const base = `http://127.0.0.1:${server.address().port}/`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport,
    deviceScaleFactor: 1,
    locale,
    acceptDownloads: true,
  });

  /** A fresh page (its storage emptied on its first load unless `keep`); console errors fail `t`. */
  async function open(t, query = '', { keep = false } = {}) {
    const page = await context.newPage();
    if (!keep) {
      await page.addInitScript(() => {
        if (!sessionStorage.getItem('jixiao-test-tab')) {
          localStorage.clear();
          sessionStorage.setItem('jixiao-test-tab', '1');
        }
      });
    }
    const problems = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    await page.goto(base + query);
    await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
    t.after(async () => {
      await page.close();
      assert.deepEqual(problems, [], 'the page logged errors');
    });
    return page;
  }

  async function close() {
    await context.close();
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(profile, { recursive: true, force: true });
  }
  return { base, context, open, close };
}
