// The 中文 / English switch (issue 16, item 8): 中文 by default; in English no Han character is left
// on the page outside system data (names and texts the system has only in Chinese, the 单位名称
// typed by the user); the engine's explanations and errors come in English; the figures do not
// change; switching back restores the Chinese; the choice survives a reload. Screenshots of the
// English page at 1366 × 900 and 390 × 844 in out/test-results/.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import * as jx from '../out/pkg/index.js';
import { RESULTS, startSite } from './site.mjs';

const SEED = 'xiangxi-commerce-2019';
const system = jx.builtin(SEED);
const example = jx.builtinExample(SEED);
const zhEvaluation = system.evaluate(example, { lang: 'zh' });
const enEvaluation = system.evaluate(example, { lang: 'en' });
const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;

// System data: every text of the system (in both languages' info), of its example, and of its
// evaluation's data (names, na reasons), longest first so that a long name goes before its parts.
function texts(value, out = new Set()) {
  if (typeof value === 'string') {
    if (HAN.test(value)) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) texts(v, out);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) texts(v, out);
  }
  return out;
}
const SYSTEM_DATA = [
  ...texts([system.info('zh'), system.info('en'), example, enEvaluation.indicators.map((r) => [r.name, r.na_reason])]),
].sort((a, b) => b.length - a.length);

/** What of `text` is not system data: each system text taken out, and then each Han run left. */
function hanOutsideSystemData(text, extra = []) {
  let rest = text;
  for (const s of [...extra, ...SYSTEM_DATA]) rest = rest.replaceAll(s, ' ');
  // A phrase of system data quoted inside an English sentence ("judged “达成”") is taken out
  // above; what remains with Han characters, line by line, is page text not translated.
  return rest
    .split('\n')
    .filter((line) => HAN.test(line))
    .map((line) => line.trim());
}

let site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

async function rowScores(page) {
  return page.locator('#result-table tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.id, tr.querySelector('.c-score').textContent.trim()]));
}

test('中文 by default; English: page texts and explanations in English, figures unchanged; back to 中文; kept over a reload', async (t) => {
  const page = await site.open(t, `?system=${SEED}&example=1`);
  await page.waitForFunction(() => document.querySelector('#total').textContent.trim() === '91.73');
  await page.fill('#meta-unit', '湘西州商务局');
  await page.locator('#meta-unit').blur();
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  assert.equal(await page.locator('[data-set-lang="zh"]').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.locator('#result-title').innerText(), '自评结果');
  const zhScores = await rowScores(page);
  const zhBody = await page.locator('body').innerText();
  assert.equal(await page.locator('#explanation').textContent(), zhEvaluation.explanation);

  await page.click('[data-set-lang="en"]');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal(await page.locator('[data-set-lang="en"]').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.title(), 'Performance self-evaluation calculator · jixiao');
  assert.equal(await page.locator('#result-title').innerText(), 'Self-evaluation result');
  assert.equal(await page.locator('#clear-form').innerText(), 'Clear');
  // The figures as before, the grade by the system's English label, the explanation the engine's English.
  assert.equal((await page.locator('#total').textContent()).trim(), '91.73');
  assert.equal((await page.locator('#grade').textContent()).trim(), 'excellent');
  assert.deepEqual(await rowScores(page), zhScores);
  assert.equal(await page.locator('#explanation').textContent(), enEvaluation.explanation);
  const budget = enEvaluation.indicators.find((r) => r.name === '预算完成率');
  assert.match(budget.explanation, /percentage points below/);
  assert.equal(await page.locator(`#result-table tr[data-id="${budget.id}"] .why`).textContent(), budget.explanation);
  assert.equal(await page.locator('#system-name').innerText(), system.info('en').name_en);
  assert.equal((await page.locator('#status').innerText()).trim(), 'Calculated from the data as filled in.');

  // No Han character on the page outside system data and the 单位名称 the user typed (the input's
  // value is not in the text) — the language button's own name, 中文, aside.
  const enBody = await page.locator('body').innerText();
  const left = hanOutsideSystemData(enBody, ['中文']);
  assert.deepEqual(left, [], `untranslated page text:\n${left.join('\n')}`);
  // Attributes people read (titles, placeholders, labels) too.
  const attributes = await page.evaluate(() =>
    [...document.querySelectorAll('[title], [placeholder], [aria-label]')]
      .filter((n) => n.checkVisibility() && !n.closest('#project-templates'))
      .flatMap((n) => ['title', 'placeholder', 'aria-label'].map((a) => n.getAttribute(a)).filter(Boolean)),
  );
  const leftAttributes = attributes.flatMap((a) => hanOutsideSystemData(a, ['语言 / Language']));
  assert.deepEqual(leftAttributes, [], `untranslated attributes:\n${leftAttributes.join('\n')}`);

  await page.screenshot({ path: path.join(RESULTS, 'language-en-desktop.png'), fullPage: false });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(RESULTS, 'language-en-phone.png'), fullPage: false });
  await page.setViewportSize({ width: 1366, height: 900 });

  // An error of the engine on its field, in English.
  const satisfaction = page.locator('.field[data-input="满意度"]');
  await satisfaction.locator('input').fill('abc');
  await satisfaction.locator('.msg').waitFor();
  assert.match(await satisfaction.locator('.msg').innerText(), /is not a decimal number/);
  assert.doesNotMatch(await satisfaction.locator('.msg').innerText(), /input `/, 'without the name the field shows');
  assert.match(await page.locator('#status').innerText(), /1 input\(s\) wrong/);
  await satisfaction.locator('input').fill('95%');
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('Calculated'));

  // The choice survives a reload (the figures come back from the autosave).
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await page.locator('#result-title').innerText(), 'Self-evaluation result');
  await page.waitForFunction(() => document.querySelector('#total').textContent.trim() === '91.73');
  assert.equal(await page.locator('#explanation').textContent(), enEvaluation.explanation);

  // Back to 中文: the Chinese page again, figures unchanged.
  await page.click('[data-set-lang="zh"]');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  assert.equal(await page.locator('#result-title').innerText(), '自评结果');
  assert.equal((await page.locator('#grade').textContent()).trim(), '优秀');
  assert.equal(await page.locator('#explanation').textContent(), zhEvaluation.explanation);
  assert.deepEqual(await rowScores(page), zhScores);
  const back = await page.locator('body').innerText();
  for (const line of ['绩效自评计算器', '填报信息', '基础数据', '自评结果', '导出基础数据 CSV', '完整说明']) {
    assert.ok(back.includes(line) && zhBody.includes(line), line);
  }
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
});

test('English print: the 自评表 in English, figures as in Chinese', async (t) => {
  const page = await site.open(t, `?system=${SEED}&example=1`);
  await page.waitForFunction(() => document.querySelector('#total').textContent.trim() === '91.73');
  await page.click('[data-set-lang="en"]');
  await page.emulateMedia({ media: 'print' });
  const sheet = page.locator('#print-sheet');
  assert.equal(await sheet.locator('.sheet-title').innerText(), 'Department overall expenditure performance self-evaluation');
  assert.deepEqual(await sheet.locator('.sheet-table thead th').allInnerTexts(), [
    'Level 1',
    'Level 2',
    'Level 3',
    'Points',
    'Scoring standard',
    'Score',
    'Reason for deductions',
  ]);
  const total = await sheet.locator('tr[data-id="total"]').innerText();
  assert.match(total, /Total\s+100\s+91\.73/);
  assert.match(await sheet.locator('tr[data-id="grade"]').innerText(), /Grade\s+excellent/);
  const left = hanOutsideSystemData(await sheet.innerText());
  assert.deepEqual(left, [], `untranslated print text:\n${left.join('\n')}`);
  await page.emulateMedia({ media: 'screen' });
});

test('project mode in English: headers and status in English, scores as in Chinese', async (t) => {
  const page = await site.open(t, '?system=mof-project');
  await page.waitForFunction(() => /\d/.test(document.querySelector('#project-total')?.textContent ?? ''));
  const zhTotal = (await page.locator('#project-total').textContent()).trim();
  await page.click('[data-set-lang="en"]');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal((await page.locator('#project-total').textContent()).trim(), zhTotal);
  assert.equal((await page.locator('#project-grade').textContent()).trim(), 'excellent');
  const headers = await page.locator('#project-table thead th').allInnerTexts();
  assert.deepEqual(headers.slice(0, 4), ['No.', 'Level 1', 'Level 2', 'Level 3']);
  assert.equal(await page.locator('#project-status').innerText(), 'Calculated from the table as filled in.');
  assert.equal(await page.locator('#project-add-row').innerText(), 'Add indicator');
  await page.click('[data-set-lang="zh"]');
  assert.equal(await page.locator('#project-add-row').innerText(), '添加指标');
  assert.equal((await page.locator('#project-grade').textContent()).trim(), '优');
});
