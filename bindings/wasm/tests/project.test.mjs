// Project self-evaluations (项目支出绩效自评表) through the package's `jixiao/project` entry: the
// built-in templates, the bundled example, an edited row, located errors, and a published table
// read from CSV. Errors are the classes of `jixiao`.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as jx from '../out/pkg/index.js';
import * as jp from '../out/pkg/project.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../..');
const TEMPLATE = 'mof-project';
const CSV = path.join(ROOT, 'tests/tables/projects/农村公路养护工程.csv');

function caught(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error');
}

test('projectTemplates lists mof-project with its sections, execution points and qualitative bands', () => {
  const templates = jp.projectTemplates();
  const t = templates.find((x) => x.id === TEMPLATE);
  assert.ok(t, JSON.stringify(templates.map((x) => x.id)));
  assert.equal(t.name, '项目支出绩效自评表');
  assert.match(t.source, /财预〔2020〕10号/);
  assert.ok(t.notes.length > 0);
  assert.equal(t.execution.points, '10');
  assert.deepEqual(
    t.sections.map((s) => [s.name, s.points]),
    [
      ['产出指标', '50'],
      ['效益指标', '30'],
      ['满意度指标', '10'],
    ],
  );
  assert.deepEqual(t.sections[0].children, ['数量指标', '质量指标', '时效指标', '成本指标']);
  assert.deepEqual(
    t.qualitative.map((b) => [b.level, b.min, b.max]),
    [
      ['达成', '0.8', '1'],
      ['部分达成', '0.5', '0.8'],
      ['未达成', '0', '0.5'],
    ],
  );
  assert.throws(() => jp.projectExample('nope'), (e) => e instanceof jx.RequestError && /mof-project/.test(e.message));
});

test('the example project scores 93.37 / 优, each scored row mapped to its indicator', () => {
  const project = jp.projectExample(TEMPLATE);
  assert.equal(project.info.项目名称, '农村公路养护工程');
  assert.equal(project.funds.全年预算数, '800');
  const result = jp.scoreProject(TEMPLATE, project);
  assert.equal(result.total, '93.37');
  assert.equal(result.grade, '优');
  // The evaluation has the shape `evaluate` gives: 预算执行率 776/800 of 10 points = 9.70.
  const execution = result.indicators.find((r) => r.id === '1');
  assert.equal(execution.name, '预算执行率');
  assert.equal(execution.score, '9.70');
  assert.equal(typeof result.explanation, 'string');
  // Every row but the placeholder (指标4：, index 3) is scored, in the table's order.
  assert.deepEqual(
    result.rows.map((r) => r.index),
    project.rows.map((_, i) => i).filter((i) => i !== 3),
  );
  const byIndex = new Map(result.rows.map((r) => [r.index, result.indicators.find((x) => x.id === r.indicator)]));
  assert.equal(byIndex.get(0).name, '农村公路日常养护里程');
  assert.equal(byIndex.get(1).score, '4.38'); // 危桥改造 7 of ≥8 座, 5 points
  assert.equal(byIndex.get(4).score, '7.80'); // 优良中等路率 78% of ≥80%, 8 points
  // English explanations on request; figures the same.
  const en = jp.scoreProject(TEMPLATE, project, { lang: 'en' });
  assert.equal(en.total, '93.37');
  assert.notEqual(en.explanation, result.explanation);
});

test('an edited row changes the total', () => {
  const project = jp.projectExample(TEMPLATE);
  project.rows[1].实际完成值 = '8座'; // 危桥改造数量 met: 4.38 → 5
  const result = jp.scoreProject(TEMPLATE, project);
  assert.equal(result.total, '93.99');
  assert.equal(result.grade, '优');
  const row = result.rows.find((r) => r.index === 1);
  assert.equal(result.indicators.find((r) => r.id === row.indicator).score, '5.00');
  // A new row, with the section's points moved to it, is scored in its place.
  project.rows[0].分值 = '6';
  project.rows.splice(1, 0, {
    一级指标: '产出指标',
    二级指标: '数量指标',
    三级指标: '新建候车亭',
    年度指标值: '≥10个',
    实际完成值: '5个',
    分值: '4',
  });
  const more = jp.scoreProject(TEMPLATE, project);
  const added = more.indicators.find((r) => r.id === more.rows.find((r) => r.index === 1).indicator);
  assert.equal(added.name, '新建候车亭');
  assert.equal(added.score, '2.00');
  assert.equal(more.total, '91.99');
});

test('an unknown 二级指标 is a located Chinese error (InputError, row and column)', () => {
  const project = jp.projectExample(TEMPLATE);
  project.rows[1].二级指标 = '数目指标';
  const e = caught(() => jp.scoreProject(TEMPLATE, project));
  assert.ok(e instanceof jx.InputError, `${e?.constructor?.name}: ${e?.message}`);
  assert.equal(e.kind, 'inputs');
  assert.equal(e.code, 'project_table');
  assert.match(e.messageZh, /^第2行“二级指标”：“数目指标”不是“产出指标”下的二级指标（数量指标、质量指标、时效指标、成本指标）/);
  assert.equal(e.errors.length, 1);
  const [d] = e.errors;
  assert.equal(d.path, 'rows[1].二级指标');
  assert.deepEqual(d.params, { row: '2', column: '二级指标' });
  assert.equal(d.code, 'project_table');
  assert.match(d.message, /row 2, 二级指标: `数目指标` is not a 二级指标/);
  // The JSON form keeps kind, code, both messages and the located details.
  const data = JSON.parse(JSON.stringify(e));
  assert.deepEqual(Object.keys(data).sort(), ['code', 'errors', 'kind', 'message', 'message_zh']);
  assert.equal(data.errors[0].params.row, '2');

  // Every problem, not just the first: a second bad row and the points no longer adding up.
  project.rows[2].实际完成值 = '六十公里';
  project.rows[0].分值 = '9';
  const all = caught(() => jp.scoreProject(TEMPLATE, project));
  assert.deepEqual(
    all.errors.map((x) => [x.params.row ?? null, x.params.column ?? null]),
    [
      ['2', '二级指标'],
      ['3', '实际完成值'],
      [null, null],
    ],
  );
  assert.match(all.errors[2].message_zh, /“产出指标”下各指标分值合计49分，与模板规定的50分不符/);
});

test('a qualitative score outside its band names its row; numbers must be strings or safe integers', () => {
  const project = jp.projectExample(TEMPLATE);
  const i = project.rows.findIndex((r) => r.实际完成值 === '达成');
  project.rows[i].得分 = '2'; // 达成 is 80%–100% of 6 points
  const e = caught(() => jp.scoreProject(TEMPLATE, project));
  assert.ok(e instanceof jx.EvaluationError, `${e?.constructor?.name}: ${e?.message}`);
  assert.match(e.messageZh, new RegExp(`^第${i + 1}行：`));
  assert.equal(e.errors[0].params.row, String(i + 1));

  const floats = jp.projectExample(TEMPLATE);
  floats.rows[0].分值 = 9.5;
  const r = caught(() => jp.scoreProject(TEMPLATE, floats));
  assert.ok(r instanceof jx.RequestError);
  assert.equal(r.errors[0].path, 'rows[0].分值');
  floats.rows[0].分值 = 10; // a safe integer is fine
  assert.equal(jp.scoreProject(TEMPLATE, floats).total, '93.37');
  assert.throws(() => jp.scoreProject(TEMPLATE, []), jx.RequestError);
  assert.throws(() => jp.scoreProject('nope', floats), jx.RequestError);
});

test('a published table read from CSV (tests/tables/projects) scores as the example', () => {
  const text = fs.readFileSync(CSV, 'utf8');
  const project = jp.readProjectCsv(text);
  assert.equal(project.info.项目名称, '农村公路养护工程');
  assert.equal(project.info.主管部门, '某县交通运输局');
  assert.deepEqual(project.funds, { 年初预算数: '750', 全年预算数: '800', 全年执行数: '776', 得分: '9.7' });
  assert.equal(project.总分, '93.37');
  assert.equal(project.rows[4].一级指标, '产出指标'); // a merged cell is the cell above
  const result = jp.scoreProject(TEMPLATE, project);
  assert.equal(result.total, '93.37');
  assert.equal(result.grade, '优');
  // With a byte-order mark, as Excel writes CSV UTF-8, the same.
  assert.deepEqual(jp.readProjectCsv(`\ufeff${text}`), project);

  // A cell that cannot be read is an error naming its CSV row.
  const broken = text.replace('≥1200公里,1236公里,10,10', '≥1200公里,1236公里,十,10');
  const e = caught(() => jp.readProjectCsv(broken));
  assert.ok(e instanceof jx.InputError, `${e?.constructor?.name}: ${e?.message}`);
  assert.match(e.messageZh, /第13行“分值”/);
  assert.equal(e.errors[0].params.row, '13');
  // Not a project table at all.
  const none = caught(() => jp.readProjectCsv('a,b\n1,2\n'));
  assert.match(none.messageZh, /未找到资金情况/);
});

test('project.d.ts declares exactly the exports of jixiao/project; jixiao itself has none of them', () => {
  const dts = fs.readFileSync(path.join(HERE, '../out/pkg/project.d.ts'), 'utf8');
  const declared = new Set([...dts.matchAll(/^export (?:class|function) (\w+)/gm)].map((m) => m[1]));
  assert.deepEqual([...declared].sort(), Object.keys(jp).sort());
  // init and initSync: each entry loads its own module.
  for (const name of declared) assert.equal(name in jx && !['init', 'initSync'].includes(name), false, `${name} is not in the main module`);
  const pkg = JSON.parse(fs.readFileSync(path.join(HERE, '../out/pkg/package.json'), 'utf8'));
  assert.deepEqual(pkg.exports['./project'], { types: './project.d.ts', import: './project.js', require: './project.cjs', default: './project.js' });
  for (const f of pkg.files) assert.ok(fs.existsSync(path.join(HERE, '../out/pkg', f)), f);
});
