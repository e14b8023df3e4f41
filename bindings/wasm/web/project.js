// Project mode of the calculator (项目支出绩效自评表): loaded only when a project template is
// chosen, with the package's `project` entry and its module, so that department mode neither
// downloads nor compiles any of it. The page sends the table
// as typed (every figure as text) and shows what the engine answers: each row's score, the
// subtotals, the total and the grade, or each problem on its row. It knows no scoring rule.

import { JixiaoError } from './pkg/index.js';
import { projectExample, projectTemplates, readProjectCsv, scoreProject } from './pkg/project.js';

import { $, el, showLoadErrors } from './app.js';
import { addStrings, applyStatic, lang, onLangChange, t } from './i18n.js';

addStrings({
  项目支出绩效自评: 'Project expenditure self-evaluation',
  项目基本情况: 'The project',
  项目名称: 'Project',
  主管部门: 'Competent department',
  实施单位: 'Implementing unit',
  年度: 'Year',
  '全年预算数（万元）': 'Full-year budget (10k yuan)',
  '全年执行数（万元）': 'Full-year spending (10k yuan)',
  预算执行率得分: 'Budget execution score',
  自评结果: 'Self-evaluation result',
  总分: 'Total',
  等级: 'Grade',
  绩效指标: 'Performance indicators',
  '（定性指标的“得分”为评价人在档内的评分；计算得分由引擎按模板计分）':
    "(a qualitative row's 得分 is the evaluator's score within its band; the computed score is the engine's, by the template)",
  添加指标: 'Add indicator',
  序号: 'No.',
  一级指标: 'Level 1',
  二级指标: 'Level 2',
  三级指标: 'Level 3',
  指标性质: 'Comparator',
  年度指标值: 'Target',
  实际完成值: 'Actual',
  分值: 'Points',
  得分: 'Score',
  偏差原因分析及改进措施: 'Reasons for deviation and improvements',
  计算得分: 'Computed score',
  删除: 'Remove',
  删除此行: 'Remove this row',
  完整说明: 'Full explanation',
  '如 ≥1200人': 'e.g. ≥1200人',
  '如 1236人、达成': 'e.g. 1236人, 达成',
  定性: 'qualitative',
  '指标性质；“—”表示写在年度指标值中（如 ≥1200人）': 'Comparator; "—": written into the target (e.g. ≥1200人)',
  '第{n}行{column}': 'row {n}, {column}',
  '请填写{names}。': 'Please fill in {names}.',
  资金情况未填写完整: 'The funds are not complete',
  '已按填写的项目表计算（{ms}毫秒）。': 'Calculated from the table as filled in.',
  '已按填写的项目表计算。': 'Calculated from the table as filled in.',
  '；各行得分为上次的计算结果': '; the row scores are the last result',
  '{column}“{value}”不是有效的数值': '{column} "{value}" is not a valid number',
  '{n}处有误，请按标红处修正': '{n} problem(s): please correct those marked in red',
  无法计算: 'Cannot calculate',
  未填写的指标行不计分: 'An empty row is not scored',
  '未填写的指标行，不计分': 'An empty row is not scored',
  '{year}年': '{year}',
  '编号 {id}': 'id {id}',
  '来源：{source}': 'Source: {source}',
  '{name}：无法读取项目表': '{name}: the project table cannot be read',
  '第{row}行': 'row {row}',
  全年预算数: 'the full-year budget',
  全年执行数: 'the full-year spending',
  '、': ', ',
  '。': '.',
  '：': ': ',
});

// The workspace of project mode, added to the page the first time it is chosen.
const WORKSPACE = `
<section id="project-workspace" class="project-workspace" hidden aria-label="项目支出绩效自评" data-i18n-attrs="aria-label">
  <section class="panel project-info" aria-labelledby="project-info-title">
    <h2 id="project-info-title" data-i18n>项目基本情况</h2>
    <div class="info-grid" id="project-info">
      <label class="info-field wide"><span data-i18n>项目名称</span><input type="text" data-info="项目名称"></label>
      <label class="info-field"><span data-i18n>主管部门</span><input type="text" data-info="主管部门"></label>
      <label class="info-field"><span data-i18n>实施单位</span><input type="text" data-info="实施单位"></label>
      <label class="info-field"><span data-i18n>年度</span><input type="text" data-info="年度" inputmode="numeric"></label>
      <label class="info-field"><span data-i18n>全年预算数（万元）</span><input type="text" data-fund="全年预算数" inputmode="decimal"></label>
      <label class="info-field"><span data-i18n>全年执行数（万元）</span><input type="text" data-fund="全年执行数" inputmode="decimal"></label>
      <div class="info-field execution"><span data-i18n>预算执行率得分</span><output id="project-execution">—</output></div>
    </div>
    <p id="project-funds-msg" class="msg" role="alert"></p>
    <p id="project-draft-note" class="draft-note" role="status" hidden></p>
  </section>

  <section class="panel project-result" aria-labelledby="project-result-title">
    <h2 id="project-result-title" class="visually-hidden" data-i18n>自评结果</h2>
    <div class="summary" aria-live="polite">
      <div class="total-box">
        <div class="label" data-i18n>总分</div>
        <div class="total"><output id="project-total">—</output><span class="of"> / <span id="project-full">—</span></span></div>
      </div>
      <div class="grade-box">
        <div class="label" data-i18n>等级</div>
        <div class="grade" id="project-grade">—</div>
      </div>
      <div class="status-box">
        <p id="project-status" class="status"></p>
        <ul id="project-errors" class="eval-errors"></ul>
        <p id="project-sections" class="sections"></p>
      </div>
    </div>
  </section>

  <section class="panel project-rows" aria-labelledby="project-rows-title">
    <div class="rows-head">
      <h2 id="project-rows-title"><span data-i18n>绩效指标</span> <span class="hint" data-i18n>（定性指标的“得分”为评价人在档内的评分；计算得分由引擎按模板计分）</span></h2>
      <button type="button" id="project-add-row" data-i18n>添加指标</button>
    </div>
    <div class="table-scroll">
      <table id="project-table" class="project-table">
        <thead>
          <tr>
            <th class="c-no" data-i18n>序号</th><th data-i18n>一级指标</th><th data-i18n>二级指标</th><th data-i18n>三级指标</th><th data-i18n>指标性质</th>
            <th data-i18n>年度指标值</th><th data-i18n>实际完成值</th><th class="c-num" data-i18n>分值</th><th class="c-num" data-i18n>得分</th>
            <th data-i18n>偏差原因分析及改进措施</th><th class="c-num" data-i18n>计算得分</th><th class="c-del"><span class="visually-hidden" data-i18n>删除</span></th>
          </tr>
        </thead>
        <tbody></tbody>
      </table>
    </div>
    <details class="explanation-box">
      <summary data-i18n>完整说明</summary>
      <pre id="project-explanation"></pre>
    </details>
  </section>
</section>
`;

const ps = {
  template: null, // the template as projectTemplates() gives it
  rows: [], // {tr, msgRow, msg, cells: {column → control}, score}
  extraFunds: {}, // 年初预算数 and the claimed 得分 of the funds block, kept as given
  claims: {}, // 总分 and 等次 as the project claims them, kept as given
  last: null, // the last evaluation shown
  name: '', // 项目名称 as last committed (change, not each key): the autosave's second key
  dirty: false, // changes by the user since the table was opened (the leave warning)
  saveTimer: null,
};

// The editable columns of an indicator row, in the table's order.
const COLUMNS = [
  { key: '一级指标', kind: 'level1' },
  { key: '二级指标', kind: 'level2' },
  { key: '三级指标', kind: 'text', wide: true },
  { key: '指标性质', kind: 'comparator' },
  { key: '年度指标值', kind: 'text', placeholder: '如 ≥1200人' },
  { key: '实际完成值', kind: 'text', placeholder: '如 1236人、达成' },
  { key: '分值', kind: 'number' },
  { key: '得分', kind: 'number', placeholder: '定性' },
  { key: '偏差原因分析及改进措施', kind: 'text', wide: true },
];
// 指标性质 as the engine reads it; blank: written into 年度指标值 (≥1200人).
const COMPARATORS = ['', '≥', '≤', '=', '>', '<', '定性'];

const english = () => lang() === 'en';

/** An engine error detail in the page's language (the engine writes both). */
const message = (d) => (english() ? d.message : (d.message_zh ?? d.message));

/** After a switch of language: the rows' labels, the header and the result again. */
function relabel() {
  if (!ps.template) return;
  for (const r of ps.rows) {
    for (const td of r.tr.querySelectorAll('td[data-column]')) td.dataset.label = t(td.dataset.column);
    r.tr.querySelector('td.c-no').dataset.label = t('序号');
    r.tr.querySelector('td.c-score').dataset.label = t('计算得分');
    const remove = r.tr.querySelector('button.remove');
    remove.textContent = t('删除');
    remove.title = t('删除此行');
    const comparator = r.cells.指标性质;
    comparator.title = t('指标性质；“—”表示写在年度指标值中（如 ≥1200人）');
    const qualitative = comparator.querySelector('option[value="定性"]');
    if (qualitative) qualitative.textContent = t('定性');
    for (const c of COLUMNS) if (c.placeholder) r.cells[c.key].placeholder = t(c.placeholder);
  }
  renumber();
  if (!document.body.classList.contains('mode-project')) return;
  renderHeader(ps.template);
  recompute();
}

/** The template's section a 一级指标 cell names (by name or alias), for its list of 二级指标. */
function sectionOf(name) {
  return ps.template.sections.find((s) => s.name === name || (s.aliases ?? []).includes(name));
}

/** Options for a select; a value the list lacks (an imported alias, a mistake) is kept as given. */
function fillSelect(select, values, current, labels = {}) {
  const list = values.includes(current) || current === undefined ? values : [...values, current];
  select.replaceChildren(...list.map((v) => el('option', { value: v, text: labels[v] ?? v })));
  select.value = current ?? values[0] ?? '';
}

function control(column, value, rowNo) {
  const label = t('第{n}行{column}', { n: rowNo, column: t(column.key) });
  switch (column.kind) {
    case 'level1': {
      const s = el('select', { 'aria-label': label });
      fillSelect(s, ps.template.sections.map((x) => x.name), value);
      return s;
    }
    case 'level2':
      return el('select', { 'aria-label': label });
    case 'comparator': {
      const s = el('select', { 'aria-label': label });
      fillSelect(s, COMPARATORS, value ?? '', { '': '—', 定性: t('定性') });
      s.title = t('指标性质；“—”表示写在年度指标值中（如 ≥1200人）');
      return s;
    }
    default:
      return el('input', {
        type: 'text',
        value: value ?? '',
        'aria-label': label,
        placeholder: column.placeholder && t(column.placeholder),
        inputmode: column.kind === 'number' ? 'decimal' : null,
      });
  }
}

/** Fills a row's 二级指标 list from its 一级指标, keeping the value when it is still allowed. */
function fillLevel2(row, value) {
  const children = sectionOf(row.cells.一级指标.value)?.children ?? [];
  fillSelect(row.cells.二级指标, children, value ?? (children.includes(row.cells.二级指标.value) ? row.cells.二级指标.value : children[0]));
}

function makeRow(data) {
  const row = { cells: {} };
  const no = el('td', { class: 'c-no', 'data-label': t('序号') });
  const tds = COLUMNS.map((c) => {
    const input = control(c, data[c.key], ps.rows.length + 1);
    row.cells[c.key] = input;
    return el('td', { class: `c-${c.kind}${c.wide ? ' wide' : ''}`, 'data-label': t(c.key), 'data-column': c.key }, input);
  });
  fillLevel2(row, data.二级指标);
  row.score = el('output', { text: '—' });
  const remove = el('button', { type: 'button', class: 'remove', title: t('删除此行'), text: t('删除') });
  row.tr = el(
    'tr',
    { class: 'indicator-row' },
    no,
    ...tds,
    el('td', { class: 'c-score', 'data-label': t('计算得分') }, row.score),
    el('td', { class: 'c-del' }, remove),
  );
  row.msg = el('td', { colspan: String(COLUMNS.length + 3), role: 'alert' });
  row.msgRow = el('tr', { class: 'row-msg', hidden: true }, row.msg);
  row.cells.一级指标.addEventListener('change', () => fillLevel2(row));
  remove.addEventListener('click', () => {
    ps.rows.splice(ps.rows.indexOf(row), 1);
    row.tr.remove();
    row.msgRow.remove();
    renumber();
    recompute();
    changed();
  });
  return row;
}

function renumber() {
  ps.rows.forEach((r, i) => {
    r.tr.firstChild.textContent = String(i + 1);
    for (const c of COLUMNS) r.cells[c.key].setAttribute('aria-label', t('第{n}行{column}', { n: i + 1, column: t(c.key) }));
  });
}

function addRow(data) {
  const row = makeRow(data);
  ps.rows.push(row);
  $('project-table').tBodies[0].append(row.tr, row.msgRow);
  renumber();
  return row;
}

/** Puts a project (as the engine reads it) into the form. */
function setProject(project) {
  for (const input of document.querySelectorAll('#project-info [data-info]')) {
    input.value = project.info?.[input.dataset.info] ?? '';
  }
  for (const input of document.querySelectorAll('#project-info [data-fund]')) {
    input.value = project.funds?.[input.dataset.fund] ?? '';
  }
  const { 全年预算数, 全年执行数, ...extra } = project.funds ?? {};
  ps.extraFunds = extra;
  ps.claims = Object.fromEntries(['总分', '等次'].filter((k) => project[k] !== undefined).map((k) => [k, project[k]]));
  ps.rows = [];
  $('project-table').tBodies[0].replaceChildren();
  for (const r of project.rows ?? []) addRow(r);
  ps.last = null;
  ps.name = project.info?.项目名称 ?? '';
}

// ---------------------------------------------------------------------------------------------
// Autosave, as department mode's (app.js): the table as typed is saved in the browser per
// template and 项目名称 a moment after each change, brought back when the template is opened
// again, and leaving the page with changes asks first (project mode writes no file, so a change
// is never "saved" in one).

const DRAFT = 'jixiao:project-draft:v1:'; // + template id + '|' + 项目名称 → {saved, project, dirty}
const LAST = 'jixiao:project-last:v1:'; // + template id → the 项目名称 last worked on

const store = {
  get(key) {
    try {
      const text = localStorage.getItem(key);
      return text === null ? null : JSON.parse(text);
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch {
      // storage full or off: the page works on without autosave
    }
  },
};

function saveDraft() {
  clearTimeout(ps.saveTimer);
  ps.saveTimer = null;
  if (!ps.template) return;
  store.set(`${DRAFT}${ps.template.id}|${ps.name}`, { saved: Date.now(), project: collect().project, dirty: ps.dirty });
  store.set(LAST + ps.template.id, ps.name);
}

/** A change: saved a moment later; `dirty`: the user's own work (an example is nobody's). */
function changed(dirty = true) {
  if (dirty) ps.dirty = true;
  clearTimeout(ps.saveTimer);
  ps.saveTimer = setTimeout(saveDraft, 300);
}

/** 项目名称 committed: the table on screen is now this project's; the previous keeps its save. */
function commitName(input) {
  const name = input.value.trim();
  if (name === ps.name) return;
  saveDraft();
  ps.name = name;
  changed();
}

function draftNote(draft) {
  const note = $('project-draft-note');
  if (!draft) {
    note.hidden = true;
    return;
  }
  const d = new Date(draft.saved);
  const p = (n) => String(n).padStart(2, '0');
  const at = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
  note.textContent = `已恢复上次填写的项目表（${at}${ps.name ? `，${ps.name}` : ''}）。`;
  note.hidden = false;
}

/** The autosave of a template (its last project), or null. */
function readDraft(id) {
  const name = store.get(LAST + id);
  const draft = typeof name === 'string' ? store.get(`${DRAFT}${id}|${name}`) : null;
  return draft && typeof draft === 'object' && draft.project && typeof draft.project === 'object' ? draft : null;
}

window.addEventListener('beforeunload', (e) => {
  if (!document.body.classList.contains('mode-project')) return;
  if (ps.saveTimer) saveDraft();
  if (ps.dirty) {
    e.preventDefault();
    e.returnValue = ''; // older browsers need it set
  }
});
window.addEventListener('pagehide', () => ps.saveTimer && saveDraft());

/** The form as a project for the engine: every figure as typed text, blank cells left out. */
function collect() {
  const info = {};
  for (const input of document.querySelectorAll('#project-info [data-info]')) {
    if (input.value.trim()) info[input.dataset.info] = input.value.trim();
  }
  const funds = { ...ps.extraFunds };
  const missing = [];
  for (const input of document.querySelectorAll('#project-info [data-fund]')) {
    const v = input.value.trim();
    if (v) funds[input.dataset.fund] = v;
    else missing.push(input);
  }
  const rows = ps.rows.map((r) => {
    const row = {};
    for (const c of COLUMNS) {
      const v = r.cells[c.key].value.trim();
      // 一级 … 实际完成值 are always given (blank is a value: a placeholder row); the rest when filled.
      if (v || ['一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值'].includes(c.key)) row[c.key] = v;
    }
    return row;
  });
  return { project: { info, funds, rows, ...ps.claims }, missing };
}

// ---------------------------------------------------------------------------------------------
// Scoring as the user types

function clearMessages() {
  $('project-errors').replaceChildren();
  $('project-funds-msg').textContent = '';
  for (const input of document.querySelectorAll('#project-info input')) input.removeAttribute('aria-invalid');
  for (const r of ps.rows) {
    r.msg.textContent = '';
    r.msgRow.hidden = true;
    r.tr.classList.remove('invalid');
    for (const td of r.tr.querySelectorAll('td.invalid')) td.classList.remove('invalid');
    for (const c of Object.values(r.cells)) c.removeAttribute('aria-invalid');
  }
}

function rowMessage(index, column, text) {
  const r = ps.rows[index];
  if (!r) return false;
  r.msg.textContent = r.msg.textContent ? `${r.msg.textContent}；${text}` : text;
  r.msgRow.hidden = false;
  r.tr.classList.add('invalid');
  const cell = column && r.cells[column];
  if (cell) {
    cell.setAttribute('aria-invalid', 'true');
    cell.closest('td').classList.add('invalid');
  }
  return true;
}

export function recompute() {
  if (!ps.template) return;
  clearMessages();
  const { project, missing } = collect();
  const status = $('project-status');
  if (missing.length) {
    for (const input of missing) input.setAttribute('aria-invalid', 'true');
    $('project-funds-msg').textContent = t('请填写{names}。', { names: missing.map((i) => t(i.dataset.fund)).join(t('、')) });
    return stale(t('资金情况未填写完整'));
  }
  let result;
  try {
    result = scoreProject(ps.template.id, project, { lang: lang() });
  } catch (e) {
    if (!(e instanceof JixiaoError)) throw e;
    return showError(e);
  }
  render(result);
  status.textContent = t('已按填写的项目表计算。'); // no timing on the page: it is a developer's figure
  status.className = 'status ok';
}

/** The last result stays, faded, with what is wrong now. */
function stale(what) {
  document.body.classList.toggle('project-stale', ps.last !== null);
  const status = $('project-status');
  status.className = 'status bad';
  status.textContent = `${what}${ps.last ? t('；各行得分为上次的计算结果') : ''}${t('。')}`;
}

function showError(e) {
  let located = 0;
  for (const d of e.errors) {
    const row = d.params?.row;
    // A project read from the page's JSON numbers its rows from 1 in the table's order.
    if (row !== undefined && rowMessage(Number(row) - 1, d.params.column, message(d))) {
      located += 1;
      continue;
    }
    // A cell the reader could not take (a figure that is not a number): `rows[2].分值 (…)`.
    const at = /^rows\[(\d+)\]\.(\S+)/.exec(d.path ?? '');
    if (at && ps.rows[Number(at[1])]) {
      const value = ps.rows[Number(at[1])].cells[at[2]]?.value ?? '';
      rowMessage(Number(at[1]), at[2], t('{column}“{value}”不是有效的数值', { column: t(at[2]), value }));
      located += 1;
      continue;
    }
    const fund = /^funds\.(\S+)/.exec(d.path ?? '');
    const input = fund && document.querySelector(`#project-info [data-fund="${fund[1]}"]`);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      $('project-funds-msg').textContent = t('{column}“{value}”不是有效的数值', { column: t(fund[1]), value: input.value.trim() });
      located += 1;
      continue;
    }
    $('project-errors').append(el('li', { text: message(d) }));
  }
  stale(located ? t('{n}处有误，请按标红处修正', { n: located }) : t('无法计算'));
}

function render(ev) {
  ps.last = ev;
  document.body.classList.remove('project-stale');
  $('project-total').textContent = ev.total;
  $('project-full').textContent = ev.full_points;
  const grade = $('project-grade');
  const stated = ps.template.grades.find((g) => g.label === ev.grade);
  grade.textContent = english() && stated?.label_en ? stated.label_en : ev.grade;
  grade.dataset.rank = String(ps.template.grades.findIndex((g) => g.label === ev.grade));
  const byId = new Map(ev.indicators.map((r) => [r.id, r]));
  const execution = byId.get('1');
  $('project-execution').textContent = execution ? `${execution.score} / ${execution.points}` : '—';
  $('project-sections').textContent = ev.indicators
    .filter((r) => r.depth === 0)
    .map((r) => `${r.name} ${r.score}/${r.points}`)
    .join(' · ');
  const scored = new Map(ev.rows.map((r) => [r.index, byId.get(r.indicator)]));
  ps.rows.forEach((row, i) => {
    const r = scored.get(i);
    row.score.textContent = r ? r.score : '—';
    row.score.title = r ? r.explanation : t('未填写的指标行，不计分');
    row.tr.classList.toggle('lost', Boolean(r && r.deductions.length));
    row.tr.classList.toggle('unscored', !r);
  });
  $('project-explanation').textContent = ev.explanation;
}

// ---------------------------------------------------------------------------------------------
// Opening a template, importing a table

function renderHeader(tpl) {
  $('system-header').hidden = false;
  $('system-name').textContent = tpl.name;
  $('system-meta').textContent = [tpl.issuer, t('项目支出绩效自评'), t('编号 {id}', { id: tpl.id })].filter(Boolean).join(' · ');
  $('system-notes-box').hidden = !tpl.source && !(tpl.notes ?? []).length;
  $('system-source').textContent = tpl.source ? t('来源：{source}', { source: tpl.source }) : '';
  $('system-notes').replaceChildren(...(tpl.notes ?? []).map((n) => el('li', { text: n })));
}

let wired = false;

/** Adds the workspace and its stylesheet to the page (once), wiring its controls. */
async function wire() {
  if (wired) return;
  wired = true;
  const css = el('link', { rel: 'stylesheet', href: new URL('./project.css', import.meta.url).href });
  const loaded = new Promise((resolve) => {
    css.addEventListener('load', resolve);
    css.addEventListener('error', resolve);
  });
  document.head.append(css);
  document.querySelector('.page-footer').insertAdjacentHTML('beforebegin', WORKSPACE);
  await loaded;
  const workspace = $('project-workspace');
  applyStatic(workspace);
  onLangChange(relabel);
  workspace.addEventListener('input', (e) => {
    // A select fires `change` too, after `input`: scored once, when its dependants are filled.
    if (e.target.tagName !== 'SELECT' && e.target.closest('#project-info, #project-table')) recompute();
    changed();
  });
  workspace.addEventListener('change', (e) => {
    if (e.target.tagName === 'SELECT') recompute();
    if (e.target.dataset.info === '项目名称') commitName(e.target);
    changed();
  });
  $('project-add-row').addEventListener('click', () => {
    const last = ps.rows.at(-1);
    const level1 = last?.cells.一级指标.value ?? ps.template.sections[0]?.name;
    const row = addRow({ 一级指标: level1, 二级指标: last?.cells.二级指标.value });
    row.cells.三级指标.focus();
    recompute();
    changed();
  });
  $('project-example').addEventListener('click', () => {
    if (ps.dirty && !confirm('用示例项目替换已填写的项目表？')) return;
    $('load-errors').hidden = true;
    saveDraft(); // the project on screen keeps its save under its 项目名称
    setProject(projectExample(ps.template.id));
    draftNote(null);
    ps.dirty = false;
    recompute();
    changed(false);
  });
  $('project-csv').addEventListener('change', (e) => {
    const file = e.target.files?.[0];
    if (file) importCsv(file).finally(() => (e.target.value = ''));
  });
}

async function importCsv(file) {
  const text = await file.text();
  let project;
  try {
    project = readProjectCsv(text);
  } catch (e) {
    if (!(e instanceof JixiaoError)) throw e;
    showLoadErrors(
      t('{name}：无法读取项目表', { name: file.name }),
      e.errors.map((d) => {
        // Where, as the table shows it; the message without the same words again.
        const at = d.params?.row ? `第${d.params.row}行${d.params.column ? `“${d.params.column}”` : ''}` : '';
        const text = message(d);
        const where = d.params?.row ? `${t('第{row}行', { row: d.params.row })}${d.params.column ? ` ${d.params.column}` : ''}` : '';
        return { path: english() ? where || '—' : at || '—', message: at && text.startsWith(`${at}：`) ? text.slice(at.length + 1) : text };
      }),
    );
    return;
  }
  $('load-errors').hidden = true;
  saveDraft();
  setProject(project);
  draftNote(null);
  recompute();
  changed();
}

/** Shows a built-in template with its bundled example project and scores it; false for an unknown id. */
export async function openProject(id) {
  const template = projectTemplates().find((t) => t.id === id);
  if (!template) return false;
  ps.template = template;
  await wire();
  $('project-workspace').hidden = false;
  $('load-errors').hidden = true;
  renderHeader(template);
  const draft = readDraft(template.id);
  setProject(draft?.project ?? projectExample(template.id));
  ps.dirty = Boolean(draft?.dirty);
  draftNote(draft);
  recompute();
  return true;
}
