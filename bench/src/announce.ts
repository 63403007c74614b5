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
 */
export function onShutdown(stop: () => Promise<void>): void {
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
  process.stdin.on("end", once);
  process.stdin.on("error", once);
  process.stdin.resume();
  process.on("SIGTERM", once);
  process.on("SIGINT", once);
}
