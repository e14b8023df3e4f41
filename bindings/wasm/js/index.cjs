// jixiao for `require` (CommonJS). The package is an ES module without a top-level await, so
// Node's require() of ES modules (Node >= 20.19 and >= 22.12) loads it: this file hands over the
// very module `import 'jixiao'` gives (the same classes, one engine), whose functions load the
// engine on first use. On an older Node, require() of an ES module fails: then the error says to
// use `await import('jixiao')`.
'use strict';

try {
  module.exports = require('./index.js');
} catch (e) {
  if (e && (e.code === 'ERR_REQUIRE_ESM' || e.code === 'ERR_REQUIRE_ASYNC_MODULE')) {
    throw new Error(
      `jixiao: require() of an ES module is not available in this Node (${process.version}; it is from ` +
        "Node 20.19 and 22.12 on, unless turned off): use `const jixiao = await import('jixiao')` instead",
      { cause: e },
    );
  }
  throw e;
}
