/** Progress in a terminal is a bar redrawn in place; anywhere else, the plain lines as they came. */
import { describe, expect, it } from "vitest";
import { progressView } from "../../provider/cli/progressView";

const LINES = [
  "[sql-cluster] InitiateFailover job J1: 0% starting, 0 s elapsed, time left not known yet",
  "[sql-cluster] InitiateFailover job J1: 50% running, 10 s elapsed, about 10 s left",
  "[sql-cluster] InitiateFailover job J1: 100% completed after 20 s",
  "[sql-cluster] InitiateFailover done: Recovered (5)",
];

function run(isTTY: boolean): string {
  let text = "";
  const view = progressView({ isTTY, write: (t: string) => (text += t) });
  for (const line of LINES) view.line(line);
  view.close();
  return text;
}

describe("the progress view", () => {
  it("writes plain lines where the output is not a terminal", () => {
    expect(run(false)).toBe(LINES.map((l) => `${l}\n`).join(""));
  });

  it("redraws one bar per job in a terminal, and ends it when the job ends", () => {
    const erase = "\r\u001b[2K";
    expect(run(true)).toBe(
      [
        `${erase}[sql-cluster] InitiateFailover [--------------------] 0% starting · 0 s elapsed · time left not known yet`,
        `${erase}[sql-cluster] InitiateFailover [##########----------] 50% running · 10 s elapsed · about 10 s left`,
        `${erase}[sql-cluster] InitiateFailover [####################] 100% completed · after 20 s\n`,
        `${LINES[3]}\n`,
      ].join(""),
    );
  });
});
