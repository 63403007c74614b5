// The Platform contract on Node, in-process: once answering with the global Response, once with
// the adapter's FastResponse (which its node:http server writes without a stream).
import { FastResponse, nodePlatform } from "@lambkin/node/platform";
import { createControl } from "./control.ts";
import { processContract, serveContract } from "./suite.ts";

const control = createControl(nodePlatform);
serveContract("node", () => control);
processContract("node", () => control);

const fast = createControl(nodePlatform, FastResponse);
serveContract("node with FastResponse", () => fast, { longPoll: false });
