import http from "node:http";
import type { AddressInfo } from "node:net";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { invokeWithAwsCli, runAwsCli } from "./aws-cli.ts";

// The two real Invoke API clients the integration tests use (the AWS CLI through ./aws-cli.ts,
// and @aws-sdk/client-lambda) against a recording stand-in for the Invoke API: proves the
// helper and the dependency work here, and pins down what each client sends and accepts.

interface Recorded {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server;
let endpointUrl: string;
let recorded: Recorded[] = [];
let reply: { status: number; headers: Record<string, string>; body: string };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      recorded.push({
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpointUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  recorded = [];
});

const functionError = '{"errorType":"FixtureError","errorMessage":"boom"}';
const logTail = Buffer.from("START RequestId: x Version: $LATEST\n").toString("base64");

describe("AWS CLI helper", () => {
  it("invokes with the payload bytes, asks for the log tail, and returns stdout and the outfile", async () => {
    reply = {
      status: 200,
      headers: {
        "Content-Type": "application/json",
        "X-Amz-Executed-Version": "$LATEST",
        "X-Amz-Function-Error": "Unhandled",
        "X-Amz-Log-Result": logTail,
        "x-amzn-RequestId": "8476a536-e9f4-11e8-9739-2dfe598c3fcd",
      },
      body: functionError,
    };

    const result = await invokeWithAwsCli("hello", { payload: '{"a":1}', logType: "Tail" }, { endpointUrl });

    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      StatusCode: 200,
      FunctionError: "Unhandled",
      LogResult: logTail,
      ExecutedVersion: "$LATEST",
    });
    expect(result.outfile?.toString("utf8")).toBe(functionError);

    expect(recorded).toHaveLength(1);
    const req = recorded[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/2015-03-31/functions/hello/invocations");
    expect(req.body).toBe('{"a":1}');
    expect(req.headers["x-amz-log-type"]).toBe("Tail");
    // Signed with the dummy credentials for the region set in the environment.
    expect(req.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/lambda\//,
    );
  });

  it("exits non-zero and names the error type when the API answers with an error", async () => {
    reply = {
      status: 404,
      headers: { "Content-Type": "application/json", "x-amzn-ErrorType": "ResourceNotFoundException" },
      body: JSON.stringify({
        Type: "User",
        message: "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope",
      }),
    };

    const result = await invokeWithAwsCli("nope", { payload: "{}" }, { endpointUrl });

    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("ResourceNotFoundException");
    expect(result.stderr).toContain(
      "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope",
    );
    expect(result.outfile).toBeNull();
  });

  it("runs other lambda commands against the endpoint", async () => {
    reply = { status: 200, headers: { "Content-Type": "application/json" }, body: '{"Functions":[]}' };

    const result = await runAwsCli(["lambda", "list-functions"], { endpointUrl });

    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ Functions: [] });
    expect(recorded[0]?.method).toBe("GET");
    // CLI v1 sends `/2015-03-31/functions`, the service model (and so v2) `/2015-03-31/functions/`.
    expect(recorded[0]?.path.split("?")[0]).toMatch(/^\/2015-03-31\/functions\/?$/);
  });
});

describe("@aws-sdk/client-lambda", () => {
  it("invokes with an octet-stream body and exposes the function error and payload", async () => {
    reply = {
      status: 200,
      headers: {
        "Content-Type": "application/json",
        "X-Amz-Executed-Version": "$LATEST",
        "X-Amz-Function-Error": "Unhandled",
      },
      body: functionError,
    };
    const client = new LambdaClient({
      endpoint: endpointUrl,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });

    const out = await client.send(
      new InvokeCommand({ FunctionName: "hello", Payload: new TextEncoder().encode('{"a":1}') }),
    );
    client.destroy();

    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe("Unhandled");
    expect(out.ExecutedVersion).toBe("$LATEST");
    expect(new TextDecoder().decode(out.Payload)).toBe(functionError);

    const req = recorded[0]!;
    expect(req.path).toBe("/2015-03-31/functions/hello/invocations");
    expect(req.headers["content-type"]).toBe("application/octet-stream");
    expect(req.body).toBe('{"a":1}');
  });
});
