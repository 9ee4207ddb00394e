import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { planSites } from "../../../provider/failover/sites/plan";
import type { PairObservation, SitesPlan } from "../../../provider/failover/sites/types";
import { apply, NOW, pair, primary, replica } from "./model";

const want = (activeSite: "A" | "B", allowDataLoss = false) => ({
  activeSite,
  otherSite: activeSite === "A" ? "B" : "A",
  allowDataLoss,
});

/** The steps of a plan as `site:action`, or the plan's kind. */
function summary(plan: SitesPlan): string | string[] {
  return plan.kind === "steps" ? plan.steps.map((s) => `${s.site}:${s.action}`) : plan.kind;
}

const PLANNED_A_TO_B = [
  "A:StopVMs",
  "A:InitiatePlannedFailover",
  "B:InitiateFailover",
  "B:CommitFailover",
  "B:ReverseReplicationRelationship",
  "B:StartVMs",
];

describe("planSites: which steps, in which order", () => {
  const cases: [string, PairObservation, ReturnType<typeof want>, string | string[]][] = [
    ["A runs, B replicates, A wanted: nothing", pair(primary(3), replica(3)), want("A"), "none"],
    [
      "A runs, B replicates, B wanted: the planned move",
      pair(primary(3), replica(3)),
      want("B"),
      PLANNED_A_TO_B,
    ],
    ["resumed after StopVMs", pair(primary(3, "off"), replica(3)), want("B"), PLANNED_A_TO_B.slice(1)],
    [
      "resumed after InitiatePlannedFailover",
      pair(primary(11, "off"), replica(3)),
      want("B"),
      PLANNED_A_TO_B.slice(2),
    ],
    [
      "resumed after InitiateFailover",
      pair(primary(11, "off"), replica(5)),
      want("B"),
      PLANNED_A_TO_B.slice(3),
    ],
    [
      "resumed after CommitFailover",
      pair(primary(11, "off"), replica(6)),
      want("B"),
      PLANNED_A_TO_B.slice(4),
    ],
    [
      "resumed after ReverseReplicationRelationship",
      pair(replica(3), primary(3, "off")),
      want("B"),
      ["B:StartVMs"],
    ],
    [
      "B sends its first copy after the reverse (2), A waits for it: settled, B's VMs are started",
      pair(replica(2), primary(2, "off")),
      want("B"),
      ["B:StartVMs"],
    ],
    [
      "B ready for its first copy (1), A replicating, VMs running: settled",
      pair(replica(3), primary(1)),
      want("B", true),
      "none",
    ],
    [
      "B in 2 beside a committed A is no first copy: refused, nothing reprotected",
      pair(replica(6, "on"), primary(2)),
      want("B", true),
      "refuse",
    ],
    [
      "B sends its first copy and A is wanted back, even with allowDataLoss: wait, never fail over",
      pair(replica(2), primary(2)),
      want("A", true),
      "wait",
    ],
    [
      "B sends its first copy, A already replicating, A wanted with allowDataLoss: wait",
      pair(replica(3), primary(1)),
      want("A", true),
      "wait",
    ],
    [
      "cancelled after InitiatePlannedFailover",
      pair(primary(11, "off"), replica(3)),
      want("A"),
      ["A:RevertPlannedFailover", "A:StartVMs"],
    ],
    [
      "cancelled after InitiateFailover",
      pair(primary(11, "off"), replica(5)),
      want("A"),
      ["B:RevertFailover", "A:RevertPlannedFailover", "A:StartVMs"],
    ],
    ["not cancellable after CommitFailover", pair(primary(11, "off"), replica(6)), want("A"), "refuse"],
    ["A down, B wanted, no allowDataLoss", pair("down", replica(3)), want("B"), "refuse"],
    [
      "A down, B wanted, allowDataLoss",
      pair("down", replica(3)),
      want("B", true),
      ["B:InitiateFailover", "B:CommitFailover", "B:StartVMs"],
    ],
    ["A down, B committed and running", pair("down", replica(6, "on")), want("B"), "none"],
    [
      "A returns after the disaster, B wanted: reprotect A",
      pair(primary(3, "on"), replica(6, "on")),
      want("B"),
      ["A:StopVMs", "A:PrepareForReverseReplication", "B:ReverseReplicationRelationship"],
    ],
    [
      "A returns after the disaster, A wanted: reprotect A, then the planned move back",
      pair(primary(3, "on"), replica(6, "on")),
      want("A"),
      [
        "A:StopVMs",
        "A:PrepareForReverseReplication",
        "B:ReverseReplicationRelationship",
        "B:StopVMs",
        "B:InitiatePlannedFailover",
        "A:InitiateFailover",
        "A:CommitFailover",
        "A:ReverseReplicationRelationship",
        "A:StartVMs",
      ],
    ],
    ["the active site is down", pair(primary(3), "down"), want("B", true), "refuse"],
    ["a replica failover is under way", pair(primary(11, "off"), replica(4)), want("B"), "wait"],
    ["both are replicas", pair(replica(3), replica(3)), want("B"), "refuse"],
    [
      "A's VMs are off while A is wanted: start them",
      pair(primary(3, "off"), replica(3)),
      want("A"),
      ["A:StartVMs"],
    ],
    ["A suspended, B wanted, no allowDataLoss", pair(primary(7), replica(3)), want("B"), "refuse"],
  ];

  it.each(cases)("%s", (_name, observed, desire, expected) => {
    expect(summary(planSites(observed, desire, NOW))).toEqual(expected);
  });
});

describe("planSites: every sequence resumes where it stopped", () => {
  const starts: [string, PairObservation, ReturnType<typeof want>][] = [
    ["planned move A to B", pair(primary(3), replica(3)), want("B")],
    ["cancel after the replica failed over", pair(primary(11, "off"), replica(5)), want("A")],
    ["disaster on A", pair("down", replica(3)), want("B", true)],
    ["reprotect only", pair(primary(3, "on"), replica(6, "on")), want("B")],
    ["reprotect and move back", pair(primary(3, "on"), replica(6, "on")), want("A")],
  ];

  it.each(starts)(
    "%s: after each step, the new plan is the rest of the old one, until none",
    (_n, start, desire) => {
      let observed = start;
      let plan = planSites(observed, desire, NOW);
      let taken = 0;
      while (plan.kind === "steps") {
        const [first, ...rest] = plan.steps;
        observed = apply(observed, first!);
        plan = planSites(observed, desire, NOW);
        const remaining = plan.kind === "steps" ? plan.steps : [];
        expect(remaining.map((s) => `${s.site}:${s.action}`)).toEqual(
          rest.map((s) => `${s.site}:${s.action}`),
        );
        taken++;
      }
      expect(plan.kind).toBe("none");
      expect(taken).toBeGreaterThan(0);
    },
  );
});

describe("planSites: refusals say why and what to do", () => {
  it("an unplanned failover is refused without allowDataLoss, with the data-loss window", () => {
    expect(planSites(pair("down", replica(3)), want("B"), NOW)).toEqual({
      kind: "refuse",
      reason:
        "A is unreachable (did not answer); failing over to B now loses data: the newest recovery point on B is from 2026-11-27T11:45:00.000Z, so up to 15 minute(s) of changes made after it are lost",
      advice:
        "Set allowDataLoss: true to fail over anyway (unplanned failover on B, then commit), or wait until A replicates normally for a planned move without loss",
    });
  });

  it("a move past CommitFailover cannot be cancelled, and says how to finish it", () => {
    expect(planSites(pair(primary(11, "off"), replica(6)), want("A"), NOW)).toEqual({
      kind: "refuse",
      reason:
        "the planned move to B has passed CommitFailover on B, which cannot be undone, so it cannot be cancelled",
      advice:
        "Set activeSite back to B to finish the move (ReverseReplicationRelationship on B), then set it to A for a planned move back",
    });
  });
});

describe("the two-site planner", () => {
  it("imports nothing that can reach a host", () => {
    const dir = path.join(__dirname, "../../../provider/failover/sites");
    const pure = ["plan.ts", "evidence.ts", "refusals.ts", "types.ts"];
    const imports = pure.flatMap((file) =>
      [...readFileSync(path.join(dir, file), "utf8").matchAll(/from "([^"]+)"/g)].map((m) => m[1]),
    );
    expect([...new Set(imports)].sort()).toEqual([
      "../../hyperv/codes",
      "../states",
      "./evidence",
      "./refusals",
      "./types",
    ]);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(pure));
  });
});
