// The shared fixtures through the package's public API, compared with the Rust engine's exact wire
// output: every case of every vector of tests/vectors/ against tests/vectors/expected/*.snap, and
// the units of tests/tables/hunan-units.json against tests/tables/expected/hunan-units.snap (both
// insta snapshots written by the Rust tests; `cargo insta review` after an intended change).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

import { findNodeAtLocation, parseTree, printParseErrorCode } from 'jsonc-parser';

import * as jx from '../out/pkg/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const VECTORS = path.join(ROOT, 'tests/vectors');
const read = (file) => fs.readFileSync(file, 'utf8');

/** The JSON of an insta snapshot (a `---` header, then the text). */
function snapshot(file) {
  const text = read(file);
  const header = /^---\n[\s\S]*?\n---\n/.exec(text);
  assert.ok(header, `${file}: no insta header`);
  return JSON.parse(text.slice(header[0].length));
}

/** A JSON file's syntax tree: each node's offset and length give its value as written. */
function tree(text, file, type = 'object') {
  const errors = [];
  const root = parseTree(text, errors, { disallowComments: true });
  const where = errors.map((e) => `${printParseErrorCode(e.error)} at offset ${e.offset}`);
  assert.ok(errors.length === 0 && root?.type === type, `${file} is not a JSON ${type}: ${where.join(', ')}`);
  return root;
}
const source = (text, node) => text.slice(node.offset, node.offset + node.length);

/** Whether the object API takes a value as written: an object whose numbers are safe integers
 * written as JS writes them. Anything else (`0.99`, `1e3`, an array) goes as text to the JSON layer. */
function apiReady(text, node) {
  const exact = (n) =>
    n.type === 'number'
      ? Number.isSafeInteger(n.value) && String(n.value) === source(text, n)
      : (n.children ?? []).every(exact);
  return node.type === 'object' && exact(node);
}

/** The error envelope `{error: {kind, message, errors}}` of a JixiaoError (its toJSON()); others are rethrown. */
function envelope(e) {
  if (e instanceof jx.JixiaoError) return JSON.parse(JSON.stringify({ error: e }));
  throw e;
}

/** A request error that locates a line and column in the text it read: it depends on the layout. */
const textPosition = (e) => e instanceof jx.RequestError && /\(line \d+ column \d+\)/.test(e.message);

/**
 * One case's answer through the object API; as text through the JSON layer when the object API
 * cannot take the value as written, or when the engine's answer locates a position in the text
 * (the object API's text is its own serialisation, not the vector's).
 */
function answer(system, systemText, text, caseNode, lang, routes) {
  const analysis = findNodeAtLocation(caseNode, ['analysis']);
  const node = analysis ?? findNodeAtLocation(caseNode, ['inputs']);
  const raw = node ? source(text, node) : '{}';
  if (!node || apiReady(text, node)) {
    try {
      const value = JSON.parse(raw);
      const out = analysis ? system.analyze(value, { lang }) : system.evaluate(value, { lang });
      routes.api += 1;
      return out;
    } catch (e) {
      if (!textPosition(e)) {
        routes.api += 1;
        return envelope(e);
      }
    }
  }
  routes.json += 1;
  try {
    return JSON.parse((analysis ? jx.analysisJson : jx.evaluateJson)(systemText, raw, lang));
  } catch (e) {
    return envelope(e);
  }
}

/** A vector's output as the Rust runner records it (`wire_outputs` of tests/src/lib.rs). */
function outputs(file, routes = { api: 0, json: 0 }) {
  const text = read(path.join(VECTORS, file));
  const root = tree(text, file);
  const vector = JSON.parse(text); // names, langs and keys only: the engine reads the text as written
  const systemText = vector.system_file
    ? read(path.join(VECTORS, vector.system_file))
    : source(text, findNodeAtLocation(root, ['system']));
  if (vector.expect_validation_errors) {
    try {
      const system = jx.IndicatorSystem.fromText(systemText);
      const validation = system.validate();
      system.free();
      return { validation };
    } catch (e) {
      if (!(e instanceof jx.LoadError)) throw e; // a syntax error: the same answer as validate()
      return { validation: { valid: false, kind: e.kind, errors: e.errors } };
    }
  }
  const system = jx.IndicatorSystem.fromText(systemText);
  try {
    const cases = vector.cases.map((c, i) => {
      const lang = c.lang ?? 'zh';
      const node = findNodeAtLocation(root, ['cases', i]);
      return { name: c.name, lang, output: answer(system, systemText, text, node, lang, routes) };
    });
    return { cases };
  } finally {
    system.free();
  }
}

/** The names of the cases whose output differs (`(validation)` for an invalid system's answer). */
function differing(actual, expected) {
  if (!expected.cases) return isDeepStrictEqual(actual, expected) ? [] : ['(validation)'];
  const names = expected.cases.filter((c, i) => !isDeepStrictEqual(actual.cases?.[i], c)).map((c) => c.name);
  return actual.cases?.length === expected.cases.length ? names : [...names, '(the number of cases)'];
}

const files = fs.readdirSync(VECTORS).filter((f) => f.endsWith('.json')).sort();
const expectedFile = (file) => path.join(VECTORS, 'expected', file.replace(/\.json$/, '.snap'));
const routes = { api: 0, json: 0 };

test('every vector has its expected output, and every expected output its vector', () => {
  const snaps = fs.readdirSync(path.join(VECTORS, 'expected')).filter((f) => f.endsWith('.snap'));
  assert.deepEqual(snaps.map((f) => f.replace(/\.snap$/, '.json')).sort(), files);
  assert.ok(files.length >= 40, `only ${files.length} vectors`);
});

for (const file of files) {
  test(file, () => {
    const actual = outputs(file, routes);
    const expected = snapshot(expectedFile(file));
    const wrong = differing(actual, expected);
    if (wrong.length === 0) return;
    // Every differing case named; the first one's diff shown.
    const i = actual.cases?.findIndex((c) => c.name === wrong[0]) ?? -1;
    assert.deepEqual(i < 0 ? actual : actual.cases[i], i < 0 ? expected : expected.cases[i], `differing: ${wrong.join('; ')}`);
  });
}

test('the runner is not vacuous: a changed figure in an expected output fails it', (t) => {
  const file = '105-builtin-xiangxi-commerce-2019-seed.json';
  const expected = snapshot(expectedFile(file));
  const actual = outputs(file);
  assert.deepEqual(differing(actual, expected), []);
  const changed = structuredClone(expected);
  const leaf = changed.cases[0].output.indicators.find((r) => r.leaf);
  leaf.score = leaf.score === '0' ? '0.01' : '0';
  assert.deepEqual(differing(actual, changed), [expected.cases[0].name]);
  const invalid = snapshot(expectedFile('009-validation-tier-gaps.json'));
  invalid.validation.errors[0].message = invalid.validation.errors[0].message.replace('0.6', '0.5');
  assert.deepEqual(differing(outputs('009-validation-tier-gaps.json'), invalid), ['(validation)']);
  t.diagnostic(`${files.length} vectors; cases through the object API: ${routes.api}, as text through the JSON layer: ${routes.json}`);
});

test('tests/tables/hunan-units.json through evaluateBatch gives tests/tables/expected/hunan-units.snap', () => {
  const text = read(path.join(ROOT, 'tests/tables/hunan-units.json'));
  const ready = tree(text, 'hunan-units.json', 'array').children.every((u) => apiReady(text, u));
  assert.ok(ready, 'units the object API takes as written');
  const units = JSON.parse(text);
  const system = jx.builtin('hunan-dept');
  // `单位名称` names the unit; it is not an input.
  const results = system.evaluateBatch(units.map(({ 单位名称: _, ...inputs }) => inputs));
  const rows = results.map((r, i) => {
    const unit = units[i].单位名称;
    if (!r.error) return { unit, total: r.total, grade: r.grade };
    const inputs = r.error.errors.filter((d) => d.input !== undefined).map((d) => d.input);
    return { unit, error: { kind: r.error.kind, inputs } };
  });
  assert.deepEqual(rows, snapshot(path.join(ROOT, 'tests/tables/expected/hunan-units.snap')));
  assert.ok(rows.some((r) => r.total) && rows.some((r) => r.error), 'scored rows and failed rows both');
  system.free();
});
