/**
 * How a program the bench starts says it is ready: one `@@bench {json}` line on stderr (its ports,
 * its pid). stdout stays free for what the program would print anyway (lambkin's log lines).
 */
export const MARKER = "@@bench ";

export function announce(info: Record<string, unknown>): void {
  process.stderr.write(`${MARKER}${JSON.stringify(info)}\n`);
}

/**
 * Calls `stop` once when the parent closes our stdin (its way to ask for a clean exit, which Node
 * needs to write a --cpu-prof profile) or sends SIGTERM/SIGINT. Works on Node, Bun and Deno.
 * A stdin line naming one of `commands` is answered with `@@bench {"<name>": result}`.
 */
export function onShutdown(stop: () => Promise<void>, commands: Record<string, () => unknown> = {}): void {
  let stopping = false;
  const once = () => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  let pending = "";
  process.stdin.on("data", (chunk: Uint8Array | string) => {
    pending += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
    for (let at = pending.indexOf("\n"); at >= 0; at = pending.indexOf("\n")) {
      const name = pending.slice(0, at).trim();
      pending = pending.slice(at + 1);
      const command = commands[name];
      if (command) announce({ [name]: command() });
    }
  });
  process.stdin.on("end", once);
  process.stdin.on("error", once);
  process.stdin.resume();
  process.on("SIGTERM", once);
  process.on("SIGINT", once);
}
