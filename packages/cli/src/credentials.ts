/**
 * The SigV4 credentials `lambkin invoke` and `lambkin list` sign with, found where a user of
 * `lambkin start --auth` keeps them: `--auth KEY_ID:SECRET`, else the `auth` of the config the
 * endpoint was read from, else `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` as the AWS CLI and
 * SDKs read them. A lambkin with no auth ignores a signature; one with auth takes only requests
 * signed with its own.
 */
import type { AuthConfig } from "@lambkin/core";
import { H_AMZN_ERROR_TYPE } from "@lambkin/protocol";
import { CliError } from "./args.ts";

export interface Credentials extends AuthConfig {
  sessionToken?: string;
  /** Where they came from, for messages: `--auth`, `lambkin.config.json`, `AWS_ACCESS_KEY_ID`. */
  source: string;
  /** The region of the credential scope (a lambkin accepts any). */
  region: string;
  /** From the environment, not named for this lambkin: used only when it asks for a signature. */
  ambient?: boolean;
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
      ambient: true,
    };
  }
  return undefined;
}

/**
 * Sends `request` with `send`, signed with `credentials` when there are any. Credentials from the
 * environment are often a developer's AWS ones, and most lambkins take no signature: those are used
 * only when the lambkin refuses the request for want of one (its gate answers before anything
 * runs, so sending again is safe), which spares loading the signer (0.1–0.5 s measured on a loaded
 * machine) on every call.
 */
export async function sendSigned<
  R extends { method: string; headers: Record<string, string>; body?: Uint8Array },
>(
  url: URL,
  request: R,
  credentials: Credentials | undefined,
  send: (init: R) => Promise<Response>,
): Promise<Response> {
  if (credentials === undefined) return send(request);
  if (credentials.ambient) {
    const response = await send(request);
    const type = response.headers.get(H_AMZN_ERROR_TYPE)?.split(":")[0];
    if (response.status !== 403 || type !== "MissingAuthenticationTokenException") return response;
    await response.body?.cancel();
  }
  const { signRequest } = await import("./sign-request.ts");
  return send({ ...request, ...(await signRequest(url, request, credentials)) });
}
