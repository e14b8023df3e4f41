// Type declarations of the jixiao package (hand-written; checked by `tsc --noEmit` against
// types-test/usage.ts, and against the module's real exports by tests/api.test.mjs).
//
// Every decimal is a string ("91.73"); field names of results are the engine's JSON names, the
// same in Rust, Python and JavaScript.

/** A decimal as exact text: `"91.73"`, `"0.5"`, `"3,867"`, `"95%"` (inputs may use `%` and separators). */
export type Decimal = string;

/** The language of explanations and of names in reports. */
export type Lang = 'zh' | 'en';

// ---------------------------------------------------------------------------------------------
// Loading the engine

/**
 * Where the engine's WebAssembly module comes from: a URL (`string` or `URL`, e.g. a CDN; a
 * `file:` URL is read from disk in Node), a `Request`, a `Response` or a promise of one
 * (`fetch(...)`), the module's bytes, or a compiled `WebAssembly.Module`.
 */
export type InitInput =
  | string
  | URL
  | Request
  | Response
  | PromiseLike<Response>
  | ArrayBuffer
  | ArrayBufferView
  | WebAssembly.Module;

/**
 * Loads the engine (once; later calls resolve at once): by default the packaged
 * `jixiao_wasm_bg.wasm` beside the package's index.js. Importing the package needs no top-level
 * await; call this before the other functions in a browser. In Node the engine also loads itself
 * from the packaged file on first use. A function called before the engine is loaded throws
 * `Error('jixiao: call \`await init()\` first ...')`.
 */
export function init(source?: InitInput): Promise<void>;
/** Loads the engine synchronously from its bytes or a compiled module (in Node, by default the packaged file). */
export function initSync(source?: ArrayBuffer | ArrayBufferView | WebAssembly.Module | URL): void;

// ---------------------------------------------------------------------------------------------
// Errors

/** Where a problem is and what was expected. */
export interface ErrorDetail {
  /** `inputs[年初预算]`, `indicators[2.1.1].rule.value`, `metrics[预算完成率].expr`, `grades[2].min`, or `""`. */
  path: string;
  /** What is wrong and what was expected (English). */
  message: string;
  /** The same in Chinese. */
  message_zh: string;
  /** A stable code of the problem (`not_a_decimal`, `out_of_range`, `division_by_zero`, `level_score_needed`, ...). */
  code: string;
  /**
   * The figures and names the message quotes, by name. A project's problems (`scoreProject`,
   * `readProjectCsv` of `jixiao/project`) carry `row` (1-based, as the message says) and `column`
   * when located.
   */
  params: Record<string, string>;
  /** 1-based character position inside an expression. */
  position?: number;
  /** The input concerned (input errors). */
  input?: string;
  /** The indicator concerned (an error scoring one). */
  indicator?: string;
  /** For input errors: `missing`, `unknown` or `invalid`. */
  kind?: 'missing' | 'unknown' | 'invalid';
}

/** Load and validation kinds. */
export type LoadErrorKind = 'syntax' | 'validation';
/** Kinds of errors of the inputs. */
export type InputErrorKind = 'inputs' | 'missing_input';
/** Kinds of evaluation errors. */
export type EvaluationErrorKind = 'arithmetic' | 'overflow' | 'metric_out_of_range' | 'score' | 'all_excluded' | 'check';
/** Every error kind. */
export type ErrorKind = LoadErrorKind | InputErrorKind | EvaluationErrorKind | 'request';

/** An error as plain data (inside batch results, and as the JSON layer writes it). */
export interface ErrorInfo {
  kind: ErrorKind;
  /** A stable code, finer than `kind`. */
  code: string;
  message: string;
  /** The message in Chinese. */
  message_zh: string;
  errors: ErrorDetail[];
}

/** Any error of jixiao. */
export class JixiaoError extends Error {
  constructor(kind: ErrorKind, message: string, errors?: ErrorDetail[], options?: { code?: string; messageZh?: string });
  readonly kind: ErrorKind;
  readonly errors: ErrorDetail[];
  /** A stable code, finer than `kind` (`not_a_decimal`, `division_by_zero`, ...). */
  readonly code: string;
  /** The message in Chinese. */
  readonly messageZh: string;
  /** `{kind, message, errors}`: what `JSON.stringify` writes (`JSON.stringify({error: e})` is the JSON layer's envelope). */
  toJSON(): ErrorInfo;
}
/** The indicator system cannot be read (`syntax`) or is not valid (`validation`). */
export class LoadError extends JixiaoError {
  readonly kind: LoadErrorKind;
}
/** The inputs do not fit the system, or a needed optional input is absent. */
export class InputError extends JixiaoError {
  readonly kind: InputErrorKind;
}
/** Evaluating failed (division by zero, a value outside its range, ...). */
export class EvaluationError extends JixiaoError {
  readonly kind: EvaluationErrorKind;
}
/** The call itself is wrong: inputs not an object, a number that is not a safe integer, unknown id ... */
export class RequestError extends JixiaoError {
  readonly kind: 'request';
}

// ---------------------------------------------------------------------------------------------
// Inputs

/** A level with an optional score (in points) inside its band. */
export interface LevelInput {
  level: string;
  /** A decimal string or a safe integer. */
  score?: Decimal | number | null;
}

/**
 * One input value: a decimal as a string (`"82.39%"`, `"3,867"`) or a safe integer; a boolean;
 * the satisfied items of a checklist; a level's name or `{level, score}`.
 */
export type InputValue = Decimal | number | boolean | readonly string[] | LevelInput;

/** One unit's inputs by declared name; `undefined` means not given. */
export type Inputs = { [name: string]: InputValue | undefined } | ReadonlyMap<string, InputValue>;

/**
 * A number literal as the engine takes it: an integer (`76`) stays; one with a fraction or an
 * exponent (`0.95`, `1e21`) becomes a type that no number fits, naming the string to write
 * instead, so that `{满意度: 0.95}` fails to compile where it would throw at run time. A value typed
 * `number` (not a literal) is checked at run time only.
 */
export type IntegerLiteral<N extends number> = number extends N
  ? N
  : `${N}` extends `${bigint}`
    ? N
    : { 'jixiao: decimals are strings, not numbers': `${N}` };

/**
 * `T` with every number literal in it checked by `IntegerLiteral` (plain objects and arrays are
 * looked into; a Map or another iterable is taken as it is). The input-taking methods take
 * `I & DecimalsAsStrings<I>`.
 */
export type DecimalsAsStrings<T> = T extends number
  ? IntegerLiteral<T>
  : T extends string | boolean | bigint | symbol | null | undefined
    ? T
    : T extends readonly unknown[]
      ? { [K in keyof T]: DecimalsAsStrings<T[K]> }
      : T extends Iterable<unknown>
        ? T
        : T extends object
          ? { [K in keyof T]: DecimalsAsStrings<T[K]> }
          : T;

/** Options of evaluate and evaluateBatch. */
export interface EvaluateOptions {
  /** The language of explanations (default `zh`). */
  lang?: Lang;
}

/** Options of report. */
export interface ReportOptions {
  /** Default `text`. */
  format?: 'text' | 'markdown' | 'html' | 'csv';
  /** Default `zh`. */
  lang?: Lang;
}

// ---------------------------------------------------------------------------------------------
// Results

/** Rule kinds as results name them. */
export type RuleKind =
  | 'group'
  | 'not_applicable'
  | 'step'
  | 'tiers'
  | 'ratio'
  | 'rate'
  | 'level'
  | 'checklist'
  | 'per_occurrence'
  | 'manual'
  | 'cases'
  | 'formula'
  | 'choose_one';

/** A deduction: how many points, and for which checklist item when there is one. */
export interface Deduction {
  amount: Decimal;
  item: string | null;
}

/** One indicator's (or bonus item's) result. */
export interface IndicatorResult {
  id: string;
  name: string;
  /** 0 = 一级指标. */
  depth: number;
  parent: string | null;
  leaf: boolean;
  /** A core indicator (核心指标, ★); omitted when not. */
  core?: boolean;
  points: Decimal;
  score: Decimal;
  exact_score: Decimal;
  /** The measured value (实际值) of the rule, when it reads one. */
  value: Decimal | null;
  rule: RuleKind;
  status: 'scored' | 'not_applicable';
  na_outcome?: 'full_points' | 'zero' | 'excluded';
  na_reason?: string | null;
  na_inherited?: boolean;
  /** Index of the tier that matched. */
  tier?: number;
  /** The `choose_one` option used. */
  option?: string;
  /** Index of the case that held. */
  case?: number;
  /** The level of a level rule. */
  level?: string;
  deductions: Deduction[];
  /** How the score came about, in the chosen language. */
  explanation: string;
}

/** A veto (一票否决) that applied. */
export interface VetoResult {
  id: string;
  name: string;
  grade: string | null;
  total: Decimal | null;
  max_total: Decimal | null;
}

/** A data consistency check (勾稽关系) as run on the unit; `passed` is null when skipped. */
export interface CheckResult {
  id: string;
  name: string;
  expr: string;
  passed: boolean | null;
  /** For a failed comparison: the value of each side (of `abs(a - b) <= t`: a, b and the tolerance t). */
  left?: Decimal;
  right?: Decimal;
  tolerance?: Decimal;
  severity: 'warning' | 'error';
}

/** A core indicator (核心指标) not met, capping the grade. */
export interface CoreCapResult {
  id: string;
  name: string;
  score: Decimal;
  points: Decimal;
  min_share: Decimal;
  grade: string;
}

/** One unit's evaluation. */
export interface Evaluation {
  system: string;
  total: Decimal;
  exact_total: Decimal;
  grade: string;
  grade_en: string | null;
  full_points: Decimal;
  tree_total: Decimal;
  excluded_points: Decimal;
  rescaled_total: Decimal | null;
  bonus_total: Decimal;
  vetoes: VetoResult[];
  /** The system's consistency checks; omitted when it declares none. */
  checks?: CheckResult[];
  /** Core indicators not met that capped the grade; omitted when none. */
  core_caps?: CoreCapResult[];
  /** The tree in pre-order: parents (subtotals) before children. */
  indicators: IndicatorResult[];
  bonus: IndicatorResult[];
  /** The whole evaluation explained. */
  explanation: string;
}

/** An element of a batch result. */
export type BatchResult = Evaluation | { error: ErrorInfo };

// ---------------------------------------------------------------------------------------------
// Analyses

/** What to reach: a total, a grade, or an indicator's score. */
export type TargetGoal = { total: Decimal | number } | { grade: string } | { indicator: string; score: Decimal | number };

/** One analysis request; every number in it must be a safe integer (decimals as strings). */
export type AnalysisRequest =
  | { what_if: { inputs: Inputs; changes: Inputs } }
  | { compare: { a: Inputs; b: Inputs } }
  | {
      audit: {
        inputs: Inputs;
        claims: { scores?: { [id: string]: Decimal | number }; total?: Decimal | number; grade?: string };
      };
    }
  | {
      sensitivity: {
        inputs: Inputs;
        input: string;
        from: Decimal | number;
        to: Decimal | number;
        resolution?: Decimal | number;
      };
    }
  | {
      target: {
        inputs: Inputs;
        input: string;
        goal: TargetGoal;
        from?: Decimal | number;
        to?: Decimal | number;
        resolution?: Decimal | number;
      };
    };

/** One indicator row of a comparison. */
export interface ComparisonRow {
  id: string;
  name: string;
  depth: number;
  points: Decimal;
  a: Decimal | null;
  b: Decimal | null;
  change: Decimal | null;
}

/** The answer of `what_if` and `compare`. */
export interface Comparison {
  rows: ComparisonRow[];
  total_a: Decimal;
  total_b: Decimal;
  total_change: Decimal;
  grade_a: string;
  grade_b: string;
  /** Ids of the rows whose score changed. */
  changed: string[];
  explanation: string;
}

/** A mismatch between a claimed score and the computed one. */
export interface Discrepancy {
  kind:
    | 'score'
    | 'unknown_indicator'
    | 'out_of_range'
    | 'group_sum'
    | 'total'
    | 'total_sum'
    | 'grade'
    | 'grade_of_claimed_total';
  id: string | null;
  name: string | null;
  claimed: string;
  computed: string;
  difference: Decimal | null;
  /** How the computed score comes about, for indicator scores. */
  explanation: string | null;
  /** For a claimed score the figures do not give: the common readings that would give it. */
  readings: Reading[];
}

/** One row of the review table (复核表). */
export interface ReviewRow {
  id: string;
  name: string;
  depth: number;
  points: Decimal;
  /** The self-evaluated score (自评), when claimed. */
  claimed: Decimal | null;
  /** The reviewed score (复核), as stated. */
  reviewed: Decimal;
  /** 复核 − 自评. */
  difference: Decimal | null;
  /** 复核意见, when the scores differ. */
  opinion: string | null;
}

/** A common way of computing a score that gives a claim. */
export interface Reading {
  code: 'unrounded' | 'rounded' | 'counting' | 'rate_rounded_first';
  /** The score it gives. */
  score: Decimal;
  /** Which reading, in the audit's language. */
  text: string;
}

/** The answer of `audit`. */
export interface Audit {
  total: Decimal;
  grade: string;
  discrepancies: Discrepancy[];
  /** The review table (复核表): every indicator's 自评 and 复核 score. */
  rows: ReviewRow[];
  /** By how much the claimed total exceeds the reviewed one beyond the system's limit (自评虚高). */
  inflated: Decimal | null;
  explanation: string;
}

/** A value of the input where some score changes. */
export interface Breakpoint {
  at: Decimal;
  total_before: Decimal | null;
  total_at: Decimal | null;
  grade_before: string | null;
  grade_at: string | null;
  error: string | null;
  indicators: { id: string; name: string; before: Decimal | null; at: Decimal | null; explanation: string | null }[];
}

/** The answer of `sensitivity`. */
export interface Sensitivity {
  input: string;
  from: Decimal;
  to: Decimal;
  resolution: Decimal;
  breakpoints: Breakpoint[];
  explanation: string;
}

/** The answer of `target`. */
export interface Target {
  input: string;
  current: Decimal;
  required: Decimal | null;
  change: Decimal | null;
  total: Decimal | null;
  grade: string | null;
  deciding: string[];
  /** Why the goal cannot be reached, when it cannot. */
  unreachable: string | null;
  /** The sentence for people, e.g. "本年追加须不超过600万元（至少减少299万元），才能使综合得分达到95分；…"; in the request's language. */
  message: string;
}

/** The answer of an analysis, by request kind. */
export type AnalysisResult<R extends AnalysisRequest> = R extends { what_if: unknown } | { compare: unknown }
  ? Comparison
  : R extends { audit: unknown }
    ? Audit
    : R extends { sensitivity: unknown }
      ? Sensitivity
      : Target;

/** `validate()`'s answer. */
export interface ValidationResult {
  valid: boolean;
  kind?: LoadErrorKind;
  errors: ErrorDetail[];
  /** What a valid system allows but is probably a slip (a threshold outside the value's declared range, `100` for `100%`); absent when none. */
  warnings?: ErrorDetail[];
}

/** A declared input, as a form shows it. */
export interface InputInfo {
  name: string;
  name_en: string | null;
  kind: 'number' | 'count' | 'boolean' | 'level' | 'checklist' | 'manual';
  unit: string | null;
  description: string | null;
  /** True when the input has no default and must be given. */
  required: boolean;
  default: boolean | string | string[] | null;
  min: Decimal | null;
  max: Decimal | null;
  levels: string[];
  items: string[];
}

/** An indicator row of the table (指标表). */
export interface IndicatorRow {
  id: string;
  depth: number;
  name: string;
  leaf: boolean;
  points: Decimal;
  /** The standard as the engine applies it. */
  standard: string;
  /** The published wording, when the system gives it. */
  published: string | null;
  /** Why the row is assumed, when it is not from the published table. */
  assumed: string | null;
}

/** A grade of the grade table, best first; the last has no minimum. */
export interface GradeInfo {
  label: string;
  label_en: string | null;
  min: Decimal | null;
}

/** What a front end needs to build a form and show the table. */
export interface SystemInfo {
  format: number;
  id: string;
  name: string;
  name_en: string | null;
  issuer: string | null;
  region: string | null;
  year: number | null;
  source: string | null;
  notes: string[];
  total_points: Decimal;
  inputs: InputInfo[];
  indicators: IndicatorRow[];
  grades: GradeInfo[];
}

/** A built-in system. */
export interface BuiltinInfo {
  id: string;
  name: string;
  name_en: string | null;
  issuer: string | null;
  region: string | null;
  year: number | null;
}

/** A leaf of a {@link Progress}. */
export type LeafProgress = {
  id: string;
  name: string;
  points: Decimal;
  bonus: boolean;
  /** Every input the leaf reads. */
  inputs: string[];
} & (
  | { state: 'scored'; score: Decimal; exact: Decimal; not_applicable: boolean }
  | { state: 'open'; needs: string[] }
  | { state: 'error'; error: ErrorInfo }
);

/** What can be scored of partly given inputs. */
export interface Progress {
  /** The sum of the scored leaves' stated scores (bonus items not counted). */
  determined: Decimal;
  determined_points: Decimal;
  open_points: Decimal;
  leaves: LeafProgress[];
}

/** A level indicator's bands, in points. */
export interface LevelBands {
  indicator: string;
  input: string;
  points: Decimal;
  bands: { level: string; min: Decimal; max: Decimal; min_inclusive: boolean; max_inclusive: boolean; default: Decimal | null }[];
}

// ---------------------------------------------------------------------------------------------
// The object API

/** An indicator system, read once and compiled once. */
export class IndicatorSystem {
  private constructor();
  /** Reads a system in JSON; throws LoadError (`syntax`) when it cannot be read. */
  static fromJson(text: string): IndicatorSystem;
  /** Reads a system in TOML. */
  static fromToml(text: string): IndicatorSystem;
  /** Reads a system in JSON or TOML. */
  static fromText(text: string): IndicatorSystem;
  /** A built-in system by id; throws RequestError for an unknown id. */
  static builtin(id: string): IndicatorSystem;
  readonly id: string;
  readonly name: string;
  /** Every problem of the system with its location. */
  validate(): ValidationResult;
  /** Metadata, inputs, indicator rows, grades; throws LoadError for an invalid system. */
  info(lang?: Lang): SystemInfo;
  /** The declared inputs. */
  inputs(): InputInfo[];
  /** Scores one unit (a decimal number literal such as `0.95` is a type error: write `'0.95'`). */
  evaluate<const I extends Inputs>(inputs: I & DecimalsAsStrings<I>, options?: EvaluateOptions): Evaluation;
  /** What can be scored of partly given inputs: the leaves scored, the ones open and what they need. */
  progress<const I extends Inputs>(inputs: I & DecimalsAsStrings<I>): Progress;
  /** The level indicators' bands in points, with each level's default score. */
  levelBands(): LevelBands[];
  /** Scores many units in order; a failing unit gives `{error}` in its place. */
  evaluateBatch<const U extends Iterable<Inputs>>(units: U & DecimalsAsStrings<U>, options?: EvaluateOptions): BatchResult[];
  /** Runs one analysis: what-if, compare, audit, sensitivity or target. */
  analyze<const R extends AnalysisRequest>(request: R & DecimalsAsStrings<R>, options?: EvaluateOptions): AnalysisResult<R>;
  /** The explanation of one unit's evaluation. */
  explain<const I extends Inputs>(inputs: I & DecimalsAsStrings<I>, lang?: Lang): string;
  /** The filled-in 自评表 as text, Markdown, HTML or CSV. */
  report<const I extends Inputs>(inputs: I & DecimalsAsStrings<I>, options?: ReportOptions): string;
  /** The system in its canonical JSON form. */
  toJson(): string;
  /** Releases the engine's memory now. */
  free(): void;
  [Symbol.dispose](): void;
}

/** A built-in system by id. */
export function builtin(id: string): IndicatorSystem;
/** The built-in systems. */
export function builtins(): BuiltinInfo[];
/** The bundled example inputs of a built-in system. */
export function builtinExample(id: string): { [name: string]: InputValue };
/** The engine's version. */
export function version(): string;
/** A decimal read exactly as the engine reads inputs, normalised (`"95%"` → `"0.95"`). */
export function parseDecimal(text: string): Decimal;
/** A decimal as the engine's tables print it: exact up to four decimal places, else rounded to two. */
export function displayFigure(decimal: Decimal): string;
/** Compares two decimals exactly. */
export function compareDecimals(a: Decimal, b: Decimal): -1 | 0 | 1;

// ---------------------------------------------------------------------------------------------
// The JSON layer, text in and text out

/** `{"valid": ..., "kind"?, "errors": [...]}` as text; never throws. */
export function validateJson(system: string): string;
/** System text (JSON or TOML) and inputs JSON text in, evaluation JSON text out. */
export function evaluateJson(system: string, inputs: string, lang?: Lang): string;
/** A JSON array of units in, a JSON array of evaluations or `{"error"}` out. */
export function evaluateBatchJson(system: string, units: string, lang?: Lang): string;
/** System text and an analysis request (JSON text) in, the analysis as JSON text out. */
export function analysisJson(system: string, request: string, lang?: Lang): string;
/** The explanation text of one unit. */
export function explainJson(system: string, inputs: string, lang?: Lang): string;
/** What a form needs, as JSON text. */
export function systemInfoJson(system: string, lang?: Lang): string;
/** The built-in systems as JSON text. */
export function builtinsJson(): string;
