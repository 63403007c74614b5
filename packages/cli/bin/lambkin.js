#!/usr/bin/env node
// The `lambkin` bin. npm links bins when it installs, and in the monorepo that is before the first
// build: a bin pointing into dist/ would not exist then, and `npx lambkin` would say "not found".
// This committed file always exists; it runs the built CLI, or says in one line how to build it.
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write("lambkin: not built yet (no packages/cli/dist/cli.js): run `npm run build` first\n");
  process.exit(1);
}
await import(cli.href);
