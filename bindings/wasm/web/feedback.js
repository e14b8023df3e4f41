// Feedback while filling (issue 16, item 4): the points already determined and the points still
// open while the form is incomplete or has a wrong value, each level field's band range and
// default, and the errors of a leaf that cannot be scored on the fields it reads. Every figure
// and every decision comes from the engine (system.progress(), system.levelBands()); this module
// only shows them.

import { el } from './app.js';
import { addStrings, t } from './i18n.js';

addStrings({
  '已确定得分': 'Points determined',
  '待定': 'Still open',
  '项指标': ' indicators',
  '分值': 'points',
  '待填写：': 'waits for: ',
  '无法计分：': 'cannot be scored: ',
  '待修正：': 'to correct: ',
  '已确定的指标': 'Indicators determined',
  '待定的指标': 'Indicators still open',
  '本档': 'band',
  '分': ' points',
  '不填按': 'left empty: ',
  '分计': ' points',
  '须填写档内得分': 'a score within the band is required',
  '档内得分（选填，不填按': 'Score in band (optional; empty: ',
  '分计）': ' points)',
  '档内得分（必填，': 'Score in band (required, ',
  '档内得分（选填）': 'Score in band (optional)',
  '不含': 'excl. ',
  '各档得分：': 'Scores by level: ',
});

/** The bands of the level inputs, by input name: [{indicator, points, bands}]. */
let bandsByInput = new Map();

/** A band's range in points as the page says it: `1–1.6 分（不含 1.6 分）`, or `3 分` for one value. */
function bandRange(b) {
  if (b.min === b.max) return `${b.min} ${t('分')}`;
  const excluded = [!b.min_inclusive ? b.min : null, !b.max_inclusive ? b.max : null].filter((x) => x !== null);
  const note = excluded.length ? `（${excluded.map((x) => `${t('不含')} ${x} ${t('分')}`).join('，')}）` : '';
  return `${b.min}–${b.max} ${t('分')}${note}`;
}

/** `部分达成：本档 1–1.6 分（不含 1.6 分），须填写档内得分` / `达成：本档 1.6–2 分，不填按 2 分计`. */
function bandSentence(level, b) {
  const dflt = b.default === null ? t('须填写档内得分') : `${t('不填按')} ${b.default} ${t('分计')}`;
  return `${level}：${t('本档')} ${bandRange(b)}，${dflt}`;
}

/**
 * Reads the system's level bands and adds to each level field its hint (the selected level's band
 * and default, or every level's score when none is chosen). Call after the form is built.
 */
export function setupFeedback(system, fields) {
  bandsByInput = new Map();
  for (const lb of system.levelBands()) {
    if (!bandsByInput.has(lb.input)) bandsByInput.set(lb.input, []);
    bandsByInput.get(lb.input).push(lb);
  }
  for (const [name, f] of fields) {
    if (f.input.kind !== 'level' || !bandsByInput.has(name)) continue;
    f.bandHint = el('p', { class: 'band-hint', id: `${f.select.id}-band` });
    f.select.setAttribute('aria-describedby', `${f.select.getAttribute('aria-describedby') ?? ''} ${f.bandHint.id}`.trim());
    f.score.setAttribute('aria-describedby', f.bandHint.id);
    f.msg.before(f.bandHint);
    updateBandHint(f);
  }
}

/** The hint and the score field's placeholder of a level field for its selected level. */
export function updateBandHint(f) {
  const list = bandsByInput.get(f.input.name);
  if (!f.bandHint || !list) return;
  const level = f.select.value;
  const lines = list.map((lb) => {
    const prefix = list.length > 1 ? `${lb.indicator}：` : '';
    if (!level) return `${prefix}${t('各档得分：')}${lb.bands.map((b) => `${b.level} ${bandRange(b)}`).join('；')}`;
    const b = lb.bands.find((x) => x.level === level);
    return b ? prefix + bandSentence(level, b) : '';
  });
  f.bandHint.textContent = lines.filter(Boolean).join('\n');
  const band = level ? list[0].bands.find((x) => x.level === level) : null;
  f.score.placeholder = !band
    ? t('档内得分（选填）')
    : band.default === null
      ? `${t('档内得分（必填，')}${bandRange(band)}）`
      : `${t('档内得分（选填，不填按')}${band.default}${t('分计）')}`;
}

/**
 * The engine's progress on the inputs as typed: shown while the full result cannot be (inputs
 * missing or wrong). Returns the progress, or null when the engine refused the inputs' shape.
 * `fieldMessage(name, text)` puts a message on a field; `tableRows()` gives the result table's rows.
 */
export function showProgress(system, inputs, { fieldMessage, tableRows }) {
  const box = document.getElementById('progress');
  let p;
  try {
    p = system.progress(inputs);
  } catch {
    box.hidden = true;
    return null;
  }
  const determined = p.leaves.filter((l) => !l.bonus && l.state === 'scored');
  const open = p.leaves.filter((l) => !l.bonus && l.state !== 'scored');
  for (const l of p.leaves) {
    if (l.state !== 'error') continue;
    // Every input of the leaf is given, yet it cannot be scored: the engine's Chinese on its fields.
    for (const name of l.inputs) fieldMessage(name, l.error.message_zh);
  }
  // The determined leaves' scores in the table, as the engine states them.
  const byId = new Map(p.leaves.map((l) => [l.id, l]));
  for (const tr of tableRows()) {
    const l = byId.get(tr.dataset.id);
    if (!l) continue;
    const out = tr.querySelector('.c-score output');
    if (out) out.textContent = l.state === 'scored' ? l.score : '—';
    tr.classList.toggle('open', l.state !== 'scored');
  }
  box.replaceChildren(
    el(
      'p',
      { class: 'progress-sums' },
      el('span', { class: 'determined' }, `${t('已确定得分')} `, el('output', { id: 'progress-determined', text: p.determined }), ` ${t('分')}`),
      `（${determined.length}${t('项指标')}，${t('分值')} ${p.determined_points} ${t('分')}）；`,
      el('span', { class: 'open' }, `${t('待定')} `, el('output', { id: 'progress-open', text: p.open_points }), ` ${t('分')}`),
      `（${open.length}${t('项指标')}）。`,
    ),
    el(
      'details',
      { class: 'progress-open', open: open.length > 0 && open.length <= 12 },
      el('summary', { text: `${t('待定的指标')}（${open.length}）` }),
      el(
        'ul',
        { id: 'progress-open-list' },
        open.map((l) =>
          el(
            'li',
            { 'data-id': l.id },
            el('span', { class: 'id', text: l.id }),
            ` ${l.name}（${l.points}${t('分')}）`,
            el('span', { class: 'needs', text: l.state === 'open' ? needsText(l.needs, inputs) : `${t('无法计分：')}${l.error.message_zh}` }),
          ),
        ),
      ),
    ),
    el(
      'details',
      { class: 'progress-determined' },
      el('summary', { text: `${t('已确定的指标')}（${determined.length}）` }),
      el(
        'ul',
        { id: 'progress-determined-list' },
        determined.map((l) =>
          el('li', { 'data-id': l.id, 'data-score': l.score }, el('span', { class: 'id', text: l.id }), ` ${l.name} `, el('b', { text: l.score }), ` / ${l.points}`),
        ),
      ),
    ),
  );
  box.hidden = false;
  return p;
}

/** `待填写：年初预算；待修正：满意度`: a value given that the engine cannot read is to correct. */
function needsText(needs, inputs) {
  const wrong = needs.filter((n) => inputs[n] !== undefined);
  const empty = needs.filter((n) => inputs[n] === undefined);
  return [empty.length ? `${t('待填写：')}${empty.join('、')}` : '', wrong.length ? `${t('待修正：')}${wrong.join('、')}` : '']
    .filter(Boolean)
    .join('；');
}

export function hideProgress() {
  const box = document.getElementById('progress');
  box.hidden = true;
  box.replaceChildren();
  for (const tr of document.querySelectorAll('#result-table tr.open')) tr.classList.remove('open');
}
