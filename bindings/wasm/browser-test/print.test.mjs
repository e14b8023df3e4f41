// The printed 自评表 (issue 16, item 3): in print media the page is the A4 table bureaus publish —
// 表头 with the 填报信息, the 指标表 whose printed figures foot, 合计 and 等次, the 基础数据 and the
// signature lines — and nothing else of the page; the 填报日期 defaults to today. Writes the A4 PDF
// and a screenshot of the print view to out/test-results/.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import * as jx from '../out/pkg/index.js';
import { RESULTS, startSite } from './site.mjs';

const SEED = 'xiangxi-commerce-2019';
const info = jx.builtin(SEED).info('zh');

let site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

/** Today as a date field gives it (YYYY-MM-DD), local time (the browser runs in the same zone). */
function localToday() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Exact decimal sum of printed figures ("13.00", "4.73"), as a string with `places` decimals. */
function sum(figures, places) {
  const scale = 10n ** BigInt(places);
  let total = 0n;
  for (const f of figures) {
    const m = /^(\d+)(?:\.(\d+))?$/.exec(f);
    assert.ok(m, `a printed figure: ${JSON.stringify(f)}`);
    const frac = (m[2] ?? '').padEnd(places, '0');
    assert.equal(frac.length, places, `${f} has more than ${places} decimals`);
    total += BigInt(m[1]) * scale + BigInt(frac || '0');
  }
  const s = total.toString().padStart(places + 1, '0');
  return places ? `${s.slice(0, -places)}.${s.slice(-places)}` : s;
}

/** The printed 指标表 as its cells read: one entry per row. */
async function printedRows(page) {
  return page.locator('#print-sheet .sheet-table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      id: tr.dataset.id,
      cells: [...tr.cells].map((td) => td.innerText.trim()),
    })),
  );
}

test('填报日期 defaults to today (local date), stays editable and is kept', async (t) => {
  const page = await site.open(t);
  assert.equal(await page.locator('#meta-date').inputValue(), '', 'no system, no form yet');
  await page.selectOption('#system-select', SEED);
  await page.waitForSelector('#inputs-form .field');
  assert.equal(await page.locator('#meta-date').inputValue(), localToday());
  await page.fill('#meta-date', '2024-03-15');
  await page.fill('#meta-unit', '某某局');
  await page.locator('#meta-unit').blur();
  await page.waitForTimeout(400); // the autosave's moment
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  assert.equal(await page.locator('#meta-date').inputValue(), '2024-03-15', 'a date given is kept, not replaced by today');
});

test('print: an A4 自评表 as bureaus publish it — 表头, 指标表 that foots, 基础数据, signatures; no controls, no developer words', async (t) => {
  const page = await site.open(t, `?system=${SEED}&example=1`);
  await page.waitForFunction(() => document.querySelector('#total').textContent.trim() === '91.73');
  await page.fill('#meta-unit', '湘西州商务局');
  await page.locator('#meta-unit').blur();
  await page.fill('#meta-year', '2019');
  await page.fill('#meta-preparer', '张三');
  await page.fill('#meta-date', '2020-06-22');

  await page.emulateMedia({ media: 'print' });
  const sheet = page.locator('#print-sheet');
  assert.equal(await sheet.isVisible(), true);

  // Nothing of the page but the sheet: no buttons, inputs, lists, toolbar, header or footer.
  for (const selector of ['button', 'input', 'select', '.toolbar', '.page-header', '.page-footer', '#workspace', 'details']) {
    const shown = await page.locator(selector).evaluateAll((nodes) => nodes.filter((n) => n.checkVisibility()).length);
    assert.equal(shown, 0, `${selector} printed`);
  }

  // 表头: the title with the year, the system, the 填报信息.
  assert.equal(await sheet.locator('.sheet-title').innerText(), '2019年度部门整体支出绩效自评表');
  assert.match(await sheet.locator('.sheet-system').innerText(), new RegExp(info.name));
  const meta = await sheet.locator('.sheet-meta').innerText();
  for (const part of ['单位名称：湘西州商务局', '年度：2019', '填报人：张三', '填报日期：2020-06-22']) {
    assert.ok(meta.replace(/\s+/g, '').includes(part), `${part} in ${meta}`);
  }

  // The 指标表: headers, one row per indicator in the system's order, names in their level's column.
  const headers = await sheet.locator('.sheet-table thead th').allInnerTexts();
  assert.deepEqual(headers, ['一级指标', '二级指标', '三级指标', '分值', '评分标准', '得分', '扣分原因']);
  const printed = await printedRows(page);
  const rows = printed.filter((r) => r.id !== 'total' && r.id !== 'grade');
  assert.deepEqual(
    rows.map((r) => r.id),
    info.indicators.map((r) => r.id),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const r of info.indicators) {
    assert.equal(byId.get(r.id).cells[Math.min(r.depth, 2)], r.name, `${r.id} in its level's column`);
  }
  // Stated figures that foot: every score at the system's precision (2 places), each parent's
  // 分值 and 得分 the sum of its children's as printed, 合计 the sum of the 一级指标.
  const points = (id) => byId.get(id).cells[3];
  const score = (id) => byId.get(id).cells[5];
  const children = (id) => info.indicators.filter((r) => r.id.startsWith(`${id}.`) && r.id.split('.').length === id.split('.').length + 1);
  let parents = 0;
  for (const r of info.indicators) {
    assert.match(score(r.id), /^\d+\.\d{2}$/, `${r.id} printed at two decimals`);
    const kids = children(r.id);
    if (!kids.length) continue;
    parents += 1;
    assert.equal(score(r.id), sum(kids.map((k) => score(k.id)), 2), `${r.id}: 得分 = the sum of its children's`);
    assert.equal(sum([points(r.id)], 2), sum(kids.map((k) => points(k.id)), 2), `${r.id}: 分值 = the sum of its children's`);
  }
  assert.ok(parents >= 10, 'the parents were checked');
  const level1 = info.indicators.filter((r) => r.depth === 0);
  const total = printed.find((r) => r.id === 'total').cells;
  assert.equal(total[0], '合计');
  assert.equal(total[1], info.total_points);
  assert.equal(total[3], '91.73');
  assert.equal(total[3], sum(level1.map((r) => score(r.id)), 2), '合计 = the sum of the 一级指标 as printed');
  assert.deepEqual(
    printed.find((r) => r.id === 'grade').cells,
    ['评价等次', '优秀'],
  );
  // A deduction's reason is printed beside it (预算调整率 lost all 5 points).
  const adjust = info.indicators.find((r) => r.name === '预算调整率');
  assert.equal(score(adjust.id), '0.00');
  assert.match(byId.get(adjust.id).cells[6], /44\.95%/);

  // 基础数据: every declared input with its value; defaults marked.
  const data = await sheet.locator('.sheet-data tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.innerText.trim())));
  assert.equal(data.length, info.inputs.length);
  assert.deepEqual(data.find((r) => r[1] === '满意度').slice(1), ['满意度', '95%', '%']);
  assert.deepEqual(data.find((r) => r[1] === '编制数').slice(1), ['编制数', '76', '人']);
  assert.ok(data.some((r) => /（默认）$/.test(r[2])), 'a default value is marked as such');

  // Signature and date lines.
  const signatures = await sheet.locator('.signatures').innerText();
  for (const who of ['单位负责人（签字）：', '财务负责人（签字）：', '填报人（签字）：']) assert.ok(signatures.includes(who), signatures);
  assert.equal((signatures.match(/日期：/g) ?? []).length, 3);

  // No developer words and, in Chinese mode, no English.
  const text = await sheet.innerText();
  assert.doesNotMatch(text, /rust_decimal|二进制浮点|毫秒|\bms\b|jixiao|wasm|undefined|null|NaN/);
  assert.doesNotMatch(text, /[A-Za-z]{2,}/, 'no English words in the Chinese print');

  // The table header is repeated on each printed page.
  assert.equal(await sheet.locator('.sheet-table thead').evaluate((n) => getComputedStyle(n).display), 'table-header-group');
  assert.equal(await sheet.locator('.sheet-data thead').evaluate((n) => getComputedStyle(n).display), 'table-header-group');

  await page.screenshot({ path: path.join(RESULTS, 'print-sheet.png'), fullPage: true });
  const pdf = await page.pdf({ path: path.join(RESULTS, 'print-a4.pdf'), format: 'A4', preferCSSPageSize: true });
  const raw = pdf.toString('latin1');
  const boxes = [...raw.matchAll(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.ok(boxes.length >= 2, `an A4 table of ${info.indicators.length} indicators and ${info.inputs.length} inputs takes pages: ${boxes.length}`);
  for (const [w, h] of boxes) assert.ok(Math.abs(w - 595.92) < 1.5 && Math.abs(h - 842.88) < 1.5, `A4 page, not ${w}×${h}`);
  await page.emulateMedia({ media: 'screen' });
});

test('print before the figures are complete: the table with empty scores and a note, never stale figures', async (t) => {
  const page = await site.open(t, `?system=${SEED}&example=1`);
  await page.waitForFunction(() => document.querySelector('#total').textContent.trim() === '91.73');
  await page.locator('.field[data-input="编制数"] input').fill('');
  // No result for figures that are not complete (the page keeps no earlier one on screen).
  await page.waitForFunction(() => !document.body.classList.contains('has-result'));
  await page.emulateMedia({ media: 'print' });
  const printed = await printedRows(page);
  const indicators = printed.filter((r) => r.id !== 'total' && r.id !== 'grade');
  assert.equal(indicators.length, info.indicators.length);
  assert.ok(indicators.every((r) => r.cells[5] === ''), 'no score printed for figures not on screen');
  assert.equal(printed.find((r) => r.id === 'total').cells[3], '', 'no total');
  assert.equal(printed.find((r) => r.id === 'grade').cells[1], '', 'no grade');
  assert.match(await page.locator('#print-sheet .sheet-note').innerText(), /得分待计算/);
  assert.equal(await page.locator('#print-sheet .sheet-title').innerText(), '部门整体支出绩效自评表', 'no year: the title without it');
});

test('来源与说明: each built-in cites its official document in Chinese, no document-sharing site', async (t) => {
  const page = await site.open(t);
  for (const b of jx.builtins()) {
    await page.selectOption('#system-select', b.id);
    await page.waitForFunction((name) => document.querySelector('#system-name').textContent === name, b.name);
    await page.click('#system-notes-box summary');
    const source = await page.locator('#system-source').innerText();
    assert.match(source, /^来源：.*(《|“).*〔\d{4}〕\d+号/, `${b.id}: ${source}`);
    assert.doesNotMatch(source, /51dongshi|yzwku|wenku365|wanglu|as used by|public copies/, `${b.id}: ${source}`);
    await page.click('#system-notes-box summary'); // closed again for the next system
  }
});
