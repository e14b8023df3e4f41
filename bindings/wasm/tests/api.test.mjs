// The JS API of the package: objects, errors, number inputs, batch, declarations. The scoring
// itself is checked by conformance.test.mjs (the whole corpus).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as jx from '../out/pkg/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../..');
const SEED = 'xiangxi-commerce-2019';

function throws(f, Cls, kind) {
  let error;
  try {
    f();
  } catch (e) {
    error = e;
  }
  assert.ok(error, 'expected an error');
  assert.ok(error instanceof Cls, `expected ${Cls.name}, got ${error?.constructor?.name}: ${error?.message}`);
  assert.ok(error instanceof jx.JixiaoError && error instanceof Error);
  assert.equal(error.name, Cls.name);
  assert.equal(error.kind, kind);
  assert.ok(Array.isArray(error.errors) && error.errors.length > 0, 'structured details');
  for (const d of error.errors) {
    assert.equal(typeof d.path, 'string');
    assert.equal(typeof d.message, 'string');
  }
  return error;
}

test('the seed: xiangxi-commerce-2019 with its example scores 91.73, 优秀', () => {
  const system = jx.builtin(SEED);
  const example = jx.builtinExample(SEED);
  const result = system.evaluate(example);
  assert.equal(result.total, '91.73');
  assert.equal(result.grade, '优秀');
  assert.equal(result.system, SEED);
  // The object API answers exactly as the JSON layer from the system text.
  const text = system.toJson();
  assert.deepEqual(JSON.parse(jx.evaluateJson(text, JSON.stringify(example))), result);
  assert.equal(system.id, SEED);
  assert.ok(system.name.includes('湘西'));
  system.free();
});

test('every figure of a result is a decimal string; only indices are numbers', () => {
  const result = jx.builtin(SEED).evaluate(jx.builtinExample(SEED));
  const numbers = [];
  const walk = (x, at) => {
    if (typeof x === 'number') numbers.push(at);
    else if (Array.isArray(x)) x.forEach((y, i) => walk(y, `${at}[${i}]`));
    else if (x && typeof x === 'object') for (const [k, y] of Object.entries(x)) walk(y, `${at}.${k}`);
  };
  walk(result, '');
  assert.deepEqual(
    numbers.filter((p) => !/\.(depth|tier|case)$/.test(p) && p !== '.provenance.year'),
    [],
    'numbers other than depth/tier/case indices and the year of the provenance',
  );
  for (const k of ['total', 'exact_total', 'full_points', 'tree_total', 'excluded_points', 'bonus_total']) {
    assert.match(result[k], /^-?\d+(\.\d+)?$/, k);
  }
  for (const r of result.indicators) {
    assert.match(r.points, /^\d+(\.\d+)?$/);
    assert.match(r.score, /^\d+(\.\d+)?$/);
    for (const d of r.deductions) assert.equal(typeof d.amount, 'string');
  }
});

test('number inputs: safe integers and strings only', () => {
  const system = jx.builtin(SEED);
  const example = jx.builtinExample(SEED);
  for (const bad of [0.99, 76.5, 2 ** 53, -(2 ** 53), Number.NaN, Number.POSITIVE_INFINITY]) {
    const e = throws(() => system.evaluate({ ...example, 编制数: bad }), jx.RequestError, 'request');
    assert.equal(e.errors[0].path, 'inputs[编制数]');
    assert.equal(e.errors[0].input, '编制数');
    assert.match(e.message, /safe integer/);
  }
  throws(() => system.evaluate({ ...example, 编制数: 76n }), jx.RequestError, 'request');
  throws(() => system.evaluate({ ...example, 编制数: () => 76 }), jx.RequestError, 'request');
  // A level's score obeys the same rule.
  const level = throws(() => system.evaluate({ ...example, 经济效益: { level: '达成', score: 7.5 } }), jx.RequestError, 'request');
  assert.equal(level.errors[0].path, 'inputs[经济效益].score');
  assert.equal(level.errors[0].input, '经济效益');
  throws(() => system.evaluate({ ...example, 经济效益: { level: '达成', score: 7n } }), jx.RequestError, 'request');
  throws(() => system.evaluate({ ...example, 预算管理制度: ['财务管理制度', 1.5] }), jx.RequestError, 'request');
  // The same value as text or as a safe integer is fine, and the same.
  const a = system.evaluate({ ...example, 编制数: 76 });
  const b = system.evaluate({ ...example, 编制数: '76' });
  assert.equal(a.total, b.total);
  // Percent and thousands separators as the engine reads them.
  assert.equal(system.evaluate({ ...example, 满意度: '0.95' }).total, system.evaluate({ ...example, 满意度: '95%' }).total);
  assert.equal(system.evaluate({ ...example, 年初预算: '2,000' }).total, '91.73');
});

test('inputs: Map, undefined left out, null refused by the engine', () => {
  const system = jx.builtin(SEED);
  const example = jx.builtinExample(SEED);
  assert.equal(system.evaluate(new Map(Object.entries(example))).total, '91.73');
  assert.equal(system.evaluate({ ...example, 其他收入: undefined }).total, system.evaluate({ ...example, 其他收入: '0' }).total);
  throws(() => system.evaluate({ ...example, 编制数: null }), jx.RequestError, 'request');
  throws(() => system.evaluate([]), jx.RequestError, 'request');
  throws(() => system.evaluate(null), jx.RequestError, 'request');
  throws(() => system.evaluate('{}'), jx.RequestError, 'request');
});

test('errors: classes, kinds and structured details', () => {
  const syntax = throws(() => jx.IndicatorSystem.fromJson('{"format": 1,'), jx.LoadError, 'syntax');
  assert.ok(syntax.errors[0].message.length > 0);
  throws(() => jx.IndicatorSystem.fromToml('format = '), jx.LoadError, 'syntax');
  throws(() => jx.builtin('no-such-system'), jx.RequestError, 'request');

  // An invalid system loads, lists its problems, and refuses to evaluate.
  const invalid = jx.IndicatorSystem.fromJson(
    JSON.stringify({
      format: 1,
      id: 'x',
      name: 'x',
      indicators: [{ id: '1', name: 'a', points: '5' }],
      grades: [{ label: '合格' }],
    }),
  );
  const check = invalid.validate();
  assert.equal(check.valid, false);
  assert.equal(check.kind, 'validation');
  assert.ok(check.errors.some((e) => e.path.startsWith('indicators[1]')), JSON.stringify(check));
  throws(() => invalid.evaluate({}), jx.LoadError, 'validation');
  throws(() => invalid.info(), jx.LoadError, 'validation');

  // Input errors: every problem at once, each naming its input.
  const system = jx.builtin(SEED);
  const e = throws(() => system.evaluate({ 编制数: 'abc', 不存在: '1' }), jx.InputError, 'inputs');
  const kinds = new Map(e.errors.map((d) => [d.input, d.kind]));
  assert.equal(kinds.get('编制数'), 'invalid');
  assert.equal(kinds.get('不存在'), 'unknown');
  assert.equal(kinds.get('在职人员数'), 'missing');
  assert.equal(e.errors.find((d) => d.input === '编制数').path, 'inputs[编制数]');

  // Evaluation errors carry the expression's location.
  const divide = jx.IndicatorSystem.fromJson(
    JSON.stringify({
      format: 1,
      id: 'd',
      name: 'd',
      inputs: [{ name: 'a' }, { name: 'b' }],
      metrics: [{ name: 'r', expr: 'a / b' }],
      indicators: [
        { id: '1', name: 'r', points: '10', rule: { type: 'rate', value: 'r' } },
      ],
      grades: [{ label: '合格' }],
    }),
  );
  assert.equal(divide.validate().valid, true, JSON.stringify(divide.validate()));
  const ev = throws(() => divide.evaluate({ a: 1, b: 0 }), jx.EvaluationError, 'arithmetic');
  assert.equal(ev.errors[0].path, 'metrics[r].expr');
  assert.equal(ev.errors[0].position, 3);

  throws(() => system.evaluate({}, { lang: 'fr' }), jx.RequestError, 'request');
  throws(() => system.report(jx.builtinExample(SEED), { format: 'pdf' }), jx.RequestError, 'request');
  assert.ok(new jx.InputError('inputs', 'x') instanceof jx.JixiaoError);
});

test('errors: JSON.stringify keeps kind, code, both messages and errors (the JSON layer error object)', () => {
  const system = jx.builtin(SEED);
  const divide = jx.IndicatorSystem.fromJson(
    JSON.stringify({
      format: 1,
      id: 'd',
      name: 'd',
      inputs: [{ name: 'a' }, { name: 'b' }],
      metrics: [{ name: 'r', expr: 'a / b' }],
      indicators: [{ id: '1', name: 'r', points: '10', rule: { type: 'rate', value: 'r' } }],
      grades: [{ label: '合格' }],
    }),
  );
  const cases = [
    [() => jx.IndicatorSystem.fromJson('{"format": 1,'), jx.LoadError, 'syntax'],
    [() => system.evaluate({ 编制数: 'abc' }), jx.InputError, 'inputs'],
    [() => divide.evaluate({ a: 1, b: 0 }), jx.EvaluationError, 'arithmetic'],
    [() => system.evaluate({ 编制数: 0.5 }), jx.RequestError, 'request'],
    [() => jx.builtin('no-such-system'), jx.RequestError, 'request'],
  ];
  for (const [f, Cls, kind] of cases) {
    const e = throws(f, Cls, kind);
    const data = JSON.parse(JSON.stringify(e));
    assert.deepEqual(Object.keys(data).sort(), ['code', 'errors', 'kind', 'message', 'message_zh']);
    assert.deepEqual(data, { kind, code: e.code, message: e.message, message_zh: e.messageZh, errors: e.errors });
    assert.ok(data.message.length > 0 && data.message_zh !== '' && data.errors.length > 0);
    for (const d of data.errors) assert.ok(typeof d.code === 'string' && typeof d.message_zh === 'string', JSON.stringify(d));
  }
  // The engine's problems carry a stable code and Chinese that names the input or indicator.
  const bad = throws(() => system.evaluate({ 编制数: 'abc' }), jx.InputError, 'inputs');
  assert.equal(bad.code, 'not_a_decimal');
  assert.equal(bad.errors[0].input, '编制数');
  assert.match(bad.messageZh, /“编制数”：“abc”不是数字/);
  const zero = throws(() => divide.evaluate({ a: 1, b: 0 }), jx.EvaluationError, 'arithmetic');
  assert.equal(zero.code, 'division_by_zero');
  assert.match(zero.messageZh, /无法计算“r”：公式 a \/ b 的除数为 0/);
  // `{error: e}` serialises to the envelope the JSON layer writes for the same unit.
  const e = throws(() => system.evaluate({ 编制数: 'abc' }), jx.InputError, 'inputs');
  const [envelope] = JSON.parse(jx.evaluateBatchJson(system.toJson(), '[{"编制数": "abc"}]'));
  assert.deepEqual(JSON.parse(JSON.stringify({ error: e })), envelope);
});

test('errors: the JSON form keeps message, code and field, from the engine, the JS checks, a batch and a project', async () => {
  const jp = await import('../out/pkg/project.js');
  const system = jx.builtin(SEED);
  const example = jx.builtinExample(SEED);
  /** What a form needs of an error after JSON.stringify (a log line, a worker's message): message, code, field. */
  const fields = (data) => data.errors.map((d) => [d.code, d.input ?? d.params.column ?? d.path]);
  const cases = [
    // the engine's check of an input: the field is the input
    [() => system.evaluate({ ...example, 编制数: 'abc' }), 'not_a_decimal', [['not_a_decimal', '编制数']]],
    // the JS side's number rule
    [() => system.evaluate({ ...example, 满意度: 0.95 }), 'unsafe_number', [['unsafe_number', '满意度']]],
    // a project's table: row and column
    [
      () => jp.scoreProject('mof-project', { ...jp.projectExample('mof-project'), rows: [{ ...jp.projectExample('mof-project').rows[0], 二级指标: '数目指标' }] }),
      'project_table',
      null,
    ],
  ];
  for (const [f, code, expected] of cases) {
    let error;
    try {
      f();
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof jx.JixiaoError, String(error));
    const data = JSON.parse(JSON.stringify(error));
    assert.equal(data.message, error.message);
    assert.ok(data.message.length > 0 && data.message_zh.length > 0);
    assert.equal(data.code, code);
    if (expected) assert.deepEqual(fields(data), expected);
    else assert.ok(data.errors.some((d) => d.params.row && d.params.column === '二级指标'), JSON.stringify(data.errors));
    // The same through a wrapping object and a structured clone of the plain form.
    assert.deepEqual(JSON.parse(JSON.stringify({ error })).error, data);
    assert.deepEqual(structuredClone(error.toJSON()), data);
  }
  // A batch's failed units carry the same error object, whether the engine or the JS side refused them.
  const [engine, js] = system.evaluateBatch([{ ...example, 编制数: 'abc' }, { ...example, 满意度: 0.95 }]);
  for (const [item, code, input] of [
    [engine, 'not_a_decimal', '编制数'],
    [js, 'unsafe_number', '满意度'],
  ]) {
    assert.deepEqual(Object.keys(item.error).sort(), ['code', 'errors', 'kind', 'message', 'message_zh'], JSON.stringify(item));
    assert.equal(item.error.code, code);
    assert.equal(item.error.errors[0].input, input);
    assert.ok(item.error.message_zh.length > 0);
  }
});

test('evaluateBatch states every figure at the system\'s places, as fixed-decimal strings (5.00, not 5)', () => {
  const stated = /^\d+\.\d{2}$/;
  for (const id of ['hunan-dept', SEED]) {
    const system = jx.builtin(id);
    const example = jx.builtinExample(id);
    const [out] = system.evaluateBatch([example, { ...example, 编制数: '-1' }]);
    assert.equal(typeof out.total, 'string');
    assert.match(out.total, stated);
    const scores = [...out.indicators, ...out.bonus].map((r) => r.score);
    assert.ok(scores.length > 5, id);
    for (const s of scores) assert.match(s, stated, `${id}: ${s}`);
    // A whole score keeps its places: a full mark reads 5.00.
    assert.ok(scores.some((s) => s.endsWith('.00')), `${id}: ${scores}`);
    assert.deepEqual(out, system.evaluate(example));
  }
});

test('evaluateBatch keeps every unit in order, a failing unit in its place', () => {
  const system = jx.builtin(SEED);
  const example = jx.builtinExample(SEED);
  const units = [example, { ...example, 编制数: 0.5 }, { ...example, 编制数: '-1' }, { ...example, 满意度: '80%' }];
  const out = system.evaluateBatch(units, { lang: 'en' });
  assert.equal(out.length, 4);
  assert.equal(out[0].total, '91.73');
  assert.equal(out[1].error.kind, 'request');
  assert.equal(out[2].error.kind, 'inputs');
  assert.deepEqual(out[3], system.evaluate(units[3], { lang: 'en' }));
  assert.deepEqual(system.evaluateBatch([]), []);
  // The JSON layer's batch gives the same.
  const text = JSON.parse(jx.evaluateBatchJson(system.toJson(), JSON.stringify([example]), 'en'));
  assert.deepEqual(text[0], out[0]);
  // Every built-in's example evaluates through the object API (no example needs a float).
  for (const b of jx.builtins()) {
    const s = jx.builtin(b.id);
    const r = s.evaluate(jx.builtinExample(b.id));
    assert.match(r.total, /^\d+(\.\d+)?$/, b.id);
    s.free();
  }
});

test('explain, report, info, inputs, toJson, fromToml, fromText', () => {
  const system = jx.builtin(SEED);
  const example = jx.builtinExample(SEED);
  assert.ok(system.explain(example).includes('91.73'));
  assert.ok(system.explain(example, 'en').includes('excellent'));
  assert.equal(system.explain(example), jx.explainJson(system.toJson(), JSON.stringify(example)));
  const csv = system.report(example, { format: 'csv' });
  assert.ok(csv.includes('91.73') && csv.includes('\r\n'));
  assert.ok(system.report(example, { format: 'html' }).includes('<table'));
  assert.ok(system.report(example, { format: 'markdown' }).includes('|'));
  assert.ok(system.report(example).includes('91.73'));

  const info = system.info();
  assert.equal(info.id, SEED);
  assert.equal(info.total_points, '100');
  assert.deepEqual(system.inputs(), info.inputs);
  assert.deepEqual(JSON.parse(jx.systemInfoJson(system.toJson())), info);
  const byName = new Map(info.inputs.map((i) => [i.name, i]));
  assert.equal(byName.get('满意度').max, '1');
  assert.deepEqual(byName.get('经济效益').levels, ['达成', '部分达成', '未达成']);
  assert.equal(byName.get('预算管理制度').kind, 'checklist');
  assert.equal(byName.get('有新建楼堂馆所项目').default, false);
  assert.ok(info.indicators.every((r) => typeof r.standard === 'string' && typeof r.points === 'string'));
  assert.equal(info.grades[0].label, '优秀');

  const tomlText = fs.readFileSync(path.join(ROOT, 'tests/vectors/systems/budget-control.toml'), 'utf8');
  const toml = jx.IndicatorSystem.fromToml(tomlText);
  assert.equal(toml.validate().valid, true);
  assert.equal(jx.IndicatorSystem.fromText(tomlText).id, toml.id);
  assert.equal(jx.IndicatorSystem.fromText(system.toJson()).id, SEED);
  throws(() => jx.IndicatorSystem.fromJson(tomlText), jx.LoadError, 'syntax');

  assert.equal(JSON.parse(jx.validateJson(tomlText)).valid, true);
  assert.deepEqual(JSON.parse(jx.builtinsJson()), jx.builtins());
  assert.ok(jx.builtins().some((b) => b.id === SEED));
  assert.match(jx.version(), /^\d+\.\d+\.\d+/);
});

test('analyses: what-if, target, and their number rule', () => {
  const system = jx.builtin(SEED);
  const example = jx.builtinExample(SEED);
  const whatIf = system.analyze({ what_if: { inputs: example, changes: { 满意度: '80%' } } });
  assert.equal(whatIf.total_a, '91.73');
  assert.equal(whatIf.total_b, system.evaluate({ ...example, 满意度: '80%' }).total);
  assert.deepEqual(
    whatIf,
    JSON.parse(jx.analysisJson(system.toJson(), JSON.stringify({ what_if: { inputs: example, changes: { 满意度: '80%' } } }))),
  );
  const target = system.analyze({ target: { inputs: example, input: '满意度', goal: { total: '92' } } });
  assert.equal(typeof target.message, 'string');
  assert.equal(target.required, null);
  assert.match(target.unreachable, /91\.73/);
  const e = throws(
    () => system.analyze({ target: { inputs: example, input: '满意度', goal: { total: 91.5 } } }),
    jx.RequestError,
    'request',
  );
  assert.equal(e.errors[0].path, 'target.goal.total');
  throws(() => system.analyze({ nonsense: {} }), jx.RequestError, 'request');
});

test('decimals: parseDecimal and compareDecimals read as the engine reads inputs', () => {
  assert.equal(jx.parseDecimal('95%'), '0.95');
  assert.equal(jx.parseDecimal(' 3,867.50 '), '3867.5');
  assert.equal(jx.parseDecimal(76), '76');
  throws(() => jx.parseDecimal('abc'), jx.RequestError, 'request');
  throws(() => jx.parseDecimal('1e3'), jx.RequestError, 'request');
  assert.equal(jx.compareDecimals('0.1', '10%'), 0);
  assert.equal(jx.compareDecimals('0.30000000000000000001', '0.3'), 1);
  assert.equal(jx.compareDecimals('-1', '0'), -1);
  assert.equal(jx.displayFigure('6.727891156462585034013605442'), '6.73');
  assert.equal(jx.displayFigure('0.1234'), '0.1234');
  assert.equal(jx.displayFigure('13'), '13');
});

test('free: a freed system refuses further use', () => {
  const system = jx.builtin(SEED);
  system.free();
  system.free(); // twice is fine
  assert.throws(() => system.evaluate({}), TypeError);
  assert.throws(() => new jx.IndicatorSystem(), TypeError);
});

test('index.d.ts declares exactly the module exports', () => {
  const dts = fs.readFileSync(path.join(HERE, '../out/pkg/index.d.ts'), 'utf8');
  const declared = new Set([...dts.matchAll(/^export (?:class|function) (\w+)/gm)].map((m) => m[1]));
  const runtime = new Set(Object.keys(jx));
  assert.deepEqual([...runtime].filter((n) => !declared.has(n)).sort(), [], 'exports without a declaration');
  assert.deepEqual([...declared].filter((n) => !runtime.has(n)).sort(), [], 'declarations without an export');
  // The methods of IndicatorSystem too.
  const body = dts.slice(dts.indexOf('export class IndicatorSystem'));
  const members = new Set(
    [...body.slice(0, body.indexOf('\n}')).matchAll(/^ {2}(?:static |readonly )?(\w+)[(:<]/gm)].map((m) => m[1]),
  );
  members.delete('constructor');
  const proto = Object.getOwnPropertyNames(jx.IndicatorSystem.prototype).filter((n) => n !== 'constructor');
  const statics = Object.getOwnPropertyNames(jx.IndicatorSystem).filter((n) => !['length', 'name', 'prototype'].includes(n));
  assert.deepEqual([...proto, ...statics].filter((n) => !members.has(n)).sort(), [], 'undeclared members');
  assert.deepEqual([...members].filter((n) => !proto.includes(n) && !statics.includes(n)).sort(), [], 'declared members missing');
});

test('progress: partly given inputs score the leaves they decide, as evaluate scores them; level bands in points', () => {
  const system = jx.IndicatorSystem.builtin(SEED);
  const example = jx.builtinExample(SEED);
  const full = system.evaluate(example);
  const { 年初预算: _, ...rest } = example;
  const p = system.progress(rest);
  const open = p.leaves.filter((l) => l.state === 'open');
  assert.ok(open.length > 0);
  for (const l of open) assert.ok(l.needs.includes('年初预算'), l.id);
  for (const l of p.leaves.filter((x) => x.state === 'scored')) {
    assert.equal(l.score, full.indicators.find((r) => r.id === l.id).score, l.id);
    assert.ok(!l.inputs.includes('年初预算'), l.id);
  }
  assert.equal(system.progress(example).determined, full.total);
  const eco = system.levelBands().find((b) => b.input === '经济效益');
  assert.equal(eco.indicator, '4.1.1');
  assert.deepEqual(
    eco.bands.map((b) => [b.level, b.min, b.max, b.default]),
    [['达成', '1.6', '2', '2'], ['部分达成', '1', '1.6', null], ['未达成', '0', '1', null]],
  );
  throws(() => system.progress({ 满意度: 0.95 }), jx.RequestError, 'request');
});
