// Type declarations of `jixiao/project` (project.js): project self-evaluations (项目支出绩效自评表).
// Hand-written; checked by `tsc --noEmit` against types-test/usage.ts, and against the module's
// real exports by tests/project.test.mjs. Decimals are strings; errors are the classes of `jixiao`.

import type { Decimal, EvaluateOptions, Evaluation, InitInput } from './index.js';

/**
 * Loads this entry's module (the engine with project scoring, `jixiao_project_bg.wasm`; the
 * `init()` of `jixiao` does not): once, by default from beside project.js. Importing needs no
 * top-level await; in Node the module also loads itself on first use.
 */
export function init(source?: InitInput): Promise<void>;
/** Loads this entry's module synchronously from its bytes or a compiled module (in Node, by default the packaged file). */
export function initSync(source?: ArrayBuffer | ArrayBufferView | WebAssembly.Module | URL): void;


/** A 一级指标 of a project template. */
export interface ProjectSection {
  /** As the template prints it (产出指标). */
  name: string;
  /** Other names tables use for it (产出); omitted when none. */
  aliases?: string[];
  /** Its weight: the project's rows under it must add up to it. */
  points: Decimal;
  /** The 二级指标 it allows, in the template's order. */
  children: string[];
}

/** A band of a qualitative (定性) row: the share of the points its level may score. */
export interface QualitativeBand {
  level: string;
  /** Lowest share of the points (`"0.8"`). */
  min: Decimal;
  /** Highest share of the points. */
  max: Decimal;
  /** Whether `max` belongs to the band. */
  max_inclusive: boolean;
}

/** A built-in project template. */
export interface ProjectTemplate {
  id: string;
  name: string;
  issuer?: string;
  source?: string;
  /** Omitted when none. */
  notes?: string[];
  /** The 预算执行率 row: its points. */
  execution: { points: Decimal };
  sections: ProjectSection[];
  qualitative: QualitativeBand[];
  grades: { label: string; label_en?: string | null; min?: Decimal | null }[];
  rounding: Record<string, unknown>;
}

/** One indicator row of a project's table; decimals as strings. */
export interface ProjectRow {
  一级指标: string;
  二级指标: string;
  三级指标: string;
  /** ≥, ≤, =, >, <, 定性, when the table gives it a column (else written into 年度指标值: `≥1200人`). */
  指标性质?: string;
  年度指标值: string;
  实际完成值: string;
  分值?: Decimal;
  /** The evaluator's score inside a qualitative row's band; the claimed score elsewhere. */
  得分?: Decimal;
  偏差原因分析及改进措施?: string;
}

/** One project as its table gives it: header, funds, indicator rows (the engine's `ProjectUnit`). */
export interface Project {
  /** 项目名称, 主管部门, 实施单位, 年度 ... */
  info?: { [label: string]: string };
  funds: { 年初预算数?: Decimal; 全年预算数: Decimal; 全年执行数: Decimal; 得分?: Decimal };
  rows: ProjectRow[];
  总分?: Decimal;
  等次?: string;
}

/** A scored project: the evaluation, and which indicator scores each table row. */
export interface ProjectEvaluation extends Evaluation {
  /** Each scored row: its index in `project.rows` and its indicator id (placeholder rows are left out). */
  rows: { index: number; indicator: string }[];
}

/** The built-in project templates. */
export function projectTemplates(): ProjectTemplate[];
/** The bundled example project of a built-in template; throws RequestError for an unknown id. */
export function projectExample(template: string): Project;
/**
 * Scores a project with a built-in template. Throws InputError (`code: 'project_table'`, details
 * located by `params.row` and `params.column`) when its rows do not make a table that scores.
 */
export function scoreProject(template: string, project: Project, options?: EvaluateOptions): ProjectEvaluation;
/** Reads a published project table from CSV text; throws InputError with the CSV rows of its problems. */
export function readProjectCsv(text: string): Project;
