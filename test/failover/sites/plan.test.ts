import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { planSites } from "../../../provider/failover/sites/plan";
import type { PairObservation, SitesPlan } from "../../../provider/failover/sites/types";
import { A_ID, apply, B_ID, HOUR, NOW, pair, POINT, primary, replica, site } from "./model";

const want = (activeSite: "A" | "B", acknowledged: string[] = [], commitFailover = false) => ({
  activeSite,
  otherSite: activeSite === "A" ? "B" : "A",
  acknowledged,
  rehearsalMinutes: 60,
  commitFailover,
});

const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
/** The tokens of the losses these tests meet: each names its collection and the recovery point it turns on. */
const UNPLANNED_TO_B = `unplanned-failover:${B_ID}:${at(POINT)}`;
const SPLIT_BRAIN_A = `split-brain:${A_ID}:${at(POINT)}`;
const SPLIT_BRAIN_B = `split-brain:${B_ID}:${at(POINT)}`;
const REVERT_B = `revert-failover:${B_ID}:${at(POINT)}`;

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
      want("B"),
      "none",
    ],
    [
      "B in 2 beside a committed A is no first copy: refused, nothing reprotected",
      pair(replica(6, "on"), primary(2)),
      want("B"),
      "refuse",
    ],
    [
      "B sends its first copy and A is wanted back: wait, never fail over",
      pair(replica(2), primary(2)),
      want("A"),
      "wait",
    ],
    [
      "B sends its first copy, A already replicating, A wanted back: wait",
      pair(replica(3), primary(1)),
      want("A"),
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
    ["A down, B wanted, not acknowledged", pair("down", replica(3)), want("B"), "refuse"],
    [
      "A down, B wanted, acknowledged: fail over and start the VMs, no commit",
      pair("down", replica(3)),
      want("B", [UNPLANNED_TO_B]),
      ["B:InitiateFailover", "B:StartVMs"],
    ],
    [
      "A down, B wanted, acknowledged, commitFailover: commit once the VMs run",
      pair("down", replica(3)),
      want("B", [UNPLANNED_TO_B], true),
      ["B:InitiateFailover", "B:StartVMs", "B:CommitFailover"],
    ],
    [
      "A down, B failed over and running: nothing until told to commit",
      pair("down", replica(5, "on")),
      want("B"),
      "none",
    ],
    [
      "A down, B failed over and running, commitFailover: commit",
      pair("down", replica(5, "on")),
      want("B", [], true),
      ["B:CommitFailover"],
    ],
    ["A down, B committed and running", pair("down", replica(6, "on")), want("B"), "none"],
    [
      "A returns with its VMs running (split brain), B wanted: refused without the acknowledgement",
      pair(primary(3, "on"), replica(6, "on")),
      want("B"),
      "refuse",
    ],
    [
      "A returns after the disaster, B wanted: reprotect A",
      pair(primary(3, "on"), replica(6, "on")),
      want("B", [SPLIT_BRAIN_A]),
      ["A:StopVMs", "A:PrepareForReverseReplication", "B:ReverseReplicationRelationship"],
    ],
    [
      "A returns with its VMs off since before the failover: reprotect needs nothing",
      pair(primary(3, "off"), replica(6, "on")),
      want("B"),
      ["A:PrepareForReverseReplication", "B:ReverseReplicationRelationship"],
    ],
    [
      "A returns after the disaster, A wanted: reprotect A, then the planned move back",
      pair(primary(3, "on"), replica(6, "on")),
      want("A", [SPLIT_BRAIN_A]),
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
    ["the active site is down", pair(primary(3), "down"), want("B", [UNPLANNED_TO_B]), "refuse"],
    ["a replica failover is under way", pair(primary(11, "off"), replica(4)), want("B"), "wait"],
    ["both are replicas", pair(replica(3), replica(3)), want("B"), "refuse"],
    [
      "A prepared read before B's reverse, B read after it (the new primary): wait",
      pair(primary(11, "off"), primary(3)),
      want("B"),
      "wait",
    ],
    ["the same, B sending its first copy: wait", pair(primary(11, "off"), primary(2)), want("B"), "wait"],
    [
      "B committed read before its reverse, A read after it (a replica waiting for the first copy): wait",
      pair(replica(2), replica(6, "off")),
      want("B"),
      "wait",
    ],
    [
      "A's VMs are off while A is wanted: start them",
      pair(primary(3, "off"), replica(3)),
      want("A"),
      ["A:StartVMs"],
    ],
    ["A suspended, B wanted, not acknowledged", pair(primary(7), replica(3)), want("B"), "refuse"],
    [
      "a stray failover on B whose VMs ran two hours: refused without the acknowledgement",
      pair(primary(3), replica(5, "on")),
      want("A"),
      "refuse",
    ],
    [
      "a stray failover on B, acknowledged: B's VMs off, RevertFailover",
      pair(primary(3), replica(5, "on")),
      want("A", [REVERT_B]),
      ["B:StopVMs", "B:RevertFailover"],
    ],
    [
      "a stray failover on B whose VMs never ran: reverted without one",
      pair(primary(3), replica(5)),
      want("A"),
      ["B:RevertFailover"],
    ],
  ];

  it.each(cases)("%s", (_name, observed, desire, expected) => {
    expect(summary(planSites(observed, desire, NOW))).toEqual(expected);
  });
});

describe("planSites: every sequence resumes where it stopped", () => {
  const starts: [string, PairObservation, ReturnType<typeof want>][] = [
    ["planned move A to B", pair(primary(3), replica(3)), want("B")],
    ["cancel after the replica failed over", pair(primary(11, "off"), replica(5)), want("A")],
    ["disaster on A", pair("down", replica(3)), want("B", [UNPLANNED_TO_B], true)],
    ["reprotect only", pair(primary(3, "on"), replica(6, "on")), want("B", [SPLIT_BRAIN_A])],
    ["reprotect and move back", pair(primary(3, "on"), replica(6, "on")), want("A", [SPLIT_BRAIN_A])],
    ["a stray failover reverted", pair(primary(3), replica(5, "on")), want("A", [REVERT_B])],
    [
      "A returns after an uncommitted failover to B: commit, then reprotect A",
      pair(primary(3, "on"), replica(5, "on")),
      want("B", [UNPLANNED_TO_B, SPLIT_BRAIN_A]),
    ],
    [
      "B returns after an uncommitted failover to A: commit, then reprotect B",
      pair(replica(5, "on"), primary(3, "on")),
      want("A", [`unplanned-failover:${A_ID}:${at(POINT)}`, SPLIT_BRAIN_B]),
    ],
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
  it("an unplanned failover is refused without its acknowledgement, naming what would be lost and the value to set", () => {
    expect(planSites(pair("down", replica(3)), want("B"), NOW)).toEqual({
      kind: "refuse",
      dataLoss: true,
      reason: `A is unreachable (did not answer); failing over to B (unplanned): the recovery point is from ${at(POINT)}, so up to 15 min of changes made after it are lost`,
      advice: `Nothing was called. To accept this loss, and only it, set acknowledgeDataLoss: ["${UNPLANNED_TO_B}"]; the value names this event only, so a later failover, a later recovery point or another split brain needs its own`,
    });
  });

  it("the disaster's acknowledgement does not authorize failing back from a resynchronizing new primary", () => {
    // After the disaster B became the primary; it resynchronizes (10) to A. Wanting A back now is an unplanned
    // failover of its own, to A's newest point: another token.
    const later = pair(replica(3, "off"), site(1, 10, "on"));
    const plan = planSites(later, want("A", [UNPLANNED_TO_B]), NOW);
    expect(plan).toMatchObject({ kind: "refuse", dataLoss: true });
    expect(plan.kind === "refuse" && plan.advice).toContain(
      `set acknowledgeDataLoss: ["unplanned-failover:${A_ID}:${at(POINT)}"]`,
    );
  });

  it("a split brain names the returned site's VMs, since when and for how long they ran", () => {
    const plan = planSites(pair(primary(3, "on"), replica(6, "on")), want("B"), NOW);
    expect(plan).toEqual({
      kind: "refuse",
      dataLoss: true,
      reason: `A's VMs ran after the other site failed over (split brain: both sites wrote), and reprotecting A discards what they wrote after ${at(POINT)}: 'sql-a' running since ${at(NOW - 2 * HOUR)} (for 2 h 0 min), 'sql-b' running since ${at(NOW - 2 * HOUR)} (for 2 h 0 min)`,
      advice: `Nothing was called. To accept this loss, and only it, set acknowledgeDataLoss: ["${SPLIT_BRAIN_A}"]; the value names this event only, so a later failover, a later recovery point or another split brain needs its own`,
    });
  });

  it("committing an unplanned failover after the partner was prepared for a planned one is refused without its value", () => {
    const unplanned = replica(5, "off");
    const plan = planSites(
      pair(primary(11, "off"), { ...unplanned, failedOverReplicationType: 1 }),
      want("B"),
      NOW,
    );
    expect(plan).toMatchObject({ kind: "refuse", dataLoss: true });
    expect(plan.kind === "refuse" && plan.advice).toContain(`commit-older-point:${B_ID}:${at(POINT)}`);
    const planned = { ...unplanned, failedOverReplicationType: 2 };
    expect(summary(planSites(pair(primary(11, "off"), planned), want("B"), NOW))).toEqual(
      PLANNED_A_TO_B.slice(3),
    );
  });

  it("an acknowledged loss rides along with its steps, so the driver prints it before the first", () => {
    const plan = planSites(pair("down", replica(3)), want("B", [UNPLANNED_TO_B]), NOW);
    expect(plan.kind === "steps" && plan.losses?.map((l) => l.token)).toEqual([UNPLANNED_TO_B]);
  });

  it("refuses, before any step, an unplanned failover whose recoveryPoint selects no point", () => {
    const plan = planSites(
      pair("down", { ...replica(3), chosenPoint: null }),
      want("B", [UNPLANNED_TO_B]),
      NOW,
    );
    expect(plan).toEqual({
      kind: "refuse",
      reason: "recoveryPoint selects no recovery point on B, so there is nothing to fail over to",
      advice:
        "Nothing was called. Choose a point the site has (getRecoveryPoints lists them), or use 'latest'",
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
    const pure = ["plan.ts", "evidence.ts", "refusals.ts", "types.ts", "losses.ts"];
    const imports = pure.flatMap((file) =>
      [...readFileSync(path.join(dir, file), "utf8").matchAll(/from "([^"]+)"/g)].map((m) => m[1]),
    );
    expect([...new Set(imports)].sort()).toEqual([
      "../../hyperv/codes",
      "../dataLoss",
      "../states",
      "./evidence",
      "./losses",
      "./refusals",
      "./types",
    ]);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(pure));
  });
});
