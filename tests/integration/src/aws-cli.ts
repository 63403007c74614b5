import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Runs the real AWS CLI (whichever `aws` scripts/setup-system.sh found or installed: v1 from
// pip or Debian's v2) against a local endpoint. Dummy credentials and a region come from the
// environment, and every host setting that could change the result (profiles, config files,
// instance metadata, a pager) is switched off, so a test sees the same CLI on every machine.

export interface AwsCliResult {
  /** Exit status (null when killed by a signal). v1 exits 255 on a service error, v2 254. */
  status: number | null;
  stdout: string;
  stderr: string;
  /** The `lambda invoke` outfile's bytes; null for other commands or when the CLI wrote none. */
  outfile: Buffer | null;
}

export interface AwsCliOptions {
  /** e.g. `http://127.0.0.1:3001` */
  endpointUrl: string;
  region?: string;
  /** Seconds the CLI waits for a reply before it gives up (and, on v1, retries). Default 60. */
  readTimeoutSeconds?: number;
  /** Kill the CLI after this many ms; default 60 s. */
  killAfterMs?: number;
  /** Extra environment, e.g. `{ AWS_MAX_ATTEMPTS: "1" }`. */
  env?: Record<string, string>;
}

export interface InvokeOptions {
  /** Raw payload bytes; sent with `fileb://`, which both CLI v1 and v2 take as is. */
  payload?: string | Uint8Array;
  invocationType?: "RequestResponse" | "Event" | "DryRun";
  logType?: "None" | "Tail";
  /** Base64 JSON, as the API takes it. */
  clientContext?: string;
  qualifier?: string;
}

export function awsCliEnvironment(opts: AwsCliOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Drop the host's AWS settings: credentials, profile, config, endpoints.
    if (value !== undefined && !key.startsWith("AWS_")) env[key] = value;
  }
  const region = opts.region ?? "us-east-1";
  return {
    ...env,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
    ...opts.env,
  };
}

/** Runs `aws <args> --endpoint-url … --cli-read-timeout …`. */
export async function runAwsCli(args: readonly string[], opts: AwsCliOptions): Promise<AwsCliResult> {
  const argv = [
    ...args,
    "--endpoint-url",
    opts.endpointUrl,
    "--cli-read-timeout",
    String(opts.readTimeoutSeconds ?? 60),
    "--cli-connect-timeout",
    "10",
  ];
  return new Promise((resolve, reject) => {
    const child = spawn("aws", argv, { env: awsCliEnvironment(opts), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.killAfterMs ?? 60_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, outfile: null });
    });
  });
}

/** `aws lambda invoke` with a temporary payload file and outfile; returns the outfile's bytes too. */
export async function invokeWithAwsCli(
  functionName: string,
  invoke: InvokeOptions,
  opts: AwsCliOptions,
): Promise<AwsCliResult> {
  const dir = await mkdtemp(join(tmpdir(), "lambkin-aws-cli-"));
  try {
    const outfile = join(dir, "out");
    const args = ["lambda", "invoke", "--function-name", functionName];
    if (invoke.payload !== undefined) {
      const payloadFile = join(dir, "payload");
      await writeFile(payloadFile, invoke.payload);
      args.push("--payload", `fileb://${payloadFile}`);
    }
    if (invoke.invocationType) args.push("--invocation-type", invoke.invocationType);
    if (invoke.logType) args.push("--log-type", invoke.logType);
    if (invoke.clientContext) args.push("--client-context", invoke.clientContext);
    if (invoke.qualifier) args.push("--qualifier", invoke.qualifier);
    args.push(outfile);

    const result = await runAwsCli(args, opts);
    const out = await readFile(outfile).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return null;
      throw error;
    });
    return { ...result, outfile: out };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
