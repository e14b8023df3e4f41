// jixiao/project: project self-evaluations (项目支出绩效自评表) — a built-in template, each project
// its own indicator rows. A second entry of the package with a module of its own (the engine with
// the project code, jixiao_project_bg.wasm), so that what loads `jixiao` alone (the calculator
// page's department mode) neither downloads nor compiles it. Errors are the classes of `jixiao`.
//
// Types: project.d.ts.

import init, * as wasm from './jixiao_project.js';
import { JixiaoError } from './index.js';

const { call, langOf, load, plain, request } = JixiaoError[Symbol.for('jixiao.internal')];

await load(init, new URL('./jixiao_project_bg.wasm', import.meta.url));


/**
 * The built-in project templates, each as the engine defines it: `id`, `name`, `issuer`, `source`,
 * `notes`, `execution.points`, `sections` (一级指标 with `points` and the 二级指标 `children`),
 * `qualitative` bands (`level`, `min`/`max` shares of the points), `grades`, `rounding`.
 */
export function projectTemplates() {
  return JSON.parse(call(wasm.projectTemplatesJson));
}

/** The bundled example project of a built-in template: `{info, funds, rows, 总分?, 等次?}`, decimals as strings. */
export function projectExample(template) {
  return JSON.parse(call(wasm.projectExampleJson, String(template)));
}

/**
 * Scores a project (`{info, funds, rows}`, decimals as strings) with a built-in template: the
 * evaluation as `evaluate` gives it, plus `rows: [{index, indicator}]` (each scored row's index in
 * `project.rows` and its indicator id). A table that does not score throws an `InputError`
 * (`code: 'project_table'`) with one detail per problem, located by `params.row` (1-based) and
 * `params.column`; a row the engine cannot score throws its evaluation error with `params.row`.
 */
export function scoreProject(template, project, options) {
  if (project instanceof Map) project = Object.fromEntries(project);
  if (project === null || typeof project !== 'object' || Array.isArray(project)) {
    throw request('the project must be an object {info, funds, rows}');
  }
  const text = JSON.stringify(plain(project, ''));
  return JSON.parse(call(wasm.scoreProjectJson, String(template), text, langOf(options)));
}

/**
 * Reads a published project table (项目支出绩效自评表) from CSV text by its labels, as
 * `jixiao score --input table.csv` does: the project object, or an `InputError` whose details
 * name the CSV row (`params.row`) and column.
 */
export function readProjectCsv(text) {
  return JSON.parse(call(wasm.projectFromCsvJson, String(text)));
}
