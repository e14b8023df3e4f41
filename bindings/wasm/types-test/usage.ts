// A small usage of the package, checked with `tsc --noEmit -p types-test` against the hand-written
// declarations (js/index.d.ts). It is compiled, not run; the Node tests run the real thing.

import {
  EvaluationError,
  IndicatorSystem,
  InputError,
  JixiaoError,
  LoadError,
  RequestError,
  analysisJson,
  builtin,
  builtinExample,
  builtins,
  builtinsJson,
  compareDecimals,
  displayFigure,
  evaluateBatchJson,
  evaluateJson,
  explainJson,
  init,
  initSync,
  parseDecimal,
  systemInfoJson,
  validateJson,
  version,
  type BatchResult,
  type Comparison,
  type Decimal,
  type ErrorDetail,
  type ErrorInfo,
  type Evaluation,
  type InitInput,
  type IndicatorResult,
  type InputInfo,
  type Inputs,
  type SystemInfo,
  type Target,
  type Progress,
  type LevelBands,
  type ValidationResult,
} from '../js/index.js';
import {
  init as initProject,
  initSync as initProjectSync,
  projectExample,
  projectTemplates,
  readProjectCsv,
  scoreProject,
  type Project,
  type ProjectEvaluation,
  type ProjectTemplate,
} from '../js/project.js';

// Loading the engine: no top-level await needed by the package; the source is the user's choice.
const sources: InitInput[] = [
  'https://cdn.example/jixiao_wasm_bg.wasm',
  new URL('https://cdn.example/jixiao_wasm_bg.wasm'),
  fetch('https://cdn.example/jixiao_wasm_bg.wasm'),
  new Uint8Array(8),
  new ArrayBuffer(8),
];
const loading: Promise<void> = init(sources[0]).then(() => init()).then(() => initProject());
initSync(new Uint8Array(8));
initProjectSync();

const v: string = version();
const list = builtins();
const first: string | undefined = list[0]?.id;

const system: IndicatorSystem = builtin('xiangxi-commerce-2019');
const example = builtinExample('xiangxi-commerce-2019');
const result: Evaluation = system.evaluate(example, { lang: 'zh' });
const total: Decimal = result.total;
const grade: string = result.grade;
const rows: IndicatorResult[] = result.indicators.filter((r) => r.depth === 0);
const lost: Decimal[] = rows.flatMap((r) => r.deductions.map((d) => d.amount));
const naOutcome: 'full_points' | 'zero' | 'excluded' | undefined = result.indicators[0]?.na_outcome;

// Inputs: decimals as strings, counts as integers, booleans, checklists, levels.
const inputs: Inputs = {
  编制数: 76,
  年初预算: '2000',
  满意度: '95%',
  有新建楼堂馆所项目: false,
  预算管理制度: ['财务管理制度'],
  经济效益: { level: '部分达成', score: '3.5' },
  社会效益: '达成',
  其他收入: undefined,
};
const again: Evaluation = system.evaluate(new Map([['编制数', '76']]));

const batch: BatchResult[] = system.evaluateBatch([inputs, example], { lang: 'en' });
for (const item of batch) {
  if ('error' in item) {
    const details: ErrorDetail[] = item.error.errors;
    console.log(item.error.kind, details.length);
  } else {
    console.log(item.total);
  }
}

const check: ValidationResult = IndicatorSystem.fromJson('{}').validate();
if (!check.valid) for (const e of check.errors) console.log(e.path, e.position ?? '', e.message);
const fromToml = IndicatorSystem.fromToml('format = 1');
const fromText = IndicatorSystem.fromText('{}');
const info: SystemInfo = system.info('en');
const declared: InputInfo[] = system.inputs();
const kinds = declared.map((i) => i.kind);
const text: string = system.explain(inputs, 'en') + system.report(inputs, { format: 'csv', lang: 'zh' });
const id: string = system.id + system.name + system.toJson();

const whatIf: Comparison = system.analyze({ what_if: { inputs: example, changes: { 满意度: '80%' } } });
const target: Target = system.analyze({ target: { inputs: example, input: '满意度', goal: { grade: '良好' } } });
const reachable: boolean = target.unreachable === null && whatIf.changed.length >= 0;

try {
  system.evaluate({ 编制数: 'abc' });
} catch (e) {
  if (e instanceof InputError) {
    const kind: 'inputs' | 'missing_input' = e.kind;
    for (const d of e.errors) console.log(d.input, d.kind, d.path);
    console.log(kind);
  } else if (e instanceof LoadError || e instanceof EvaluationError || e instanceof RequestError) {
    console.log(e.kind, e.message);
  } else if (e instanceof JixiaoError) {
    const info: ErrorInfo = e.toJSON();
    console.log(e.errors, info.kind, JSON.stringify({ error: e }));
  }
}

// The JSON layer: text in, text out.
const json: string =
  evaluateJson(system.toJson(), JSON.stringify(example)) +
  evaluateBatchJson(system.toJson(), '[]', 'en') +
  explainJson(system.toJson(), '{}') +
  systemInfoJson(system.toJson()) +
  validateJson('{}') +
  analysisJson(system.toJson(), '{}') +
  builtinsJson();
const order: -1 | 0 | 1 = compareDecimals(parseDecimal('95%'), '0.95');
const figure: string = displayFigure(result.indicators[0]?.score ?? '0');

{
  using scoped = builtin('hunan-dept');
  console.log(scoped.id);
}
system.free();

console.log(v, first, total, grade, lost, naOutcome, again, fromToml, fromText, info, kinds, text, id, reachable, json, order, figure);

// Project self-evaluations: a template, the project's own rows.
const templates: ProjectTemplate[] = projectTemplates();
const children: string[] = templates[0]?.sections[0]?.children ?? [];
const bands: Decimal[] = templates.flatMap((t) => t.qualitative.map((b) => b.min));
const project: Project = projectExample('mof-project');
project.rows.push({ 一级指标: '产出指标', 二级指标: '数量指标', 三级指标: '新建候车亭', 年度指标值: '≥10个', 实际完成值: '5个', 分值: '4' });
const scored: ProjectEvaluation = scoreProject('mof-project', project, { lang: 'zh' });
const placed: string[] = scored.rows.map((r) => `${r.index}:${r.indicator}:${scored.total}`);
try {
  scoreProject('mof-project', readProjectCsv('项目名称,x'));
} catch (e) {
  if (e instanceof InputError) for (const d of e.errors) console.log(d.params.row, d.params.column, d.message_zh);
}
console.log(children, bands, placed);

// @ts-expect-error: a bigint is not an input value (decimals are strings, counts safe integers).
const wrong: Inputs = { 编制数: 76n };
console.log(wrong, loading);

// Decimals are strings: a number literal with a fraction is a type error wherever the engine takes
// inputs (it would throw a RequestError at run time); integers and strings are fine.
system.evaluate({ 满意度: '0.95', 编制数: 76, 预算管理制度: ['财务管理制度'] });
// @ts-expect-error: 0.95 must be written '0.95' (or '95%').
system.evaluate({ 满意度: 0.95 });
// @ts-expect-error: a level's score inside its band too.
system.evaluate({ ...example, 经济效益: { level: '部分达成', score: 3.5 } });
// @ts-expect-error: 1e21 is no safe integer.
system.explain({ 年初预算: 1e21 });
// @ts-expect-error: in a batch.
system.evaluateBatch([example, { 满意度: 0.95 }]);
// @ts-expect-error: in a report.
system.report({ 满意度: 0.95 }, { format: 'csv' });
// @ts-expect-error: in an analysis's changes.
system.analyze({ what_if: { inputs: example, changes: { 满意度: 0.8 } } });
// @ts-expect-error: and its bounds.
system.analyze({ sensitivity: { inputs: example, input: '满意度', from: 0.5, to: '1' } });
// @ts-expect-error: a project's figures are decimal strings.
scoreProject('mof-project', { funds: { 全年预算数: 100.5, 全年执行数: '90' }, rows: [] });

// Partly given inputs: what is determined and what is open.
const progress: Progress = system.progress({ 满意度: '95%' });
for (const leaf of progress.leaves) {
  if (leaf.state === 'open') leaf.needs.join('、');
  else if (leaf.state === 'scored') leaf.score.padEnd(4);
  else leaf.error.message_zh.trim();
}
const levelBands: LevelBands[] = system.levelBands();
export const firstDefault: string | null | undefined = levelBands[0]?.bands[0]?.default;
// @ts-expect-error: in partly given inputs too.
system.progress({ 满意度: 0.95 });
