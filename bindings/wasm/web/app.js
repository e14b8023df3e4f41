// 绩效自评计算器: the calculator page. Plain JS over the jixiao package (./pkg/index.js); every
// score, deduction, subtotal, total and grade comes from the engine (WebAssembly, client-side).
// This file builds the form from the system's declared inputs, sends what the user typed as text,
// and shows what the engine answers. It knows no scoring rule.

import {
  IndicatorSystem,
  JixiaoError,
  builtinExample,
  builtins,
  version,
} from './pkg/index.js';

import { addStrings, applyStatic, lang, onLangChange, setLang, t } from './i18n.js';
import { PAGE_STRINGS } from './strings.js';

addStrings(PAGE_STRINGS);
import { hideProgress, setupFeedback, showProgress, updateBandHint } from './feedback.js';
import { scenariosFor, setupScenarios } from './scenarios.js';

const timing = { ready: performance.now(), firstResult: null, firstEvaluateMs: null };
window.__jixiao = timing;
performance.mark('jixiao:ready');

export const $ = (id) => document.getElementById(id);

/** A decimal string without trailing zeros after the point (`"4.50"` → `"4.5"`), as text. */
const trimZeros = (s) => (typeof s === 'string' && s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);

const state = {
  system: null, // IndicatorSystem
  info: null, // SystemInfo
  builtinId: null,
  fields: new Map(), // input name → {input, root, controls..., msg}
  touched: new Set(),
  showAllMissing: false,
  lastInputs: null,
  lastEvaluation: null,
  fresh: false,
  systemKey: null, // the autosave's name of the system: the built-in's id, or file:ID
  selected: '', // the system list's value in use (the list is put back to it when a switch is declined)
  unit: '', // 单位名称 as last committed (change, not each key): the autosave's second key
  dirty: false, // changes not yet in an exported file (the leave warning)
  saveTimer: null,
};

const KIND_TITLES = {
  syntax: '指标体系文件格式错误',
  validation: '指标体系有错误',
  inputs: '基础数据有误',
  missing_input: '缺少计算所需的数据',
  arithmetic: '计算出错',
  overflow: '数值超出精确计算范围',
  metric_out_of_range: '计算值超出允许范围',
  score: '得分超出允许范围',
  all_excluded: '所有指标均不适用，无法形成总分',
  check: '基础数据勾稽关系不符',
  request: '请求有误',
};
const kindTitle = (kind, fallback) => t(KIND_TITLES[kind] ?? fallback);

// ---------------------------------------------------------------------------------------------
// Language: the page's texts through t(); the engine's texts in the engine's language (`lang`);
// names from the system in English where the system gives one, else as the system has them.

const english = () => lang() === 'en';

/** An engine error detail in the page's language (the engine writes both). */
const message = (d) => (english() ? d.message : (d.message_zh ?? d.message));

/** A grade as the system names it in the page's language. */
function gradeLabel(label) {
  if (!english()) return label;
  return state.info?.grades.find((g) => g.label === label)?.label_en ?? label;
}

function builtinLabel(b) {
  const name = english() && b.name_en ? b.name_en : b.name;
  const extra = english() ? (b.year ? String(b.year) : null) : [b.region, b.year ? `${b.year}年` : null].filter(Boolean).join(' · ');
  return extra ? t('{name}（{extra}）', { name, extra }) : name;
}

/** After a switch of language: every text of the page again, the figures as they are. */
function relabel() {
  for (const option of $('system-select').options) {
    const b = builtinsById.get(option.value);
    if (b) option.textContent = builtinLabel(b);
  }
  if (state.system && !document.body.classList.contains('mode-project')) {
    const values = formValues();
    const touched = new Set(state.touched);
    state.info = state.system.info(lang());
    renderHeader(state.info);
    buildForm(state.info);
    setInputs(values);
    for (const name of touched) state.touched.add(name);
    fillTargetForm(state.info);
    renderTable(state.info, null);
    renderChart(null);
    if (state.lastEvaluation && !state.fresh) {
      // The last result stays on screen, faded, in the new language: evaluated again from the
      // inputs it came from.
      try {
        state.lastEvaluation = state.system.evaluate(state.lastInputs, { lang: lang() });
        renderResult(state.lastEvaluation);
      } catch (e) {
        if (!(e instanceof JixiaoError)) throw e;
      }
    }
    recompute();
  }
  setEngineStatus(t('计算引擎已就绪'));
  $('engine-status').title = t('加载用时 {ms} ms', { ms: Math.round(timing.ready) });
  showDraftNote(...draftNote);
  renderPrintSheet();
}

const builtinsById = new Map();

// ---------------------------------------------------------------------------------------------
// Small DOM helpers

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) node.append(c);
  }
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---------------------------------------------------------------------------------------------
// Choosing a system

function setEngineStatus(text, bad = false) {
  const s = $('engine-status');
  s.textContent = text;
  s.classList.toggle('bad', bad);
}

function fillBuiltinList() {
  const select = $('system-select');
  const projects = $('project-templates'); // the project templates' group stays last
  for (const b of builtins()) {
    builtinsById.set(b.id, b);
    select.insertBefore(el('option', { value: b.id, text: builtinLabel(b) }), projects);
  }
  select.disabled = false;
}

export function showLoadErrors(title, errors) {
  const box = $('load-errors');
  box.replaceChildren(
    el('h2', { text: title }),
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, el('th', { text: t('位置') }), el('th', { text: t('说明') }))),
      el(
        'tbody',
        {},
        errors.map((e) =>
          el(
            'tr',
            {},
            el('td', { class: 'path', text: e.position ? t('{path}（第{n}个字符）', { path: e.path, n: e.position }) : e.path || '—' }),
            el('td', { text: message(e) }),
          ),
        ),
      ),
    ),
  );
  box.hidden = false;
}

// ---------------------------------------------------------------------------------------------
// Project mode (项目支出绩效自评表): its code (project.js), markup and stylesheet (project.css) and
// module (pkg/project.js, the engine with project scoring) loaded only when a project template is
// chosen. The templates' group of the
// system list is written in index.html, so that listing them loads nothing either (the browser
// test checks it against the module's list).

/** Shows project mode or department mode: their tools and workspaces. */
function setProjectMode(on) {
  document.body.classList.toggle('mode-project', on);
  for (const g of document.querySelectorAll('.dept-only')) g.hidden = on;
  for (const g of document.querySelectorAll('.project-only')) g.hidden = !on;
  const workspace = $('project-workspace'); // added by project.js the first time
  if (workspace) workspace.hidden = !on;
  if (on) $('workspace').hidden = true;
}

async function chooseProject(id) {
  const project = await import('./project.js');
  setProjectMode(true);
  return project.openProject(id);
}

/**
 * Puts a system in use. `restore`: bring back its autosaved figures (for the current 单位名称, or
 * the unit last worked on); `ask`: confirm before figures of the current system that the new one
 * has no input for are left behind (they stay in the current system's autosave). Figures whose
 * input name the new system also has are kept.
 */
function useSystem(system, builtinId, { restore = true, ask = true } = {}) {
  const check = system.validate();
  if (!check.valid) {
    showLoadErrors(t('{title}：共{n}处', { title: kindTitle(check.kind, '指标体系有错误'), n: check.errors.length }), check.errors);
    system.free();
    return false;
  }
  const info = system.info(lang());
  const first = state.info === null;
  const carried = {};
  const dropped = [];
  if (state.info && !document.body.classList.contains('mode-project')) {
    const names = new Set(info.inputs.map((i) => i.name));
    for (const [name, v] of Object.entries(filledValues())) (names.has(name) ? (carried[name] = v) : dropped.push(name));
    if (ask && dropped.length && !confirmDrop(dropped, info.name)) {
      system.free();
      return false;
    }
    saveDraft();
  }
  setProjectMode(false);
  state.system?.free();
  state.system = system;
  state.info = info;
  state.builtinId = builtinId;
  state.systemKey = builtinId ?? `file:${info.id}`;
  state.touched.clear();
  state.showAllMissing = false;
  state.lastEvaluation = null;
  state.lastInputs = null;
  $('load-errors').hidden = true;
  renderHeader(state.info);
  buildForm(state.info);
  setupFeedback(state.system, state.fields);
  renderTable(state.info, null);
  renderChart(null);
  fillTargetForm(state.info);
  scenariosFor(state.systemKey);
  $('workspace').hidden = false;
  document.body.classList.add('has-system');
  $('fill-example').disabled = builtinId === null;
  $('inputs-file').disabled = false;
  $('clear-form').disabled = false;
  const draft = restore ? readDraft(first) : null;
  const values = { ...(draft?.values ?? {}), ...carried };
  setInputs(values);
  for (const name of Object.keys(values)) state.touched.add(name);
  state.dirty = Object.keys(carried).length > 0 ? state.dirty || Boolean(draft?.dirty) : Boolean(draft?.dirty);
  showDraftNote(draft, Object.keys(carried).length);
  defaultDate();
  refreshSavedUnits();
  recompute();
  return true;
}

function chooseBuiltin(id, options) {
  if (!id) return false;
  try {
    return useSystem(IndicatorSystem.builtin(id), id, options);
  } catch (e) {
    if (!(e instanceof JixiaoError)) throw e;
    showLoadErrors(KIND_TITLES[e.kind] ? t(KIND_TITLES[e.kind]) : english() ? e.message : (e.messageZh ?? e.message), e.errors);
    return false;
  }
}

async function openSystemFile(file) {
  const text = await file.text();
  const lower = file.name.toLowerCase();
  try {
    const system = lower.endsWith('.toml')
      ? IndicatorSystem.fromToml(text)
      : lower.endsWith('.json')
        ? IndicatorSystem.fromJson(text)
        : IndicatorSystem.fromText(text);
    if (useSystem(system, null)) {
      const select = $('system-select');
      select.querySelector('option[data-file]')?.remove();
      const option = el('option', { value: 'file:', 'data-file': '1', text: t('文件：{name}', { name: file.name }) });
      select.append(option);
      option.selected = true;
      state.selected = 'file:';
    }
  } catch (e) {
    if (!(e instanceof JixiaoError)) throw e;
    showLoadErrors(`${file.name}${t('：')}${kindTitle(e.kind, '无法读取')}`, e.errors);
  }
}

function renderHeader(info) {
  $('system-header').hidden = false;
  $('system-name').textContent = english() && info.name_en ? info.name_en : info.name;
  const meta = [
    info.issuer,
    info.region,
    info.year ? t('{year}年', { year: info.year }) : null,
    t('满分{n}分', { n: info.total_points }),
    t('编号 {id}', { id: info.id }),
  ];
  $('system-meta').textContent = meta.filter(Boolean).join(' · ');
  const hasNotes = info.source || info.notes.length > 0;
  $('system-notes-box').hidden = !hasNotes;
  $('system-source').textContent = info.source ? t('来源：{source}', { source: info.source }) : '';
  $('system-notes').replaceChildren(...info.notes.map((n) => el('li', { text: n })));
}

// ---------------------------------------------------------------------------------------------
// The form, generated from the declared inputs

function buildForm(info) {
  const form = $('inputs-form');
  form.replaceChildren();
  state.fields.clear();
  info.inputs.forEach((input, i) => {
    const id = `in-${i}`;
    const msg = el('p', { class: 'msg', id: `${id}-msg`, role: 'alert' });
    const desc = input.description ? el('p', { class: 'desc', id: `${id}-desc`, text: input.description }) : null;
    const describedBy = [desc ? `${id}-desc` : null, `${id}-msg`].filter(Boolean).join(' ');
    const required = input.required ? el('span', { class: 'req', title: t('必填'), text: '*' }) : null;
    const root = el('div', { class: `field kind-${input.kind}`, 'data-input': input.name });
    const field = { input, root, msg };

    if (input.kind === 'checklist') {
      const defaults = Array.isArray(input.default) ? input.default : [];
      field.boxes = input.items.map((item, k) =>
        el('input', { type: 'checkbox', id: `${id}-${k}`, value: item, checked: defaults.includes(item) }),
      );
      root.append(
        el(
          'fieldset',
          { 'aria-describedby': describedBy },
          el('legend', {}, input.name, required),
          desc,
          el(
            'div',
            { class: 'items' },
            field.boxes.map((box, k) => el('label', { class: 'item', for: `${id}-${k}` }, box, input.items[k])),
          ),
          msg,
        ),
      );
    } else {
      let control;
      if (input.kind === 'boolean') {
        const dflt = typeof input.default === 'boolean' ? t('（默认：{value}）', { value: t(input.default ? '是' : '否') }) : t('请选择');
        control = el(
          'select',
          { id, 'aria-describedby': describedBy },
          el('option', { value: '', text: dflt }),
          el('option', { value: 'true', text: t('是') }),
          el('option', { value: 'false', text: t('否') }),
        );
        field.select = control;
      } else if (input.kind === 'level') {
        const dflt = typeof input.default === 'string' ? t('（默认：{value}）', { value: input.default }) : t('请选择等级');
        control = el(
          'select',
          { id, 'aria-describedby': describedBy },
          el('option', { value: '', text: dflt }),
          input.levels.map((l) => el('option', { value: l, text: l })),
        );
        field.select = control;
        field.score = el('input', {
          type: 'text',
          inputmode: 'decimal',
          class: 'level-score',
          id: `${id}-score`,
          placeholder: t('档内得分（选填）'),
          'aria-label': t('{name}档内得分', { name: input.name }),
        });
      } else {
        const placeholder =
          typeof input.default === 'string'
            ? t('默认{value}', { value: input.default })
            : input.kind === 'count'
              ? t('次数，如 0')
              : input.unit === '%'
                ? t('如 95%')
                : t('必填');
        control = el('input', {
          type: 'text',
          inputmode: 'decimal',
          id,
          placeholder,
          'aria-describedby': describedBy,
        });
        field.text = control;
      }
      const unit = input.unit && input.kind !== 'boolean' ? el('span', { class: 'unit', text: input.unit }) : null;
      root.append(
        ...[
          el('label', { for: id }, input.name, required),
          el('div', { class: 'control' }, control, field.score ?? null, unit),
          desc,
          msg,
        ].filter(Boolean),
      );
    }
    state.fields.set(input.name, field);
    form.append(root);
  });
}

/** The form's values as inputs for the engine: text as typed (decimals are never JS numbers). */
function collectInputs() {
  const inputs = {};
  const local = new Map();
  for (const [name, f] of state.fields) {
    switch (f.input.kind) {
      case 'checklist':
        inputs[name] = f.boxes.filter((b) => b.checked).map((b) => b.value);
        break;
      case 'boolean':
        if (f.select.value !== '') inputs[name] = f.select.value === 'true';
        break;
      case 'level': {
        const level = f.select.value;
        const score = f.score.value.trim();
        if (level && score) inputs[name] = { level, score };
        else if (level) inputs[name] = level;
        else if (score) local.set(name, t('请先选择等级，再填写档内得分'));
        break;
      }
      default: {
        const text = f.text.value.trim();
        if (text !== '') inputs[name] = text;
      }
    }
  }
  return { inputs, local };
}

/** Puts values (an inputs object as the engine reads it) into the form. */
function setInputs(values) {
  for (const [name, f] of state.fields) {
    const v = values[name];
    switch (f.input.kind) {
      case 'checklist': {
        const items = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[、,，;；]/).map((s) => s.trim()) : null;
        if (items) f.boxes.forEach((b) => (b.checked = items.includes(b.value)));
        break;
      }
      case 'boolean':
        f.select.value = v === true || v === 'true' || v === '是' ? 'true' : v === false || v === 'false' || v === '否' ? 'false' : '';
        break;
      case 'level':
        if (v && typeof v === 'object') {
          f.select.value = v.level ?? '';
          f.score.value = v.score ?? '';
        } else {
          f.select.value = v ?? '';
          f.score.value = '';
        }
        break;
      default:
        f.text.value = v === undefined || v === null ? '' : String(v);
    }
  }
}

function clearMessages() {
  for (const f of state.fields.values()) {
    f.msg.textContent = '';
    f.root.classList.remove('invalid');
    for (const c of [f.text, f.select, f.score]) c?.removeAttribute('aria-invalid');
  }
}

function fieldMessage(name, text) {
  const f = state.fields.get(name);
  if (!f) return false;
  f.msg.textContent = f.msg.textContent ? `${f.msg.textContent}；${text}` : text;
  f.root.classList.add('invalid');
  for (const c of [f.text, f.select]) c?.setAttribute('aria-invalid', 'true');
  return true;
}

/** A Chinese message for an input the engine refused, from the declared kind and range. */
/**
 * What is wrong with a field's value: the engine's own Chinese (the page does not re-implement the
 * engine's checks), without the input's name, which the field already shows.
 */
function invalidMessage(f, detail) {
  const prefix = english() ? `input \`${f.input.name}\`: ` : `“${f.input.name}”：`;
  const text = message(detail);
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}

// ---------------------------------------------------------------------------------------------
// Evaluating as the user types

function recompute() {
  if (!state.system) return;
  clearMessages();
  $('target-result').textContent = ''; // a target found for other figures no longer applies
  const errorsList = $('eval-errors');
  errorsList.replaceChildren();
  const { inputs, local } = collectInputs();
  for (const [name, text] of local) fieldMessage(name, text);
  for (const f of state.fields.values()) if (f.select && f.score) updateBandHint(f);
  let evaluation = null;
  let error = null;
  const started = performance.now();
  try {
    evaluation = state.system.evaluate(inputs, { lang: lang() });
  } catch (e) {
    if (!(e instanceof JixiaoError)) throw e;
    error = e;
  }
  const elapsed = performance.now() - started;
  if (evaluation && local.size === 0) {
    hideProgress();
    state.lastEvaluation = evaluation;
    state.lastInputs = inputs;
    state.fresh = true;
    renderResult(evaluation);
    $('status').textContent = t('已按填写的数据计算。');
    $('status').title = t('计算用时 {ms} ms', { ms: elapsed.toFixed(1) }); // for developers, not on the page
    $('status').className = 'status ok';
    if (timing.firstResult === null) {
      timing.firstResult = performance.now();
      timing.firstEvaluateMs = elapsed;
      performance.mark('jixiao:first-result');
    }
  } else {
    // No result for these figures: what they already decide, never an older result that a
    // half-typed value would leave on screen as if it were the last one.
    state.fresh = false;
    state.lastEvaluation = null;
    document.body.classList.remove('stale');
    renderTable(state.info, null);
    renderChart(null);
    const progress = showProgress(state.system, inputs, {
      fieldMessage,
      tableRows: () => $('result-table').tBodies[0].rows,
    });
    if (error) showEvaluationError(error, progress);
    if (evaluation) $('status').textContent = t('请修正标红的输入。');
  }
  for (const id of ['export-json', 'export-csv', 'export-xlsx', 'export-inputs-csv', 'export-inputs-xlsx', 'print']) {
    $(id).disabled = !state.fresh;
  }
  document.body.classList.toggle('has-result', state.fresh);
  renderPrintSheet();
}

function showEvaluationError(e, progress) {
  const status = $('status');
  status.className = 'status bad';
  if (e.kind === 'inputs') {
    const missing = [];
    let invalid = 0;
    for (const d of e.errors) {
      const f = state.fields.get(d.input);
      if (d.kind === 'missing') {
        missing.push(d.input);
        if (state.touched.has(d.input) || state.showAllMissing) fieldMessage(d.input, t('请填写此项（必填）'));
      } else if (d.kind === 'invalid' && f) {
        invalid += 1;
        fieldMessage(d.input, invalidMessage(f, d));
      } else {
        $('eval-errors').append(el('li', { text: message(d) }));
      }
    }
    const parts = [];
    if (invalid) parts.push(t('{n}项数据有误，请按标红处修正', { n: invalid }));
    if (missing.length) {
      const names = missing.slice(0, 4).join(t('、')) + (missing.length > 4 ? t(' 等') : '');
      parts.push(t('还有{n}项必填数据未填写：{names}', { n: missing.length, names }));
    }
    status.replaceChildren(parts.join(t('；')) + t('。'));
    if (missing.length && !state.showAllMissing) {
      status.append(' ', el('button', { type: 'button', class: 'link', text: t('标出未填项'), onclick: showMissing }));
    }
    return;
  }
  // A leaf that cannot be scored although its inputs are given: its message is on those fields
  // (feedback.js, from the engine's progress), the status says where to look.
  const onField = new Set((progress?.leaves ?? []).filter((l) => l.state === 'error' && l.inputs.length).map((l) => l.id));
  const located = e.errors.filter((d) => d.indicator && onField.has(d.indicator));
  if (located.length) {
    status.textContent = t('{n}项数据无法计分，请按标红处修正。', { n: located.length });
    return;
  }
  status.textContent = `${kindTitle(e.kind, '无法计算')}${t('。')}`;
  for (const d of e.errors) {
    const text = message(d);
    if (d.input) fieldMessage(d.input, e.kind === 'missing_input' ? t('计算需要此项，请填写') : text);
    $('eval-errors').append(el('li', { text }));
  }
}

function showMissing() {
  state.showAllMissing = true;
  recompute();
  document.querySelector('.field.invalid')?.scrollIntoView({ block: 'center' });
}

// ---------------------------------------------------------------------------------------------
// Results: summary, table, chart

function renderResult(ev) {
  document.body.classList.remove('stale');
  $('total').textContent = ev.total;
  $('full-points').textContent = ev.full_points;
  const grade = $('grade');
  grade.textContent = gradeLabel(ev.grade);
  grade.dataset.rank = String(state.info.grades.findIndex((g) => g.label === ev.grade));
  const notes = [];
  if (ev.rescaled_total !== null) notes.push(t('不适用指标{n}分不计入总分，按比例折算', { n: ev.excluded_points }));
  if (ev.bonus.length && ev.bonus_total !== '0') notes.push(t('含加分{n}分', { n: ev.bonus_total }));
  for (const k of ev.checks ?? []) {
    if (k.passed === false) notes.push(t('勾稽关系不符：{name}（请核对基础数据）', { name: english() && k.name_en ? k.name_en : k.name }));
  }
  for (const k of ev.core_caps ?? []) notes.push(t('核心指标{id}未达标，评价等次不高于“{grade}”', { id: k.id, grade: gradeLabel(k.grade) }));
  const vetoes = $('vetoes');
  vetoes.hidden = ev.vetoes.length === 0 && notes.length === 0;
  vetoes.textContent = [
    ...notes,
    ...ev.vetoes.map(
      (v) =>
        t('一票否决：{name}', { name: english() && v.name_en ? v.name_en : v.name }) +
        (v.grade ? t('（评价等次不高于“{grade}”）', { grade: gradeLabel(v.grade) }) : '') +
        (v.max_total ? t('（总分不超过{n}分）', { n: v.max_total }) : ''),
    ),
  ].join(t('；'));
  renderTable(state.info, ev);
  renderChart(ev);
  $('explanation').textContent = ev.explanation;
}

function renderTable(info, ev) {
  const results = new Map();
  if (ev) for (const r of [...ev.indicators, ...ev.bonus]) results.set(r.id, r);
  const body = $('result-table').tBodies[0];
  body.replaceChildren(
    ...info.indicators.map((row) => {
      const r = results.get(row.id);
      const lost = r && r.leaf && r.deductions.length > 0;
      const tr = el('tr', {
        class: [`depth-${Math.min(row.depth, 3)}`, row.leaf ? 'leaf' : 'group', lost ? 'lost' : ''].join(' ').trim(),
        'data-id': row.id,
      });
      let score = '—';
      let exact = null;
      let badge = null;
      if (r) {
        // The engine states each score at the system's precision (5.00, 4.73): shown as stated,
        // so that the column adds up as printed; the exact score beside it when it differs.
        score = r.score;
        if (trimZeros(r.exact_score) !== trimZeros(r.score)) exact = t('计算值{value}', { value: r.exact_score });
        if (r.status === 'not_applicable') {
          const outcome = { full_points: '按满分计', zero: '计0分', excluded: '不计入' }[r.na_outcome];
          badge = el('span', { class: 'badge na', text: `${t('不适用')}·${outcome ? t(outcome) : ''}` });
        }
      }
      const reason = el('td', { class: 'c-reason' });
      if (row.leaf || !r) {
        reason.append(el('div', { class: 'standard', text: row.standard }));
      }
      if (r && row.leaf) {
        if (r.deductions.length) {
          const parts = r.deductions.map((d) => (d.item ? `${d.item} ${d.amount}` : d.amount));
          reason.append(el('div', { class: 'deduction', text: t('扣分：{items}', { items: parts.join(t('；')) }) }));
        }
        reason.append(el('div', { class: 'why', text: r.explanation }));
      }
      tr.append(
        el('td', { class: 'c-id', text: row.id }),
        el(
          'td',
          { class: 'c-name' },
          el('span', { class: 'name', text: row.name }),
          badge,
          row.assumed ? el('span', { class: 'assumed', title: row.assumed, text: t('※推定') }) : null,
        ),
        el('td', { class: 'c-points', text: row.points }),
        el('td', { class: 'c-score', title: exact }, el('output', { text: score })),
        reason,
      );
      return tr;
    }),
  );
  if (!ev) {
    $('total').textContent = '—';
    $('full-points').textContent = info.total_points;
    $('grade').textContent = '—';
    $('explanation').textContent = '';
  }
}

function renderChart(ev) {
  const box = $('chart');
  box.replaceChildren();
  const rows = ev ? ev.indicators.filter((r) => r.depth === 0) : [];
  if (rows.length === 0) {
    box.append(el('p', { class: 'placeholder', text: t('填写基础数据后显示各一级指标的得分。') }));
    return;
  }
  // Geometry only: bar lengths are pixels, so a float is fine here; every figure shown is the
  // engine's decimal text.
  const max = Math.max(...rows.map((r) => Number(r.points)), 1);
  const labelW = 120;
  const valueW = 92;
  const barW = 360;
  const rowH = 30;
  const width = labelW + barW + valueW;
  const height = rows.length * rowH + 26;
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width: '100%',
    role: 'img',
    'aria-label': t('一级指标得分：{list}', { list: rows.map((r) => `${r.name} ${r.score}/${r.points}`).join(t('，')) }),
    class: 'chart',
  });
  rows.forEach((r, i) => {
    const y = i * rowH + 6;
    const pw = (Number(r.points) / max) * barW;
    const sw = Number(r.points) > 0 ? (Number(r.score) / max) * barW : 0;
    const g = svg('g', { 'data-id': r.id });
    g.append(
      svg('text', { x: labelW - 8, y: y + 15, 'text-anchor': 'end', class: 'label' }, r.name),
      svg('rect', { x: labelW, y: y + 2, width: Math.max(pw, 1), height: 18, rx: 3, class: 'bar-points' }),
      svg('rect', { x: labelW, y: y + 2, width: Math.max(sw, 0), height: 18, rx: 3, class: r.score === r.points ? 'bar-score full' : 'bar-score' }),
      svg('text', { x: labelW + barW + 8, y: y + 15, class: 'value' }, `${r.score} / ${r.points}`),
    );
    root.append(g);
  });
  const ly = rows.length * rowH + 14;
  root.append(
    svg('rect', { x: labelW, y: ly - 9, width: 12, height: 10, class: 'bar-score' }),
    svg('text', { x: labelW + 16, y: ly, class: 'legend' }, t('得分')),
    svg('rect', { x: labelW + 60, y: ly - 9, width: 12, height: 10, class: 'bar-points' }),
    svg('text', { x: labelW + 76, y: ly, class: 'legend' }, t('分值')),
  );
  box.append(root);
}

// ---------------------------------------------------------------------------------------------
// 目标测算: the engine's `target` analysis on the current inputs

function fillTargetForm(info) {
  const inputs = info.inputs.filter((i) => i.kind === 'number' || i.kind === 'count');
  $('target-input').replaceChildren(...inputs.map((i) => el('option', { value: i.name, text: i.unit ? `${i.name}（${i.unit}）` : i.name })));
  state.readers = null; // found when the goals are first needed (not before the first result)
  $('target-goal').replaceChildren();
  $('target-result').textContent = '';
  $('target-box').hidden = inputs.length === 0;
}

/** The goals for the chosen input: full points of an indicator that reads it, a grade, the total. */
function fillTargetGoals() {
  const info = state.info;
  if (!state.readers) {
    // The leaves each input is read by, as the engine knows them (its progress on no inputs).
    state.readers = new Map();
    for (const leaf of state.system.progress({}).leaves) {
      for (const name of leaf.inputs) {
        if (!state.readers.has(name)) state.readers.set(name, []);
        state.readers.get(name).push(leaf);
      }
    }
  }
  const leaves = state.readers.get($('target-input').value) ?? [];
  const goals = leaves
    .filter((l) => !l.bonus)
    .map((l) => el('option', { value: `indicator:${l.points}:${l.id}`, text: `“${l.name}”得满分（${l.points}分）` }));
  goals.push(...info.grades.filter((g) => g.min !== null).map((g) => el('option', { value: `grade:${g.label}`, text: `评价等次达到“${g.label}”` })));
  goals.push(el('option', { value: `total:${info.total_points}`, text: `总分${info.total_points}分（满分）` }));
  $('target-goal').replaceChildren(...goals);
}

function runTarget() {
  const out = $('target-result');
  if (!state.fresh) {
    out.textContent = t('请先把基础数据填写完整、无误，再测算。');
    return;
  }
  const [kind, value] = $('target-goal').value.split(/:(.*)/s);
  const [points, id] = value.split(/:(.*)/s);
  const goal = kind === 'grade' ? { grade: value } : kind === 'indicator' ? { indicator: id, score: points } : { total: value };
  try {
    const found = state.system.analyze(
      { target: { inputs: state.lastInputs, input: $('target-input').value, goal } },
      { lang: lang() },
    );
    out.replaceChildren(found.message);
    if (found.deciding.length) {
      const names = new Map(state.info.indicators.map((r) => [r.id, r.name]));
      const list = found.deciding.map((id) => (names.has(id) ? `${id} ${names.get(id)}` : id)).join(t('、'));
      out.append(el('span', { class: 'deciding', text: t('（起作用的指标：{list}）', { list }) }));
    }
  } catch (e) {
    if (!(e instanceof JixiaoError)) throw e;
    out.textContent = t('无法测算：{reason}', { reason: english() ? e.message : (e.messageZh ?? e.message) });
  }
}

// ---------------------------------------------------------------------------------------------
// Export and print

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name part: what Windows and macOS refuse in names replaced. */
const namePart = (s) => s.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').trim();

/**
 * 单位名称_年度_table (`湘西州商务局_2019年度_部门整体支出绩效自评表`): the table named from the
 * system's name (its 评价指标表 as 自评表, the unit and year it may repeat left out), or the
 * system's name and `what`. The system's id stands for a missing unit; a missing 年度 is left out.
 */
function fileName(what) {
  const meta = metaValues();
  const unit = namePart(meta.单位名称);
  const year = namePart(meta.年度);
  let system = namePart(state.info.name);
  for (const repeated of [unit, year && `${year}年度`, year && `${year}年`]) {
    if (repeated && system.startsWith(repeated)) system = system.slice(repeated.length);
  }
  const table = what === '自评表' && /评价指标(表|体系)/.test(system) ? system.replace(/评价指标(表|体系)/, '自评表') : `${system}_${what}`;
  return [unit || state.info.id, year && `${year}年度`, table].filter(Boolean).join('_');
}

function baseName() {
  return fileName('自评表');
}

function exportJson() {
  const doc = {
    format: 'jixiao-self-evaluation',
    format_version: 1,
    engine: version(),
    exported_at: new Date().toISOString(),
    system: { id: state.info.id, name: state.info.name, builtin: state.builtinId !== null },
    report: metaValues(),
    inputs: state.lastInputs,
    evaluation: state.lastEvaluation,
  };
  download(`${baseName()}.json`, `${JSON.stringify(doc, null, 2)}\n`, 'application/json');
  markExported();
}

// The 自评表 as printed on A4 (#print-sheet; style.css shows only it in print): 表头 with the
// 填报信息, the 指标表 (一级/二级/三级指标, 分值, 评分标准, 得分 as the engine states it, so that
// each parent is the sum of its children as printed, 合计 and 等次), the 基础数据 and the signature
// lines. Written again whenever a result, the 填报信息 or the language changes, so that what is
// printed is always what is on screen.

/** A base-data value as printed: checklists, booleans, levels in words; a default marked. */
function printedValue(input, v) {
  if (Array.isArray(v)) return v.length ? v.join(t('、')) : t('（无）');
  if (typeof v === 'boolean') return t(v ? '是' : '否');
  if (v && typeof v === 'object') return t('{level}（档内得分{score}）', { level: v.level, score: v.score });
  if (v !== undefined && v !== null && v !== '') return String(v);
  if (input.default !== null && input.default !== undefined) {
    const d = typeof input.default === 'boolean' ? t(input.default ? '是' : '否') : Array.isArray(input.default) ? input.default.join(t('、')) : String(input.default);
    return t('{value}（默认）', { value: d });
  }
  return '';
}

function renderPrintSheet() {
  const sheet = $('print-sheet');
  const info = state.info;
  if (!info) {
    sheet.replaceChildren();
    return;
  }
  const ev = state.fresh ? state.lastEvaluation : null;
  const inputs = ev ? state.lastInputs : collectInputs().inputs;
  const meta = metaValues();
  const blank = '\u3000'.repeat(6);
  const title = meta.年度 ? t('{year}年度部门整体支出绩效自评表', { year: meta.年度 }) : t('部门整体支出绩效自评表');
  const systemName = english() && info.name_en ? info.name_en : info.name;
  const metaCell = (key) =>
    el('td', { 'data-field': key }, el('span', { class: 'k', text: `${t(key)}${t('：')}` }), el('span', { class: 'v', text: meta[key] || blank }));

  const results = new Map();
  if (ev) for (const r of [...ev.indicators, ...ev.bonus]) results.set(r.id, r);
  const head = el(
    'thead',
    {},
    el(
      'tr',
      {},
      ['一级指标', '二级指标', '三级指标', '分值', '评分标准', '得分', '扣分原因'].map((h) => el('th', { text: t(h) })),
    ),
  );
  const rows = info.indicators.map((row) => {
    const r = results.get(row.id);
    const names = ['', '', ''];
    names[Math.min(row.depth, 2)] = row.depth > 2 ? `${'　'.repeat(row.depth - 2)}${row.name}` : row.name;
    let reason = '';
    if (r?.status === 'not_applicable') {
      const outcome = { full_points: '按满分计', zero: '计0分', excluded: '不计入' }[r.na_outcome];
      reason = `${t('不适用')}${outcome ? `·${t(outcome)}` : ''}`;
    } else if (r && row.leaf && r.deductions.length) {
      reason = r.explanation;
    }
    return el(
      'tr',
      { class: `depth-${Math.min(row.depth, 3)}${row.leaf ? ' leaf' : ''}`, 'data-id': row.id, 'data-parent': r?.parent ?? '' },
      names.map((n, i) => el('td', { class: `c-level${i + 1}`, text: n })),
      el('td', { class: 'c-points', text: row.points }),
      el('td', { class: 'c-standard', text: row.leaf ? row.standard : '' }),
      el('td', { class: 'c-score', text: r ? r.score : '' }),
      el('td', { class: 'c-reason', text: reason }),
    );
  });
  const bonus = (ev?.bonus ?? []).map((r) =>
    el(
      'tr',
      { class: 'bonus', 'data-id': r.id },
      el('td', { colspan: '3', text: t('加分：{name}', { name: r.name }) }),
      el('td', { class: 'c-points', text: r.points }),
      el('td', { class: 'c-standard' }),
      el('td', { class: 'c-score', text: r.score }),
      el('td', { class: 'c-reason', text: r.deductions.length ? r.explanation : '' }),
    ),
  );
  const notes = [];
  if (ev?.rescaled_total !== null && ev?.rescaled_total !== undefined) {
    notes.push(t('不适用指标{n}分不计入总分，按比例折算', { n: ev.excluded_points }));
  }
  for (const v of ev?.vetoes ?? []) notes.push(t('一票否决：{name}', { name: english() && v.name_en ? v.name_en : v.name }));
  const total = el(
    'tr',
    { class: 'sum-row', 'data-id': 'total' },
    el('td', { colspan: '3', text: t('合计') }),
    el('td', { class: 'c-points', text: info.total_points }),
    el('td', { class: 'c-standard', text: notes.join(t('；')) }),
    el('td', { class: 'c-score', text: ev ? ev.total : '' }),
    el('td', { class: 'c-reason' }),
  );
  const grade = el(
    'tr',
    { class: 'grade-row', 'data-id': 'grade' },
    el('td', { colspan: '3', text: t('评价等次') }),
    el('td', { colspan: '4', class: 'c-grade', text: ev ? gradeLabel(ev.grade) : '' }),
  );

  const data = el(
    'table',
    { class: 'sheet-data' },
    el('thead', {}, el('tr', {}, ['序号', '基础数据项', '数值', '单位'].map((h) => el('th', { text: t(h) })))),
    el(
      'tbody',
      {},
      info.inputs.map((input, i) =>
        el(
          'tr',
          { 'data-input': input.name },
          el('td', { class: 'c-no', text: String(i + 1) }),
          el('td', { text: english() && input.name_en ? input.name_en : input.name }),
          el('td', { class: 'c-value', text: printedValue(input, inputs[input.name]) }),
          el('td', { text: input.unit ?? '' }),
        ),
      ),
    ),
  );
  const sign = (who) =>
    el(
      'div',
      { class: 'sign' },
      el('span', { class: 'k', text: t('{who}（签字）：', { who: t(who) }) }),
      el('span', { class: 'line' }),
      el('span', { class: 'k', text: t('日期：') }),
      el('span', { class: 'line short' }),
    );

  const parts = [
    el('h1', { class: 'sheet-title', text: title }),
    el('p', { class: 'sheet-system', text: t('评价指标体系：{name}', { name: systemName }) }),
    el('table', { class: 'sheet-meta' }, el('tbody', {}, el('tr', {}, metaCell('单位名称'), metaCell('年度')), el('tr', {}, metaCell('填报人'), metaCell('填报日期')))),
    el('h2', { text: t('一、绩效评价指标及得分') }),
    el('table', { class: 'sheet-table' }, head, el('tbody', {}, rows, bonus, total, grade)),
    ev ? null : el('p', { class: 'sheet-note', text: t('基础数据尚未填写完整，得分待计算。') }),
    el('h2', { text: t('二、基础数据') }),
    data,
    el('div', { class: 'signatures' }, ['单位负责人', '财务负责人', '填报人'].map(sign)),
  ];
  sheet.replaceChildren(...parts.filter(Boolean));
}

/**
 * The 自评表 (`evaluation`) or the base data (`inputs`) as .xlsx or CSV, written by the engine in
 * the files module (loaded on first use).
 */
async function exportFile(what, format) {
  const files = await import('./files.js');
  const inputs = state.lastInputs;
  let bytes;
  try {
    bytes = await files.exportBytes(state.system.toJson(), inputs, metaValues(), what, format);
  } catch (e) {
    $('status').textContent = e.message;
    $('status').className = 'status error';
    return;
  }
  const type = format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv;charset=utf-8';
  download(`${fileName(what === 'inputs' ? '基础数据' : '自评表')}.${format}`, bytes, type);
  markExported();
}

/**
 * Imports a base-data table (.xlsx, .xls, .ods or CSV): the cells that read are filled, every
 * other one listed with its row, column and field; nothing else on the form changes.
 */
async function importTable(file) {
  const files = await import('./files.js');
  const result = await files.importFile(state.system.toJson(), file);
  $('import-report')?.remove();
  if (result.fatal) {
    showLoadErrors(files.fatalTitle(file.name), [{ path: file.name, message: result.fatal }]);
    return;
  }
  $('load-errors').hidden = true;
  const meta = Object.fromEntries(Object.entries(result.meta ?? {}).filter(([, v]) => v !== ''));
  if (Object.keys(meta).length) setMeta({ ...metaValues(), ...meta }, true);
  setInputs({ ...formValues(), ...result.values });
  for (const name of Object.keys(result.values)) state.touched.add(name);
  $('load-errors').after(files.importReport(el, file.name, result));
  showDraftNote(null, 0);
  recompute();
  changed();
}

async function importInputs(file) {
  if (state.saveTimer) saveDraft(); // the figures on screen, under their unit, before they are replaced
  if (/\.(xlsx|xlsm|xls|ods|csv|txt)$/i.test(file.name)) {
    await importTable(file);
    return;
  }
  let doc;
  try {
    doc = JSON.parse(await file.text());
  } catch (e) {
    showLoadErrors(t('{name}：不是有效的 JSON', { name: file.name }), [{ path: '', message: String(e.message) }]);
    return;
  }
  const inputs = doc && typeof doc === 'object' && doc.inputs && typeof doc.inputs === 'object' ? doc.inputs : doc;
  if (doc?.system?.id && doc.system.builtin && doc.system.id !== state.info?.id) {
    // The file says which system its figures are for: a deliberate choice, nothing to ask.
    if (chooseBuiltin(doc.system.id, { restore: false, ask: false })) {
      $('system-select').value = doc.system.id;
      state.selected = doc.system.id;
    }
  }
  $('load-errors').hidden = true;
  if (doc?.report && typeof doc.report === 'object') setMeta(doc.report, true);
  setInputs(inputs);
  for (const name of Object.keys(inputs)) state.touched.add(name);
  showDraftNote(null, 0);
  recompute();
  changed();
}

// ---------------------------------------------------------------------------------------------
// Never losing a figure. Every change is saved in the browser (localStorage) per system and
// 单位名称, a moment after it is made, and brought back when that system is opened again (a
// reload opens the system last used). "Saved", for the leave warning, means in a file: the
// browser's storage is one browser on one computer and is emptied with its history, so until the
// figures are exported (JSON, 自评表 CSV or base-data CSV) leaving the page asks first. Printing
// is not saving (paper cannot be read back).

const DRAFT = 'jixiao:draft:v1:'; // + system key + '|' + 单位名称 → {saved, values, meta, dirty}
const LAST_UNIT = 'jixiao:last-unit:v1:'; // + system key → the 单位名称 last worked on
const LAST_SYSTEM = 'jixiao:last-system:v1'; // the built-in last used (reopened on a reload)
const META = ['单位名称', '年度', '填报人', '填报日期'];

const store = {
  get(key) {
    try {
      const text = localStorage.getItem(key);
      return text === null ? null : JSON.parse(text);
    } catch {
      return null; // storage off (private mode, file://) or an entry not ours: nothing saved
    }
  },
  set(key, value) {
    try {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
    } catch {
      // full or off: the page works on without autosave
    }
  },
  keys(prefix) {
    try {
      return Object.keys(localStorage).filter((k) => k.startsWith(prefix));
    } catch {
      return [];
    }
  },
};

const draftKey = (system, unit) => `${DRAFT}${system}|${unit}`;

function metaValues() {
  const meta = {};
  for (const input of document.querySelectorAll('[data-meta]')) meta[input.dataset.meta] = input.value.trim();
  return meta;
}

/** Puts the 填报信息 in the form; `commit` makes its 单位名称 the autosave's unit. */
function setMeta(meta, commit) {
  for (const input of document.querySelectorAll('[data-meta]')) {
    const v = meta?.[input.dataset.meta];
    if (typeof v === 'string' || typeof v === 'number') input.value = String(v);
  }
  if (commit) state.unit = metaValues().单位名称;
  renderPrintSheet();
}

/** Today as the date field writes it (YYYY-MM-DD), in the user's local time. */
function localToday() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** 填报日期 left empty is today's date (editable). */
function defaultDate() {
  const date = $('meta-date');
  if (!date.value) date.value = localToday();
}

/** The form as typed, half-typed and wrong values too (setInputs reads it back). */
function formValues() {
  const values = {};
  for (const [name, f] of state.fields) {
    switch (f.input.kind) {
      case 'checklist':
        values[name] = f.boxes.filter((b) => b.checked).map((b) => b.value);
        break;
      case 'boolean':
        if (f.select.value !== '') values[name] = f.select.value === 'true';
        break;
      case 'level':
        if (f.score.value !== '') values[name] = { level: f.select.value, score: f.score.value };
        else if (f.select.value !== '') values[name] = f.select.value;
        break;
      default:
        if (f.text.value !== '') values[name] = f.text.value;
    }
  }
  return values;
}

/** The figures the user gave: formValues without checklists left at their defaults. */
function filledValues() {
  const values = formValues();
  for (const [name, f] of state.fields) {
    if (f.input.kind !== 'checklist') continue;
    const defaults = Array.isArray(f.input.default) ? f.input.default : [];
    const v = values[name];
    if (v.length === defaults.length && v.every((x) => defaults.includes(x))) delete values[name];
  }
  return values;
}

/** Saves the form under the committed unit; `leaving`: under the unit as typed (the page goes). */
function saveDraft(leaving = false) {
  clearTimeout(state.saveTimer);
  state.saveTimer = null;
  if (!state.systemKey || document.body.classList.contains('mode-project')) return;
  const values = filledValues();
  const meta = metaValues();
  if (leaving) state.unit = meta.单位名称;
  else meta.单位名称 = state.unit; // a name being typed is not yet the unit
  // Today's date filled in by the page alone is nothing to keep.
  const empty = Object.keys(values).length === 0 && META.every((k) => !meta[k] || (k === '填报日期' && meta[k] === localToday()));
  store.set(draftKey(state.systemKey, state.unit), empty ? null : { saved: Date.now(), values, meta, dirty: state.dirty });
  store.set(LAST_UNIT + state.systemKey, state.unit);
  if (state.builtinId) store.set(LAST_SYSTEM, state.builtinId);
  refreshSavedUnits();
}

/** A change by the user: saved a moment later, and (`dirty`) not yet in a file. */
function changed(dirty = true) {
  if (dirty) state.dirty = true;
  clearTimeout(state.saveTimer);
  state.saveTimer = setTimeout(saveDraft, 300);
  renderPrintSheet();
}

function markExported() {
  state.dirty = false;
  saveDraft();
}

/** The autosave of the system in use: for the current unit, or on a first opening the last one. */
function readDraft(first) {
  const unit = first && !state.unit ? (store.get(LAST_UNIT + state.systemKey) ?? '') : state.unit;
  const draft = store.get(draftKey(state.systemKey, unit));
  if (!draft || typeof draft !== 'object' || !draft.values) return null;
  if (first) setMeta(draft.meta, true);
  return draft;
}

function when(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

let draftNote = [null, 0]; // what the note says, for a switch of language

function showDraftNote(draft, carried) {
  draftNote = [draft, carried];
  const note = $('draft-note');
  const parts = [];
  if (draft && Object.keys(draft.values).length) {
    const unit = draft.meta?.单位名称;
    parts.push(t('已恢复上次填写的数据（{when}）', { when: `${when(draft.saved)}${unit ? `${t('，')}${unit}` : ''}` }));
  }
  if (carried) parts.push(t('已保留与原指标体系同名的{n}项数据', { n: carried }));
  note.textContent = parts.length ? `${parts.join(t('；'))}${t('。')}` : '';
  note.hidden = parts.length === 0;
}

/** The units saved for the system in use, offered by the 单位名称 field. */
function refreshSavedUnits() {
  const prefix = `${DRAFT}${state.systemKey}|`;
  const units = store.keys(prefix).map((k) => k.slice(prefix.length)).filter(Boolean).sort();
  $('saved-units').replaceChildren(...units.map((u) => el('option', { value: u })));
}

/**
 * 单位名称 committed (on change: leaving the field or Enter). The figures on screen are now this
 * unit's; the previous unit keeps its own autosave. If the new unit has saved figures of its own,
 * the user chooses which to keep.
 */
function commitUnit() {
  const unit = metaValues().单位名称;
  if (unit === state.unit || !state.systemKey) return;
  saveDraft(); // the previous unit's figures, as they are
  const draft = store.get(draftKey(state.systemKey, unit));
  state.unit = unit;
  if (draft?.values && Object.keys(draft.values).length) {
    const current = filledValues();
    const ask = t('“{unit}”已有保存的数据（{when}）。\n\n确定：载入“{unit}”保存的数据；\n取消：保留当前填写的数据，作为“{unit}”的数据保存。', {
      unit,
      when: when(draft.saved),
    });
    if (Object.keys(current).length === 0 || confirm(ask)) {
      setMeta({ ...draft.meta, 单位名称: unit }, true);
      setInputs(draft.values);
      for (const name of Object.keys(draft.values)) state.touched.add(name);
      state.dirty = Boolean(draft.dirty);
      showDraftNote(draft, 0);
      recompute();
      saveDraft();
      return;
    }
  }
  changed();
}

function confirmDrop(names, target) {
  const list = names.slice(0, 8).join(t('、')) + (names.length > 8 ? t(' 等{n}项', { n: names.length }) : '');
  return confirm(
    t(
      '切换到“{target}”后，以下已填写的数据在新指标体系中没有对应项，将不再显示：\n{list}\n\n（它们仍保存在本机浏览器中，切换回原指标体系即可恢复。）是否切换？',
      { target, list },
    ),
  );
}

/** A system chosen from the list (a deliberate choice: a click, or Enter / leaving the list). */
function applySystemChoice() {
  const select = $('system-select');
  const value = select.value;
  if (value === state.selected) return;
  let ok;
  if (value.startsWith('project:')) {
    const figures = state.info && !document.body.classList.contains('mode-project') ? Object.keys(filledValues()) : [];
    ok = figures.length === 0 || confirmDrop(figures, select.selectedOptions[0]?.textContent ?? value);
    if (ok) {
      saveDraft();
      chooseProject(value.slice('project:'.length));
    }
  } else {
    ok = chooseBuiltin(value);
  }
  if (ok) {
    state.selected = value;
    if (value) store.set(LAST_SYSTEM, value); // a project template too: a reload reopens it, with its autosave
  } else {
    select.value = state.selected;
  }
  select.classList.remove('pending');
}

function wireSystemList() {
  const select = $('system-select');
  // Arrow keys on a closed list change its value (and fire `change`) at each press: a value
  // reached by keys is applied on Enter or when the list is left, not on the way there.
  let keyed = false;
  select.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      keyed = false;
      applySystemChoice();
    } else if (!e.altKey && (e.key.startsWith('Arrow') || /^(Page|Home|End)/.test(e.key) || e.key.length === 1)) {
      keyed = true;
    }
  });
  select.addEventListener('change', () => {
    if (keyed) select.classList.toggle('pending', select.value !== state.selected);
    else applySystemChoice();
  });
  select.addEventListener('blur', () => {
    keyed = false;
    applySystemChoice();
  });
}

// ---------------------------------------------------------------------------------------------
// Wiring

function fillExample() {
  setInputs(builtinExample(state.builtinId));
  for (const f of state.fields.values()) state.touched.add(f.input.name);
  showDraftNote(null, 0);
  recompute();
}

function wire() {
  wireSystemList();
  for (const input of document.querySelectorAll('[data-meta]')) input.addEventListener('input', changed);
  $('meta-unit').addEventListener('change', commitUnit);
  $('system-file').addEventListener('change', (e) => {
    const file = e.target.files?.[0];
    if (file) openSystemFile(file).finally(() => (e.target.value = ''));
  });
  $('inputs-file').addEventListener('change', (e) => {
    const file = e.target.files?.[0];
    if (file) importInputs(file).finally(() => (e.target.value = ''));
  });
  $('fill-example').addEventListener('click', () => {
    if (!state.builtinId) return;
    if (Object.keys(filledValues()).length && !confirm(t('用示例数据替换已填写的数据？'))) return;
    fillExample();
    changed(false); // saved, but the example is nobody's work to lose
  });
  $('clear-form').addEventListener('click', () => {
    if (Object.keys(filledValues()).length && !confirm(t('清空所有已填写的基础数据？此操作不能撤销。'))) return;
    showDraftNote(null, 0);
    setInputs({});
    for (const f of state.fields.values()) {
      if (f.boxes) {
        const defaults = Array.isArray(f.input.default) ? f.input.default : [];
        f.boxes.forEach((b) => (b.checked = defaults.includes(b.value)));
      }
    }
    state.touched.clear();
    state.showAllMissing = false;
    state.lastEvaluation = null;
    renderTable(state.info, null);
    renderChart(null);
    recompute();
    changed();
  });
  const form = $('inputs-form');
  form.addEventListener('input', () => {
    recompute();
    changed();
  });
  form.addEventListener('change', () => {
    recompute();
    changed();
  });
  form.addEventListener('focusout', (e) => {
    const name = e.target.closest('[data-input]')?.dataset.input;
    if (name && !state.touched.has(name)) {
      state.touched.add(name);
      recompute();
    }
  });
  form.addEventListener('submit', (e) => e.preventDefault());
  $('export-json').addEventListener('click', exportJson);
  $('export-csv').addEventListener('click', () => exportFile('evaluation', 'csv'));
  $('export-xlsx').addEventListener('click', () => exportFile('evaluation', 'xlsx'));
  $('export-inputs-csv').addEventListener('click', () => exportFile('inputs', 'csv'));
  $('export-inputs-xlsx').addEventListener('click', () => exportFile('inputs', 'xlsx'));
  $('print').addEventListener('click', () => window.print());
  $('target-run').addEventListener('click', runTarget);
  window.addEventListener('beforeprint', renderPrintSheet);
  for (const button of document.querySelectorAll('[data-set-lang]')) {
    button.addEventListener('click', () => setLang(button.dataset.setLang));
  }
  onLangChange(relabel);
  $('target-input').addEventListener('change', fillTargetGoals);
  $('target-box').addEventListener('toggle', () => $('target-box').open && !state.readers && fillTargetGoals());
  setupScenarios({
    current: () => (state.fresh ? { inputs: state.lastInputs, evaluation: state.lastEvaluation } : null),
    system: () => state.system,
    load(values) {
      setInputs(values);
      for (const name of Object.keys(values)) state.touched.add(name);
      recompute();
      changed();
    },
  });
  window.addEventListener('beforeunload', (e) => {
    if (state.saveTimer) saveDraft(true);
    if (state.dirty && Object.keys(filledValues()).length && !document.body.classList.contains('mode-project')) {
      e.preventDefault();
      e.returnValue = ''; // older browsers need it set
    }
  });
  window.addEventListener('pagehide', () => state.saveTimer && saveDraft(true));
}

function start() {
  applyStatic();
  $('version').textContent = version();
  fillBuiltinList();
  wire();
  setEngineStatus(t('计算引擎已就绪'));
  $('engine-status').title = t('加载用时 {ms} ms', { ms: Math.round(timing.ready) });
  const params = new URLSearchParams(location.search);
  const last = store.get(LAST_SYSTEM);
  const lastProject = typeof last === 'string' && last.startsWith('project:') && !params.has('example') ? last.slice(8) : null;
  const id = params.get('system') ?? lastProject;
  if (id && document.querySelector(`#project-templates option[value="project:${CSS.escape(id)}"]`)) {
    // A project template (?system=mof-project): its mode loads, then the page is ready.
    chooseProject(id).then((found) => {
      if (found) {
        $('system-select').value = state.selected = `project:${id}`;
        store.set(LAST_SYSTEM, state.selected); // a reload reopens it, with its autosave
      }
      document.documentElement.dataset.ready = 'true';
    });
    return;
  }
  // ?system=ID opens a built-in (with its example: ?example=1, then nothing is restored); a plain
  // reload reopens the built-in last used, with its autosaved figures.
  const builtin = id ?? (params.has('example') ? null : last);
  if (builtin && [...$('system-select').options].some((o) => o.value === builtin)) {
    $('system-select').value = builtin;
    if (chooseBuiltin(builtin, { restore: !params.has('example') })) state.selected = builtin;
    // Not saved until the user changes something: the link's example must not replace what the
    // user saved for this system.
    if (params.has('example') && state.builtinId) fillExample();
  }
  document.documentElement.dataset.ready = 'true';
}

try {
  start();
} catch (e) {
  setEngineStatus(t('页面出错：{message}', { message: e.message }), true);
  throw e;
}
