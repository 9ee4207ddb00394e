/** A resource's status lines reach the engine at most once a gap, the latest one, and never after a later line. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LineKind } from "../../provider/doors/native/engineLog";
import { paceStatusLines } from "../../provider/doors/native/statusPacing";

const GAP = 1000;
const A = "urn:a";
const B = "urn:b";

function setup() {
  const sent: [string | undefined, string, LineKind][] = [];
  const log = paceStatusLines((urn, line, kind) => sent.push([urn, line, kind]), GAP);
  return { sent, log };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("paceStatusLines", () => {
  it("sends the first status at once, then only the latest of those written within the gap, when it ends", () => {
    const { sent, log } = setup();
    log(A, "10%", "status");
    log(A, "20%", "status");
    log(A, "30%", "status");
    expect(sent).toEqual([[A, "10%", "status"]]);
    vi.advanceTimersByTime(GAP - 1);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([
      [A, "10%", "status"],
      [A, "30%", "status"],
    ]);
  });

  it("sends a status at once when the gap has passed since the last", () => {
    const { sent, log } = setup();
    log(A, "10%", "status");
    vi.advanceTimersByTime(GAP);
    log(A, "50%", "status");
    expect(sent.map(([, line]) => line)).toEqual(["10%", "50%"]);
  });

  it("sends a held status before a line that follows it, and nothing of it afterwards", () => {
    const { sent, log } = setup();
    log(A, "10%", "status");
    log(A, "90%", "status");
    log(A, "InitiateFailover done", "info");
    vi.advanceTimersByTime(5 * GAP);
    expect(sent).toEqual([
      [A, "10%", "status"],
      [A, "90%", "status"],
      [A, "InitiateFailover done", "info"],
    ]);
  });

  it("starts afresh after a step's line: the next step's first status goes at once", () => {
    const { sent, log } = setup();
    log(A, "job 1: 10%", "status");
    log(A, "job 1 done", "info");
    log(A, "job 2: 0%", "status");
    expect(sent.map(([, line]) => line)).toEqual(["job 1: 10%", "job 1 done", "job 2: 0%"]);
  });

  it("paces each resource on its own, and lets lines of no resource through", () => {
    const { sent, log } = setup();
    log(A, "a 10%", "status");
    log(B, "b 10%", "status");
    log(A, "a 20%", "status");
    log(undefined, "plugin line", "status");
    expect(sent.map(([, line]) => line)).toEqual(["a 10%", "b 10%", "plugin line"]);
    vi.advanceTimersByTime(GAP);
    expect(sent.map(([, line]) => line)).toEqual(["a 10%", "b 10%", "plugin line", "a 20%"]);
  });
});
