// Every command's --help lists its options in two columns: the descriptions (and their
// continuation lines) start in one column, so the help reads as a table.
import { describe, expect, it } from "vitest";
import { runCli } from "./_cli-process.ts";
import { COMMANDS, HELP } from "./usage.ts";

/** The column each option description (or continuation line) starts in, per line of the options. */
function descriptionColumns(help: string): number[] {
  const options = help.slice(help.indexOf("\noptions:\n") + "\noptions:\n".length);
  return options
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const option = /^ {2}(?:-\w, | {4})--[\w-]+(?: \S+)? +/.exec(line);
      if (option) return option[0].length;
      return line.length - line.trimStart().length;
    });
}

describe("help", () => {
  for (const command of ["top", ...COMMANDS] as const) {
    it(`aligns the option descriptions of ${command === "top" ? "lambkin --help" : `lambkin ${command} --help`}`, () => {
      const columns = descriptionColumns(HELP[command]);
      expect(columns.length).toBeGreaterThan(1);
      expect(new Set(columns).size, HELP[command]).toBe(1);
    });
  }

  it("prints the aligned help from the real CLI", async () => {
    const r = await runCli(["invoke", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(HELP.invoke);
  });
});
