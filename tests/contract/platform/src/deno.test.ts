// The Platform contract on Deno, through a fixture process running @lambkin/deno.
import { afterAll, beforeAll } from "vitest";
import { type Fixture, startFixture } from "./fixture-process.ts";
import { processContract, serveContract } from "./suite.ts";

let fixture: Fixture;
beforeAll(async () => {
  fixture = await startFixture("deno");
});
afterAll(() => fixture?.stop());

serveContract("deno", () => fixture.control);
serveContract("deno", () => fixture.control, { response: "platform", longPoll: false });
processContract("deno", () => fixture.control);
