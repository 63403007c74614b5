#!/usr/bin/env node
// The executable entry lambkin (or a Lambda `bootstrap`) starts: `node dist/runtime.js`,
// `bun dist/runtime.js` or `deno run -A dist/runtime.js`, with _HANDLER, LAMBDA_TASK_ROOT and
// AWS_LAMBDA_RUNTIME_API in the environment. It never returns: it serves invocations until the
// process is stopped or the Runtime API goes away.
import { run } from "./create-runtime.ts";

void run();
