/**
 * lambkin's own API (recycle, update, events) as the contract suite drives it: in-process on the
 * Node host, and over the spawned Bun and Deno hosts' stdin/stdout as JSON lines (host/host.ts).
 */
import type { LambkinConfig, LambkinEvent, StartedLambkin, UpdateResult } from "@lambkin/core";

export interface HostControl {
  recycle(functionName: string, reason: string, options?: { prewarm?: boolean }): Promise<void>;
  update(config: LambkinConfig): Promise<UpdateResult>;
  /** Every event since the host started, except `invocation.log` (too many to keep). */
  events(): Promise<LambkinEvent[]>;
}

/** A request on the host's stdin. */
export interface ControlRequest {
  id: number;
  op: keyof HostControl;
  args: unknown[];
}

/** The answer on the host's stdout; an error keeps its name (`ConfigError`) and message. */
export type ControlReply = { reply: number; result?: unknown; error?: { name: string; message: string } };

export function localControl(lk: StartedLambkin): HostControl {
  const seen: LambkinEvent[] = [];
  lk.subscribe((event) => {
    if (event.type !== "invocation.log") seen.push(event);
  });
  return {
    recycle: (functionName, reason, options) => lk.recycle(functionName, reason, options),
    update: (config) => lk.update(config),
    events: async () => [...seen],
  };
}

/** Serves `control` for one request; never throws (errors travel in the reply). */
export async function answer(control: HostControl, request: ControlRequest): Promise<ControlReply> {
  try {
    const method = control[request.op] as (...args: unknown[]) => Promise<unknown>;
    return { reply: request.id, result: (await method(...request.args)) ?? null };
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    return { reply: request.id, error: { name, message } };
  }
}

/** A HostControl whose calls go to a spawned host as JSON lines. */
export function remoteControl(
  send: (line: string) => void,
  onReply: (handler: (reply: ControlReply) => void) => void,
): HostControl {
  let nextId = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  onReply((reply) => {
    const call = pending.get(reply.reply);
    if (!call) return;
    pending.delete(reply.reply);
    if (reply.error) {
      const error = new Error(reply.error.message);
      error.name = reply.error.name;
      call.reject(error);
    } else call.resolve(reply.result);
  });
  const call = (op: keyof HostControl, args: unknown[]) =>
    new Promise<any>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      send(`${JSON.stringify({ id, op, args } satisfies ControlRequest)}\n`);
    });
  return {
    recycle: (...args) => call("recycle", args),
    update: (...args) => call("update", args),
    events: () => call("events", []),
  };
}
