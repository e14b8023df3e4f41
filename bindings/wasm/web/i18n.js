// The page's language: 中文 (the default, what a Chinese finance office expects) or English.
//
// The Chinese text is the key: `t('清空')` gives '清空' in Chinese mode and the English a module
// registered with `addStrings({'清空': 'Clear'})` in English mode, or the Chinese when none was
// registered (so that a missing translation shows the field's own words, never a key). Texts with
// figures in them take named parameters: `t('还有{n}项未填写', {n: 3})`.
//
// The choice is kept in the browser (localStorage) and applied before the first paint of the
// page's own texts; `setLang` switches at once: the static texts of index.html (marked with
// `data-i18n`, see applyStatic) here, everything else by the modules' `onLangChange` callbacks.
// The engine's explanations come from the engine in the chosen language (its `lang` argument);
// system data (indicator names without an English name, 单位名称 typed by the user) stay as given.

const KEY = 'jixiao:lang:v1';
const EN = new Map();
const listeners = [];

function stored() {
  try {
    return localStorage.getItem(KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh'; // storage off: the default
  }
}

let current = stored();

/** The language in use: 'zh' or 'en' (also the engine's `lang` argument). */
export function lang() {
  return current;
}

/** Registers English texts: `{中文: English}`. A later registration of the same key wins. */
export function addStrings(map) {
  for (const [zh, en] of Object.entries(map)) EN.set(zh, en);
}

/** The text in the current language; `params` fill `{name}` places in either language. */
export function t(zh, params) {
  const text = current === 'en' ? (EN.get(zh) ?? zh) : zh;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/** `callback(lang)` after each switch. */
export function onLangChange(callback) {
  listeners.push(callback);
}

/** Switches the page to 'zh' or 'en' (anything else: 'zh'), remembers it, and tells every module. */
export function setLang(code) {
  const next = code === 'en' ? 'en' : 'zh';
  if (next === current) return;
  current = next;
  try {
    localStorage.setItem(KEY, next);
  } catch {
    // storage off: the choice holds for this visit
  }
  applyStatic();
  for (const callback of listeners) callback(next);
}

// The static texts of index.html: an element with `data-i18n` has its text translated (its
// Chinese, as written in the page, is the key); `data-i18n-attrs="title placeholder"` names
// attributes translated the same way. The Chinese is read once, before the first switch.
const originals = new WeakMap();

/** Translates the marked texts under `root` (the whole page by default) into the current language. */
export function applyStatic(root = document) {
  document.documentElement.lang = current === 'en' ? 'en' : 'zh-CN';
  for (const node of root.querySelectorAll('[data-i18n], [data-i18n-attrs]')) {
    let zh = originals.get(node);
    if (!zh) {
      zh = { attrs: {} };
      if (node.hasAttribute('data-i18n')) zh.text = node.textContent;
      for (const a of (node.dataset.i18nAttrs ?? '').split(/\s+/).filter(Boolean)) zh.attrs[a] = node.getAttribute(a) ?? '';
      originals.set(node, zh);
    }
    if (zh.text !== undefined) node.textContent = t(zh.text);
    for (const [a, text] of Object.entries(zh.attrs)) node.setAttribute(a, t(text));
  }
  for (const button of document.querySelectorAll('[data-set-lang]')) {
    button.setAttribute('aria-pressed', String(button.dataset.setLang === current));
  }
}
