// Placeholder: the language switch's module replaces this file.
const EN = new Map();
export function addStrings(map) { for (const [zh, en] of Object.entries(map)) EN.set(zh, en); }
export function t(zh) { return zh; }
export function onLangChange(_callback) {}
