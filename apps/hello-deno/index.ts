// hello-deno: a Lambda function for Deno, in TypeScript, run by Deno directly. It greets the
// event's `name` in the event's `lang`, from a greetings.json shipped beside the code, read with
// Deno's file API; the default language comes from the environment through Deno.env.
import type { Context } from "@lambkin/client";

// The part of Deno's API this file uses. (Under `deno check` the real types apply; drop this.)
declare const Deno: {
  readonly version: { deno: string };
  readonly env: { get(name: string): string | undefined };
  readTextFile(path: string | URL): Promise<string>;
};

interface GreetEvent {
  name?: string;
  lang?: string;
}

// Loaded once per execution environment (the cold start), then reused by warm invocations.
const greetings: Record<string, string> = JSON.parse(
  await Deno.readTextFile(new URL("./greetings.json", import.meta.url)),
);
const defaultLang = Deno.env.get("DEFAULT_LANG") ?? "en";

export async function handler(event: GreetEvent, context: Context) {
  const lang = event.lang ?? defaultLang;
  const greeting = greetings[lang];
  if (greeting === undefined) {
    throw new RangeError(`no greeting for lang "${lang}" (known: ${Object.keys(greetings).join(", ")})`);
  }
  const name = event.name?.trim() || "world";
  console.log(`greeting ${name} in ${lang}`);
  return {
    message: `${greeting}, ${name}!`,
    lang,
    runtime: `deno ${Deno.version.deno}`,
    requestId: context.awsRequestId,
  };
}
