// Every command's --help lists its options in two columns: the descriptions (and their
// continuation lines) start in one column, so the help reads as a table.
import { describe, expect, it } from "vitest";
import { runCli } from "./_cli-process.ts";
import { COMMANDS, HELP } from "./usage.ts";

/**
 * The option lines of `help` whose description does not start in the column most of them use: an
 * option line has its description there, or (an option too long for it) on the next line there;
 * a continuation line starts there.
 */
function misaligned(help: string): string[] {
  const options = help.slice(help.indexOf("\noptions:\n") + "\noptions:\n".length);
  const lines = options.split("\n").filter((line) => line.trim() !== "");
  const isOption = (line: string) => /^ {2}(?:-\w, | {4})--/.test(line);
  const indent = (line: string) => line.length - line.trimStart().length;
  const counts = new Map<number, number>();
  for (const line of lines.filter((l) => !isOption(l)))
    counts.set(indent(line), (counts.get(indent(line)) ?? 0) + 1);
  for (const line of lines.filter(isOption)) {
    const at = /^ {2}(?:-\w, | {4})--[\w-]+(?: [^ ]+)? {2,}/.exec(line)?.[0].length;
    if (at !== undefined) counts.set(at, (counts.get(at) ?? 0) + 1);
  }
  const column = [...counts].sort((x, y) => y[1] - x[1])[0]![0];
  return lines.filter((line, i) => {
    if (!isOption(line)) return indent(line) !== column;
    const described = line.length > column && line.slice(column - 2, column) === "  " && line[column] !== " ";
    const next = lines[i + 1];
    return !described && !(next !== undefined && !isOption(next) && indent(next) === column);
  });
}

describe("help", () => {
  for (const command of ["top", ...COMMANDS] as const) {
    it(`aligns the option descriptions of ${command === "top" ? "lambkin --help" : `lambkin ${command} --help`}`, () => {
      expect(HELP[command]).toContain("\noptions:\n");
      expect(misaligned(HELP[command]), HELP[command]).toEqual([]);
    });
  }

  it("prints the aligned help from the real CLI", async () => {
    const r = await runCli(["invoke", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(HELP.invoke);
  });
});
