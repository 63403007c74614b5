import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GetFunctionConfigurationCommand, InvokeCommand, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { invokeWithAwsCli } from "./aws-cli.ts";
import { bytes, lambdaClient, text } from "./lambda-sdk.ts";
import { CLI_JS, type LambkinCli, startLambkinCliWith } from "./lambkin-cli.ts";

// SAM and CDK projects started as their users start them — `lambkin start` in the project's folder
// (the template found there), or with --template / --cdk-out — and invoked through
// @aws-sdk/client-lambda and the AWS CLI. The fixtures are in tests/fixtures/templates.

const FIXTURES = fileURLToPath(new URL("../../fixtures/templates/", import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);

let running: LambkinCli | undefined;
afterEach(async () => {
  await running?.destroy();
  running = undefined;
});

async function start(cwd: string, args: string[] = []): Promise<LambkinCli> {
  running = await startLambkinCliWith(args, { cwd });
  return running;
}

async function invoke(cli: LambkinCli, name: string, payload: unknown = {}) {
  const sdk = lambdaClient(cli.url);
  const out = await sdk.client.send(
    new InvokeCommand({ FunctionName: name, Payload: bytes(JSON.stringify(payload)) }),
  );
  expect(out.FunctionError, text(out.Payload)).toBeUndefined();
  return JSON.parse(text(out.Payload));
}

describe("a SAM hello-world (JavaScript)", () => {
  it("starts from the template.yaml in the folder, names the file, and answers the SDK and the AWS CLI", async () => {
    const cli = await start(fixture("sam-hello-js"));
    expect(cli.ready.templates).toEqual(["template.yaml"]);
    expect(String(cli.ready.message)).toMatch(/ · 1 function · from template\.yaml$/);

    const result = await invoke(cli, "HelloWorldFunction");
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({
      message: "hello world",
      functionName: "HelloWorldFunction",
      memoryLimitInMB: "128",
      remainingMs: expect.any(Number),
      path: null,
      engine: "node",
    });
    // Globals.Function.Timeout: 3 → the deadline the function sees.
    expect(JSON.parse(result.body).remainingMs).toBeLessThanOrEqual(3000);

    const aws = await invokeWithAwsCli(
      "HelloWorldFunction",
      { payload: JSON.stringify({ path: "/hello", httpMethod: "GET" }) },
      { endpointUrl: cli.url },
    );
    expect(aws.status, aws.stderr).toBe(0);
    expect(JSON.parse(JSON.parse(aws.outfile!.toString()).body).path).toBe("/hello");

    const list = await lambdaClient(cli.url).client.send(new ListFunctionsCommand({}));
    expect(list.Functions?.map((f) => [f.FunctionName, f.Handler, f.Timeout, f.MemorySize])).toEqual([
      ["HelloWorldFunction", "app.lambdaHandler", 3, 128],
    ]);
  });

  it("prefers .aws-sam/build/template.yaml, as SAM does, and says so", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lambkin-sam-build-"));
    try {
      // The source template points at a folder that does not exist; only the built one can start.
      writeFileSync(
        join(dir, "template.yaml"),
        "Resources:\n  HelloWorldFunction:\n    Type: AWS::Serverless::Function\n    Properties: { CodeUri: nowhere/, Handler: app.lambdaHandler, Runtime: nodejs22.x }\n",
      );
      mkdirSync(join(dir, ".aws-sam/build"), { recursive: true });
      cpSync(fixture("sam-hello-js/hello-world"), join(dir, ".aws-sam/build/HelloWorldFunction"), {
        recursive: true,
      });
      writeFileSync(join(dir, "package.json"), '{"type":"commonjs"}\n');
      writeFileSync(
        join(dir, ".aws-sam/build/template.yaml"),
        "Resources:\n  HelloWorldFunction:\n    Type: AWS::Serverless::Function\n    Properties: { CodeUri: HelloWorldFunction, Handler: app.lambdaHandler, Runtime: nodejs22.x }\n",
      );
      const cli = await start(dir);
      expect(cli.ready.templates).toEqual([".aws-sam/build/template.yaml"]);
      expect((await invoke(cli, "HelloWorldFunction")).statusCode).toBe(200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a lambkin.config.json that names a template", () => {
  it("runs the template's functions with the config's settings over them (here: on Bun)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lambkin-config-template-"));
    try {
      writeFileSync(
        join(dir, "lambkin.config.json"),
        JSON.stringify({
          template: join(FIXTURES, "sam-hello-js/template.yaml"),
          functions: { HelloWorldFunction: { runtime: "bun", memorySize: 256 } },
        }),
      );
      const cli = await start(dir);
      expect(String(cli.ready.message)).toContain("· from ");
      const body = JSON.parse((await invoke(cli, "HelloWorldFunction")).body);
      expect([body.engine, body.memoryLimitInMB, body.functionName]).toEqual([
        "bun",
        "256",
        "HelloWorldFunction",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a SAM TypeScript function built with esbuild", () => {
  it("runs the TypeScript entry point itself (no build) with the template's settings", async () => {
    const cli = await start(fixture("sam-hello-ts"), ["--template", "template.yaml"]);
    const result = await invoke(cli, "HelloWorldFunction", { name: "ts" });
    expect(JSON.parse(result.body)).toEqual({ message: "hello from TypeScript, ts", ranFrom: "app.ts" });
    const config = await lambdaClient(cli.url).client.send(
      new GetFunctionConfigurationCommand({ FunctionName: "HelloWorldFunction" }),
    );
    expect([config.Timeout, config.MemorySize, config.Handler]).toEqual([5, 256, "src/app.lambdaHandler"]);
  });
});

describe("Globals, Parameters, Conditions, a local layer and --env-vars", () => {
  it("resolves every intrinsic, takes overrides, and reports what only AWS knows once", async () => {
    const cli = await start(fixture("sam-globals"), [
      "--parameter-overrides",
      "Stage=prod ApiKey=s3cret",
      "--env-vars",
      "env.json",
    ]);
    const orders = await invoke(cli, "OrdersFunction");
    expect(orders).toEqual({
      env: {
        STAGE: "prod",
        // env.json's Parameters entry overrides a declared variable of every function…
        SERVICE: "from-env-json",
        // …and the function's own entry overrides its declared ones.
        TABLE: "orders-local",
        REGION_LIST: "eu-west-1|us-east-1",
        FIRST_REGION: "eu-west-1",
        LOG_LEVEL: "WARN",
        AUDIT_ARN: "arn:aws:lambda:us-east-1:000000000000:function:audit-log",
        WHERE: "us-east-1/000000000000/local",
        SHARED_BUCKET: null,
        API_KEY: "s3cret",
        PROD_ONLY: "yes",
      },
      memory: "1024",
      greeting: "hello orders, from the shared layer",
      tool: "hello-tool from the layer",
      // Globals.Function.EphemeralStorage.Size: the /tmp the function's sandbox has.
      tmpMB: 1024,
    });
    // FunctionName as a plain string names the function.
    const audit = await invokeWithAwsCli("audit-log", { payload: "{}" }, { endpointUrl: cli.url });
    expect(aws(audit)).toEqual({
      functionName: "audit-log",
      service: "from-env-json",
      stage: "prod",
      timeoutLeftMs: expect.any(Number),
    });

    const output = cli.output();
    const warnings = output.split("\n").filter((l) => l.startsWith("lambkin: warning:"));
    expect(warnings).toEqual([
      "lambkin: warning: template.yaml: OrdersFunction.Properties.Environment.Variables.SHARED_BUCKET: not resolvable locally (Fn::ImportValue shared-bucket-name); left unset",
      "lambkin: warning: --env-vars: OrdersFunction.NOT_DECLARED is not in the function's Environment.Variables; like SAM, lambkin sets only declared variables (declare it in the template)",
    ]);
    const config = await lambdaClient(cli.url).client.send(
      new GetFunctionConfigurationCommand({ FunctionName: "OrdersFunction" }),
    );
    expect([config.Timeout, config.MemorySize, config.EphemeralStorage]).toEqual([10, 1024, { Size: 1024 }]);
    // AuditFunction's own EphemeralStorage replaces the global one.
    const auditConfig = await lambdaClient(cli.url).client.send(
      new GetFunctionConfigurationCommand({ FunctionName: "audit-log" }),
    );
    expect(auditConfig.EphemeralStorage).toEqual({ Size: 2048 });
    // FunctionUrlConfig.Cors applies to the function's URL.
    const preflight = await fetch(`${cli.functionUrl}/audit-log/`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example.com", "access-control-request-method": "GET" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    const refused = await fetch(`${cli.functionUrl}/audit-log/`, {
      headers: { origin: "https://elsewhere.example" },
    });
    expect(refused.status).toBe(403);
  });

  it("uses the parameters' defaults and leaves a parameter without one unset, said once", async () => {
    const cli = await start(fixture("sam-globals"));
    const orders = await invoke(cli, "OrdersFunction");
    expect(orders.env).toMatchObject({
      STAGE: "dev",
      SERVICE: "orders-service",
      TABLE: "orders-dev",
      LOG_LEVEL: "DEBUG",
      API_KEY: null,
    });
    expect(orders.env).not.toHaveProperty("PROD_ONLY", "yes");
    expect(orders.memory).toBe("256");
    expect(cli.output()).toContain(
      "lambkin: warning: template.yaml: OrdersFunction.Properties.Environment.Variables.API_KEY: not resolvable locally (the parameter ApiKey has no Default and no --parameter-overrides value); left unset",
    );
  });
});

const aws = (result: { status: number | null; stderr: string; outfile: Buffer | null }) => {
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.outfile!.toString());
};

describe("a provided.al2023 function with a shell bootstrap", () => {
  it("runs CodeUri's bootstrap with _HANDLER from the template", async () => {
    const cli = await start(fixture("sam-provided"));
    const result = await invokeWithAwsCli("ShellFunction", { payload: '{"a":1}' }, { endpointUrl: cli.url });
    expect(aws(result)).toEqual({
      greeting: "hello from bash",
      handler: "function.handler",
      memory: "128",
      event: { a: 1 },
    });
  });
});

describe("CDK output with two stacks", () => {
  it("--cdk-out runs every stack's functions from their asset folders", async () => {
    const cli = await start(fixture("cdk-out"), ["--cdk-out", "."]);
    expect(cli.ready.templates).toEqual(["ApiStack.template.json", "WorkerStack.template.json"]);
    const hello = await invoke(cli, "HelloHandler2E4FBA4D");
    // Ref to a resource lambkin does not run gives its logical id, as `sam local` does.
    expect(JSON.parse(hello.body)).toEqual({
      message: "hello from the CDK",
      functionName: "HelloHandler2E4FBA4D",
      table: "HelloTable6D8E2B2C",
      path: null,
    });
    const worker = await invokeWithAwsCli(
      "jobs-worker",
      { payload: '{"Records":[{},{}]}' },
      { endpointUrl: cli.url },
    );
    expect(aws(worker)).toEqual({ worker: "jobs-worker", records: 2, queue: "JobsQueue5D1C5C1A" });
  });

  it("serves the stacks' API Gateway routes: a LambdaRestApi proxy and an HTTP API route", async () => {
    const cli = await start(fixture("cdk-out"), ["--cdk-out", "."]);
    expect(cli.ready.routes).toEqual([
      expect.objectContaining({
        method: "ANY",
        path: "/{proxy+}",
        function: "HelloHandler2E4FBA4D",
        api: "rest",
        payloadFormat: "1.0",
      }),
      expect.objectContaining({ method: "ANY", path: "/", function: "HelloHandler2E4FBA4D", api: "rest" }),
      expect.objectContaining({
        method: "POST",
        path: "/jobs",
        function: "jobs-worker",
        api: "http",
        payloadFormat: "2.0",
      }),
    ]);
    const rest = await fetch(`${cli.functionUrl}/some/where`, { method: "PUT" });
    expect(JSON.parse(await rest.text()).path).toBe("/some/where");
    // The HTTP API's result has no statusCode: API Gateway answers 200 with it as JSON.
    const jobs = await fetch(`${cli.functionUrl}/jobs`, { method: "POST", body: "{}" });
    expect([jobs.status, await jobs.json()]).toEqual([
      200,
      { worker: "jobs-worker", records: 0, queue: "JobsQueue5D1C5C1A" },
    ]);
    // `ANY /{proxy+}` takes the Function URL paths too: said once at start.
    expect(cli.output()).toContain(
      "lambkin: warning: route ANY /{proxy+} (HelloHandler2E4FBA4D) takes requests for every function's Function URL path; the route is served first\n",
    );
    expect(cli.output()).not.toContain("route ANY / (");
  });

  it("--stack picks one stack; --template reads one stack's template", async () => {
    let cli = await start(fixture("cdk-out"), ["--cdk-out", ".", "--stack", "WorkerStack"]);
    const list = await lambdaClient(cli.url).client.send(new ListFunctionsCommand({}));
    // An AWS::Lambda::Function's MemorySize and EphemeralStorage, as CDK synthesizes them.
    expect(list.Functions?.map((f) => [f.FunctionName, f.MemorySize, f.EphemeralStorage])).toEqual([
      ["jobs-worker", 256, { Size: 768 }],
    ]);
    await cli.destroy();
    cli = await start(fixture("cdk-out"), ["--template", "ApiStack.template.json"]);
    expect((await invoke(cli, "HelloHandler2E4FBA4D")).statusCode).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------
// Bad input: one message naming the file, the logical id and the property; nothing starts.
// ---------------------------------------------------------------------------------------------

const scratch = mkdtempSync(join(tmpdir(), "lambkin-bad-template-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function startWith(template: string, args: string[] = [], name = "template.yaml") {
  const dir = mkdtempSync(join(scratch, "t-"));
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src/app.js"), "exports.handler = async () => 1;\n");
  writeFileSync(join(dir, name), template);
  const result = spawnSync(process.execPath, [CLI_JS, "start", "--port", "0", "--url-port", "0", ...args], {
    cwd: dir,
    encoding: "utf8",
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const fn = (props: string) =>
  `Resources:\n  Hello:\n    Type: AWS::Serverless::Function\n    Properties:\n${props
    .split("\n")
    .map((l) => `      ${l}`)
    .join("\n")}\n`;

describe("templates lambkin refuses", () => {
  const cases: Array<[string, string, string]> = [
    ["not YAML", "Resources: [a\n  b: {", "lambkin: template.yaml:"],
    [
      "no CodeUri",
      fn("Handler: app.handler\nRuntime: nodejs22.x"),
      "lambkin: template.yaml: Hello.Properties.CodeUri: missing: a function's code must be a local folder (e.g. CodeUri: src/hello/)\n",
    ],
    [
      "an S3 CodeUri",
      fn("CodeUri: s3://my-bucket/code.zip\nHandler: app.handler\nRuntime: nodejs22.x"),
      'lambkin: template.yaml: Hello.Properties.CodeUri: "s3://my-bucket/code.zip" is an S3 location; lambkin runs local code: point CodeUri at the function\'s folder (or run sam build and use .aws-sam/build/template.yaml)\n',
    ],
    [
      "a missing handler file",
      fn("CodeUri: src/\nHandler: missing.handler\nRuntime: nodejs22.x"),
      `lambkin: template.yaml: Hello.Properties.Handler: "missing.handler" needs missing.js (or .mjs, .cjs, .ts) in `,
    ],
    [
      "an unknown intrinsic",
      fn("CodeUri: !Sub src/\nHandler: app.handler\nRuntime: nodejs22.x\nDescription: { 'Fn::Upper': [x] }"),
      "lambkin: template.yaml: Hello.Properties.Description: unknown intrinsic function Fn::Upper",
    ],
    [
      "an unsupported runtime",
      fn("CodeUri: src/\nHandler: app.handler\nRuntime: python3.12"),
      'lambkin: template.yaml: Hello.Properties.Runtime: function "Hello" has runtime python3.12; lambkin runs nodejs18.x–nodejs24.x and provided.al2023/provided.al2/provided (--skip-unsupported starts the others without it)\n',
    ],
    [
      "an EphemeralStorage Size out of Lambda's range",
      fn("CodeUri: src/\nHandler: app.handler\nRuntime: nodejs22.x\nEphemeralStorage: { Size: 20480 }"),
      "lambkin: template.yaml: Hello.Properties.EphemeralStorage.Size: must be a whole number 512–10240 (MB of the function's /tmp, as on Lambda; leave EphemeralStorage out for the default 512), got 20480\n",
    ],
    [
      "a duplicate route",
      `${fn("CodeUri: src/\nHandler: app.handler\nRuntime: nodejs22.x\nEvents:\n  A: { Type: Api, Properties: { Path: /x, Method: get } }")}  Other:\n    Type: AWS::Serverless::Function\n    Properties: { CodeUri: src/, Handler: app.handler, Runtime: nodejs22.x, Events: { B: { Type: Api, Properties: { Path: /x, Method: GET } } } }\n`,
      "lambkin: template.yaml: Other.Properties.Events.B.Properties.Path: the route GET /x is also declared by Hello.Events.A; each method and path may have one function\n",
    ],
  ];
  for (const [what, template, message] of cases) {
    it(`${what}: exit 1 with the file, logical id and property, and no ready line`, () => {
      const result = startWith(template);
      expect(result.status, result.stderr).toBe(1);
      expect(result.stdout).not.toContain("ready");
      expect(result.stderr.startsWith(message), result.stderr).toBe(true);
    });
  }

  it("--skip-unsupported starts the rest, with one warning naming the function and runtime", async () => {
    const dir = mkdtempSync(join(scratch, "skip-"));
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src/app.js"), "exports.handler = async () => 'ok';\n");
    writeFileSync(join(dir, "package.json"), '{"type":"commonjs"}\n');
    writeFileSync(
      join(dir, "template.yaml"),
      `${fn("CodeUri: src/\nHandler: app.handler\nRuntime: nodejs22.x")}  Py:\n    Type: AWS::Serverless::Function\n    Properties: { CodeUri: src/, Handler: app.handler, Runtime: python3.12 }\n`,
    );
    const cli = await start(dir, ["--skip-unsupported"]);
    expect(cli.ready.functions).toEqual(["Hello"]);
    expect(cli.output()).toContain(
      'lambkin: warning: template.yaml: Py: skipped: function "Py" has runtime python3.12\n',
    );
    expect(await invoke(cli, "Hello")).toBe("ok");
  });
});

// The same projects with lambkin hosted on Bun and Deno: the template is read by the relaunched
// host (node:fs and the yaml package on that engine), and each fixture's function answers.
for (const engine of ["bun", "deno"] as const) {
  describe(`the fixtures with lambkin hosted on ${engine}`, () => {
    const cases: Array<[string, string[], string, unknown, (result: any) => void]> = [
      [
        "sam-hello-js",
        [],
        "HelloWorldFunction",
        {},
        (r) => expect(JSON.parse(r.body).message).toBe("hello world"),
      ],
      [
        "sam-hello-ts",
        [],
        "HelloWorldFunction",
        { name: engine },
        (r) => expect(JSON.parse(r.body).message).toBe(`hello from TypeScript, ${engine}`),
      ],
      [
        "sam-globals",
        ["--parameter-overrides", "Stage=prod ApiKey=k"],
        "OrdersFunction",
        {},
        (r) =>
          expect([r.env.TABLE, r.env.API_KEY, r.greeting, r.tool]).toEqual([
            "orders-prod",
            "k",
            "hello orders, from the shared layer",
            "hello-tool from the layer",
          ]),
      ],
      ["sam-provided", [], "ShellFunction", { n: 1 }, (r) => expect(r.event).toEqual({ n: 1 })],
      ["cdk-out", ["--cdk-out", "."], "jobs-worker", { Records: [1] }, (r) => expect(r.records).toBe(1)],
    ];
    for (const [name, args, fn, payload, check] of cases) {
      it(`${name}: ${fn} answers`, async () => {
        running = await startLambkinCliWith(args, {
          cwd: fixture(name),
          hostEngine: engine,
          readyTimeoutMs: 40_000,
        });
        expect(running.ready.engine).toBe(engine);
        check(await invoke(running, fn, payload));
      }, 60_000);
    }
  });
}
