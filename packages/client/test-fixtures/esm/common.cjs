// A .cjs file inside an ESM package: loaded as CommonJS.
exports.handler = async (event) => ({ format: typeof module === "object" ? "cjs" : "esm", event });
