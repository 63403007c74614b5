import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

// Runs tests/fixtures/ric/install.sh (which first runs scripts/setup-system.sh), so `npm test`
// on a fresh clone installs what these tests need instead of relying on this machine.
export default function setup(): void {
  const script = fileURLToPath(new URL("../fixtures/ric/install.sh", import.meta.url));
  // Inherit stdio: the install prints one line per thing it installs, and its log on failure.
  const result = spawnSync("bash", [script], { stdio: "inherit" });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${script} failed with exit status ${result.status ?? result.signal}; see its output above`,
    );
  }
}
