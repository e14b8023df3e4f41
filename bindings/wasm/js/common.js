// The parts of the package its entries share (index.js, and project.js for project
// self-evaluations): loading a wasm-bindgen module, the error classes, and turning JS values into
// the JSON the engine reads (every number a safe integer, decimals as strings). Not an entry of
// its own: everything public here is re-exported by index.js.

/** Loads a wasm-bindgen module (`init` from its glue) from `url`: Node reads the file, browsers fetch it. */
export async function load(init, url) {
  if (url.protocol === 'file:' && typeof process === 'object' && process.versions?.node) {
    // Node (and Deno, Bun) read the file; their `fetch` does not take file: URLs.
    const { readFile } = await import('node:fs/promises');
    await init({ module_or_path: await readFile(url) });
  } else {
    await init({ module_or_path: url });
  }
}

// ---------------------------------------------------------------------------------------------
// Errors

/** Any error of jixiao: `kind` says what went wrong, `errors` where (`{path, message, ...}`). */
export class JixiaoError extends Error {
  constructor(kind, message, errors = [], { code = kind, messageZh = message } = {}) {
    super(message);
    this.kind = kind;
    this.errors = errors;
    /** A stable code, finer than `kind` (`not_a_decimal`, `division_by_zero`, ...). */
    this.code = code;
    /** The message in Chinese, as the people filling in the tables read it. */
    this.messageZh = messageZh;
  }

  /**
   * The error as plain data, `{kind, code, message, message_zh, errors}` (the JSON layer's error
   * object): `JSON.stringify(e)` keeps them all (an `Error`'s own `message` is not enumerable),
   * and `JSON.stringify({error: e})` is the JSON layer's error envelope.
   */
  toJSON() {
    return { kind: this.kind, code: this.code, message: this.message, message_zh: this.messageZh, errors: this.errors };
  }
}
/** The indicator system cannot be read (`syntax`) or is not valid (`validation`). */
export class LoadError extends JixiaoError {}
/** The inputs do not fit the system (`inputs`), or a needed optional input is absent (`missing_input`). */
export class InputError extends JixiaoError {}
/** Evaluating failed: `arithmetic`, `overflow`, `metric_out_of_range`, `score`, `all_excluded`, `check`. */
export class EvaluationError extends JixiaoError {}
/** The call itself is wrong: inputs not an object, a number that is not a safe integer, unknown id ... */
export class RequestError extends JixiaoError {}

for (const cls of [JixiaoError, LoadError, InputError, EvaluationError, RequestError]) {
  Object.defineProperty(cls.prototype, 'name', { value: cls.name, writable: true, configurable: true });
}

const ERROR_CLASSES = {
  syntax: LoadError,
  validation: LoadError,
  inputs: InputError,
  missing_input: InputError,
  request: RequestError,
};

/** The error class for an error kind. */
export function errorFor(info) {
  const Cls = ERROR_CLASSES[info.kind] ?? EvaluationError;
  return new Cls(info.kind, info.message, info.errors ?? [], { code: info.code, messageZh: info.message_zh });
}

/** Runs a wasm export; an error text `{"error": ...}` it throws becomes a JixiaoError. */
export function call(f, ...args) {
  try {
    return f(...args);
  } catch (e) {
    if (typeof e === 'string' && e.startsWith('{"error"')) {
      throw errorFor(JSON.parse(e).error);
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Inputs: JS values to the JSON the engine reads

export function request(message, messageZh = `请求有误：${message}`) {
  return new RequestError('request', message, [{ path: '', code: 'request', params: {}, message, message_zh: messageZh }], {
    code: 'request',
    messageZh,
  });
}

function unsafe(at, v, input) {
  const number = typeof v === 'number';
  const message = number
    ? `\`${at}\`: ${String(v)} is not a safe integer; give decimals as strings ` +
      `(e.g. "${Number.isFinite(v) ? String(v) : '82.39'}") so that no binary float rounds them`
    : `\`${at}\`: a ${typeof v} is not a JSON value (expected a string, safe integer, boolean, list or object)`;
  const messageZh = number
    ? `“${at}”：${String(v)} 不是安全整数；小数请以文本传入（如 "${Number.isFinite(v) ? String(v) : '82.39'}"），以免二进制浮点数改变其数值`
    : `“${at}”：${typeof v} 类型的值不能作为基础数据（应为文本、整数、是否、清单或对象）`;
  const code = number ? 'unsafe_number' : 'not_a_value';
  const entry = { path: at, code, params: { value: String(v) }, message, message_zh: messageZh };
  if (input !== undefined) entry.input = input;
  return new RequestError('request', message, [entry], { code, messageZh });
}

/** A JSON-ready copy of `v`: numbers only as safe integers, `undefined` members left out. */
export function plain(v, at, input) {
  switch (typeof v) {
    case 'number':
      if (Number.isSafeInteger(v)) return v;
      throw unsafe(at, v, input);
    case 'string':
    case 'boolean':
      return v;
    case 'object': {
      if (v === null) return null; // the engine says where null is not a value
      if (v instanceof Map) v = Object.fromEntries(v);
      if (Array.isArray(v)) return v.map((x, i) => plain(x, `${at}[${i}]`, input));
      const out = {};
      for (const [k, x] of Object.entries(v)) {
        if (x !== undefined) out[k] = plain(x, at ? `${at}.${k}` : k, input);
      }
      return out;
    }
    default:
      throw unsafe(at, v, input);
  }
}

/** One unit's inputs as the JSON text the engine reads; `undefined` values are left out. */
export function inputsJson(inputs) {
  if (inputs instanceof Map) inputs = Object.fromEntries(inputs);
  if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) {
    throw request('the inputs must be an object of name → value');
  }
  const out = {};
  for (const [name, v] of Object.entries(inputs)) {
    if (v !== undefined) out[name] = plain(v, `inputs[${name}]`, name);
  }
  return JSON.stringify(out);
}

/** An analysis request as JSON text: every number in it must be a safe integer, as for inputs. */
export function requestJson(request) {
  return JSON.stringify(plain(request, ''));
}

export function langOf(options) {
  return options?.lang ?? 'zh';
}
