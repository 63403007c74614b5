// The Platform contract on Node, in-process.
import { nodePlatform } from "@lambkin/node/platform";
import { createControl } from "./control.ts";
import { processContract, serveContract } from "./suite.ts";

const control = createControl(nodePlatform);
serveContract("node", () => control);
serveContract("node", () => control, { response: "platform", longPoll: false });
processContract("node", () => control);
