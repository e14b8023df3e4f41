// Scenarios and target search (issue 16, item 6) and project mode's autosave, in the browser.
// Every expected figure is the engine's own answer (the npm package in Node).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as jx from '../out/pkg/index.js';

import { field, harness, screenshots } from './harness.mjs';

const SEED = 'xiangxi-commerce-2019';
const example = jx.builtinExample(SEED);
const system = jx.IndicatorSystem.builtin(SEED);
const open = harness();

const text = async (locator) => (await locator.textContent()).trim();

async function openSeedExample(t) {
  const page = await open(t, `?system=${SEED}&example=1`);
  await page.waitForFunction(() => document.querySelector('#total').textContent.trim() === '91.73');
  return page;
}

async function saveScenario(page, name) {
  await page.fill('#scenario-name', name);
  await page.click('#scenario-save');
  await page.locator('#scenario-msg').filter({ hasText: `已保存方案“${name}”` }).waitFor();
}

test('scenarios: saved, kept over a reload, compared indicator by indicator as the engine compares them; loaded and deleted', async (t) => {
  const page = await openSeedExample(t);
  await page.locator('#scenario-box summary').click();
  await saveScenario(page, '原方案');
  const changed = { ...example, 满意度: '90%', 年末结余: '300' };
  const expectedB = system.evaluate(changed);
  for (const name of ['满意度', '年末结余']) await field(page, name).locator('input').fill(changed[name]);
  await page.locator('#total').filter({ hasText: expectedB.total }).waitFor();
  await saveScenario(page, '调整后');

  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  await page.locator('#scenario-box summary').click();
  assert.deepEqual(await page.locator('#scenario-list li').evaluateAll((lis) => lis.map((li) => li.dataset.name)), ['原方案', '调整后']);
  await page.selectOption('#scenario-a', '原方案');
  await page.selectOption('#scenario-b', '调整后');
  await page.click('#scenario-compare');
  const c = system.analyze({ compare: { a: example, b: changed } });
  assert.ok(c.changed.length >= 2, 'the two scenarios differ on at least two indicators');
  assert.notEqual(c.total_change, '0', 'and in total');
  const table = page.locator('#scenario-table');
  await table.waitFor();
  // Every score as the system states it (the engine's evaluation of each scenario: 13.00, not
  // 13), equal in value to the engine's comparison.
  const statedOf = (inputs) => {
    const ev = system.evaluate(inputs);
    return { total: ev.total, scores: new Map([...ev.indicators, ...ev.bonus].map((r) => [r.id, r.score])) };
  };
  const [sa, sb] = [statedOf(example), statedOf(changed)];
  for (const r of c.rows) {
    const row = table.locator(`tr[data-id="${r.id}"]`);
    const [shownA, shownB] = [await text(row.locator('.a')), await text(row.locator('.b'))];
    assert.equal(shownA, sa.scores.get(r.id) ?? r.a ?? '—', `${r.id} A`);
    assert.equal(shownB, sb.scores.get(r.id) ?? r.b ?? '—', `${r.id} B`);
    if (r.a !== null) assert.equal(jx.compareDecimals(shownA, r.a), 0, `${r.id} A is the comparison's value`);
    if (r.b !== null) assert.equal(jx.compareDecimals(shownB, r.b), 0, `${r.id} B is the comparison's value`);
    assert.match(shownA, /^\d+\.\d{2}$/, `${r.id} A stated to 0.01`);
    assert.equal(await row.evaluate((tr) => tr.classList.contains('changed')), c.changed.includes(r.id), `${r.id} marked changed`);
  }
  assert.equal(await text(table.locator('.total-row .a')), sa.total);
  assert.equal(await text(table.locator('.total-row .b')), sb.total);
  assert.equal(await text(table.locator('.grade-row .a')), c.grade_a);
  assert.equal(await text(table.locator('.grade-row .b')), c.grade_b);
  assert.equal(c.total_a, '91.73');
  assert.equal(c.total_b, expectedB.total);
  await screenshots(page, 'scenarios-compare', page.locator('#scenario-result'));

  // Loading 原方案 puts its figures back (after asking), and the engine's total with them.
  page.once('dialog', (d) => d.accept());
  await page.locator('#scenario-list li[data-name="原方案"] .load').click();
  await page.locator('#total').filter({ hasText: '91.73' }).waitFor();
  assert.equal(await field(page, '满意度').locator('input').inputValue(), example.满意度);
  page.once('dialog', (d) => d.accept());
  await page.locator('#scenario-list li[data-name="调整后"] .delete').click();
  assert.deepEqual(await page.locator('#scenario-list li').evaluateAll((lis) => lis.map((li) => li.dataset.name)), ['原方案']);
  assert.equal(await page.locator('#scenario-compare').isDisabled(), true);
});

test('target search: what 年末结余 must be for 预算完成率 to get its full points, as the engine answers', async (t) => {
  const page = await openSeedExample(t);
  await page.locator('#target-box summary').click();
  await page.selectOption('#target-input', '年末结余');
  const leaf = system.info().indicators.find((r) => r.name === '预算完成率');
  await page.selectOption('#target-goal', `indicator:${leaf.points}:${leaf.id}`);
  assert.match(await text(page.locator('#target-goal option:checked')), /“预算完成率”得满分/);
  await page.click('#target-run');
  const answer = system.analyze({ target: { inputs: example, input: '年末结余', goal: { indicator: leaf.id, score: leaf.points } } });
  assert.ok(answer.required, 'the engine finds a value');
  await page.locator('#target-result').filter({ hasText: answer.message }).waitFor();
  await screenshots(page, 'target-search', page.locator('#target-box'));
});

test('project mode autosaves per template and 项目名称, restores after a reload, and asks before leaving', async (t) => {
  const page = await open(t, '?system=mof-project');
  await page.waitForSelector('#project-table tbody tr');
  await page.waitForFunction(() => document.querySelector('#project-total').textContent.trim() !== '—');
  const name = page.locator('#project-info [data-info="项目名称"]');
  await name.fill('某某县农村公路养护项目');
  await name.dispatchEvent('change');
  const note = page.locator('#project-table tbody tr.indicator-row').first().locator('td[data-column="偏差原因分析及改进措施"] input');
  await note.fill('已按计划完成');
  const spent = page.locator('#project-info [data-fund="全年执行数"]');
  const before = await text(page.locator('#project-total'));
  await spent.fill(String(Number.parseInt(await spent.inputValue(), 10) - 5)); // an integer of 万元, 5 less
  await page.waitForFunction((b) => document.querySelector('#project-total').textContent.trim() !== b, before);
  const spentValue = await spent.inputValue();
  const total = await text(page.locator('#project-total'));
  const wouldAsk = () =>
    page.evaluate(() => {
      const e = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(e);
      return e.defaultPrevented;
    });
  assert.equal(await wouldAsk(), true, 'leaving with changes asks');
  page.on('dialog', (d) => d.accept());
  await page.goto(page.url().replace(/\?.*$/, '')); // a plain address: the template last used reopens
  await page.waitForSelector('html[data-ready="true"]');
  await page.waitForSelector('#project-table tbody tr');
  assert.equal(await page.locator('#project-info [data-info="项目名称"]').inputValue(), '某某县农村公路养护项目');
  assert.equal(await page.locator('#project-table tbody tr.indicator-row').first().locator('td[data-column="偏差原因分析及改进措施"] input').inputValue(), '已按计划完成');
  assert.equal(await page.locator('#project-info [data-fund="全年执行数"]').inputValue(), spentValue);
  assert.equal(await text(page.locator('#project-total')), total);
  assert.match(await text(page.locator('#project-draft-note')), /已恢复上次填写的项目表（.*某某县农村公路养护项目）/);
  await screenshots(page, 'project-restored', page.locator('#project-draft-note'));
});
