// A JavaScript handler that imports TypeScript: needs LAMBKIN_TSX=1 on Node 20.
import { greet } from "./greet.ts";

export const handler = async () => ({ message: greet("mixed") });
