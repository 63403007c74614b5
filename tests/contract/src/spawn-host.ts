/** Starts lambkin on another engine (host/host.ts) and hands the contract suite its URLs. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type ControlReply, remoteControl } from "./host-control.ts";
import type { ContractTarget } from "./suite.ts";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const hostScript = fileURLToPath(new URL("../host/host.ts", import.meta.url));

const commands: Record<string, string[]> = {
  bun: [`${root}node_modules/.bin/bun`, hostScript],
  deno: [`${root}node_modules/.bin/deno`, "run", "-A", "--no-lock", hostScript],
};

export async function spawnHost(engine: "bun" | "deno"): Promise<ContractTarget> {
  const [program, ...args] = commands[engine]!;
  const child = spawn(program!, args, {
    cwd: root,
    env: { ...process.env, LAMBKIN_CONTRACT_HOST_ONLY: "must not reach a runtime" },
    stdio: ["pipe", "pipe", "inherit"],
  });
  let onReply: (reply: ControlReply) => void = () => {};
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = await new Promise<{ url: string; functionUrl: string }>((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => reject(new Error(`${engine} host did not start within 30 s`)), 30_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split("\n").slice(0, -1)) {
        if (line.startsWith('{"reply"')) onReply(JSON.parse(line));
        else if (line.startsWith("{") && line.includes('"ready"')) {
          clearTimeout(timer);
          resolve(JSON.parse(line));
        }
      }
      buffered = buffered.slice(buffered.lastIndexOf("\n") + 1);
    });
    exited.then((code) => reject(new Error(`${engine} host exited (${code}) before it was ready`)));
  });
  return {
    url: ready.url,
    functionUrl: ready.functionUrl,
    engine,
    control: remoteControl(
      (line) => child.stdin!.write(line),
      (handler) => {
        onReply = handler;
      },
    ),
    async shutdown() {
      child.kill("SIGTERM");
      const code = await exited;
      if (code !== 0) throw new Error(`${engine} host exited with ${code} on SIGTERM`);
    },
  };
}
