// The package as a user installs it: loading the engine (init, no top-level await), CommonJS,
// the exports map, the shipped README, LICENSE and repository. Each loading case runs in a Node of
// its own: the engine loads once per process.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../..');
const PKG = path.resolve(HERE, '../out/pkg');
const SEED = 'xiangxi-commerce-2019';

/** A directory whose node_modules/jixiao is the built package, as `npm install` leaves it. */
const APP = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-app-'));
fs.mkdirSync(path.join(APP, 'node_modules'));
fs.symlinkSync(PKG, path.join(APP, 'node_modules', 'jixiao'), 'dir');

/** Runs `code` in a new Node in APP (an ES module unless `cjs`); its stdout, or throws with its stderr. */
function node(code, { cjs = false, args = [] } = {}) {
  const r = spawnSync(process.execPath, [...args, '--input-type', cjs ? 'commonjs' : 'module', '-e', code], {
    cwd: APP,
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

function ok(code, options) {
  const r = node(code, options);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

// Where no Node `fs` is at hand (a browser, a worker): what the package sees there.
const NO_FS = 'delete process.getBuiltinModule;';
const INDEX = JSON.stringify(pathToFileURL(path.join(PKG, 'index.js')).href);
const PROJECT = JSON.stringify(pathToFileURL(path.join(PKG, 'project.js')).href);
const WASM = JSON.stringify(path.join(PKG, 'jixiao_wasm_bg.wasm'));
const SCORE = `jx.builtin('${SEED}').evaluate(jx.builtinExample('${SEED}')).total`;

test('importing needs no top-level await: require() of the ES module itself works', () => {
  // Node's require() of an ES module refuses one with a top-level await (ERR_REQUIRE_ASYNC_MODULE).
  assert.equal(ok(`const jx = require(${JSON.stringify(path.join(PKG, 'index.js'))}); console.log(${SCORE})`, { cjs: true }), '91.73');
  const projectJs = JSON.stringify(path.join(PKG, 'project.js'));
  assert.equal(
    ok(`const jp = require(${projectJs}); console.log(jp.scoreProject('mof-project', jp.projectExample('mof-project')).total)`, { cjs: true }),
    '93.37',
  );
});

test('init: without Node fs, a function before init() throws a clear error; init() then loads the packaged file', () => {
  const out = ok(`${NO_FS}
    const jx = await import(${INDEX});
    try { jx.builtins(); console.log('no error'); } catch (e) { console.log(e.constructor.name + ': ' + e.message); }
    const loading = jx.init();
    try { jx.version(); } catch (e) { console.log(e.message); }
    try { jx.initSync(new Uint8Array(8)); } catch (e) { console.log(e.message); }
    await loading;
    await jx.init(); // once: a second call resolves at once
    console.log(${SCORE});`);
  const [before, pending, pendingSync, total] = out.split('\n');
  assert.match(before, /^Error: jixiao: call `await init\(\)` first \(it loads the engine, jixiao_wasm_bg\.wasm\)$/);
  assert.match(pending, /^jixiao: init\(\) has not finished/);
  assert.match(pendingSync, /^jixiao: init\(\) has not finished/, 'initSync while init() loads');
  assert.equal(total, '91.73');
});

test('init: the module from a URL, a Response, a promise of one, bytes, an ArrayBuffer or a WebAssembly.Module', () => {
  const read = `const bytes = (await import('node:fs')).readFileSync(${WASM});`;
  const sources = {
    'file URL': `new URL(${JSON.stringify(pathToFileURL(path.join(PKG, 'jixiao_wasm_bg.wasm')).href)})`,
    'file URL text': JSON.stringify(pathToFileURL(path.join(PKG, 'jixiao_wasm_bg.wasm')).href),
    Response: `new Response(bytes, { headers: { 'content-type': 'application/wasm' } })`,
    'Promise<Response>': `Promise.resolve(new Response(bytes, { headers: { 'content-type': 'application/wasm' } }))`,
    Uint8Array: 'new Uint8Array(bytes)',
    ArrayBuffer: 'bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)',
    'WebAssembly.Module': 'new WebAssembly.Module(bytes)',
  };
  for (const [what, source] of Object.entries(sources)) {
    const out = ok(`${NO_FS} ${read}
      const jx = await import(${INDEX});
      await jx.init(${source});
      console.log(${SCORE});`);
    assert.equal(out, '91.73', what);
  }
  // initSync from bytes, for workers and CommonJS.
  assert.equal(ok(`${NO_FS} ${read} const jx = await import(${INDEX}); jx.initSync(bytes); console.log(${SCORE});`), '91.73');
});

test('init: a failed load rejects and may be retried', () => {
  const out = ok(`${NO_FS}
    const jx = await import(${INDEX});
    const missing = new URL('./no-such.wasm', ${INDEX});
    await jx.init(missing).then(() => console.log('loaded?'), (e) => console.log('rejected', e.code));
    await jx.init();
    console.log(${SCORE});`);
  assert.deepEqual(out.split('\n'), ['rejected ENOENT', '91.73']);
});

test('init: in Node the engine loads itself on first use; init() after that resolves', () => {
  assert.equal(ok(`const jx = await import(${INDEX}); console.log(${SCORE}); await jx.init(); console.log(jx.version().length > 0)`), '91.73\ntrue');
});

test('jixiao/project has its own init() for its own module, and loads itself in Node', () => {
  const out = ok(`${NO_FS}
    const jx = await import(${INDEX});
    const jp = await import(${PROJECT});
    try { jp.projectTemplates(); } catch (e) { console.log(e.message); }
    await jp.init();
    console.log(jp.scoreProject('mof-project', jp.projectExample('mof-project')).total);
    try { jx.version(); } catch (e) { console.log(e.message); }`);
  const [before, total, main] = out.split('\n');
  assert.match(before, /^jixiao\/project: call `await init\(\)` first \(it loads the engine, jixiao_project_bg\.wasm\)$/);
  assert.equal(total, '93.37');
  assert.match(main, /^jixiao: call `await init\(\)` first/, "jixiao/project's init() loads only its own module");
  assert.equal(ok(`const jp = await import(${PROJECT}); console.log(jp.projectTemplates().length > 0)`), 'true');
});

test('package.json exports: import, require and types of both entries resolve by name', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(PKG, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.exports['.'], { types: './index.d.ts', import: './index.js', require: './index.cjs', default: './index.js' });
  assert.deepEqual(pkg.exports['./project'], {
    types: './project.d.ts',
    import: './project.js',
    require: './project.cjs',
    default: './project.js',
  });
  for (const f of pkg.files) assert.ok(fs.existsSync(path.join(PKG, f)), f);
  // CommonJS: require('jixiao') is the same module as import('jixiao') (one set of classes, one engine).
  const cjs = node(
    `const jx = require('jixiao');
     const jp = require('jixiao/project');
     console.log(${SCORE});
     console.log(jp.scoreProject('mof-project', jp.projectExample('mof-project')).total);
     import('jixiao').then((esm) => console.log(esm.JixiaoError === jx.JixiaoError && esm.builtin === jx.builtin));`,
    { cjs: true },
  );
  assert.equal(cjs.status, 0, cjs.stderr);
  assert.equal(cjs.stdout, '91.73\n93.37\ntrue');
  assert.doesNotMatch(cjs.stderr, /Warning/, 'no warning for a CommonJS user');
  assert.equal(ok(`import { builtin, builtinExample } from 'jixiao'; const jx = { builtin, builtinExample }; console.log(${SCORE})`), '91.73');
});

test('require() without require(esm) (older Node) fails with a message pointing to import()', () => {
  for (const [entry, name] of [
    ['jixiao', 'jixiao'],
    ['jixiao/project', 'jixiao/project'],
  ]) {
    const r = node(`require('${entry}')`, { cjs: true, args: ['--no-experimental-require-module'] });
    assert.notEqual(r.status, 0);
    assert.ok(
      r.stderr.includes(`${name}: require() of an ES module is not available in this Node`) &&
        r.stderr.includes(`await import('${entry}')`),
      r.stderr,
    );
  }
});

test('the package ships LICENSE files, the licence and the repository of the Cargo workspace', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(PKG, 'package.json'), 'utf8'));
  const cargo = fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8');
  const license = cargo.match(/^license = "(.*)"$/m)[1];
  const repository = cargo.match(/^repository = "(.*)"$/m)[1];
  assert.equal(pkg.license, license);
  assert.equal(license, 'MIT OR Apache-2.0');
  assert.deepEqual(pkg.repository, { type: 'git', url: `git+${repository}.git`, directory: 'bindings/wasm' });
  for (const f of ['LICENSE-MIT', 'LICENSE-APACHE']) {
    assert.ok(pkg.files.includes(f), f);
    assert.equal(fs.readFileSync(path.join(PKG, f), 'utf8'), fs.readFileSync(path.join(ROOT, f), 'utf8'), f);
  }
  assert.match(fs.readFileSync(path.join(PKG, 'LICENSE-MIT'), 'utf8'), /^MIT License/);
  assert.match(fs.readFileSync(path.join(PKG, 'LICENSE-APACHE'), 'utf8'), /Apache License\s+Version 2\.0, January 2004/);
});

test('the shipped README names every export of both entries and every method of IndicatorSystem', () => {
  const readme = fs.readFileSync(path.join(PKG, 'README.md'), 'utf8');
  const names = new Set();
  for (const file of ['index.d.ts', 'project.d.ts']) {
    const dts = fs.readFileSync(path.join(PKG, file), 'utf8');
    for (const m of dts.matchAll(/^export (?:class|function) (\w+)/gm)) names.add(m[1]);
  }
  const dts = fs.readFileSync(path.join(PKG, 'index.d.ts'), 'utf8');
  const body = dts.slice(dts.indexOf('export class IndicatorSystem'));
  for (const m of body.slice(0, body.indexOf('\n}')).matchAll(/^ {2}(?:static |readonly )?(\w+)[(:<]/gm)) names.add(m[1]);
  names.delete('constructor');
  const missing = [...names].filter((n) => !new RegExp(`\\b${n}\\b`).test(readme));
  assert.deepEqual(missing, [], 'exports the README does not mention');
  for (const topic of ['require(', 'await init()', 'Symbol.dispose', 'jixiao/project', 'LICENSE']) {
    assert.ok(readme.includes(topic), topic);
  }
});
