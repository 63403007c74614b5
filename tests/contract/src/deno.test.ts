// The contract suite against lambkin hosted on Deno (a spawned host process).
import { spawnHost } from "./spawn-host.ts";
import { contractSuite } from "./suite.ts";

contractSuite(() => spawnHost("deno"));
