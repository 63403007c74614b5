// The Platform contract on Bun, through a fixture process running @lambkin/bun.
import { afterAll, beforeAll } from "vitest";
import { type Fixture, startFixture } from "./fixture-process.ts";
import { processContract, serveContract } from "./suite.ts";

let fixture: Fixture;
beforeAll(async () => {
  fixture = await startFixture("bun");
});
afterAll(() => fixture?.stop());

serveContract("bun", () => fixture.control);
serveContract("bun", () => fixture.control, { response: "platform", longPoll: false });
processContract("bun", () => fixture.control);
