#!/usr/bin/env node
// The `lambkin-runtime` bin. npm links bins when it installs, and in the monorepo that is before
// the first build: a bin pointing into dist/ would not exist then. This committed file always
// exists; it runs the built runtime, or says in one line how to build it. (lambkin itself starts
// dist/runtime.js directly, so this extra file costs its cold starts nothing.)
import { existsSync } from "node:fs";

const runtime = new URL("../dist/runtime.js", import.meta.url);
if (!existsSync(runtime)) {
  process.stderr.write(
    "lambkin-runtime: not built yet (no packages/client/dist/runtime.js): run `npm run build` first\n",
  );
  process.exit(1);
}
await import(runtime.href);
