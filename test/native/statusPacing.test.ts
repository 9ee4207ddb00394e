/**
 * A resource's status lines reach the engine at most once a gap, the latest one, and never after a later line; the
 * gap grows when many resources are in a step at once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LineKind } from "../../provider/doors/native/engineLog";
import { paceStatusLines } from "../../provider/doors/native/statusPacing";

const GAP = 1000;
const A = "urn:a";
const B = "urn:b";

const PER_SECOND = 100;

function setup() {
  const sent: [string | undefined, string, LineKind][] = [];
  const log = paceStatusLines((urn, line, kind) => sent.push([urn, line, kind]), GAP, PER_SECOND);
  return { sent, log };
}

/** `count` resources, each writing a status line (the time it was written) every 100 ms for `ms`. */
function busy(count: number, ms: number) {
  const { sent, log } = setup();
  const urns = Array.from({ length: count }, (_, i) => `urn:r${i}`);
  for (let t = 0; t < ms; t += 100) {
    for (const urn of urns) log(urn, `${t} ms`, "status");
    vi.advanceTimersByTime(100);
  }
  return { sent, log, urns };
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

  it("spreads a hundred status lines a second over many resources in a step at once", () => {
    const { sent, urns } = busy(300, 10_000);
    const statusLines = sent.filter(([, , kind]) => kind === "status");
    // The first of each at once, then one each every 3 s (300 resources at 100 a second): at 3, 6 and 9 s.
    expect(statusLines).toHaveLength(300 + 3 * 300);
    for (const urn of urns) {
      const lines = statusLines.filter(([u]) => u === urn).map(([, line]) => line);
      expect(lines).toEqual(["0 ms", "2900 ms", "5900 ms", "8900 ms"]);
    }
  });

  it("keeps the one-second gap while no more than a hundred resources are in a step", () => {
    const { sent, urns } = busy(100, 3000);
    const statusLines = sent.filter(([, , kind]) => kind === "status");
    // At once, then at 1, 2 and 3 s: the last is the one held since 2.9 s.
    expect(statusLines).toHaveLength(100 * 4);
    for (const urn of urns) {
      const lines = statusLines.filter(([u]) => u === urn).map(([, line]) => line);
      expect(lines).toEqual(["0 ms", "900 ms", "1900 ms", "2900 ms"]);
    }
  });

  it("gives the gap back as resources finish their step", () => {
    const { sent, log, urns } = busy(300, 100);
    const first = urns[0]!;
    log(first, "held", "status");
    // 300 resources in a step: a 3 s gap, so nothing goes a second later.
    vi.advanceTimersByTime(GAP);
    expect(sent.filter(([urn, line]) => urn === first && line === "held")).toEqual([]);
    for (const urn of urns.slice(1)) log(urn, "done", "info");
    vi.advanceTimersByTime(3000 - 100 - GAP);
    expect(sent.at(-1)).toEqual([first, "held", "status"]);
    // Alone now: the next line goes a second after it, not three.
    log(first, "alone now", "status");
    vi.advanceTimersByTime(GAP);
    expect(sent.at(-1)).toEqual([first, "alone now", "status"]);
  });
});
