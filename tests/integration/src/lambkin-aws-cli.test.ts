import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsCliOptions, type AwsCliResult, invokeWithAwsCli, runAwsCli } from "./aws-cli.ts";
import {
  CURL_DIR,
  expectedConfiguration,
  type FunctionSettings,
  invocationLog,
  type LambkinCli,
  RIC_DIR,
  ricInfoLine,
  startLambkinCli,
  UUID,
} from "./lambkin-cli.ts";
import { descendantsOf, waitUntilGone } from "./processes.ts";

// `lambkin start --config …` (the real CLI) called by the real AWS CLI (`aws lambda …
// --endpoint-url`): what a user of the AWS CLI sees — exit status, stdout, stderr and the
// outfile — for aws-lambda-ric and the tutorial's curl bootstrap.

const ric = { runtime: "provided", codeDir: RIC_DIR, command: ["./bootstrap"], timeout: 2 } as const;
const curl = { runtime: "provided", codeDir: CURL_DIR, timeout: 2 } as const;

const FUNCTIONS: Record<string, FunctionSettings> = {
  ric: { ...ric, handler: "index.handler" },
  curl: { ...curl, handler: "function.handler" },
  "curl-error": { ...curl, handler: "function.error" },
  "curl-pid": { ...curl, handler: "function.pid" },
  // Lambda's reserved concurrency 1 with no queue: a second concurrent invoke is throttled.
  "curl-one": { ...curl, handler: "function.slow", concurrency: 1, queueSize: 0 },
  // A /tmp of 1 GB instead of the default 512 MB.
  "curl-tmp": { ...curl, handler: "function.handler", ephemeralStorage: 1024 },
};

const ARN = "arn:aws:lambda:us-east-1:000000000000:function";

let lambkin: LambkinCli;
let cli: AwsCliOptions;

beforeAll(async () => {
  lambkin = await startLambkinCli(FUNCTIONS);
  cli = { endpointUrl: lambkin.url };
}, 30_000);

afterAll(async () => {
  await lambkin?.destroy();
});

/** stdout of a successful command, parsed; fails with the CLI's stderr otherwise. */
function stdoutJson(result: AwsCliResult): unknown {
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout);
}
/** What the CLI prints for a service error (v1 exits 255, v2 254), without the blank line before it. */
function expectServiceError(result: AwsCliResult, message: string): void {
  expect([254, 255]).toContain(result.status);
  expect(result.stdout).toBe("");
  expect(result.stderr.trim()).toBe(message);
}
/** START records of `functionName` logged from record index `from` on (once printed lines have landed). */
const startsOf = async (functionName: string, from: number) => {
  await lambkin.mark();
  return lambkin.records
    .slice(from)
    .filter((r) => r.functionName === functionName && r.line.startsWith("START "));
};

describe("aws lambda invoke", () => {
  it("success: exit 0, StatusCode 200 and ExecutedVersion on stdout, the result's bytes in the outfile", async () => {
    const result = await invokeWithAwsCli("curl", { payload: '{"hello":"world"}' }, cli);
    expect(stdoutJson(result)).toEqual({ StatusCode: 200, ExecutedVersion: "$LATEST" });
    expect(result.outfile).toEqual(Buffer.from(`Echoing request: '{"hello":"world"}'`));
  });

  it("success with aws-lambda-ric: the handler's JSON in the outfile", async () => {
    const result = await invokeWithAwsCli("ric", { payload: '{"action":"echo","n":2}' }, cli);
    expect(stdoutJson(result)).toEqual({ StatusCode: 200, ExecutedVersion: "$LATEST" });
    const body = result.outfile!.toString("utf8");
    const out = JSON.parse(body);
    expect(out).toMatchObject({
      action: "echo",
      event: { action: "echo", n: 2 },
      context: { functionName: "ric", functionVersion: "$LATEST", invokedFunctionArn: `${ARN}:ric` },
    });
    expect(out.context.awsRequestId).toMatch(UUID);
    expect(body).toBe(JSON.stringify(out));
  });

  it("function error: exit 0, FunctionError Unhandled on stdout, the error JSON in the outfile", async () => {
    const result = await invokeWithAwsCli("curl-error", { payload: "{}" }, cli);
    expect(stdoutJson(result)).toEqual({
      StatusCode: 200,
      FunctionError: "Unhandled",
      ExecutedVersion: "$LATEST",
    });
    expect(result.outfile?.toString("utf8")).toBe(
      '{"errorMessage":"failed on purpose","errorType":"HandlerError"}',
    );

    const thrown = await invokeWithAwsCli("ric", { payload: '{"action":"throw","message":"boom"}' }, cli);
    expect(stdoutJson(thrown)).toEqual({
      StatusCode: 200,
      FunctionError: "Unhandled",
      ExecutedVersion: "$LATEST",
    });
    const error = JSON.parse(thrown.outfile!.toString("utf8"));
    expect(Object.keys(error)).toEqual(["errorType", "errorMessage", "trace"]);
    expect(error).toMatchObject({ errorType: "FixtureError", errorMessage: "boom" });
  });

  it("--log-type Tail: LogResult on stdout decodes to the invocation's log", async () => {
    const result = await invokeWithAwsCli("ric", { payload: '{"action":"echo"}', logType: "Tail" }, cli);
    const out = stdoutJson(result) as { StatusCode: number; LogResult: string; ExecutedVersion: string };
    expect(out).toEqual({ StatusCode: 200, LogResult: expect.any(String), ExecutedVersion: "$LATEST" });

    const log = Buffer.from(out.LogResult, "base64").toString("utf8");
    const id = /^START RequestId: (\S+) /.exec(log)?.[1] ?? "";
    expect(id).toMatch(UUID);
    expect(log).toMatch(invocationLog(id, [ricInfoLine(id, `ric-fixture action=echo requestId=${id}`)]));
    expect(JSON.parse(result.outfile!.toString("utf8")).context.awsRequestId).toBe(id);
  });

  it("--invocation-type Event: StatusCode 202, an empty outfile, and the function runs", async () => {
    const marker = `{"event":"${crypto.randomUUID()}"}`;
    const result = await invokeWithAwsCli("curl", { payload: marker, invocationType: "Event" }, cli);
    expect(stdoutJson(result)).toEqual({ StatusCode: 202 });
    expect(result.outfile).toEqual(Buffer.alloc(0));

    // The tutorial's handler logs the event on stderr.
    const logged = await lambkin.waitForRecord((r) => r.functionName === "curl" && r.line === marker);
    expect(logged.requestId).toMatch(UUID);
  });

  it("--invocation-type DryRun: StatusCode 204 and ExecutedVersion, nothing run", async () => {
    const from = await lambkin.mark();
    const result = await invokeWithAwsCli("curl", { payload: "{}", invocationType: "DryRun" }, cli);
    expect(stdoutJson(result)).toEqual({ StatusCode: 204, ExecutedVersion: "$LATEST" });
    expect(result.outfile).toEqual(Buffer.alloc(0));
    expect(await startsOf("curl", from)).toEqual([]);
  });

  it("unknown function: exit 254/255 and ResourceNotFoundException on stderr, no outfile", async () => {
    const result = await invokeWithAwsCli("nope", { payload: "{}" }, cli);
    expectServiceError(
      result,
      `An error occurred (ResourceNotFoundException) when calling the Invoke operation: Function not found: ${ARN}:nope`,
    );
    expect(result.outfile).toBeNull();
  });
});

describe("aws lambda invoke against a busy function (concurrency 1, no queue)", () => {
  /** Starts a 1.5 s invoke of curl-one through the AWS CLI; resolves once it runs. */
  async function occupy(): Promise<{ first: Promise<AwsCliResult> }> {
    const from = await lambkin.mark();
    const first = invokeWithAwsCli("curl-one", { payload: '{"seconds":1.5}' }, cli);
    await lambkin.waitForRecord(
      (r) => r.functionName === "curl-one" && r.line.startsWith("START "),
      15_000,
      from,
    );
    // Wrapped: an async function returning the promise itself would wait for it.
    return { first };
  }

  it("with retries off (AWS_MAX_ATTEMPTS=1) the user sees TooManyRequestsException", async () => {
    const from = await lambkin.mark();
    const { first } = await occupy();

    const result = await invokeWithAwsCli(
      "curl-one",
      { payload: '{"seconds":0}' },
      { ...cli, env: { AWS_MAX_ATTEMPTS: "1" } },
    );
    expectServiceError(
      result,
      "An error occurred (TooManyRequestsException) when calling the Invoke operation (reached max retries: 0): Rate Exceeded.",
    );
    expect(result.outfile).toBeNull();

    const done = await first;
    expect(stdoutJson(done)).toEqual({ StatusCode: 200, ExecutedVersion: "$LATEST" });
    expect(done.outfile?.toString("utf8")).toBe("slept 1.5");
    expect(await startsOf("curl-one", from)).toHaveLength(1);
  }, 30_000);

  it("with the CLI's default retries a throttled call waits for the function, which runs once for it", async () => {
    const from = await lambkin.mark();
    const { first } = await occupy();

    // CLI v1 retries a 429 up to 4 times, backing off 0–1 s, 0–2 s, 0–4 s, 0–8 s (random).
    const result = await invokeWithAwsCli("curl-one", { payload: '{"seconds":0}' }, cli);
    const done = await first;
    expect(done.outfile?.toString("utf8")).toBe("slept 1.5");
    if (result.status === 0) {
      expect(stdoutJson(result)).toEqual({ StatusCode: 200, ExecutedVersion: "$LATEST" });
      expect(result.outfile?.toString("utf8")).toBe("slept 0");
      expect(await startsOf("curl-one", from)).toHaveLength(2);
    } else {
      // Only if every random back-off summed to less than the first call's 1.5 s (rare).
      expectServiceError(
        result,
        "An error occurred (TooManyRequestsException) when calling the Invoke operation (reached max retries: 4): Rate Exceeded.",
      );
      expect(await startsOf("curl-one", from)).toHaveLength(1);
    }
  }, 40_000);

  it("a read timeout shorter than the function: the CLI's retry joins the running invoke (run once)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lambkin-aws-cli-"));
    try {
      const from = await lambkin.mark();
      await writeFile(join(dir, "payload"), '{"seconds":1.5}');
      // --debug shows the CLI's own account of the timeout and the retry.
      const result = await runAwsCli(
        [
          "lambda",
          "invoke",
          "--function-name",
          "curl-one",
          "--payload",
          `fileb://${join(dir, "payload")}`,
          "--debug",
          join(dir, "out"),
        ],
        { ...cli, readTimeoutSeconds: 1 },
      );
      expect(result.status).toBe(0);
      expect(result.stderr).toContain("Read timeout on endpoint URL");
      expect(JSON.parse(result.stdout)).toEqual({ StatusCode: 200, ExecutedVersion: "$LATEST" });
      expect(await readFile(join(dir, "out"), "utf8")).toBe("slept 1.5");
      // Two HTTP requests with the same amz-sdk-invocation-id, one run of the function.
      expect(await startsOf("curl-one", from)).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe("aws lambda list-functions / get-function / get-function-configuration", () => {
  it("list-functions prints every function of the config with its configuration", async () => {
    const result = await runAwsCli(["lambda", "list-functions"], cli);
    expect(stdoutJson(result)).toEqual({
      Functions: Object.entries(FUNCTIONS).map(([name, fn]) => expectedConfiguration(name, fn)),
    });
  });

  it("get-function prints Configuration, Code and Tags", async () => {
    const result = await runAwsCli(["lambda", "get-function", "--function-name", "ric"], cli);
    expect(stdoutJson(result)).toEqual({
      Configuration: expectedConfiguration("ric", FUNCTIONS.ric!),
      Code: { RepositoryType: "S3", Location: `file://${RIC_DIR}` },
      Tags: {},
    });
  });

  it("get-function-configuration prints the function's own EphemeralStorage size", async () => {
    const result = await runAwsCli(
      ["lambda", "get-function-configuration", "--function-name", "curl-tmp"],
      cli,
    );
    const printed = stdoutJson(result) as Record<string, unknown>;
    expect(printed).toEqual(expectedConfiguration("curl-tmp", FUNCTIONS["curl-tmp"]!));
    expect(printed.EphemeralStorage).toEqual({ Size: 1024 });
  });

  it("get-function of an unknown function: ResourceNotFoundException", async () => {
    const result = await runAwsCli(["lambda", "get-function", "--function-name", "nope"], cli);
    expectServiceError(
      result,
      `An error occurred (ResourceNotFoundException) when calling the GetFunction operation: Function not found: ${ARN}:nope`,
    );
  });
});

describe("shutdown", () => {
  it("SIGINT: the CLI exits 0 and no runtime process remains", async () => {
    const pid = JSON.parse(
      (await invokeWithAwsCli("curl-pid", { payload: "{}" }, cli)).outfile!.toString(),
    ).pid;
    const tree = descendantsOf(lambkin.pid);
    expect(tree).toContain(pid);

    expect(await lambkin.stop("SIGINT")).toEqual({ code: 0, signal: null });
    expect(await waitUntilGone(tree)).toEqual([]);
  }, 30_000);
});
