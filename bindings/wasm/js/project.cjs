// jixiao/project for `require` (CommonJS), as index.cjs is for jixiao: the ES module project.js,
// through Node's require() of ES modules (Node >= 20.19 and >= 22.12), or a clear error.
'use strict';

try {
  module.exports = require('./project.js');
} catch (e) {
  if (e && (e.code === 'ERR_REQUIRE_ESM' || e.code === 'ERR_REQUIRE_ASYNC_MODULE')) {
    throw new Error(
      `jixiao/project: require() of an ES module is not available in this Node (${process.version}; it is from ` +
        "Node 20.19 and 22.12 on, unless turned off): use `const project = await import('jixiao/project')` instead",
      { cause: e },
    );
  }
  throw e;
}
