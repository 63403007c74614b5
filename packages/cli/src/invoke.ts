/**
 * `lambkin invoke <function>`: one Invoke API call. The result goes to stdout (the exact bytes when
 * piped, so `lambkin invoke fn > out.json` is what the function returned), the tail log to stderr.
 * With no lambkin running on the config's port, the function is run once from the config instead
 * (one-shot.ts).
 */
import { readFileSync } from "node:fs";
import { INVOKE_API_VERSION } from "@lambkin/protocol";
import { findTemplate } from "@lambkin/template";
import { type ParsedArgs, UsageError } from "./args.ts";
import { findCredentials, sendSigned } from "./credentials.ts";
import { type EndpointFlags, endpointUrl, findEndpoint } from "./find-endpoint.ts";
import { answerCut, apiError, callFailed, connectionRefused } from "./invoke-api-client.ts";
import type { Output } from "./output.ts";
import { projectFlags, projectToRun } from "./project.ts";

const decoder = new TextDecoder();

export async function invokeCommand({ values, positionals }: ParsedArgs, out: Output): Promise<number> {
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError("missing the function name", "invoke");
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, "invoke");
  if (values.event !== undefined && values.payload !== undefined)
    throw new UsageError("--event FILE and --payload are the same thing: give one", "invoke");
  const payload = await payloadOf(
    values.event !== undefined ? `@${values.event as string}` : (values.payload as string | undefined),
  );
  const invocationType = (values["invocation-type"] as string | undefined) ?? "RequestResponse";
  const flags = projectFlags(values, "invoke");
  // Run once from the config or template (read as `start` reads it).
  const oneShot = async () =>
    (await import("./one-shot.ts")).oneShotInvoke({
      name,
      loaded: await projectToRun(flags, out),
      payload,
      invocationType,
      out,
      writeResult,
    });
  // A template named on the command line is run once, as `sam local invoke` does.
  if (flags.template !== undefined || flags.cdkOut !== undefined) return oneShot();
  const found = await findEndpoint(values as EndpointFlags, process.env, "invoke");
  // A config with "port": 0 names no findable lambkin: run the function once from it.
  if (!found.url && found.config) return oneShot();
  // No config here but a template: like a config, it names what to run when nothing answers.
  const templateHere =
    found.config === undefined &&
    found.source === "the default endpoint" &&
    findTemplate(process.cwd()) !== undefined;
  const endpoint = endpointUrl(found);
  const { source } = found;

  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-amz-invocation-type": invocationType,
  };
  if (values.tail) headers["x-amz-log-type"] = "Tail";
  const url = new URL(
    `${endpoint.pathname.replace(/\/$/, "")}/${INVOKE_API_VERSION}/functions/${encodeURIComponent(name)}/invocations`,
    endpoint,
  );
  const credentials = findCredentials(
    values.auth as string | undefined,
    found.config?.config,
    found.config && found.source,
    process.env,
  );
  const init = { method: "POST", headers, body: payload };
  // The endpoint came from a config (or a template is here) and nothing listens there: run the
  // function from it. Only then: a lambkin that fails or stops during the call may have run the
  // function already, and running it again would repeat its effects.
  const fallback = found.config !== undefined || templateHere;
  let response: Response;
  try {
    response = await sendSigned(url, init, credentials, (signed) => fetch(url, signed));
  } catch (error) {
    if (fallback && connectionRefused(error)) return oneShot();
    throw callFailed(url, error, { source, functionName: name });
  }
  if (response.status >= 300) throw await apiError(response, credentials?.source);

  const log = response.headers.get("x-amz-log-result");
  if (log) {
    const text = decoder.decode(Uint8Array.from(atob(log), (c) => c.charCodeAt(0)));
    out.stderr(text.endsWith("\n") ? text : `${text}\n`);
  }
  const requestId = response.headers.get("x-amzn-requestid") ?? "";
  if (invocationType === "Event") {
    out.stderr(`lambkin: ${name} queued (request id ${requestId})\n`);
    return 0;
  }
  if (invocationType === "DryRun") {
    out.stderr(`lambkin: dry run of ${name} succeeded: it exists and the payload is acceptable\n`);
    return 0;
  }
  let body: Uint8Array;
  try {
    body = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw answerCut(url, error, name);
  }
  writeResult(body, out);
  const functionError = response.headers.get("x-amz-function-error");
  if (functionError) {
    out.stderr(`lambkin: ${name} failed (${functionError}, request id ${requestId})\n`);
    return 1;
  }
  return 0;
}

/** Inline JSON, `@file`, or `-` for stdin; checked to be JSON here, so a typo is a usage error. */
async function payloadOf(flag: string | undefined): Promise<Uint8Array<ArrayBuffer>> {
  if (flag === undefined) return new TextEncoder().encode("{}");
  let bytes: Uint8Array<ArrayBuffer>;
  let what: string;
  if (flag === "-") {
    const chunks: Uint8Array[] = [];
    for await (const chunk of process.stdin as AsyncIterable<Uint8Array>) chunks.push(chunk);
    bytes = concat(chunks);
    what = "the payload from stdin";
  } else if (flag.startsWith("@")) {
    const file = flag.slice(1);
    try {
      bytes = new Uint8Array(readFileSync(file));
    } catch (error) {
      throw new UsageError(
        `--payload ${flag}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        "invoke",
      );
    }
    what = `--payload ${flag}`;
  } else {
    bytes = new TextEncoder().encode(flag);
    what = "--payload";
  }
  const text = decoder.decode(bytes);
  try {
    JSON.parse(text);
  } catch (error) {
    if (text.trim() === "") return new TextEncoder().encode("{}");
    const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
    throw new UsageError(
      `${what} must be JSON, got ${JSON.stringify(shown)} (${(error as Error).message})`,
      "invoke",
    );
  }
  return bytes;
}

function concat(chunks: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** On a terminal: JSON indented, text with a final newline. Piped: the bytes unchanged. */
function writeResult(body: Uint8Array, out: Output): void {
  if (!out.stdoutIsTTY) {
    out.stdout(body);
    return;
  }
  const text = decoder.decode(body);
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON: shown as text
  }
  out.stdout(shown.endsWith("\n") || shown === "" ? shown : `${shown}\n`);
}
