/**
 * `lambkin event TYPE`: a realistic sample event, like `sam local generate-event`, to pipe into
 * `lambkin invoke FN --payload -`. Shapes follow the examples in AWS's Lambda documentation for
 * each service; the API Gateway ones are built by the same code that serves routes, so a sample is
 * exactly what a route would send.
 */
import { createHash, randomUUID } from "node:crypto";
import { DEFAULT_ACCOUNT_ID, newApiRequestId, toHttpApiEvent, toRestEvent } from "@lambkin/protocol";
import { type ParsedArgs, UsageError } from "./args.ts";
import type { Output } from "./output.ts";

export const EVENT_TYPES = [
  "apigateway-rest",
  "apigateway-http",
  "sqs",
  "sns",
  "s3-put",
  "eventbridge",
  "schedule",
  "dynamodb-stream",
] as const;
type EventType = (typeof EVENT_TYPES)[number];

interface EventFlags {
  path: string;
  method: string;
  body: string | undefined;
  bucket: string;
  key: string;
  region: string;
}

const ACCOUNT = DEFAULT_ACCOUNT_ID;

export async function eventCommand({ values, positionals }: ParsedArgs, out: Output): Promise<number> {
  const [type, ...extra] = positionals;
  if (type === undefined) throw new UsageError(`name an event type (${EVENT_TYPES.join(", ")})`, "event");
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, "event");
  if (!(EVENT_TYPES as readonly string[]).includes(type)) {
    throw new UsageError(`unknown event type "${type}" (types: ${EVENT_TYPES.join(", ")})`, "event");
  }
  const path = (values.path as string | undefined) ?? "/hello";
  if (!path.startsWith("/")) throw new UsageError(`--path must start with "/", got "${path}"`, "event");
  const flags: EventFlags = {
    path,
    method: (
      (values.method as string | undefined) ?? (values.body !== undefined ? "POST" : "GET")
    ).toUpperCase(),
    body: values.body as string | undefined,
    bucket: (values.bucket as string | undefined) ?? "example-bucket",
    key: (values.key as string | undefined) ?? "test/key.txt",
    region: (values.region as string | undefined) ?? "us-east-1",
  };
  const event = sampleEvent(type as EventType, flags);
  out.stdout(`${JSON.stringify(event, null, 2)}\n`);
  return 0;
}

export function sampleEvent(type: EventType, flags: EventFlags): unknown {
  const now = Date.now();
  const iso = new Date(now).toISOString();
  const { region } = flags;
  switch (type) {
    case "apigateway-rest":
    case "apigateway-http": {
      const rest = type === "apigateway-rest";
      const body = new TextEncoder().encode(flags.body ?? "");
      const request = new Request(`https://abcdef1234.execute-api.${region}.amazonaws.com${flags.path}`, {
        method: flags.method,
        headers: {
          accept: "*/*",
          "user-agent": "curl/8.5.0",
          "x-amzn-trace-id": `Root=1-${Math.floor(now / 1000).toString(16)}-${randomUUID().replace(/-/g, "").slice(0, 24)}`,
          "x-forwarded-for": "198.51.100.7",
          "x-forwarded-port": "443",
          "x-forwarded-proto": "https",
          ...(flags.body !== undefined ? { "content-type": contentTypeOf(flags.body) } : {}),
        },
        ...(flags.body !== undefined && flags.method !== "GET" && flags.method !== "HEAD"
          ? { body: flags.body }
          : {}),
      });
      const route = {
        path: flags.path,
        routeKey: rest ? flags.path : `${flags.method} ${flags.path}`,
        pathParameters: undefined,
        stage: rest ? "Prod" : "$default",
        apiId: "abcdef1234",
      };
      const options = {
        route,
        rawPath: flags.path.split("?")[0]!,
        body,
        requestId: rest ? randomUUID() : newApiRequestId(),
        accountId: ACCOUNT,
        sourceIp: "198.51.100.7",
        now,
      };
      return rest ? toRestEvent(request, options) : toHttpApiEvent(request, options);
    }
    case "sqs": {
      const body = flags.body ?? "Hello from SQS!";
      return {
        Records: [
          {
            messageId: randomUUID(),
            receiptHandle: `AQEB${createHash("sha256").update(body).digest("base64").slice(0, 40)}`,
            body,
            attributes: {
              ApproximateReceiveCount: "1",
              SentTimestamp: String(now),
              SenderId: "AIDAIENQZJOLO23YVJ4VO",
              ApproximateFirstReceiveTimestamp: String(now + 2),
            },
            messageAttributes: {},
            md5OfBody: createHash("md5").update(body).digest("hex"),
            eventSource: "aws:sqs",
            eventSourceARN: `arn:aws:sqs:${region}:${ACCOUNT}:my-queue`,
            awsRegion: region,
          },
        ],
      };
    }
    case "sns": {
      const topic = `arn:aws:sns:${region}:${ACCOUNT}:my-topic`;
      const subscription = `${topic}:${randomUUID()}`;
      return {
        Records: [
          {
            EventVersion: "1.0",
            EventSubscriptionArn: subscription,
            EventSource: "aws:sns",
            Sns: {
              SignatureVersion: "1",
              Timestamp: iso,
              Signature: "EXAMPLEpH+..",
              SigningCertUrl: `https://sns.${region}.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem`,
              MessageId: randomUUID(),
              Message: flags.body ?? "Hello from SNS!",
              MessageAttributes: {},
              Type: "Notification",
              UnsubscribeUrl: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${subscription}`,
              TopicArn: topic,
              Subject: "TestInvoke",
            },
          },
        ],
      };
    }
    case "s3-put":
      return {
        Records: [
          {
            eventVersion: "2.1",
            eventSource: "aws:s3",
            awsRegion: region,
            eventTime: iso,
            eventName: "ObjectCreated:Put",
            userIdentity: { principalId: "AWS:AIDAINPONIXQXHT3IKHL2" },
            requestParameters: { sourceIPAddress: "198.51.100.7" },
            responseElements: {
              "x-amz-request-id": "D82B88E5F771F645",
              "x-amz-id-2": "vlR7PnpV2Ce81l0PRw6jlUpck7Jo5ZsQjryTjKlc5aLWGVHPZLj5NeC6qMa0emYBDXOo6QBU0Wo=",
            },
            s3: {
              s3SchemaVersion: "1.0",
              configurationId: "828aa6fc-f7b5-4305-8584-487c791949c1",
              bucket: {
                name: flags.bucket,
                ownerIdentity: { principalId: "A3I5XTEXAMAI3E" },
                arn: `arn:aws:s3:::${flags.bucket}`,
              },
              object: {
                // S3 notifications carry the key URL-encoded, with spaces as "+".
                key: encodeURIComponent(flags.key).replace(/%2F/g, "/").replace(/%20/g, "+"),
                size: flags.body === undefined ? 1305107 : new TextEncoder().encode(flags.body).length,
                eTag: createHash("md5")
                  .update(flags.body ?? flags.key)
                  .digest("hex"),
                sequencer: now.toString(16).toUpperCase().padStart(18, "0"),
              },
            },
          },
        ],
      };
    case "eventbridge":
      return {
        version: "0",
        id: randomUUID(),
        "detail-type": "Order Placed",
        source: "com.example.orders",
        account: ACCOUNT,
        time: iso.replace(/\.\d{3}Z$/, "Z"),
        region,
        resources: [],
        detail: flags.body !== undefined ? jsonOr(flags.body, "--body") : { orderId: "o-123", amount: 42 },
      };
    case "schedule":
      return {
        version: "0",
        id: randomUUID(),
        "detail-type": "Scheduled Event",
        source: "aws.events",
        account: ACCOUNT,
        time: iso.replace(/\.\d{3}Z$/, "Z"),
        region,
        resources: [`arn:aws:events:${region}:${ACCOUNT}:rule/my-schedule`],
        detail: {},
      };
    case "dynamodb-stream": {
      const table = `arn:aws:dynamodb:${region}:${ACCOUNT}:table/ExampleTable/stream/${iso.replace(/Z$/, "")}`;
      const record = (eventID: string, eventName: string, dynamodb: Record<string, unknown>) => ({
        eventID,
        eventName,
        eventVersion: "1.1",
        eventSource: "aws:dynamodb",
        awsRegion: region,
        dynamodb: {
          ApproximateCreationDateTime: Math.floor(now / 1000),
          ...dynamodb,
          StreamViewType: "NEW_AND_OLD_IMAGES",
        },
        eventSourceARN: table,
      });
      return {
        Records: [
          record("c4ca4238a0b923820dcc509a6f75849b", "INSERT", {
            Keys: { Id: { N: "101" } },
            NewImage: { Message: { S: flags.body ?? "New item!" }, Id: { N: "101" } },
            SequenceNumber: "4421584500000000017450439091",
            SizeBytes: 26,
          }),
          record("c81e728d9d4c2f636f067f89cc14862c", "MODIFY", {
            Keys: { Id: { N: "101" } },
            NewImage: { Message: { S: "This item has changed" }, Id: { N: "101" } },
            OldImage: { Message: { S: flags.body ?? "New item!" }, Id: { N: "101" } },
            SequenceNumber: "4421584500000000017450439092",
            SizeBytes: 59,
          }),
        ],
      };
    }
  }
}

function contentTypeOf(body: string): string {
  try {
    JSON.parse(body);
    return "application/json";
  } catch {
    return "text/plain";
  }
}

function jsonOr(text: string, flag: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(
      `${flag} must be JSON for this event type (its detail), got ${JSON.stringify(text)}`,
      "event",
    );
  }
}
