// hello-bun: a Lambda function for Bun, in TypeScript, run by Bun directly (no build step). It
// greets the event's `name` and signs the greeting with an HMAC from Bun's native CryptoHasher,
// so a client can check the message came from this function.
import type { Context } from "@lambkin/client";

// The part of Bun's API this file uses. (With `bun-types` installed, drop this and get them all.)
declare const Bun: {
  readonly version: string;
  CryptoHasher: new (
    algorithm: "sha256",
    key?: string,
  ) => { update(data: string): { digest(encoding: "hex"): string } };
};

interface GreetEvent {
  name?: string;
}

// Read once per execution environment.
const secret = process.env.SIGNING_KEY ?? "lambkin-sample-key";

export async function handler(event: GreetEvent, context: Context) {
  const name = event.name?.trim() || "world";
  const message = `Hello from Bun, ${name}!`;
  const signature = new Bun.CryptoHasher("sha256", secret).update(message).digest("hex");
  console.log(`signed greeting for ${name}`);
  return {
    message,
    signature,
    runtime: `bun ${Bun.version}`,
    requestId: context.awsRequestId,
  };
}
