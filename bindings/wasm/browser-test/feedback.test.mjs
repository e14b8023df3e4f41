// Feedback while filling (issue 16, item 4), in the browser: the points already determined and
// still open while the form is incomplete, each level field's band range and default, errors in
// Chinese on their fields, full-width digits read as the engine reads them, and no faded result
// of figures that were never the last ones. Every expected figure is the engine's own answer
// (the npm package in Node), never a number written here.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as jx from '../out/pkg/index.js';

import { field, harness, screenshots } from './harness.mjs';

const SEED = 'xiangxi-commerce-2019';
const example = jx.builtinExample(SEED);
const system = jx.IndicatorSystem.builtin(SEED);
const open = harness();

/** Exact sum of decimal strings (scaled BigInt: no binary floating point). */
function sum(list) {
  const places = Math.max(0, ...list.map((s) => (s.split('.')[1] ?? '').length));
  const total = list.reduce((a, s) => {
    const [i, f = ''] = s.split('.');
    return a + BigInt(i + f.padEnd(places, '0'));
  }, 0n);
  const text = total.toString().padStart(places + 1, '0');
  return places ? `${text.slice(0, -places)}.${text.slice(-places)}` : text;
}

async function openSeed(t, query = `?system=${SEED}`) {
  const page = await open(t, query);
  await page.waitForSelector('#inputs-form .field');
  return page;
}

const text = async (locator) => (await locator.textContent()).trim();

test('a partly filled form shows the points determined and still open, as the engine decides them, and they foot', async (t) => {
  const page = await openSeed(t);
  const typed = { 编制数: '76', 在职人员数: '80', 满意度: '92%', 经济效益: '达成' };
  for (const name of ['编制数', '在职人员数', '满意度']) await field(page, name).locator('input').pressSequentially(typed[name]);
  await field(page, '经济效益').locator('select').selectOption('达成');
  // A checklist is always a value on the page (no box ticked: none of its items), as it is sent.
  const checklists = Object.fromEntries(system.info().inputs.filter((i) => i.kind === 'checklist').map((i) => [i.name, i.default ?? []]));
  const expected = system.progress({ ...checklists, ...typed });
  await page.locator('#progress-determined').filter({ hasText: expected.determined }).waitFor();
  assert.equal(await text(page.locator('#total')), '—', 'no total before every figure is given');
  assert.equal(await text(page.locator('#progress-open')), expected.open_points);
  // The determined leaves listed with the engine's stated scores; the sum shown is theirs.
  const listed = await page.locator('#progress-determined-list li').evaluateAll((lis) => lis.map((li) => [li.dataset.id, li.dataset.score]));
  const scored = expected.leaves.filter((l) => l.state === 'scored' && !l.bonus);
  assert.deepEqual(listed, scored.map((l) => [l.id, l.score]));
  assert.equal(sum(listed.map(([, s]) => s)), await text(page.locator('#progress-determined')), 'the determined points foot');
  // The leaves typed for are among them, with the full evaluation's score of the same figures.
  const full = system.evaluate({ ...example, ...typed });
  for (const id of ['1.1.1', '4.1.1', '4.1.4']) {
    assert.ok(listed.some(([x]) => x === id), `${id} is determined`);
    assert.equal(listed.find(([x]) => x === id)[1], full.indicators.find((r) => r.id === id).score);
    assert.equal(await text(page.locator(`#result-table tr[data-id="${id}"] .c-score`)), full.indicators.find((r) => r.id === id).score);
  }
  // The open ones with their points and the fields they wait for.
  const openLeaves = expected.leaves.filter((l) => l.state === 'open' && !l.bonus);
  assert.equal(await page.locator('#progress-open-list li').count(), openLeaves.length);
  const budget = openLeaves.find((l) => l.id === '2.1.1');
  assert.ok(budget.needs.includes('年初预算'));
  assert.match(await text(page.locator('#progress-open-list li[data-id="2.1.1"]')), new RegExp(`预算完成率（${budget.points}分）.*待填写：.*年初预算`));
  assert.equal(sum([expected.determined_points, expected.open_points]), system.info().total_points);
  await screenshots(page, 'feedback-partial', page.locator('#progress'));
});

test('a level field shows its band range and default from the system; 部分达成 without a score is told on its field, in Chinese', async (t) => {
  const page = await openSeed(t, `?system=${SEED}&example=1`);
  await page.waitForFunction(() => document.querySelector('#total').textContent.trim() === '91.73');
  const bands = system.levelBands().find((b) => b.input === '经济效益').bands;
  const partly = bands.find((b) => b.level === '部分达成');
  const met = bands.find((b) => b.level === '达成');
  const eco = field(page, '经济效益');
  const hint = eco.locator('.band-hint');
  assert.equal(await text(hint), `达成：本档 ${met.min}–${met.max} 分，不填按 ${met.default} 分计`);
  await eco.locator('select').selectOption('部分达成');
  assert.equal(partly.default, null);
  assert.equal(await text(hint), `部分达成：本档 ${partly.min}–${partly.max} 分（不含 ${partly.max} 分），须填写档内得分`);
  assert.match(await eco.locator('input.level-score').getAttribute('placeholder'), /必填/);
  // The engine's Chinese on the field; the status says where, not "得分超出允许范围", and no English.
  let engineSays;
  try {
    system.evaluate({ ...example, 经济效益: '部分达成' });
  } catch (e) {
    engineSays = e.messageZh;
  }
  assert.ok(engineSays);
  await eco.locator('.msg').filter({ hasText: engineSays }).waitFor();
  const status = await text(page.locator('#status'));
  assert.doesNotMatch(status, /得分超出允许范围/);
  assert.match(status, /标红处/);
  assert.equal(await page.locator('#eval-errors li').count(), 0);
  for (const s of [status, await text(eco.locator('.msg'))]) assert.doesNotMatch(s, /[A-Za-z]{3,}/, `no English: ${s}`);
  // The other leaves still count: the progress shows them, 4.1.1 open with the engine's reason.
  assert.equal(await text(page.locator('#progress-open')), '2');
  await screenshots(page, 'feedback-band', eco);
  // A score within the band: the engine's total.
  await eco.locator('input.level-score').pressSequentially('1.2');
  const expected = system.evaluate({ ...example, 经济效益: { level: '部分达成', score: '1.2' } });
  await page.locator('#total').filter({ hasText: expected.total }).waitFor();
  assert.equal(await eco.locator('.msg').isVisible(), false);
  assert.equal(await page.locator('#progress').isVisible(), false, 'the full result replaces the progress');
});

test('full-width digits are read as the engine reads them (one rule, the engine’s), as 95 ％ is', async (t) => {
  const page = await openSeed(t, `?system=${SEED}&example=1`);
  await page.waitForFunction(() => document.querySelector('#total').textContent.trim() === '91.73');
  for (const [name, typed, plain] of [
    ['满意度', '９５％', '95%'],
    ['满意度', '95 ％', '95%'],
    ['年初预算', '１２３４.５', '1234.5'],
    ['年初预算', '１２３４．５', '1234.5'],
  ]) {
    // The engine itself reads the full-width text as its half-width form.
    assert.equal(jx.parseDecimal(typed), jx.parseDecimal(plain));
    const expected = system.evaluate({ ...example, [name]: plain }).total;
    assert.equal(system.evaluate({ ...example, [name]: typed }).total, expected);
    const box = field(page, name).locator('input');
    await box.fill(typed);
    await page.locator('#status.ok').waitFor();
    assert.equal(await text(page.locator('#total')), expected, `${name} ${typed}`);
    assert.equal(await field(page, name).locator('.msg').isVisible(), false);
    assert.equal(await box.inputValue(), typed, 'kept as typed');
    await box.fill(example[name]);
  }
  // A text the engine refuses is refused on the field, in Chinese.
  await field(page, '年初预算').locator('input').fill('１２３４元');
  const msg = field(page, '年初预算').locator('.msg');
  await msg.waitFor();
  assert.doesNotMatch(await text(msg), /[A-Za-z]{3,}/);
});

test('a half-typed value shows no faded result that was never the last one', async (t) => {
  const page = await openSeed(t, `?system=${SEED}&example=1`);
  await page.waitForFunction(() => document.querySelector('#total').textContent.trim() === '91.73');
  await field(page, '年初预算').locator('input').fill('');
  await field(page, '年初预算').locator('input').pressSequentially('20x');
  await field(page, '年初预算').locator('.msg').waitFor();
  assert.equal(await text(page.locator('#total')), '—');
  assert.equal(await page.locator('body.stale').count(), 0);
  assert.doesNotMatch(await text(page.locator('#status')), /上次/);
  // What the other figures decide is shown instead, as the engine says with 年初预算 not given.
  const { 年初预算: _, ...rest } = example;
  const expected = system.progress(rest);
  await page.locator('#progress-determined').filter({ hasText: expected.determined }).waitFor();
  assert.equal(await text(page.locator('#progress-open')), expected.open_points);
  assert.match(await text(page.locator('#progress-open-list li[data-id="2.1.1"] .needs')), /^待修正：年初预算$/);
  await screenshots(page, 'feedback-half-typed', page.locator('#progress'));
});
