// The contract suite against lambkin hosted on Node, in-process.
import { start } from "@lambkin/node";
import { contractConfig, fixturesDir } from "./config.ts";
import { localControl } from "./host-control.ts";
import { contractSuite } from "./suite.ts";

contractSuite(async () => {
  process.env.LAMBKIN_CONTRACT_HOST_ONLY = "must not reach a runtime";
  const lk = await start(contractConfig, { baseDir: fixturesDir, log: () => {} });
  return {
    url: lk.url,
    functionUrl: lk.functionUrl,
    engine: "node",
    control: localControl(lk),
    shutdown: () => lk.close(),
  };
});
