import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

// The npm-start test runs the `curl` and `aws lambda invoke` lines `npm start` prints, so the
// system tools come from scripts/setup-system.sh (idempotent: milliseconds when all is present),
// not from whatever this machine happens to have.
export default function setup(): void {
  const script = fileURLToPath(new URL("../../scripts/setup-system.sh", import.meta.url));
  const result = spawnSync("bash", [script], { stdio: "inherit" });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${script} failed with exit status ${result.status ?? result.signal}; see its output above`,
    );
  }
}
