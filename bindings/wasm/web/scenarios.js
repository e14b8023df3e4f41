// Scenarios (issue 16, item 6): the current figures saved under a name in the browser's storage,
// per system; listed, loaded, deleted; two of them compared indicator by indicator by the engine's
// comparison (system.analyze({compare})). The page computes no score: each figure shown is the
// engine's.

import { $, el } from './app.js';
import { addStrings, t } from './i18n.js';

addStrings({
  '方案': 'Scenario',
  '请先把基础数据填写完整、无误，再保存方案。': 'Fill in every figure without errors before saving a scenario.',
  '请填写方案名称。': 'Enter a name for the scenario.',
  '已保存方案': 'Scenario saved',
  '已有同名方案，是否覆盖？': 'A scenario of this name exists. Replace it?',
  '载入': 'Load',
  '删除': 'Delete',
  '删除方案': 'Delete scenario',
  '用方案的数据替换当前填写的数据？': "Replace the figures in the form with the scenario's?",
  '尚未保存方案。': 'No scenario saved yet.',
  '请选择两个不同的方案。': 'Choose two different scenarios.',
  '编号': 'No.',
  '指标': 'Indicator',
  '分值': 'Points',
  '变化': 'Change',
  '总分': 'Total',
  '等级': 'Grade',
  '无法比较：': 'Cannot compare: ',
  '{n}项指标有变化': '{n} indicators changed',
  '已载入方案': 'Scenario loaded: ',
  '已删除方案': 'Scenario deleted: ',
  '本机浏览器不允许保存（存储已满或已关闭），方案未保存。': 'This browser does not allow saving (storage full or off): the scenario was not saved.',
});

const KEY = 'jixiao:scenarios:v1:'; // + system key → [{name, saved, inputs, total, grade}]

let page = null; // {current(), system(), load(values)}
let systemKey = null;

function read() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY + systemKey) ?? '[]');
    return Array.isArray(list) ? list.filter((s) => s && typeof s.name === 'string' && s.inputs) : [];
  } catch {
    return [];
  }
}

function write(list) {
  try {
    localStorage.setItem(KEY + systemKey, JSON.stringify(list));
    return true;
  } catch {
    return false; // storage off or full: nothing saved, and the message says so
  }
}

function when(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getMonth() + 1}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

function say(text) {
  $('scenario-msg').textContent = text;
}

function render() {
  const list = read();
  $('scenario-list').replaceChildren(
    ...list.map((s, i) =>
      el(
        'li',
        { 'data-name': s.name },
        el('span', { class: 'name', text: s.name }),
        el('span', { class: 'figures', text: `${s.total} / ${s.grade}` }),
        el('span', { class: 'when', text: when(s.saved) }),
        el('button', { type: 'button', class: 'load', text: t('载入'), onclick: () => load(i) }),
        el('button', { type: 'button', class: 'delete', text: t('删除'), 'aria-label': `${t('删除方案')}“${s.name}”`, onclick: () => remove(i) }),
      ),
    ),
  );
  $('scenario-empty').hidden = list.length > 0;
  for (const [id, pick] of [['scenario-a', 0], ['scenario-b', 1]]) {
    const select = $(id);
    const keep = select.value;
    select.replaceChildren(...list.map((s) => el('option', { value: s.name, text: s.name })));
    select.value = list.some((s) => s.name === keep) ? keep : (list[Math.min(pick, list.length - 1)]?.name ?? '');
  }
  $('scenario-compare').disabled = list.length < 2;
}

function save() {
  const now = page.current();
  if (!now) return say(t('请先把基础数据填写完整、无误，再保存方案。'));
  const name = $('scenario-name').value.trim();
  if (!name) return say(t('请填写方案名称。'));
  const list = read();
  const at = list.findIndex((s) => s.name === name);
  if (at >= 0 && !confirm(`“${name}”：${t('已有同名方案，是否覆盖？')}`)) return;
  const entry = { name, saved: Date.now(), inputs: now.inputs, total: now.evaluation.total, grade: now.evaluation.grade };
  if (at >= 0) list[at] = entry;
  else list.push(entry);
  if (!write(list)) return say(t('本机浏览器不允许保存（存储已满或已关闭），方案未保存。'));
  say(`${t('已保存方案')}“${name}”。`);
  render();
}

function load(i) {
  const s = read()[i];
  if (!s) return;
  if (!confirm(`“${s.name}”：${t('用方案的数据替换当前填写的数据？')}`)) return;
  page.load(s.inputs);
  say(`${t('已载入方案')}“${s.name}”。`);
}

function remove(i) {
  const list = read();
  const s = list[i];
  if (!s || !confirm(`${t('删除方案')}“${s.name}”？`)) return;
  list.splice(i, 1);
  write(list);
  say(`${t('已删除方案')}“${s.name}”。`);
  render();
}

/** The two scenarios side by side, as the engine compares them: each indicator, totals, grades. */
function compare() {
  const list = read();
  const a = list.find((s) => s.name === $('scenario-a').value);
  const b = list.find((s) => s.name === $('scenario-b').value);
  const out = $('scenario-result');
  if (!a || !b || a === b) {
    out.replaceChildren(el('p', { class: 'msg', text: t('请选择两个不同的方案。') }));
    return;
  }
  let c;
  let stated;
  try {
    c = page.system().analyze({ compare: { a: a.inputs, b: b.inputs } });
    // The comparison gives each figure in its shortest form; the page shows every score as the
    // system states it (13.00, not 13), taken from the engine's evaluation of each scenario, and
    // each change with the places of its two scores.
    stated = [a, b].map((s) => {
      const ev = page.system().evaluate(s.inputs);
      return { total: ev.total, scores: new Map([...ev.indicators, ...ev.bonus].map((r) => [r.id, r.score])) };
    });
  } catch (e) {
    out.replaceChildren(el('p', { class: 'msg', text: `${t('无法比较：')}${e.messageZh ?? e.message}` }));
    return;
  }
  const places = (d) => (d ?? '').split('.')[1]?.length ?? 0;
  // A decimal string with at least `n` places (text only: the figure is never a float).
  const padded = (d, n) => {
    if (d === null || d === undefined || n === 0) return d;
    const [whole, frac = ''] = d.split('.');
    return `${whole}.${frac.padEnd(n, '0')}`;
  };
  const [sa, sb] = stated;
  const sign = (d) => (d === null ? '—' : d.startsWith('-') ? d.replace('-', '−') : /^0(\.0+)?$/.test(d) ? d : `+${d}`);
  const changed = new Set(c.changed);
  out.replaceChildren(
    el('p', { class: 'compare-summary', text: `${a.name} → ${b.name}：${t('总分')} ${sa.total} → ${sb.total}（${sign(padded(c.total_change, Math.max(places(sa.total), places(sb.total))))}），${c.grade_a} → ${c.grade_b}；${t('{n}项指标有变化', { n: c.changed.length })}。` }),
    el(
      'div',
      { class: 'table-scroll' },
      el(
        'table',
        { id: 'scenario-table', class: 'compare-table' },
        el(
          'thead',
          {},
          el('tr', {}, ...[t('编号'), t('指标'), t('分值'), a.name, b.name, t('变化')].map((h) => el('th', { text: h }))),
        ),
        el(
          'tbody',
          {},
          c.rows.map((r) =>
            el(
              'tr',
              { 'data-id': r.id, class: `depth-${Math.min(r.depth, 3)}${changed.has(r.id) ? ' changed' : ''}` },
              el('td', { text: r.id }),
              el('td', { text: r.name }),
              el('td', { class: 'num', text: r.points }),
              el('td', { class: 'num a', text: sa.scores.get(r.id) ?? r.a ?? '—' }),
              el('td', { class: 'num b', text: sb.scores.get(r.id) ?? r.b ?? '—' }),
              el('td', {
                class: 'num change',
                text: sign(padded(r.change, Math.max(places(sa.scores.get(r.id)), places(sb.scores.get(r.id))))),
              }),
            ),
          ),
          el(
            'tr',
            { class: 'total-row' },
            el('td', {}),
            el('td', { text: t('总分') }),
            el('td', {}),
            el('td', { class: 'num a', text: sa.total }),
            el('td', { class: 'num b', text: sb.total }),
            el('td', { class: 'num change', text: sign(padded(c.total_change, Math.max(places(sa.total), places(sb.total)))) }),
          ),
          el(
            'tr',
            { class: 'grade-row' },
            el('td', {}),
            el('td', { text: t('等级') }),
            el('td', {}),
            el('td', { class: 'a', text: c.grade_a }),
            el('td', { class: 'b', text: c.grade_b }),
            el('td', {}),
          ),
        ),
      ),
    ),
  );
}

/** Wires the scenario box once; `api`: {current(), system(), load(values)}. */
export function setupScenarios(api) {
  page = api;
  $('scenario-save').addEventListener('click', save);
  $('scenario-compare').addEventListener('click', compare);
  $('scenario-name').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') save();
  });
}

/** The scenarios of the system in use (its autosave key). */
export function scenariosFor(key) {
  systemKey = key;
  say('');
  $('scenario-result').replaceChildren();
  render();
}
