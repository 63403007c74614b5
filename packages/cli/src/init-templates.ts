/**
 * What `lambkin init` writes: one sample function per runtime and language, each deployable to
 * AWS Lambda as it is (the Node one as nodejs20.x or later, the `provided` one as provided.al2023;
 * Bun and Deno through a custom runtime). Every sample greets `name` from an Invoke payload
 * (`{"name":"you"}`) or from a Function URL's query string (`/hello/?name=you`).
 */
// The runtime names are core's engine table (types only: nothing of core loads for `init`).
import type { EngineName, RuntimeName } from "@lambkin/core";

export type InitRuntime = RuntimeName;

export interface SampleFile {
  /** Relative to the function's code folder. */
  path: string;
  text: string;
  executable?: boolean;
}

const ENGINE_NAME = { node: "Node.js", bun: "Bun", deno: "Deno" } as const;

function jsHandler(runtime: EngineName, name: string): string {
  return `// ${name}: a Lambda function on ${ENGINE_NAME[runtime]}. \`handler\` gets the event and the context;
// what it returns is the result (a Function URL sends it as the JSON response body).
// Code outside the handler runs once per execution environment (the cold start).

export const handler = async (event, context) => {
  const name = event?.name ?? event?.queryStringParameters?.name ?? "world";
  console.log(\`greeting \${name}\`);
  return { message: \`Hello, \${name}!\`, requestId: context.awsRequestId };
};
`;
}

function tsHandler(runtime: EngineName, name: string): string {
  const how =
    runtime === "node"
      ? "lambkin runs TypeScript on Node through tsx, no build step"
      : `${ENGINE_NAME[runtime]} runs TypeScript natively`;
  return `// ${name}: a Lambda function on ${ENGINE_NAME[runtime]}, in TypeScript (${how}).
// \`handler\` gets the event and the context; what it returns is the result (a Function URL sends
// it as the JSON response body). Code outside the handler runs once per execution environment.

/** An Invoke payload ({"name": "you"}) or a Function URL request (/${name}/?name=you). */
interface HelloEvent {
  name?: string;
  queryStringParameters?: { name?: string };
}

/** The part of Lambda's context this function reads (the full type: Context from @lambkin/client). */
interface Context {
  awsRequestId: string;
}

export const handler = async (event: HelloEvent, context: Context) => {
  const name = event.name ?? event.queryStringParameters?.name ?? "world";
  console.log(\`greeting \${name}\`);
  return { message: \`Hello, \${name}!\`, requestId: context.awsRequestId };
};
`;
}

/**
 * A custom runtime in POSIX sh + curl, the loop of AWS's own tutorial: Lambda (and lambkin) run
 * ./bootstrap in the code folder with AWS_LAMBDA_RUNTIME_API set.
 */
function shellBootstrap(name: string): string {
  return `#!/bin/sh
# ${name}: a Lambda custom runtime (provided.al2023) in POSIX sh + curl. Lambda, and lambkin, run
# ./bootstrap in the code folder with AWS_LAMBDA_RUNTIME_API set: it asks the Runtime API for the
# next event, answers it, and loops. stderr goes to the function's log.
set -eu
api="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
headers="$(mktemp)"
trap 'rm -f "$headers"' EXIT
while :; do
  event="$(curl -sS -D "$headers" "$api/next")"
  id="$(tr -d '\\r' <"$headers" | sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: *//p')"
  # The event's "name" (letters, digits, space, _ . -), else the query string's, else "world".
  name="$(printf '%s' "$event" | sed -n 's/.*"name" *: *"\\([A-Za-z0-9 _.-]*\\)".*/\\1/p' | head -n 1)"
  echo "greeting \${name:-world}" >&2
  curl -sS -o /dev/null -X POST "$api/$id/response" \\
    -d "{\\"message\\":\\"Hello, \${name:-world}!\\",\\"requestId\\":\\"$id\\"}"
done
`;
}

/** The sample function's files, in its code folder. */
export function sampleFiles(runtime: InitRuntime, typescript: boolean, name: string): SampleFile[] {
  if (runtime === "provided") return [{ path: "bootstrap", text: shellBootstrap(name), executable: true }];
  if (typescript) return [{ path: "index.ts", text: tsHandler(runtime, name) }];
  // .mjs on Node: an ES module whatever the project's package.json "type" says.
  return [{ path: runtime === "node" ? "index.mjs" : "index.js", text: jsHandler(runtime, name) }];
}

/** The function's entry in lambkin.config.json. */
export function functionConfig(runtime: InitRuntime, codeDir: string): Record<string, unknown> {
  if (runtime === "provided") return { runtime, codeDir, timeout: 3 };
  return { runtime, codeDir, handler: "index.handler", timeout: 3 };
}
