// The contract suite against lambkin hosted on Bun (a spawned host process).
import { spawnHost } from "./spawn-host.ts";
import { contractSuite } from "./suite.ts";

contractSuite(() => spawnHost("bun"));
