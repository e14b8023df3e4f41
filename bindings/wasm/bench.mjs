// Evaluation time per unit in Node (WebAssembly) against native, measured in the same run on the
// same units: the bench-30 system and 1 000 varied units of benches/ (what criterion times).
//
//   node bindings/wasm/bench.mjs [UNITS] [ROUNDS]      (after build.sh; runs cargo for the native side)
//
// Each figure is the median over ROUNDS rounds (after a warm-up) of the time per unit:
// The native side is built with the module's profile (out/profile.json, written by build.sh) and
// every unit's total and grade are compared between the two before any figure is printed.
//
//   native engine   Scorer::evaluate on ready-made inputs
//   native JSON     inputs JSON text → evaluate → evaluation JSON text (the JSON layer's work)
//   wasm JSON       the same work in WebAssembly (CompiledSystem.evaluate, text in, text out)
//   wasm JS API     IndicatorSystem.evaluate(object): + checking the inputs, JSON.stringify/parse
//   wasm batch      IndicatorSystem.evaluateBatch over all units, per unit
// Not a test: nothing here asserts a time.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { IndicatorSystem, init, version } from './out/pkg/index.js';
import { CompiledSystem } from './out/pkg/jixiao_wasm.js';

// The package loads its module on request (no top-level await): the raw CompiledSystem below is
// the same module instance, ready once init() has run.
await init();

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const units = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 7);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-bench-'));
try {
  // The native side is built with the profile build.sh built the module with (fat LTO, one codegen
  // unit, its opt-level), in a target directory of its own so that the workspace's release
  // artifacts are not rebuilt back and forth.
  const profile = JSON.parse(fs.readFileSync(path.join(HERE, 'out/profile.json'), 'utf8'));
  const nativeLine = execFileSync(
    'cargo',
    ['run', '--quiet', '--release', '-p', 'jixiao-wasm', '--example', 'native_bench', '--', dir, String(units), String(rounds)],
    {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...profile, CARGO_TARGET_DIR: path.join(ROOT, 'target/bench-native') },
    },
  );
  const native = JSON.parse(nativeLine.trim().split('\n').pop());
  const systemText = fs.readFileSync(path.join(dir, 'bench-30.json'), 'utf8');
  const unitsText = fs.readFileSync(path.join(dir, 'bench-30-units.json'), 'utf8');
  const objects = JSON.parse(unitsText);
  const texts = objects.map((u) => JSON.stringify(u));

  const raw = CompiledSystem.load(systemText, 'json');
  const system = IndicatorSystem.fromJson(systemText);

  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  function time(f) {
    f();
    const perUnit = [];
    for (let r = 0; r < rounds; r++) {
      const start = process.hrtime.bigint();
      f();
      perUnit.push(Number(process.hrtime.bigint() - start) / objects.length);
    }
    return median(perUnit);
  }

  const wasmJson = time(() => {
    for (const t of texts) raw.evaluate(t, 'zh');
  });
  const wasmScore = time(() => {
    for (const t of texts) raw.score(t);
  });
  const wasmApi = time(() => {
    for (const u of objects) system.evaluate(u);
  });
  const wasmBatch = time(() => {
    const out = system.evaluateBatch(objects);
    if (out.some((r) => r.error)) throw new Error(`a unit failed: ${JSON.stringify(out.find((r) => r.error))}`);
  });
  // Same answers on both sides: every unit's total and grade from the wasm score against the
  // native one (written by native_bench), and the wasm paths against each other.
  const nativeScores = JSON.parse(fs.readFileSync(path.join(dir, 'bench-30-scores.json'), 'utf8'));
  texts.forEach((t, i) => {
    const w = JSON.parse(raw.score(t));
    const n = nativeScores[i];
    if (w.total !== n.total || w.grade !== n.grade) {
      throw new Error(`unit ${i}: wasm ${w.total} ${w.grade}, native ${n.total} ${n.grade}`);
    }
  });
  const check = JSON.parse(raw.evaluate(texts[0], 'zh'));
  if (check.total !== system.evaluate(objects[0]).total) throw new Error('the two wasm paths disagree');
  if (JSON.parse(raw.score(texts[0])).total !== check.total) throw new Error('score and evaluate disagree');
  console.log(`every unit's total and grade equal in wasm and native (${texts.length} units)`);

  const us = (ns) => `${(ns / 1000).toFixed(1).padStart(7)} µs`;
  const lines = [
    `jixiao ${version()} · bench-30 (31 leaves) · ${objects.length} units · median of ${rounds} rounds · node ${process.version}`,
    `native engine     ${us(native.engine_ns)} per unit`,
    `native JSON       ${us(native.json_ns)} per unit`,
    `wasm JSON         ${us(wasmJson)} per unit   ${(wasmJson / native.json_ns).toFixed(2)}× native JSON`,
    `native score      ${us(native.score_ns)} per unit   (CompiledSystem.score compiled natively)`,
    `wasm score        ${us(wasmScore)} per unit   ${(wasmScore / native.score_ns).toFixed(2)}× native score`,
    `wasm JS API       ${us(wasmApi)} per unit   ${(wasmApi / native.json_ns).toFixed(2)}× native JSON`,
    `wasm batch        ${us(wasmBatch)} per unit   ${(wasmBatch / native.json_ns).toFixed(2)}× native JSON`,
  ];
  console.log(lines.join('\n'));
  if (process.env.JIXIAO_BENCH_JSON) {
    fs.writeFileSync(
      process.env.JIXIAO_BENCH_JSON,
      JSON.stringify({
        node: process.version,
        native_json_ns: native.json_ns,
        wasm_json_ns: wasmJson,
        native_score_ns: native.score_ns,
        wasm_score_ns: wasmScore,
      }),
    );
  }
  const timingFile = path.join(HERE, 'out/test-results/timing.json');
  if (fs.existsSync(timingFile)) {
    const t = JSON.parse(fs.readFileSync(timingFile, 'utf8'));
    console.log(`page: first result ${t.firstResult.toFixed(0)} ms after navigation start (from the last browser test)`);
  }
  raw.free();
  system.free();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
