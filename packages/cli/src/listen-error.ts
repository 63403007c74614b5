/**
 * `lambkin start` cannot listen: say which port is taken and how to get a free one. Engines
 * report a taken port differently (Node's EADDRINUSE names one address, Bun's and Deno's errors
 * vary), so after the failure each configured port is tried once more, on its own.
 */
import { createServer } from "node:net";
import { CliError } from "./args.ts";

interface Port {
  port: number;
  what: string;
  flag: string;
}

/** Whether `port` on `host` is taken now (a port that cannot be bound for another reason is not). */
function taken(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "EADDRINUSE"));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

export function isAddressInUse(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === "EADDRINUSE" || /in use|EADDRINUSE/i.test(e?.message ?? "");
}

/** The CliError for an address-in-use failure of `listen()` with these ports. */
export async function addressInUseError(
  host: string,
  invokePort: number,
  urlPort: number,
): Promise<CliError> {
  const ports: Port[] = [
    { port: invokePort, what: "the Invoke API", flag: "--port" },
    { port: urlPort, what: "Function URLs", flag: "--url-port" },
  ];
  const busy: Port[] = [];
  for (const p of ports) if (p.port !== 0 && (await taken(host, p.port))) busy.push(p);
  const fix = (list: Port[]) =>
    `${list.map((p) => `${p.flag} 0`).join(" ")} pick${list.length === 1 ? "s a free port" : " free ports"}, or ${list.map((p) => `${p.flag} N`).join(" / ")} another one`;
  if (busy.length === 0) {
    // Freed between the failure and the check: name both, as either may have been it.
    return new CliError(
      `cannot listen on ${host} (port ${invokePort} or ${urlPort}): address in use — is another lambkin running? ${fix(ports)}`,
    );
  }
  const named = busy.map((p) => `port ${p.port} (${p.what})`).join(" and ");
  return new CliError(
    `cannot listen on ${host} ${named}: ${busy.length === 1 ? "it is" : "they are"} in use — is another lambkin running? ${fix(busy)}`,
  );
}
