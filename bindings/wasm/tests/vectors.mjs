// The conformance runner for JavaScript: the checks of tests/src/lib.rs (the Rust runner), over
// the same files of tests/vectors/ (format: tests/vectors/README.md). Figures are compared as
// strings, exactly as the Rust runner compares them.
//
// Each vector runs twice:
//   1. through the JSON layer (validateJson, evaluateJson: text in, text out), exactly as the Rust
//      runner calls validate_json and evaluate_json_lang, checking every expectation;
//   2. through the object API (IndicatorSystem.fromJson/fromToml, validate, evaluate,
//      evaluateBatch, explain), whose answers must equal the JSON layer's, value for value.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

import * as jx from '../out/pkg/index.js';

export const VECTORS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../tests/vectors');

/** Fewest vector files the corpus may hold (as the Rust runner). */
export const MIN_VECTORS = 40;

// ---------------------------------------------------------------------------------------------
// Loading and the format of a vector

/** Every `*.json` file directly in `dir`, sorted by name: `{vectors: [{file, value}], errors}`. */
export function loadVectors(dir) {
  const files = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => e.name)
    .sort();
  const vectors = [];
  const errors = [];
  for (const file of files) {
    let value;
    try {
      value = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    } catch (e) {
      errors.push(`${file}: not valid JSON: ${e.message}`);
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      errors.push(`${file}: a vector must be a JSON object`);
    } else {
      vectors.push({ file, value });
    }
  }
  return { vectors, errors };
}

const VECTOR_KEYS = [
  'name',
  'description',
  'features',
  'system',
  'system_file',
  'cases',
  'expect_validation_errors',
  'validation_kind',
  'validation_error_count',
];
const CASE_KEYS = ['name', 'description', 'inputs', 'lang', 'expect', 'expect_error', 'analysis', 'expect_analysis'];
const EXPECT_KEYS = [
  'total',
  'exact_total',
  'grade',
  'grade_en',
  'tree_total',
  'full_points',
  'excluded_points',
  'rescaled_total',
  'bonus_total',
  'scores',
  'exact_scores',
  'values',
  'deductions',
  'status',
  'na_outcome',
  'na_inherited',
  'rules',
  'tiers',
  'cases',
  'options',
  'levels',
  'vetoes',
  'indicator_ids',
  'explanation_contains',
  'summary_contains',
];
const ERROR_KEYS = ['kind', 'message_contains', 'paths', 'count', 'errors'];
const ERROR_ENTRY_KEYS = ['path', 'position', 'input', 'kind', 'message_contains'];
const VALIDATION_ENTRY_KEYS = ['path', 'position', 'message_contains'];

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isString = (v) => typeof v === 'string';
const isWhole = (v) => Number.isSafeInteger(v) && v >= 0;
const stringsOrString = (v) => isString(v) || (Array.isArray(v) && v.every(isString));
const mapOf = (v, f) => isObject(v) && Object.values(v).every(f);

function unknownKeys(obj, allowed, what, p) {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) p.push(`${what}: unknown key \`${k}\` (allowed: ${allowed.join(', ')})`);
  }
}

function entryFormat(e, keys, ctx, p) {
  if (!isObject(e)) {
    p.push(`${ctx}: must be an object`);
    return;
  }
  unknownKeys(e, keys, ctx, p);
  if ('path' in e && !isString(e.path)) p.push(`${ctx}: \`path\` must be a string`);
  if ('position' in e && !isWhole(e.position)) p.push(`${ctx}: \`position\` must be a whole number`);
  for (const k of ['input', 'kind']) {
    if (k in e && !isString(e[k])) p.push(`${ctx}: \`${k}\` must be a string`);
  }
  if ('message_contains' in e && !stringsOrString(e.message_contains)) {
    p.push(`${ctx}: \`message_contains\` must be a string or a list of strings`);
  }
}

function checkExpect(e, ctx, p) {
  unknownKeys(e, EXPECT_KEYS, `${ctx} expect`, p);
  for (const [k, v] of Object.entries(e)) {
    let ok = true;
    switch (k) {
      case 'total':
      case 'exact_total':
      case 'grade':
      case 'tree_total':
      case 'full_points':
      case 'excluded_points':
      case 'bonus_total':
        ok = isString(v);
        break;
      case 'grade_en':
      case 'rescaled_total':
        ok = isString(v) || v === null;
        break;
      case 'scores':
      case 'exact_scores':
      case 'status':
      case 'na_outcome':
      case 'rules':
      case 'options':
      case 'levels':
        ok = mapOf(v, isString);
        break;
      case 'values':
        ok = mapOf(v, (x) => isString(x) || x === null);
        break;
      case 'na_inherited':
        ok = mapOf(v, (x) => typeof x === 'boolean');
        break;
      case 'tiers':
      case 'cases':
        ok = mapOf(v, isWhole);
        break;
      case 'deductions':
        ok = mapOf(
          v,
          (x) =>
            Array.isArray(x) &&
            x.every(
              (d) =>
                isString(d) ||
                (isObject(d) &&
                  Object.keys(d).every((k2) => k2 === 'amount' || k2 === 'item') &&
                  isString(d.amount) &&
                  (!('item' in d) || isString(d.item) || d.item === null)),
            ),
        );
        break;
      case 'vetoes':
      case 'indicator_ids':
      case 'summary_contains':
        ok = Array.isArray(v) && v.every(isString);
        break;
      case 'explanation_contains':
        ok = mapOf(v, stringsOrString);
        break;
      default:
        ok = true;
    }
    if (!ok) p.push(`${ctx}: \`expect.${k}\` has the wrong shape (see tests/vectors/README.md)`);
  }
}

function checkCase(c, i, names, p) {
  if (!isObject(c)) {
    p.push(`cases[${i}]: must be an object`);
    return;
  }
  let ctx;
  if (isString(c.name) && c.name !== '') {
    if (names.has(c.name)) p.push(`cases[${i}]: the case name \`${c.name}\` is used twice`);
    names.add(c.name);
    ctx = `case \`${c.name}\``;
  } else {
    p.push(`cases[${i}]: \`name\` must be a non-empty string`);
    ctx = `cases[${i}]`;
  }
  unknownKeys(c, CASE_KEYS, ctx, p);
  if ('analysis' in c) {
    // An analysis case: the request carries its own inputs.
    if (!isObject(c.analysis)) {
      p.push(`${ctx}: \`analysis\` must be an object (one of what_if, compare, audit, sensitivity, target)`);
    }
    const only = (k) => isObject(c[k]) && ['expect_analysis', 'expect_error', 'expect', 'inputs'].every((x) => x === k || !(x in c));
    if (!only('expect_analysis') && !only('expect_error')) {
      p.push(`${ctx}: an analysis case takes \`expect_analysis\` (an object) or \`expect_error\`, and no \`inputs\`/\`expect\``);
    }
    return;
  }
  if ('expect_analysis' in c) p.push(`${ctx}: \`expect_analysis\` needs an \`analysis\` request`);
  if (!isObject(c.inputs)) p.push(`${ctx}: \`inputs\` must be an object`);
  if ('lang' in c && c.lang !== 'zh' && c.lang !== 'en') p.push(`${ctx}: \`lang\` must be "zh" or "en"`);
  const hasExpect = 'expect' in c;
  const hasError = 'expect_error' in c;
  if (hasExpect && !hasError && isObject(c.expect)) {
    checkExpect(c.expect, ctx, p);
  } else if (!hasExpect && hasError && isObject(c.expect_error)) {
    const e = c.expect_error;
    unknownKeys(e, ERROR_KEYS, `${ctx} expect_error`, p);
    if (!isString(e.kind)) p.push(`${ctx}: \`expect_error.kind\` must be a string`);
    if ('message_contains' in e && !stringsOrString(e.message_contains)) {
      p.push(`${ctx}: \`expect_error.message_contains\` must be strings`);
    }
    if ('paths' in e && !(Array.isArray(e.paths) && e.paths.every(isString))) {
      p.push(`${ctx}: \`expect_error.paths\` must be a list of strings`);
    }
    if ('count' in e && !isWhole(e.count)) p.push(`${ctx}: \`expect_error.count\` must be a whole number`);
    if ('errors' in e) {
      if (Array.isArray(e.errors)) {
        e.errors.forEach((x, k) => entryFormat(x, ERROR_ENTRY_KEYS, `${ctx} expect_error.errors[${k}]`, p));
      } else {
        p.push(`${ctx}: \`expect_error.errors\` must be a list`);
      }
    }
  } else if (hasExpect && hasError) {
    p.push(`${ctx}: give \`expect\` or \`expect_error\`, not both`);
  } else if (!hasExpect && !hasError) {
    p.push(`${ctx}: needs \`expect\` or \`expect_error\``);
  } else {
    p.push(`${ctx}: \`expect\`/\`expect_error\` must be objects`);
  }
}

/** Checks the shape of a vector; every problem, prefixed with the file name (empty when well-formed). */
export function checkFormat(v) {
  const p = [];
  const obj = v.value;
  unknownKeys(obj, VECTOR_KEYS, 'vector', p);
  if (isString(obj.name) && obj.name !== '') {
    const stem = v.file.endsWith('.json') ? v.file.slice(0, -5) : v.file;
    const dash = stem.indexOf('-');
    const numbered = dash === 3 && /^[0-9]{3}$/.test(stem.slice(0, 3));
    const expected = dash >= 0 ? stem.slice(dash + 1) : '';
    if (!numbered) p.push(`the file name must be NNN-name.json, found \`${v.file}\``);
    else if (obj.name !== expected) p.push(`\`name\` is \`${obj.name}\` but the file name says \`${expected}\``);
  } else {
    p.push('`name` must be a non-empty string');
  }
  if (!isString(obj.description) || obj.description === '') p.push('`description` must be a non-empty string');
  if ('features' in obj && !(Array.isArray(obj.features) && obj.features.every(isString))) {
    p.push('`features` must be a list of strings');
  }
  const hasSystem = 'system' in obj;
  const hasFile = 'system_file' in obj;
  if (hasSystem && hasFile) p.push('give either `system` or `system_file`, not both');
  else if (hasSystem && !isObject(obj.system)) p.push('`system` must be an object');
  else if (hasFile && !isString(obj.system_file)) p.push('`system_file` must be a string');
  else if (!hasSystem && !hasFile) p.push('a vector needs `system` or `system_file`');
  const hasCases = 'cases' in obj;
  const hasInvalid = 'expect_validation_errors' in obj;
  if (hasCases && !hasInvalid && Array.isArray(obj.cases)) {
    if (obj.cases.length === 0) p.push('`cases` must not be empty');
    if ('validation_kind' in obj || 'validation_error_count' in obj) {
      p.push('`validation_kind` and `validation_error_count` go with `expect_validation_errors`');
    }
    const names = new Set();
    obj.cases.forEach((c, i) => checkCase(c, i, names, p));
  } else if (!hasCases && hasInvalid && Array.isArray(obj.expect_validation_errors)) {
    if (obj.expect_validation_errors.length === 0) p.push('`expect_validation_errors` must not be empty');
    obj.expect_validation_errors.forEach((e, i) =>
      entryFormat(e, VALIDATION_ENTRY_KEYS, `expect_validation_errors[${i}]`, p),
    );
    if ('validation_kind' in obj && obj.validation_kind !== 'validation' && obj.validation_kind !== 'syntax') {
      p.push('`validation_kind` must be "validation" or "syntax"');
    }
    if ('validation_error_count' in obj && !isWhole(obj.validation_error_count)) {
      p.push('`validation_error_count` must be a whole number');
    }
  } else if (hasCases && hasInvalid) {
    p.push('a vector has `cases` or `expect_validation_errors`, not both');
  } else if (!hasCases && !hasInvalid) {
    p.push('a vector needs `cases` or `expect_validation_errors`');
  } else {
    p.push('`cases` and `expect_validation_errors` must be lists');
  }
  return p.map((m) => `${v.file}: ${m}`);
}

/** The system text: the inline `system` serialised, or `system_file` read as it is. */
export function systemText(v, dir) {
  if ('system' in v.value) return JSON.stringify(v.value.system);
  return fs.readFileSync(path.join(dir, v.value.system_file), 'utf8');
}

// ---------------------------------------------------------------------------------------------
// Exact decimals for the invariants (display-free: BigInt mantissa and scale)

function dec(s) {
  if (!isString(s)) return null;
  let text;
  try {
    text = jx.parseDecimal(s); // the engine's own reading
  } catch {
    return null;
  }
  const neg = text.startsWith('-');
  const [int, frac = ''] = (neg ? text.slice(1) : text).split('.');
  const m = BigInt(int + frac);
  return { m: neg ? -m : m, scale: frac.length };
}

function align(a, b) {
  const scale = Math.max(a.scale, b.scale);
  return [a.m * 10n ** BigInt(scale - a.scale), b.m * 10n ** BigInt(scale - b.scale), scale];
}
const add = (a, b) => {
  const [x, y, scale] = align(a, b);
  return { m: x + y, scale };
};
const sub = (a, b) => {
  const [x, y, scale] = align(a, b);
  return { m: x - y, scale };
};
const cmp = (a, b) => {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
};
const ZERO = { m: 0n, scale: 0 };
function show(d) {
  const neg = d.m < 0n;
  let digits = (neg ? -d.m : d.m).toString().padStart(d.scale + 1, '0');
  let out = d.scale ? `${digits.slice(0, -d.scale)}.${digits.slice(-d.scale)}` : digits;
  if (out.includes('.')) out = out.replace(/0+$/, '').replace(/\.$/, '');
  return (neg ? '-' : '') + out;
}

// ---------------------------------------------------------------------------------------------
// Checks (each one as in tests/src/lib.rs)

class Ctx {
  constructor(file, kase = '(vector)') {
    this.file = file;
    this.case = kase;
    this.failures = [];
  }
  fail(field, expected, actual) {
    const text = (x) => (isString(x) ? x : JSON.stringify(x));
    this.failures.push({ file: this.file, case: this.case, field, expected: text(expected), actual: text(actual) });
  }
  /** Exact comparison of JSON values (decimals are strings, so this compares their text). */
  same(field, expected, actual) {
    const a = actual === undefined ? null : actual;
    if (!isDeepStrictEqual(expected, a)) this.fail(field, expected, a);
  }
}

export function formatFailure(f) {
  return `${f.file} / ${f.case} / ${f.field}\n    expected: ${f.expected}\n    actual:   ${f.actual}`;
}

const containsList = (v) => (isString(v) ? [v] : Array.isArray(v) ? v.filter(isString) : []);

function entryMatches(want, actual) {
  if (!isObject(want)) return false;
  for (const [k, x] of Object.entries(want)) {
    const ok =
      k === 'message_contains'
        ? containsList(x).every((s) => (isString(actual?.message) ? actual.message : '').includes(s))
        : actual && k in actual && isDeepStrictEqual(actual[k], x);
    if (!ok) return false;
  }
  return true;
}

/** `{error: {...}}` of a thrown JixiaoError, checking its class fits its kind. */
function errorValue(cx, e, where) {
  if (!(e instanceof jx.JixiaoError)) throw e;
  const classes = {
    syntax: jx.LoadError,
    validation: jx.LoadError,
    inputs: jx.InputError,
    missing_input: jx.InputError,
    request: jx.RequestError,
  };
  const Cls = classes[e.kind] ?? jx.EvaluationError;
  if (!(e instanceof Cls) || !(e instanceof Error)) cx.fail(`${where} (error class)`, Cls.name, e.constructor.name);
  return { error: { kind: e.kind, message: e.message, errors: e.errors } };
}

function checkInvalid(cx, v, system, validation) {
  const kind = v.value.validation_kind ?? 'validation';
  if (validation.valid !== false) {
    cx.fail('validate_json.valid', false, validation);
    return;
  }
  cx.same('validate_json.kind', kind, validation.kind);
  const actual = Array.isArray(validation.errors) ? validation.errors : [];
  const n = v.value.validation_error_count;
  if (n !== undefined && actual.length !== n) cx.fail('validate_json.errors (count)', n, actual);
  v.value.expect_validation_errors.forEach((want, i) => {
    if (!actual.some((a) => entryMatches(want, a))) {
      cx.fail(`expect_validation_errors[${i}]`, want, `no matching error among ${JSON.stringify(actual)}`);
    }
  });
  // Evaluation must refuse the same system with the same kind of error.
  try {
    const out = jx.evaluateJson(system, '{}', 'zh');
    cx.fail('evaluate_json', `an error of kind \`${kind}\``, out);
  } catch (e) {
    const err = errorValue(cx, e, 'evaluate_json').error;
    if (err.kind !== kind) cx.fail('evaluate_json error kind', kind, { error: err });
  }
}

function checkError(cx, want, actual) {
  const err = actual.error ?? null;
  if ('kind' in want) cx.same('error.kind', want.kind, err?.kind);
  const message = isString(err?.message) ? err.message : '';
  for (const s of containsList(want.message_contains)) {
    if (!message.includes(s)) cx.fail('error.message_contains', s, message);
  }
  const entries = Array.isArray(err?.errors) ? err.errors : [];
  for (const p of Array.isArray(want.paths) ? want.paths : []) {
    if (!entries.some((e) => isDeepStrictEqual(e.path, p))) {
      cx.fail('error.paths', p, entries.filter((e) => 'path' in e).map((e) => e.path));
    }
  }
  if (want.count !== undefined && entries.length !== want.count) cx.fail('error.errors (count)', want.count, entries);
  (Array.isArray(want.errors) ? want.errors : []).forEach((w, i) => {
    if (!entries.some((a) => entryMatches(w, a))) cx.fail(`error.errors[${i}]`, w, entries);
  });
}

function findIndicator(actual, id) {
  for (const k of ['indicators', 'bonus']) {
    const r = (Array.isArray(actual[k]) ? actual[k] : []).find((x) => x.id === id);
    if (r) return r;
  }
  return null;
}

const INDICATOR_FIELDS = {
  scores: 'score',
  exact_scores: 'exact_score',
  values: 'value',
  status: 'status',
  na_outcome: 'na_outcome',
  na_inherited: 'na_inherited',
  rules: 'rule',
  tiers: 'tier',
  cases: 'case',
  options: 'option',
  levels: 'level',
};

function perIndicator(cx, key, want, actual) {
  if (!isObject(want)) return;
  for (const [id, w] of Object.entries(want)) {
    const field = `${key}[${id}]`;
    const r = findIndicator(actual, id);
    if (!r) {
      cx.fail(field, w, 'no indicator with this id in the result');
      continue;
    }
    if (key in INDICATOR_FIELDS) {
      cx.same(field, w, r[INDICATOR_FIELDS[key]]);
    } else if (key === 'deductions') {
      const expected = (Array.isArray(w) ? w : []).map((d) =>
        isString(d) ? { amount: d, item: null } : isObject(d) ? { amount: d.amount ?? null, item: d.item ?? null } : d,
      );
      cx.same(field, expected, r.deductions);
    } else if (key === 'explanation_contains') {
      const text = isString(r.explanation) ? r.explanation : '';
      for (const s of containsList(w)) if (!text.includes(s)) cx.fail(field, s, text);
    } else {
      cx.fail(field, 'a known expectation', 'unknown key');
    }
  }
}

export function checkExpectValues(cx, expect, actual) {
  for (const [key, want] of Object.entries(expect)) {
    switch (key) {
      case 'total':
      case 'exact_total':
      case 'grade':
      case 'grade_en':
      case 'tree_total':
      case 'full_points':
      case 'excluded_points':
      case 'rescaled_total':
      case 'bonus_total':
        cx.same(key, want, actual[key]);
        break;
      case 'vetoes':
        cx.same('vetoes', want, (actual.vetoes ?? []).map((v) => v.id));
        break;
      case 'indicator_ids':
        cx.same('indicator_ids', want, (actual.indicators ?? []).map((v) => v.id));
        break;
      case 'summary_contains': {
        const text = isString(actual.explanation) ? actual.explanation : '';
        for (const s of containsList(want)) if (!text.includes(s)) cx.fail('summary_contains', s, text);
        break;
      }
      default:
        perIndicator(cx, key, want, actual);
    }
  }
}

/** The Rust runner's invariants: decimal strings; leaf scores in [0, points]; deductions add up. */
export function checkInvariants(cx, actual) {
  for (const key of ['total', 'exact_total', 'tree_total', 'full_points', 'excluded_points', 'bonus_total']) {
    if (dec(actual[key]) === null) cx.fail(`(invariant) ${key}`, 'a decimal string', actual[key] ?? null);
  }
  for (const [bonus, list] of [
    [false, actual.indicators ?? []],
    [true, actual.bonus ?? []],
  ]) {
    for (const r of list) {
      const id = r.id ?? '?';
      const points = dec(r.points);
      const score = dec(r.score);
      if (points === null || score === null) {
        cx.fail(`(invariant) indicators[${id}]`, 'decimal points and score', r);
        continue;
      }
      if (cmp(score, ZERO) < 0 || cmp(score, points) > 0) {
        cx.fail(`(invariant) score[${id}]`, `within [0, ${show(points)}]`, show(score));
      }
      const excluded = r.na_outcome === 'excluded';
      const expectedLost = bonus ? ZERO : sub(points, score);
      if (r.leaf === true && !excluded) {
        const sum = (r.deductions ?? []).map((d) => dec(d.amount)).filter(Boolean).reduce(add, ZERO);
        if (cmp(sum, expectedLost) !== 0) {
          cx.fail(`(invariant) deductions[${id}]`, `amounts summing to ${show(expectedLost)}`, show(sum));
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Running a vector

function langOf(c) {
  return c.lang === 'en' ? 'en' : 'zh';
}

/** `want` contained in `actual`: objects key by key, arrays element by element, `x_contains` fragments. */
function checkSubset(cx, at, want, actual) {
  if (isObject(want) && isObject(actual)) {
    for (const [k, v] of Object.entries(want)) {
      if (k.endsWith('_contains')) {
        const field = k.slice(0, -'_contains'.length);
        const text = isString(actual[field]) ? actual[field] : '';
        for (const s of containsList(v)) if (!text.includes(s)) cx.fail(`${at}.${field}`, `text containing \`${s}\``, text);
        continue;
      }
      if (k in actual) checkSubset(cx, `${at}.${k}`, v, actual[k]);
      else cx.fail(`${at}.${k}`, v, '(missing)');
    }
  } else if (Array.isArray(want) && Array.isArray(actual)) {
    if (want.length !== actual.length) {
      cx.fail(`${at} (length)`, want.length, actual);
      return;
    }
    want.forEach((x, i) => checkSubset(cx, `${at}[${i}]`, x, actual[i]));
  } else if (!isDeepStrictEqual(want, actual)) {
    cx.fail(at, want, actual);
  }
}

/** An analysis case through the JSON layer: the answer (analysis or `{error}`), checked. */
function runAnalysisJson(cx, system, c) {
  let actual;
  let ok;
  try {
    actual = JSON.parse(jx.analysisJson(system, JSON.stringify(c.analysis), langOf(c)));
    ok = true;
  } catch (e) {
    actual = errorValue(cx, e, 'analysis_json');
    ok = false;
  }
  if (c.expect_analysis && ok) checkSubset(cx, 'analysis', c.expect_analysis, actual);
  else if (c.expect_analysis) cx.fail('(result)', 'an analysis', actual);
  else if (c.expect_error && ok) cx.fail('(result)', `an error of kind ${JSON.stringify(c.expect_error.kind ?? null)}`, actual);
  else if (c.expect_error) checkError(cx, c.expect_error, actual);
  else cx.fail('(case)', 'expect_analysis or expect_error', 'neither');
  return actual;
}

/** Through the JSON layer: the answer (evaluation or `{error}`) of each case, checked. */
function runCaseJson(cx, system, c) {
  if ('analysis' in c) return runAnalysisJson(cx, system, c);
  let actual;
  let ok;
  try {
    actual = JSON.parse(jx.evaluateJson(system, JSON.stringify(c.inputs ?? {}), langOf(c)));
    ok = true;
  } catch (e) {
    actual = errorValue(cx, e, 'evaluate_json');
    ok = false;
  }
  if (c.expect && ok) {
    checkExpectValues(cx, c.expect, actual);
    checkInvariants(cx, actual);
  } else if (c.expect) {
    cx.fail('(result)', 'an evaluation', actual);
  } else if (c.expect_error && ok) {
    cx.fail('(result)', `an error of kind ${JSON.stringify(c.expect_error.kind ?? null)}`, actual);
  } else if (c.expect_error) {
    checkError(cx, c.expect_error, actual);
  } else {
    cx.fail('(case)', 'expect or expect_error', 'neither');
  }
  return actual;
}

/** Input values that the object API refuses by design: numbers that are not safe integers. */
function unsafeNumbers(inputs) {
  const names = [];
  for (const [name, v] of Object.entries(inputs ?? {})) {
    const bad = (x) => typeof x === 'number' && !Number.isSafeInteger(x);
    if (bad(v) || (isObject(v) && bad(v.score))) names.push(name);
  }
  return names;
}

/** The inputs as a JS caller must give them: decimals that are not safe integers as strings. */
function asStrings(inputs) {
  const out = {};
  for (const [name, v] of Object.entries(inputs ?? {})) {
    const fix = (x) => (typeof x === 'number' && !Number.isSafeInteger(x) ? String(x) : x);
    out[name] = isObject(v) && 'score' in v ? { ...v, score: fix(v.score) } : fix(v);
  }
  return out;
}

/** Paths of the numbers in a request that are not safe integers (the JS API refuses them). */
function unsafePaths(x, at = '') {
  if (typeof x === 'number') return Number.isSafeInteger(x) ? [] : [at];
  if (Array.isArray(x)) return x.flatMap((y, i) => unsafePaths(y, `${at}[${i}]`));
  if (isObject(x)) return Object.entries(x).flatMap(([k, y]) => unsafePaths(y, at ? `${at}.${k}` : k));
  return [];
}

/** `system.analyze(request)` must answer as `analysisJson` did. */
function runAnalysisObject(cx, sys, c, expected) {
  const unsafe = unsafePaths(c.analysis);
  let answer;
  try {
    answer = sys.analyze(c.analysis, { lang: langOf(c) });
  } catch (e) {
    answer = errorValue(cx, e, 'analyze()');
  }
  if (unsafe.length > 0) {
    cx.same('analyze() with a non-integer JS number (kind)', 'request', answer.error?.kind);
    cx.same('analyze() with a non-integer JS number (path)', unsafe[0], answer.error?.errors?.[0]?.path);
  } else {
    cx.same('analyze() = analysisJson()', expected, answer);
  }
}

function loadObject(v, text) {
  const file = v.value.system_file;
  if (isString(file) && file.endsWith('.toml')) return jx.IndicatorSystem.fromToml(text);
  return jx.IndicatorSystem.fromJson(text);
}

/** Through the object API: every answer must equal the JSON layer's (`expected` per case). */
function runObjectApi(cx, v, system, validation, jsonAnswers) {
  let sys;
  try {
    sys = loadObject(v, system);
  } catch (e) {
    const err = errorValue(cx, e, 'IndicatorSystem.from*').error;
    if (validation.valid !== false || validation.kind !== 'syntax') {
      cx.fail('IndicatorSystem.from*', 'a system (only syntax errors throw here)', { error: err });
    } else {
      cx.same('IndicatorSystem.from* (syntax error)', { kind: validation.kind, errors: validation.errors }, {
        kind: err.kind,
        errors: err.errors,
      });
    }
    return;
  }
  try {
    cx.same('validate()', validation, sys.validate());
    if (validation.valid === false) {
      try {
        sys.evaluate({});
        cx.fail('evaluate() of an invalid system', 'a LoadError', 'an evaluation');
      } catch (e) {
        cx.same('evaluate() of an invalid system (kind)', validation.kind, errorValue(cx, e, 'evaluate()').error.kind);
      }
      return;
    }
    const byLang = new Map();
    v.value.cases.forEach((c, i) => {
      const ccx = new Ctx(v.file, c.name);
      if ('analysis' in c) {
        runAnalysisObject(ccx, sys, c, jsonAnswers[i]);
        cx.failures.push(...ccx.failures);
        return;
      }
      const inputs = c.inputs ?? {};
      const unsafe = unsafeNumbers(inputs);
      if (unsafe.length > 0) {
        // The JS API refuses binary floats: a RequestError naming the input ...
        try {
          sys.evaluate(inputs, { lang: langOf(c) });
          ccx.fail('evaluate() with a non-integer JS number', 'a RequestError', 'an evaluation');
        } catch (e) {
          const err = errorValue(ccx, e, 'evaluate()').error;
          ccx.same('evaluate() with a non-integer JS number (kind)', 'request', err.kind);
          ccx.same('evaluate() with a non-integer JS number (path)', `inputs[${unsafe[0]}]`, err.errors[0]?.path);
        }
      }
      // ... and the same unit with those decimals as strings scores as the vector says.
      const given = unsafe.length > 0 ? asStrings(inputs) : inputs;
      let answer;
      try {
        answer = sys.evaluate(given, { lang: langOf(c) });
      } catch (e) {
        answer = errorValue(ccx, e, 'evaluate()');
      }
      if (unsafe.length > 0) {
        if (c.expect && !answer.error) {
          checkExpectValues(ccx, c.expect, answer);
          checkInvariants(ccx, answer);
        } else if (c.expect_error && answer.error) {
          checkError(ccx, c.expect_error, answer);
        } else {
          ccx.fail('evaluate() (decimals as strings)', c.expect ? 'an evaluation' : 'an error', answer);
        }
      } else {
        ccx.same('evaluate() = evaluateJson()', jsonAnswers[i], answer);
      }
      if (!answer.error) {
        ccx.same('explain() = evaluate().explanation', answer.explanation, sys.explain(given, langOf(c)));
      }
      const lang = langOf(c);
      if (!byLang.has(lang)) byLang.set(lang, []);
      byLang.get(lang).push({ given, answer, name: c.name });
      cx.failures.push(...ccx.failures);
    });
    // One batch per language: the same answers, in order.
    for (const [lang, list] of byLang) {
      const batch = sys.evaluateBatch(
        list.map((x) => x.given),
        { lang },
      );
      if (batch.length !== list.length) {
        cx.fail(`evaluateBatch (${lang}) length`, list.length, batch.length);
        continue;
      }
      list.forEach((x, k) => {
        if (!isDeepStrictEqual(batch[k], x.answer)) {
          cx.failures.push({
            file: v.file,
            case: x.name,
            field: `evaluateBatch (${lang})[${k}] = evaluate()`,
            expected: JSON.stringify(x.answer).slice(0, 400),
            actual: JSON.stringify(batch[k]).slice(0, 400),
          });
        }
      });
    }
  } finally {
    sys.free();
  }
}

/**
 * Runs one vector: format check, validation, every case through the JSON layer, then the object
 * API against the JSON layer. Returns `{failures, cases}`.
 */
export function runVector(v, dir) {
  const cx = new Ctx(v.file);
  const problems = checkFormat(v);
  if (problems.length > 0) {
    for (const p of problems) cx.fail('(vector format)', 'a well-formed vector', p);
    return { failures: cx.failures, cases: 0 };
  }
  let system;
  try {
    system = systemText(v, dir);
  } catch (e) {
    cx.fail('system', 'a readable system', String(e.message));
    return { failures: cx.failures, cases: 0 };
  }
  const validation = JSON.parse(jx.validateJson(system));
  if (Array.isArray(v.value.expect_validation_errors)) {
    checkInvalid(cx, v, system, validation);
    runObjectApi(cx, v, system, validation, []);
    return { failures: cx.failures, cases: 1 };
  }
  if (validation.valid !== true) {
    cx.fail('validate_json', '{"valid": true}', validation);
    return { failures: cx.failures, cases: v.value.cases.length };
  }
  const answers = v.value.cases.map((c) => {
    const ccx = new Ctx(v.file, c.name);
    const answer = runCaseJson(ccx, system, c);
    cx.failures.push(...ccx.failures);
    return answer;
  });
  runObjectApi(cx, v, system, validation, answers);
  return { failures: cx.failures, cases: v.value.cases.length };
}

/** Every rule `type` used in a system (tree leaves, bonus items, `choose_one` options). */
export function ruleKindsIn(system) {
  const out = new Set();
  const walk = (x) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (isObject(x)) {
      if (isObject(x.rule) && isString(x.rule.type)) out.add(x.rule.type);
      Object.values(x).forEach(walk);
    }
  };
  walk(system);
  return out;
}

/** The system of a vector as JSON (a TOML file through the engine's loader, in canonical form). */
export function systemValue(v, dir) {
  const text = systemText(v, dir);
  if (text.trimStart().startsWith('{')) return JSON.parse(text);
  const sys = jx.IndicatorSystem.fromToml(text);
  try {
    return JSON.parse(sys.toJson());
  } finally {
    sys.free();
  }
}
