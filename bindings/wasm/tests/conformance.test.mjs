// The whole conformance corpus (tests/vectors/) through the WebAssembly package, with the checks
// of the Rust runner (tests/src/lib.rs); figures compared as strings. One test per vector file;
// each lists every mismatch (file, case, field, expected, actual) at once.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import {
  MIN_VECTORS,
  VECTORS_DIR,
  checkFormat,
  formatFailure,
  loadVectors,
  ruleKindsIn,
  runVector,
  systemValue,
} from './vectors.mjs';

const { vectors, errors: loadErrors } = loadVectors(VECTORS_DIR);

test('every vector file is valid JSON', () => {
  assert.deepEqual(loadErrors, [], `malformed vector files:\n${loadErrors.join('\n')}`);
});

let totalCases = 0;
for (const v of vectors) {
  test(v.file, () => {
    const { failures, cases } = runVector(v, VECTORS_DIR);
    totalCases += cases;
    if (failures.length > 0) {
      assert.fail(`${failures.length} conformance failure(s):\n${failures.map((f) => `- ${formatFailure(f)}`).join('\n')}`);
    }
  });
}

test('the corpus is complete: enough vectors, every rule kind of the format used', (t) => {
  assert.ok(vectors.length >= MIN_VECTORS, `only ${vectors.length} vector files; at least ${MIN_VECTORS} expected`);
  const used = new Set();
  for (const v of vectors) for (const k of ruleKindsIn(systemValue(v, VECTORS_DIR))) used.add(k);
  // The rule kinds of the format, read from the engine's JSON Schema (the `type` constants of
  // `Rule`): the committed schema/indicator-system.schema.json, which a Rust test keeps equal to
  // `jixiao::json::schema_json()` (not exported to WebAssembly: schemars alone would add ~140 KiB).
  const schema = JSON.parse(fs.readFileSync(path.join(VECTORS_DIR, '../../schema/indicator-system.schema.json'), 'utf8'));
  const rule = (schema.$defs ?? schema.definitions).Rule;
  const kinds = new Set();
  const walk = (x) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      const type = x.properties?.type;
      if (typeof type?.const === 'string') kinds.add(type.const);
      for (const e of type?.enum ?? []) kinds.add(e);
      for (const [k, y] of Object.entries(x)) if (k !== 'properties') walk(y);
    }
  };
  walk(rule);
  assert.ok(kinds.size >= 11, `could not read the rule kinds from the schema: ${[...kinds]}`);
  assert.deepEqual([...kinds].filter((k) => !used.has(k)), [], 'rule kinds no vector uses');
  assert.deepEqual([...used].filter((k) => !kinds.has(k)), [], 'rule kinds the format does not define');
  t.diagnostic(`${vectors.length} vectors, ${totalCases} cases, ${kinds.size} rule kinds`);
});

test('a malformed vector is reported with its file name, never skipped', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-vectors-'));
  try {
    fs.writeFileSync(path.join(dir, '001-broken.json'), '{"name": "broken",');
    assert.ok(loadVectors(dir).errors.some((e) => e.includes('001-broken.json')));
    // Well-formed JSON with a misspelt expectation key is a failure too.
    fs.writeFileSync(
      path.join(dir, '001-broken.json'),
      JSON.stringify({
        name: 'broken',
        description: 'x',
        system_file: 'none.json',
        cases: [{ name: 'c', inputs: {}, expect: { scroes: {} } }],
      }),
    );
    const [v] = loadVectors(dir).vectors;
    assert.ok(checkFormat(v).some((p) => p.includes('scroes')));
    const { failures } = runVector(v, dir);
    assert.ok(failures.some((f) => f.file === '001-broken.json' && f.actual.includes('scroes')), JSON.stringify(failures));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
