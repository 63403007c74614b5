/**
 * The SigV4 credentials `lambkin invoke` and `lambkin list` sign with, found where a user of
 * `lambkin start --auth` keeps them: `--auth KEY_ID:SECRET`, else the `auth` of the config the
 * endpoint was read from, else `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` as the AWS CLI and
 * SDKs read them. A lambkin with no auth ignores a signature, so signing whenever credentials are
 * found is harmless; a lambkin with auth takes only requests signed with its own.
 */
import type { AuthConfig } from "@lambkin/core";
import { CliError } from "./args.ts";

export interface Credentials extends AuthConfig {
  sessionToken?: string;
  /** Where they came from, for messages: `--auth`, `lambkin.config.json`, `AWS_ACCESS_KEY_ID`. */
  source: string;
  /** The region of the credential scope (a lambkin accepts any). */
  region: string;
}

/** `--auth KEY_ID:SECRET` (for `start` and the commands that call it). */
export function parseAuthFlag(text: string): AuthConfig {
  const colon = text.indexOf(":");
  if (colon <= 0 || colon === text.length - 1)
    throw new CliError("--auth must be ACCESS_KEY_ID:SECRET_ACCESS_KEY (the credentials clients sign with)");
  return { accessKeyId: text.slice(0, colon), secretAccessKey: text.slice(colon + 1) };
}

/**
 * The credentials to sign with, or undefined when none are found. `config` is the config the
 * endpoint came from (its `auth` and `region`), `configName` how to name it.
 */
export function findCredentials(
  flag: string | undefined,
  config: { auth?: unknown; region?: unknown } | undefined,
  configName: string | undefined,
  env: Record<string, string | undefined>,
): Credentials | undefined {
  const region =
    (typeof config?.region === "string" && config.region) ||
    env.AWS_REGION ||
    env.AWS_DEFAULT_REGION ||
    "us-east-1";
  if (flag !== undefined) return { ...parseAuthFlag(flag), source: "--auth", region };
  const auth = config?.auth as Partial<AuthConfig> | undefined;
  if (typeof auth?.accessKeyId === "string" && typeof auth.secretAccessKey === "string") {
    const { accessKeyId, secretAccessKey } = auth;
    return { accessKeyId, secretAccessKey, source: configName ?? "the config", region };
  }
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      source: "AWS_ACCESS_KEY_ID",
      region,
    };
  }
  return undefined;
}

/** `request`, signed when there are credentials (the signer is loaded only then). */
export async function signedIfAble<R extends { method: string; headers: Record<string, string> }>(
  url: URL,
  request: R & { body?: Uint8Array },
  credentials: Credentials | undefined,
): Promise<R> {
  if (credentials === undefined) return request;
  const { signRequest } = await import("./sign-request.ts");
  return { ...request, ...(await signRequest(url, request, credentials)) };
}
