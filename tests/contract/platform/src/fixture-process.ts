// Starts src/fixture.ts on Bun or Deno and gives the test a Control that talks to it.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Control, remoteControl } from "./control.ts";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const fixture = fileURLToPath(new URL("./fixture.ts", import.meta.url));
const commands = {
  bun: [`${root}node_modules/.bin/bun`, fixture],
  deno: [`${root}node_modules/.bin/deno`, "run", "-A", "--no-lock", fixture],
};

export interface Fixture {
  control: Control;
  stop(): Promise<void>;
}

export function startFixture(engine: "bun" | "deno"): Promise<Fixture> {
  const [program, ...args] = commands[engine];
  const child = spawn(program!, args, {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    let out = "";
    child.once("exit", (code) =>
      reject(new Error(`the ${engine} fixture exited with ${code} before listening`)),
    );
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk;
      const line = out.split("\n")[0]!;
      if (!out.includes("\n")) return;
      const { port } = JSON.parse(line) as { port: number };
      resolve({
        control: remoteControl(`http://127.0.0.1:${port}`),
        async stop() {
          child.kill("SIGKILL");
          await exited;
        },
      });
    });
  });
}
