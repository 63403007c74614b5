import { describe, expect, it } from "vitest";
import * as headers from "./headers.ts";

// The names as AWS's clients and services spell them on the wire (docs/protocol.md).
const WIRE_NAMES: Record<string, string> = {
  H_REQUEST_ID: "Lambda-Runtime-Aws-Request-Id",
  H_DEADLINE_MS: "Lambda-Runtime-Deadline-Ms",
  H_FUNCTION_ARN: "Lambda-Runtime-Invoked-Function-Arn",
  H_TRACE_ID: "Lambda-Runtime-Trace-Id",
  H_CLIENT_CONTEXT: "Lambda-Runtime-Client-Context",
  H_COGNITO_IDENTITY: "Lambda-Runtime-Cognito-Identity",
  H_TENANT_ID: "Lambda-Runtime-Aws-Tenant-Id",
  H_RESPONSE_MODE: "Lambda-Runtime-Function-Response-Mode",
  H_FUNCTION_ERROR_TYPE: "Lambda-Runtime-Function-Error-Type",
  H_FUNCTION_ERROR_BODY: "Lambda-Runtime-Function-Error-Body",
  H_XRAY_ERROR_CAUSE: "Lambda-Runtime-Function-XRay-Error-Cause",
  H_INVOCATION_TYPE: "X-Amz-Invocation-Type",
  H_LOG_TYPE: "X-Amz-Log-Type",
  H_AMZ_CLIENT_CONTEXT: "X-Amz-Client-Context",
  H_SDK_INVOCATION_ID: "amz-sdk-invocation-id",
  H_AMZ_TENANT_ID: "X-Amz-Tenant-Id",
  H_FUNCTION_ERROR: "X-Amz-Function-Error",
  H_LOG_RESULT: "X-Amz-Log-Result",
  H_EXECUTED_VERSION: "X-Amz-Executed-Version",
  H_AMZN_REQUEST_ID: "x-amzn-RequestId",
  H_AMZN_ERROR_TYPE: "x-amzn-ErrorType",
  H_AMZN_TRACE_ID: "X-Amzn-Trace-Id",
};

describe("header names", () => {
  it("export exactly the known names", () => {
    const exported = Object.keys(headers)
      .filter((key) => key.startsWith("H_"))
      .sort();
    expect(exported).toEqual(Object.keys(WIRE_NAMES).sort());
  });

  for (const [constant, wire] of Object.entries(WIRE_NAMES)) {
    it(`${constant} is ${wire}, lower-cased as web Headers report it`, () => {
      const value = (headers as Record<string, string>)[constant];
      expect(value).toBe(wire.toLowerCase());
      // What a client sent in its own casing is found under the constant.
      const received = new Headers([[wire, "v"]]);
      expect(received.get(value!)).toBe("v");
      expect([...received.keys()]).toEqual([value]);
    });
  }

  it("names the error-cause content type", () => {
    expect(headers.ERROR_CAUSE_CONTENT_TYPE).toBe("application/vnd.aws.lambda.error.cause+json");
  });
});
