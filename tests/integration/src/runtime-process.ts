import { spawn } from "node:child_process";

// Starts a fixture's `bootstrap` the way Lambda (and lambkin) start a custom runtime: in the
// code folder, with Lambda's variables and little else from the host, as the leader of its own
// process group so that a test can kill it together with its children (curl, sleep).

export interface RuntimeProcess {
  readonly pid: number;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills the whole process group; harmless when it has already exited. */
  kill(): void;
}

export interface RuntimeOptions {
  codeDir: string;
  runtimeApi: string;
  handler: string;
  functionName?: string;
  env?: Record<string, string>;
}

export function lambdaEnvironment(opts: RuntimeOptions): Record<string, string> {
  const name = opts.functionName ?? "fixture";
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: process.env.HOME ?? "/tmp",
    LANG: "en_US.UTF-8",
    TZ: ":UTC",
    _HANDLER: opts.handler,
    AWS_LAMBDA_RUNTIME_API: opts.runtimeApi,
    LAMBDA_TASK_ROOT: opts.codeDir,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "128",
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: "2024/01/01/[$LATEST]0123456789abcdef0123456789abcdef",
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
    ...opts.env,
  };
}

export function startRuntime(opts: RuntimeOptions): RuntimeProcess {
  const child = spawn("./bootstrap", [], {
    cwd: opts.codeDir,
    env: lambdaEnvironment(opts),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => {
    output += text;
  });
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    output += text;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return {
    pid: child.pid ?? -1,
    output: () => output,
    exited,
    kill() {
      if (child.pid === undefined) return;
      try {
        // The group, not just the leader: children (curl, sleep) may outlive the bootstrap.
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // ESRCH: the whole group has already exited.
      }
    },
  };
}
