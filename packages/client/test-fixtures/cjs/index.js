// CommonJS handlers: `exports.handler` (async) and a callback-style `legacy`.
let imports = 0;
imports++;

exports.handler = async (event, context) => ({
  format: typeof require === "function" && typeof module === "object" ? "cjs" : "esm",
  imports,
  requestId: context.awsRequestId,
  event,
});

module.exports.legacy = function legacy(event, _context, callback) {
  setImmediate(() => callback(null, { legacy: true, event }));
};
