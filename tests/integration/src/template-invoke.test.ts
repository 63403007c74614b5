import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { REST_EVENT_KEYS } from "./api-gateway-keys.ts";
import { CLI_JS } from "./lambkin-cli.ts";

// `lambkin invoke --template` (once, as `sam local invoke`) and `lambkin event TYPE` piped into it,
// through a shell as users type them.

const FIXTURES = fileURLToPath(new URL("../../fixtures/templates/", import.meta.url));
const lambkin = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI_JS)}`;

function sh(command: string, cwd: string) {
  const r = spawnSync("sh", ["-c", command], { cwd, encoding: "utf8", timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("lambkin invoke from a template, once", () => {
  it("runs the function with the template's settings, log on stderr, result on stdout, exit 0", () => {
    const r = sh(
      `${lambkin} invoke OrdersFunction --template template.yaml --parameter-overrides 'Stage=prod ApiKey=k'`,
      `${FIXTURES}sam-globals`,
    );
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.env).toMatchObject({ STAGE: "prod", API_KEY: "k", TABLE: "orders-prod" });
    expect(result.greeting).toBe("hello orders, from the shared layer");
    // Globals.Function.EphemeralStorage sizes the sandbox's /tmp here too.
    expect(result.tmpMB).toBe(1024);
    expect(r.stderr).toMatch(/START RequestId: [0-9a-f-]{36} Version: \$LATEST/);
    expect(r.stderr).toMatch(/REPORT RequestId: .*Memory Size: 1024 MB/);
    expect(r.stderr).toContain(
      "SHARED_BUCKET: not resolvable locally (Fn::ImportValue shared-bucket-name); left unset",
    );
  });

  it("takes SAM's event file and CDK output", () => {
    const sam = sh(
      `${lambkin} invoke HelloWorldFunction -t template.yaml --event events/event.json`,
      `${FIXTURES}sam-hello-js`,
    );
    expect(sam.status, sam.stderr).toBe(0);
    expect(JSON.parse(JSON.parse(sam.stdout).body).path).toBe("/hello");
    const cdk = sh(
      `${lambkin} invoke jobs-worker --cdk-out . --stack WorkerStack --payload '{"Records":[1]}'`,
      `${FIXTURES}cdk-out`,
    );
    expect(cdk.status, cdk.stderr).toBe(0);
    expect(JSON.parse(cdk.stdout)).toEqual({ worker: "jobs-worker", records: 1, queue: "JobsQueue5D1C5C1A" });
  });

  it("names the functions the template has when asked for another", () => {
    const r = sh(`${lambkin} invoke Nope --template template.yaml`, `${FIXTURES}sam-hello-js`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('has no function "Nope" to start (its functions: HelloWorldFunction)');
  });
});

describe("lambkin event TYPE | lambkin invoke --payload -", () => {
  const echo = (type: string, flags = "") => {
    const r = sh(
      `${lambkin} event ${type} ${flags} | ${lambkin} invoke EchoFunction -t template.yaml --payload -`,
      `${FIXTURES}sam-api`,
    );
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(JSON.parse(r.stdout).body);
  };

  it("apigateway-rest: a REST proxy event for the path, method and body given", () => {
    const event = echo("apigateway-rest", `--path /items/9 --method PUT --body '{"n":1}'`);
    expect(Object.keys(event).sort()).toEqual(REST_EVENT_KEYS);
    expect(event).toMatchObject({
      path: "/items/9",
      httpMethod: "PUT",
      body: '{"n":1}',
      isBase64Encoded: false,
    });
    expect(event.headers["content-type"]).toBe("application/json");
    expect(event.requestContext).toMatchObject({ stage: "Prod", path: "/Prod/items/9", httpMethod: "PUT" });
  });

  it("apigateway-http: a payload 2.0 event", () => {
    const event = echo("apigateway-http", "--path /orders/7");
    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "GET /orders/7",
      rawPath: "/orders/7",
      isBase64Encoded: false,
    });
    expect(event.requestContext.http).toMatchObject({
      method: "GET",
      path: "/orders/7",
      protocol: "HTTP/1.1",
    });
  });

  it("sqs, sns, s3-put, eventbridge, schedule, dynamodb-stream: AWS's shapes with the flags' values", () => {
    const sqs = echo("sqs", "--body 'hello queue'").Records[0];
    expect(sqs).toMatchObject({
      body: "hello queue",
      eventSource: "aws:sqs",
      awsRegion: "us-east-1",
      md5OfBody: createHash("md5").update("hello queue").digest("hex"),
    });
    expect(Object.keys(sqs).sort()).toEqual([
      "attributes",
      "awsRegion",
      "body",
      "eventSource",
      "eventSourceARN",
      "md5OfBody",
      "messageAttributes",
      "messageId",
      "receiptHandle",
    ]);
    expect(echo("sns", "--body note").Records[0].Sns).toMatchObject({
      Message: "note",
      Type: "Notification",
    });
    const s3 = echo("s3-put", "--bucket photos --key 'my dir/cat 1.png'").Records[0];
    expect(s3).toMatchObject({ eventSource: "aws:s3", eventName: "ObjectCreated:Put" });
    expect(s3.s3.bucket).toMatchObject({ name: "photos", arn: "arn:aws:s3:::photos" });
    expect(s3.s3.object.key).toBe("my+dir/cat+1.png");
    expect(echo("eventbridge", `--body '{"orderId":"x"}'`)).toMatchObject({
      version: "0",
      account: "000000000000",
      detail: { orderId: "x" },
    });
    expect(echo("schedule")).toMatchObject({
      "detail-type": "Scheduled Event",
      source: "aws.events",
      detail: {},
    });
    const ddb = echo("dynamodb-stream").Records;
    expect(ddb.map((r: { eventName: string }) => r.eventName)).toEqual(["INSERT", "MODIFY"]);
    expect(ddb[0].dynamodb).toMatchObject({
      Keys: { Id: { N: "101" } },
      StreamViewType: "NEW_AND_OLD_IMAGES",
    });
  });

  it("refuses an unknown type with the list of types", () => {
    const r = sh(`${lambkin} event kinesis`, FIXTURES);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'lambkin: unknown event type "kinesis" (types: apigateway-rest, apigateway-http, sqs, sns, s3-put, eventbridge, schedule, dynamodb-stream)',
    );
  });
});

describe("the README's Coming from SAM / CDK lines", () => {
  const readme = readFileSync(fileURLToPath(new URL("../../../README.md", import.meta.url)), "utf8");
  const section = readme.slice(readme.indexOf("## Coming from SAM / CDK"));
  const block = section.slice(
    section.indexOf("```sh\n") + 6,
    section.indexOf("```", section.indexOf("```sh\n") + 6),
  );
  const lines = block
    .split("\n")
    .map((l) => l.replace(/\s+# .*$/, ""))
    .filter((l) => l.startsWith("npx lambkin invoke") || l.startsWith("npx lambkin event"));

  it("has the invoke lines, and each runs as printed in a SAM hello-world folder", () => {
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const r = sh(line, `${FIXTURES}sam-hello-js`);
      expect(r.status, `${line}\n${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout).statusCode, line).toBe(200);
      expect(JSON.parse(JSON.parse(r.stdout).body).path, line).toBe("/hello");
    }
  });
});
