#!/usr/bin/env node
// `npm start`: build what changed (turbo caches the rest), then serve every sample with
// `lambkin start` and the root lambkin.config.json, and once it is ready print how to call each
// function. Extra arguments go to `lambkin start` (`npm start -- --port 4001`). Ctrl-C stops
// lambkin, which stops every runtime process.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const colour = process.stdout.isTTY && !process.env.NO_COLOR;
const dim = (text) => (colour ? `\x1b[2m${text}\x1b[0m` : text);
const bold = (text) => (colour ? `\x1b[1m${text}\x1b[0m` : text);

/** Runs a command to its end with inherited stdio; resolves with its exit status. */
function run(program, argv) {
  return new Promise((resolve) => {
    const child = spawn(program, argv, { cwd: root, stdio: "inherit" });
    child.once("error", (error) => {
      console.error(`npm start: cannot run ${program}: ${error.message}`);
      resolve(1);
    });
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

// The AWS CLI's major version decides the `aws lambda invoke` line printed below (v1 has no
// --cli-binary-format; v2 needs it for a JSON --payload). Asked while the build runs.
const awsCli = awsCliVersion();

// Only what serving needs: the CLI with its dependencies, and the runtime client the samples run
// on (turbo skips what is cached). Other workspaces (benchmarks, tests) do not block a start.
console.log(dim("npm start: building lambkin and @lambkin/client (cached packages are skipped)…"));
const built = await run(join(root, "node_modules/.bin/turbo"), [
  "run",
  "build",
  "--filter=lambkin...",
  "--filter=@lambkin/client...",
  "--output-logs=errors-only",
]);
if (built !== 0) {
  console.error(`npm start: the build failed (exit ${built}); fix it and run npm start again`);
  process.exit(built);
}

// Example payloads for the samples; any other function gets {}.
const EXAMPLES = {
  "hello-node": '{"name":"you"}',
  "hello-ts": '{"lines":[{"item":"tea","price":3,"quantity":2}]}',
  "hello-bun": '{"name":"you"}',
  "hello-deno": '{"name":"you","lang":"fr"}',
  "hello-bash": '{"name":"you"}',
  "http-api":
    '{"rawPath":"/hello","queryStringParameters":{"name":"you"},"requestContext":{"http":{"method":"GET"}}}',
  streaming: '{"steps":3}',
};

function readConfig() {
  try {
    return JSON.parse(readFileSync(join(root, "lambkin.config.json"), "utf8"));
  } catch {
    return {};
  }
}

/** Resolves with the installed AWS CLI's version ("1.45.11", "2.27.0"), or undefined without one. */
function awsCliVersion() {
  return new Promise((resolve) => {
    let out = "";
    const child = spawn("aws", ["--version"], { stdio: ["ignore", "pipe", "pipe"] });
    // v1 printed its version on stderr in older releases, on stdout in newer ones.
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    child.once("error", () => resolve(undefined));
    child.once("close", () => resolve(/aws-cli\/(\d+\.\d+\.\d+)/.exec(out)?.[1]));
  });
}

/**
 * `aws lambda invoke` as it works on the installed CLI, labelled; both when none is installed.
 * Any credentials do (lambkin does not check them) but the CLI refuses to sign without some, and
 * AWS CLI v1 reads no AWS_REGION, hence --region.
 */
function awsInvokeLines(version, invokeUrl, name, payload, region) {
  const line = (v2) =>
    `  AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x aws lambda invoke --region ${region} --endpoint-url ${invokeUrl} --function-name ${name}${v2 ? " --cli-binary-format raw-in-base64-out" : ""} --payload '${payload}' out.json`;
  const major = version?.split(".")[0];
  if (major === "1") return [`${line(false)}   ${dim(`# AWS CLI v1 (${version} installed)`)}`];
  if (major !== undefined)
    return [`${line(true)}   ${dim(`# AWS CLI v${version.split(".")[0]} (${version} installed)`)}`];
  return [
    `${line(true)}   ${dim("# AWS CLI v2 (no aws on PATH)")}`,
    `${line(false)}   ${dim("# AWS CLI v1")}`,
  ];
}

function howToCall(invokeUrl, functionUrl, awsVersion) {
  const config = readConfig();
  const names = Object.keys(config.functions ?? {});
  const first = names.includes("hello-node") ? "hello-node" : (names[0] ?? "hello-node");
  const payload = EXAMPLES[first] ?? "{}";
  // `lambkin invoke` finds lambkin on the config's port by itself; on another port
  // (`npm start -- --port 0`) the printed line says where.
  const configUrl = `http://${config.host ?? "127.0.0.1"}:${config.port ?? 3001}`;
  const endpoint = invokeUrl === configUrl ? "" : ` --endpoint ${invokeUrl}`;
  const lines = ["", bold("Call the functions:")];
  for (const name of names) {
    lines.push(`  npx lambkin invoke ${name} --payload '${EXAMPLES[name] ?? "{}"}'${endpoint}`);
  }
  lines.push(
    "",
    bold("Invoke API (what the AWS SDK and CLI speak; any credentials do):"),
    `  curl ${invokeUrl}/2015-03-31/functions/${first}/invocations -d '${payload}'`,
    ...awsInvokeLines(awsVersion, invokeUrl, first, payload, config.region ?? "us-east-1"),
    "",
    bold("Function URLs (plain HTTP, the first path segment names the function):"),
  );
  // URLs with a `?` are quoted: zsh (macOS's default shell) refuses an unmatched glob.
  if (names.includes("http-api")) {
    lines.push(
      `  curl '${functionUrl}/http-api/hello?name=you'`,
      `  curl ${functionUrl}/http-api/todos -H 'content-type: application/json' -d '{"title":"try lambkin"}'`,
    );
  }
  if (names.includes("streaming")) lines.push(`  curl -N '${functionUrl}/streaming/?steps=5'`);
  lines.push(
    `  curl ${functionUrl}/${first}/`,
    "",
    dim("Logs follow. Ctrl-C stops lambkin and every runtime."),
    "",
  );
  return lines.join("\n");
}

// Pass colour on: lambkin's stdout is a pipe here (to spot the ready line), not the terminal.
const env = { ...process.env };
if (colour && env.FORCE_COLOR === undefined) env.FORCE_COLOR = "1";
// Its own process group: a terminal's Ctrl-C reaches only this script, which forwards it once.
// (In the same group lambkin would get it twice and take the second as "stop now".)
const lambkin = spawn(process.execPath, [join(root, "packages/cli/dist/cli.js"), "start", ...args], {
  cwd: root,
  env,
  stdio: ["ignore", "pipe", "pipe"],
  detached: true,
});

let pending = "";
let ready = false;
lambkin.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  if (ready) return;
  pending += chunk.toString("utf8");
  // Colour codes are stripped before matching; the URLs are taken from the line itself, so
  // `npm start -- --port 4001` prints the right ones.
  const match = /ready .*Invoke API (http:\/\/\S+) · Function URLs (http:\/\/\S+)/.exec(
    pending.replace(/\x1b\[[0-9;]*m/g, ""),
  );
  if (match) {
    ready = true;
    pending = "";
    awsCli.then((version) => process.stdout.write(`${howToCall(match[1], match[2], version)}\n`));
  }
});

// stderr passes through; until the ready line it is also kept, to add the npm spelling of a fix
// that names lambkin's flags (`npm start -- --port 0`, not `npm start --port 0`).
let early = "";
lambkin.stderr.on("data", (chunk) => {
  process.stderr.write(chunk);
  if (!ready && early.length < 16_384) early += chunk.toString("utf8");
});

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    try {
      lambkin.kill(signal);
    } catch {
      // already gone
    }
  });
}
lambkin.once("error", (error) => {
  console.error(`npm start: cannot start lambkin: ${error.message}`);
  process.exit(1);
});
lambkin.once("exit", (code, signal) => {
  if (!ready && code !== 0 && / in use — /.test(early)) {
    console.error("npm start: lambkin's flags go after --: npm start -- --port 0 --url-port 0 (free ports)");
  }
  process.exit(code ?? (signal === "SIGINT" ? 130 : 1));
});
