/**
 * `lambkin list`: ListFunctions of a running lambkin, as a table.
 */
import { INVOKE_API_VERSION } from "@lambkin/protocol";
import { type ParsedArgs, UsageError } from "./args.ts";
import { findCredentials, sendSigned } from "./credentials.ts";
import { type EndpointFlags, endpointUrl, findEndpoint } from "./find-endpoint.ts";
import { apiError, request } from "./invoke-api-client.ts";
import type { Output } from "./output.ts";

interface FunctionConfiguration {
  FunctionName: string;
  Runtime?: string;
  Handler?: string;
  Timeout?: number;
  MemorySize?: number;
}

export async function listCommand({ values, positionals }: ParsedArgs, out: Output): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, "list");
  const found = await findEndpoint(values as EndpointFlags, process.env, "list");
  const endpoint = endpointUrl(found);
  const { source } = found;
  const url = new URL(`${endpoint.pathname.replace(/\/$/, "")}/${INVOKE_API_VERSION}/functions`, endpoint);
  const credentials = findCredentials(
    values.auth as string | undefined,
    found.config?.config,
    found.config && source,
    process.env,
  );
  const response = await sendSigned(url, { method: "GET", headers: {} }, credentials, (init) =>
    request(url, init, source),
  );
  if (response.status >= 300) throw await apiError(response, credentials?.source);
  const { Functions = [] } = (await response.json()) as { Functions?: FunctionConfiguration[] };
  if (Functions.length === 0) {
    out.stderr("lambkin: no functions\n");
    return 0;
  }
  out.stdout(
    table(
      ["NAME", "RUNTIME", "HANDLER", "TIMEOUT", "MEMORY"],
      Functions.map((f) => [
        f.FunctionName,
        f.Runtime ?? "-",
        f.Handler ?? "-",
        f.Timeout === undefined ? "-" : `${f.Timeout}s`,
        f.MemorySize === undefined ? "-" : `${f.MemorySize} MB`,
      ]),
    ),
  );
  return 0;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? "").length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}
