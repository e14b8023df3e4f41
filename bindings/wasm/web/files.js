// The calculator page's files: the 自评表 and the base data (基础数据) exported as .xlsx or CSV,
// and base-data files imported from .xlsx, .xls, .ods or CSV (the page's own exports, the CLI's
// `jixiao inputs SYSTEM --format csv` template, or a table with the input names as its header).
// Writing and reading are the engine's (jixiao::xlsx, jixiao::sheets, jixiao::csv_rows and the
// base-data table reading of jixiao::inputs::table) in a module of their own, pkg/jixiao_files,
// loaded here on first use only: the module the page loads first carries none of it.
//
// Decimals never become JS numbers: values cross as strings, files as bytes.

import { addStrings, t } from './i18n.js';

addStrings({
  '正在加载文件功能…': 'Loading the file functions…',
  '文件功能加载失败：': 'The file functions failed to load: ',
  '导出失败：': 'Export failed: ',
  '已导入': 'Imported',
  '项，': ' values; ',
  '处未导入，见下表。': ' not imported, listed below.',
  '导入时发现问题': 'Problems found on import',
  '无法导入': 'cannot be imported',
  '行': 'Row',
  '列': 'Column',
  '数据项': 'Field',
  '说明': 'Problem',
});

let loading = null;

/** The files module, loaded once (its glue and its .wasm beside the page's package). */
function module() {
  loading ??= import('./pkg/jixiao_files.js').then(async (glue) => {
    await glue.default({ module_or_path: new URL('./pkg/jixiao_files_bg.wasm', import.meta.url) });
    return glue;
  });
  return loading;
}

/** The Chinese message of an error the module answered (the engine's error JSON text). */
function messageOf(e) {
  if (typeof e === 'string') {
    try {
      const doc = JSON.parse(e);
      return doc?.error?.message_zh ?? doc?.error?.message ?? e;
    } catch {
      return e;
    }
  }
  return e?.message ?? String(e);
}

/**
 * A file's bytes: `what` is `evaluation` (the 自评表 with its 填报信息 above it; in a workbook
 * its base data on a second sheet) or `inputs` (the base data); `format` is `xlsx` or `csv`.
 * `systemJson` is the system's JSON text, `inputs` the unit's inputs (strings, booleans, lists,
 * `{level, score}`), `meta` the 填报信息.
 */
export async function exportBytes(systemJson, inputs, meta, what, format) {
  const files = await module();
  try {
    return files.exportFile(systemJson, JSON.stringify(inputs), JSON.stringify(meta), what, format);
  } catch (e) {
    throw new Error(`${t('导出失败：')}${messageOf(e)}`);
  }
}

/**
 * Reads a base-data file: `{values, meta, errors, sheet}` (each error `{row, column, field,
 * message}`, the message in Chinese), or `{fatal}` when the file does not read at all.
 */
export async function importFile(systemJson, file) {
  const files = await module();
  const bytes = new Uint8Array(await file.arrayBuffer());
  try {
    return JSON.parse(files.importFile(systemJson, bytes, file.name));
  } catch (e) {
    return { fatal: `${file.name}：${messageOf(e)}` };
  }
}

/** The title of a file that does not import at all. */
export function fatalTitle(fileName) {
  return `${fileName}：${t('无法导入')}`;
}

/** The per-cell list of an import's problems, as a table (file, row, column, field, problem). */
export function importReport(el, fileName, result) {
  const filled = Object.keys(result.values ?? {}).length;
  const errors = result.errors ?? [];
  const box = el('section', { class: 'import-report', id: 'import-report' });
  const summary = errors.length
    ? `${fileName}：${t('已导入')} ${filled} ${t('项，')}${errors.length} ${t('处未导入，见下表。')}`
    : `${fileName}：${t('已导入')} ${filled} 项。`;
  box.append(el('h2', { text: errors.length ? t('导入时发现问题') : t('已导入') }), el('p', { text: summary }));
  if (errors.length) {
    box.append(
      el(
        'table',
        {},
        el(
          'thead',
          {},
          el('tr', {}, ...[t('行'), t('列'), t('数据项'), t('说明')].map((h) => el('th', { text: h }))),
        ),
        el(
          'tbody',
          {},
          errors.map((e) =>
            el(
              'tr',
              {},
              el('td', { text: String(e.row) }),
              el('td', { text: e.column ?? '—' }),
              el('td', { text: e.field || '—' }),
              el('td', { text: e.message }),
            ),
          ),
        ),
      ),
    );
  }
  return box;
}
