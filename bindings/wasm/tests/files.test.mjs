// The page's files module (out/site/pkg/jixiao_files*, built by build.sh, not part of the npm
// package) in Node: the 自评表 and the base data written as .xlsx and CSV and read back with the
// same figures; a bad file answered cell by cell in Chinese. The browser test (files.test.mjs)
// drives the same module through the page.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as jx from '../out/pkg/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PKG = path.resolve(HERE, '../out/site/pkg');
const files = await import(path.join(PKG, 'jixiao_files.js'));
files.initSync({ module: fs.readFileSync(path.join(PKG, 'jixiao_files_bg.wasm')) });

const SEED = 'xiangxi-commerce-2019';
const system = jx.builtin(SEED).toJson();
const example = jx.builtinExample(SEED);
const meta = { 单位名称: '湘西州商务局', 年度: '2019', 填报人: '张三', 填报日期: '2020-03-01' };

const isDecimal = (s) => {
  try {
    jx.parseDecimal(s);
    return true;
  } catch {
    return false;
  }
};
const read = (bytes, name) => JSON.parse(files.importFile(system, bytes, name));

test('the files module is not in the module the page loads first', () => {
  const main = fs.readFileSync(path.resolve(HERE, '../out/pkg/jixiao_wasm.js'), 'utf8');
  assert.doesNotMatch(main, /exportFile|importFile/);
  assert.match(fs.readFileSync(path.join(PKG, 'jixiao_files.js'), 'utf8'), /exportFile/);
});

test('base data and the 自评表 workbook read back with the same figures, decimals as strings', () => {
  const inputs = { ...example, 上年结转: '860.30', 年初预算: '2000.1' };
  for (const [what, format] of [['inputs', 'xlsx'], ['inputs', 'csv'], ['evaluation', 'xlsx']]) {
    const bytes = files.exportFile(system, JSON.stringify(inputs), JSON.stringify(meta), what, format);
    const back = read(bytes, `f.${format}`);
    assert.deepEqual(back.errors, [], `${what} ${format}`);
    for (const [name, v] of Object.entries(inputs)) {
      const got = back.values[name];
      if (typeof v === 'string' && typeof got === 'string' && isDecimal(v)) {
        assert.equal(jx.compareDecimals(got, v), 0, `${what} ${format}: ${name} ${got} ≠ ${v}`);
      } else if (typeof v === 'number') {
        assert.equal(got, String(v), `${what} ${format}: ${name}`);
      } else {
        assert.deepEqual(got, v, `${what} ${format}: ${name}`);
      }
    }
    assert.equal(jx.builtin(SEED).evaluate(back.values).total, jx.builtin(SEED).evaluate(inputs).total);
    if (what === 'evaluation') assert.deepEqual(back.meta, meta, 'the 自评表 carries its 填报信息');
  }
});

test('bad cells are listed in Chinese with row and column; the good ones read', () => {
  const csv = '名称,数值\n编制数,76\n年初预算,"1,234,5"\n上年结转,abc\n经济效益,很好\n不存在,1\n在职人员数,75\n';
  const back = read(new TextEncoder().encode(csv), 'bad.csv');
  assert.deepEqual(
    back.errors.map((e) => [e.row, e.column, e.field]),
    [[3, 'B', '年初预算'], [4, 'B', '上年结转'], [5, 'B', '经济效益'], [6, 'A', '不存在']],
  );
  for (const e of back.errors) assert.match(e.message, /[\u4e00-\u9fff]/);
  assert.deepEqual(back.values, { 编制数: '76', 在职人员数: '75' });
  assert.match(read(new Uint8Array([1, 2, 3]), 'x.xlsx').fatal, /无法作为电子表格打开/);
});

test('a table with the input names as its header: one unit read; an unknown column listed, the others filled', () => {
  const csv = '单位名称,编制数（人）,在职人员数,备注栏,年初预算（万元）\n某某局,76,abc,随便,"2,000"\n';
  const back = read(new TextEncoder().encode(csv), 'wide.csv');
  assert.deepEqual(
    back.errors.map((e) => [e.row, e.column, e.field]),
    [[1, 'D', '备注栏'], [2, 'C', '在职人员数']],
  );
  assert.deepEqual(back.values, { 编制数: '76', 年初预算: '2,000' });
  assert.deepEqual(back.meta, { 单位名称: '某某局' }, "the unit's name from its column, not the header row");
  const wrongUnit = read(new TextEncoder().encode('编制数,年初预算（元）\n76,2000\n'), 'unit.csv');
  assert.deepEqual(wrongUnit.errors.map((e) => [e.row, e.column, e.field]), [[1, 'B', '年初预算']]);
  assert.match(wrongUnit.errors[0].message, /单位是元/);
  assert.deepEqual(wrongUnit.values, { 编制数: '76' });
});
