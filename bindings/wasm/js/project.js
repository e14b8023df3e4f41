// jixiao/project: project self-evaluations (项目支出绩效自评表) — a built-in template, each project
// its own indicator rows. A second entry of the package with a module of its own (the engine with
// the project code, jixiao_project_bg.wasm), so that what loads `jixiao` alone (the calculator
// page's department mode) neither downloads nor compiles it. Errors are the classes of `jixiao`.
// Its module is loaded as jixiao's: `await init()` of this entry (no top-level await), or in Node
// by itself on first use.
//
// Types: project.d.ts.

import * as wasm from './jixiao_project.js';
import { JixiaoError } from './index.js';

const { call, langOf, loader, plain, request } = JixiaoError[Symbol.for('jixiao.internal')];

const engine = loader(wasm, new URL('./jixiao_project_bg.wasm', import.meta.url), 'jixiao/project');
const need = engine.need;

/**
 * Loads this entry's module (the engine with project scoring, jixiao_project_bg.wasm; `jixiao`'s
 * own `init()` does not): from beside this file, or from a URL, a `Response` (or a promise of
 * one), bytes or a `WebAssembly.Module`. In Node it also loads itself on first use.
 */
export function init(source) {
  return engine.init(source);
}

/** Loads this entry's module synchronously from its bytes or a `WebAssembly.Module` (in Node, by default the packaged file). */
export function initSync(source) {
  engine.initSync(source);
}

/**
 * The built-in project templates, each as the engine defines it: `id`, `name`, `issuer`, `source`,
 * `notes`, `execution.points`, `sections` (一级指标 with `points` and the 二级指标 `children`),
 * `qualitative` bands (`level`, `min`/`max` shares of the points), `grades`, `rounding`.
 */
export function projectTemplates() {
  need();
  return JSON.parse(call(wasm.projectTemplatesJson));
}

/** The bundled example project of a built-in template: `{info, funds, rows, 总分?, 等次?}`, decimals as strings. */
export function projectExample(template) {
  need();
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
  need();
  return JSON.parse(call(wasm.scoreProjectJson, String(template), text, langOf(options)));
}

/**
 * Reads a published project table (项目支出绩效自评表) from CSV text by its labels, as
 * `jixiao score --input table.csv` does: the project object, or an `InputError` whose details
 * name the CSV row (`params.row`) and column.
 */
export function readProjectCsv(text) {
  need();
  return JSON.parse(call(wasm.projectFromCsvJson, String(text)));
}
