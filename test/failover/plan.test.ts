import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../provider/failover/plan";
import { planFailover } from "../../provider/failover/plan";
import type { DesiredState } from "../../provider/failover/states";
import { observedState } from "../../provider/failover/states";

const REPLICA = 2;
type Expected = "none" | "refuse" | string[];

/** What each ReplicationState of a replica collection leads to, for normal / failedOver / committed. */
const TABLE: Record<number, [Expected, Expected, Expected]> = {
  0: ["refuse", "refuse", "refuse"],
  1: ["refuse", "refuse", "refuse"],
  2: ["refuse", "refuse", "refuse"],
  3: ["none", ["InitiateFailover"], ["InitiateFailover", "CommitFailover"]],
  // A running failover job is adopted before planning; reaching the planner in 4 means none is running.
  4: ["refuse", "refuse", "refuse"],
  5: [["RevertFailover"], "none", ["CommitFailover"]],
  6: ["refuse", "refuse", "none"],
  // Per-VM practice (Start-VMFailover): resume first when Suspended; refuse Critical and ResynchronizeSuspended;
  // while resynchronizing, wait (the safe side).
  7: [
    "none",
    ["ResumeReplication", "InitiateFailover"],
    ["ResumeReplication", "InitiateFailover", "CommitFailover"],
  ],
  8: ["none", "refuse", "refuse"],
  9: ["none", "refuse", "refuse"],
  10: ["none", "refuse", "refuse"],
  11: ["refuse", "refuse", "refuse"],
  12: ["refuse", "refuse", "refuse"],
  // Without a linked test collection 13 may be a partial failover ("Partially recovered" in the docs): refused.
  13: ["refuse", "refuse", "refuse"],
  14: ["refuse", "refuse", "refuse"],
  15: ["refuse", "refuse", "refuse"],
  16: [["RevertFailover"], "refuse", "refuse"],
  17: ["refuse", "refuse", "refuse"],
};

const OBSERVED: Record<number, string> = {
  0: "notReplicating",
  1: "initialReplicationPending",
  2: "initialReplicationPending",
  3: "normal",
  4: "failoverInProgress",
  5: "failedOver",
  6: "committed",
  7: "normal",
  8: "normal",
  9: "normal",
  10: "normal",
  11: "plannedFailoverInProgress",
  12: "repurposeInProgress",
  13: "ambiguous",
  14: "partiallyReplicating",
  15: "partiallyReplicating",
  16: "partiallyFailedOver",
  17: "unknown",
};

const DESIRED: DesiredState[] = ["normal", "failedOver", "committed"];

function summarize(plan: Plan): Expected {
  return plan.kind === "call" ? plan.steps.map((s) => s.method) : plan.kind;
}

describe("planFailover on a replica collection", () => {
  const cases = Object.entries(TABLE).flatMap(([state, row]) =>
    DESIRED.map((desired, i) => ({ state: Number(state), desired, expected: row[i]! })),
  );

  it.each(cases)("ReplicationState $state, desired $desired: $expected", ({ state, desired, expected }) => {
    const plan = planFailover({ replicationState: state, replicationMode: REPLICA }, desired, {
      recoveryPoint: "latest",
    });
    expect(summarize(plan)).toEqual(expected);
  });

  it.each(Object.entries(OBSERVED))("reports ReplicationState %s as %s", (state, word) => {
    expect(observedState({ replicationState: Number(state), replicationMode: REPLICA })).toBe(word);
  });

  it("passes the chosen recovery point to InitiateFailover, and null for latest", () => {
    const chosen = planFailover({ replicationState: 3, replicationMode: REPLICA }, "failedOver", {
      recoveryPoint: "Microsoft:RP-1",
    });
    const latest = planFailover({ replicationState: 3, replicationMode: REPLICA }, "committed", {
      recoveryPoint: "latest",
    });
    expect(chosen).toEqual({
      kind: "call",
      steps: [{ method: "InitiateFailover", recoveryPoint: "Microsoft:RP-1", expect: [5] }],
    });
    expect(latest).toEqual({
      kind: "call",
      steps: [
        { method: "InitiateFailover", recoveryPoint: null, expect: [5] },
        { method: "CommitFailover", recoveryPoint: null, expect: [6] },
      ],
    });
  });

  it("expects a reverted collection to be back to a not-failed-over state", () => {
    const plan = planFailover({ replicationState: 5, replicationMode: REPLICA }, "normal", {
      recoveryPoint: "latest",
    });
    expect(plan).toEqual({
      kind: "call",
      steps: [{ method: "RevertFailover", recoveryPoint: null, expect: [3, 7, 8, 9, 10] }],
    });
  });

  it("resumes a Suspended replica before failing it over, expecting Replicating in between", () => {
    const plan = planFailover({ replicationState: 7, replicationMode: REPLICA }, "failedOver", {
      recoveryPoint: "latest",
    });
    expect(plan).toEqual({
      kind: "call",
      steps: [
        { method: "ResumeReplication", recoveryPoint: null, expect: [3] },
        { method: "InitiateFailover", recoveryPoint: null, expect: [5] },
      ],
    });
  });

  const RESYNC =
    "Resynchronize the group from its primary (Msvm_CollectionReplicationService.Resynchronize on the primary cluster; per VM, Resume-VMReplication -Resynchronize) and wait for Replicating (3), then run again";
  it.each([
    [
      8,
      "it is normal: ReplicationState Critical (8), ReplicationMode Replica; replication is Critical (8), and Hyper-V Replica's per-VM failover (Start-VMFailover) will not fail over a VM whose replication needs resynchronizing (inferred for collections)",
      RESYNC,
    ],
    [
      9,
      "it is normal: ReplicationState WaitingToStartResynchronization (9), ReplicationMode Replica; replication is WaitingToStartResynchronization (9), and Hyper-V Replica's per-VM failover (Start-VMFailover) will not fail over a VM whose replication needs resynchronizing (inferred for collections)",
      RESYNC,
    ],
    [
      10,
      "it is normal: ReplicationState Resynchronizing (10), ReplicationMode Replica; replication is Resynchronizing (10): the replica is being brought back in step with the primary, and a failover made half-way could use data from both sides (per-VM practice: no test failover while resynchronizing; for a failover the provider takes the safe side, inferred)",
      "Wait for the resynchronization to finish (Replicating, 3), then run again. If the primary is lost and it cannot finish, fail the member VMs over one by one with the per-VM Start-VMFailover, after checking each VM's recovery points",
    ],
  ])(
    "refuses to fail over or commit from %i, saying what was seen, the per-VM rule and what to do",
    (state, reason, advice) => {
      for (const desired of ["failedOver", "committed"] as const) {
        const plan = planFailover({ replicationState: state, replicationMode: REPLICA }, desired, {
          recoveryPoint: "latest",
        });
        expect(plan).toEqual({ kind: "refuse", reason, advice });
      }
    },
  );

  it("explains a refusal with the observed state and what to do instead", () => {
    const plan = planFailover({ replicationState: 6, replicationMode: REPLICA }, "normal", {
      recoveryPoint: "latest",
    });
    expect(plan).toEqual({
      kind: "refuse",
      reason:
        "it is committed: ReplicationState Committed (6), ReplicationMode Replica; a committed failover cannot be reverted, so it cannot become normal",
      advice: expect.stringContaining("Keep failoverState 'committed'"),
    });
  });
});

describe("ReplicationState 13, decided by the test collection linked to the replica", () => {
  it.each([
    [true, "testFailoverInProgress", ["none", "refuse", "refuse"]],
    [false, "ambiguous", ["refuse", "refuse", "refuse"]],
    [undefined, "ambiguous", ["refuse", "refuse", "refuse"]],
  ])("linked %s: %s, and for normal / failedOver / committed %j", (linked, word, expected) => {
    const o = {
      replicationState: 13,
      replicationMode: REPLICA,
      ...(linked !== undefined ? { testCollectionLinked: linked } : {}),
    };
    expect(observedState(o)).toBe(word);
    expect(DESIRED.map((d) => summarize(planFailover(o, d, { recoveryPoint: "latest" })))).toEqual(expected);
  });

  it("refuses an unlinked 13 saying what was seen and how to tell a partial failover from a test", () => {
    const plan = planFailover({ replicationState: 13, replicationMode: REPLICA }, "normal", {
      recoveryPoint: "latest",
    });
    expect(plan).toEqual({
      kind: "refuse",
      reason:
        "it is ambiguous: ReplicationState TestFailoverInitiated (13), ReplicationMode Replica; Microsoft's docs label ReplicationState 13 'Partially recovered', and the provider reads it as a test failover only when a test collection is linked to the replica (Msvm_ReplicaCollectionDependency); none is, so this may be a partial failover and nothing is called",
      advice:
        "Check the member VMs on the replica cluster (Get-VMReplication: a VM failed over on its own shows FailedOverWaitingCompletion or FailedOver) and the Hyper-V-VMMS-Admin event log; bring the group to Replicating (3) or Recovered (5), or finish or remove its test failover (RevertTestReplicaCollection on the replica collection), then refresh and run again",
    });
  });
});

describe("ReplicationState 4, decided from ReplicationMode and FailedOverReplicationType", () => {
  it.each([
    [
      2,
      0,
      "failoverInProgress",
      "no failover job of this collection is running, and FailedOverReplicationType is None",
    ],
    [
      2,
      1,
      "failoverInProgress",
      "no failover job of this collection is running, and FailedOverReplicationType is Regular",
    ],
    [
      2,
      2,
      "plannedFailoverInProgress",
      "a planned failover is in progress, which RevertFailover cannot undo",
    ],
    [
      1,
      2,
      "primary",
      "this is the primary side, where a planned failover was initiated (InitiatePlannedFailover)",
    ],
  ])(
    "mode %i, FailedOverReplicationType %i: %s, refused for every desired state",
    (mode, fort, word, reason) => {
      const o = { replicationState: 4, replicationMode: mode, failedOverReplicationType: fort };
      expect(observedState(o)).toBe(word);
      for (const desired of DESIRED) {
        expect(planFailover(o, desired, { recoveryPoint: "latest" })).toMatchObject({
          kind: "refuse",
          reason: expect.stringContaining(reason),
        });
      }
    },
  );
});

describe("planFailover on collections that are not replicas", () => {
  const modes = [
    { mode: 0, word: "notReplicating", advice: "Enable replication" },
    { mode: 1, word: "primary", advice: "Point the connection at a node of the replica cluster" },
    { mode: 3, word: "testReplica", advice: "Use the replica collection itself" },
    { mode: 9, word: "unknown", advice: "Inspect the collection" },
  ];
  const cases = modes.flatMap((m) =>
    Array.from({ length: 17 }, (_, state) => DESIRED.map((desired) => ({ ...m, state, desired }))).flat(),
  );

  it.each(cases)(
    "mode $mode, state $state, desired $desired is refused",
    ({ mode, word, advice, state, desired }) => {
      expect(observedState({ replicationState: state, replicationMode: mode })).toBe(word);
      const plan = planFailover({ replicationState: state, replicationMode: mode }, desired, {
        recoveryPoint: "latest",
      });
      expect(plan).toMatchObject({ kind: "refuse", advice: expect.stringContaining(advice) });
    },
  );
});

describe("the planner module", () => {
  it("imports nothing that can reach a host: only state names and its own types", () => {
    const source = readFileSync(path.join(__dirname, "../../provider/failover/plan.ts"), "utf8");
    const imports = [...source.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
    expect([...new Set(imports)].sort()).toEqual(["../hyperv/codes", "./preconditions", "./states"]);
  });

  it("takes the per-VM preconditions from a module that imports only state names", () => {
    const source = readFileSync(path.join(__dirname, "../../provider/failover/preconditions.ts"), "utf8");
    const imports = [...source.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
    expect([...new Set(imports)]).toEqual(["../hyperv/codes"]);
  });
});
