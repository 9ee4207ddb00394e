/**
 * The troubleshooting table (docs/troubleshooting.md) and the command table (docs/examples.md) say what the code says: the fixes are RETURN_CODE_ADVICE,
 * word for word, and the commands are the CLI's own.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { RETURN_CODE_ADVICE, RETURN_CODE_NAMES } from "../../provider/hyperv";
import { cli } from "../cli/run";
import { REPO_ROOT } from "../harness/plugin";

const page = (name: string) => fs.readFileSync(path.join(REPO_ROOT, "docs", name), "utf8");
const cells = (line: string) =>
  line
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim());

describe("the docs", () => {
  it("Troubleshooting gives, for every return code with advice, its name and that advice as the fix", () => {
    const rows = page("troubleshooting.md")
      .split("\n")
      .filter((l) => /^\| `\d+`/.test(l))
      .map(cells);
    expect(rows).toEqual(
      Object.entries(RETURN_CODE_ADVICE).map(([code, advice]) => [
        `\`${code}\` ${RETURN_CODE_NAMES[Number(code)]}`,
        advice,
      ]),
    );
  });

  it("lists every hyperv-replica-sim command, as the CLI's usage names them", () => {
    const usage = cli(["help"]).stdout;
    const commands = [...usage.matchAll(/^ {2}hyperv-replica-sim (\S+) <stateFile>/gm)].map((m) => m[1]);
    expect(commands.length).toBeGreaterThan(5);
    const table = page("examples.md");
    for (const command of commands) expect(table).toContain(`| \`${command} <file>`);
  });
});
