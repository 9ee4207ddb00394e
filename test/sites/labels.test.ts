/**
 * Advice and labels that are true. Collection replication has no UI and no cmdlet (windowsserverdocs: "You cannot
 * manage replication of a collection through PowerShell cmdlet or UI."), so no advice and no README line sends a
 * user to Hyper-V Manager; and what the docs say a method does is not taken as documentation of the states it
 * accepts or leaves, nor of its place in a sequence.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UNKNOWN_ADVICE } from "../../provider/failover/sites/plan";
import { EVIDENCE } from "../../provider/failover/sites/evidence";
import { RETURN_CODE_ADVICE } from "../../provider/hyperv/errors";
import { transition } from "../../provider/simulator/methods/transitions";
import type { PluginError } from "../harness/plugin";
import { REPO_ROOT, withoutProvider } from "../harness/plugin";
import type { Rehearsal } from "./support";
import { acknowledgementIn, callLines, inputs, rehearsal, sharePlugin, WEST } from "./support";

sharePlugin();

const UI = "Hyper-V Manager";

describe("no advice names a UI that cannot manage collection replication", () => {
  it("neither the README nor any page of docs/ has a line naming Hyper-V Manager", () => {
    const docs = fs.readdirSync(path.join(REPO_ROOT, "docs")).filter((f) => f.endsWith(".md"));
    const files = ["README.md", "CONTRIBUTING.md", ...docs.map((f) => path.join("docs", f))];
    expect(docs.length).toBeGreaterThan(3);
    const lines = files.flatMap((f) =>
      fs
        .readFileSync(path.join(REPO_ROOT, f), "utf8")
        .split("\n")
        .map((line) => `${f}: ${line}`),
    );
    expect(lines.filter((line) => line.includes(UI))).toEqual([]);
  });

  it("neither planner's advice, nor any return code's, names it", () => {
    const planners = ["provider/failover/plan.ts", "provider/failover/sites/plan.ts"].map((file) =>
      fs.readFileSync(path.join(REPO_ROOT, file), "utf8"),
    );
    expect(planners.filter((text) => text.includes(UI))).toEqual([]);
    expect(Object.values(RETURN_CODE_ADVICE).filter((advice) => advice.includes(UI))).toEqual([]);
    expect(UNKNOWN_ADVICE).toBe(
      "Bring the collections back to a primary and a replica through WMI, with the Msvm_CollectionReplicationService method their states call for (RevertPlannedFailover, RevertFailover, CommitFailover or ReverseReplicationRelationship in root/HyperVCluster/v2; collection replication has no cmdlet and no UI), refresh the stack, then run again",
    );
  });
});

describe("labels: a quote of what a method does does not document the states it takes or leaves", () => {
  it.each([
    ["RevertFailover", "precondition", "failed over state after using InitiateFailover"],
    ["RevertPlannedFailover", "precondition", "PreparedForPlannedFailover or FailoverInitiated state"],
    ["RevertTestReplicaCollection", "precondition", "for which the associated test replica collection"],
    ["RemoveReplicationRelationship", "result", "This does not clean up the recovery server collection."],
  ] as const)("the simulator's %s %s is inferred, quoting the docs", (method, side, quote) => {
    const evidence = transition(method)?.[side];
    expect(Object.keys(evidence ?? {})).toEqual(["inferred"]);
    expect(evidence && "inferred" in evidence ? evidence.inferred : "").toContain(quote);
  });

  it("PrepareForReverseReplication's place in a sequence is inferred", () => {
    expect(Object.keys(EVIDENCE.prepareReverse)).toEqual(["inferred"]);
  });
});

describe("through the plugin", () => {
  let r: Rehearsal;
  let id: string;
  let outs: Record<string, unknown>;
  beforeEach(async () => {
    r = await rehearsal();
    ({ id, outs } = await r.plugin.create((await r.plugin.check({}, inputs(r, "east"))).inputs));
  });
  afterEach(async () => r?.close());

  const up = async (activeSite: string, extra: Record<string, unknown> = {}) =>
    (await r.plugin.update(id, outs, (await r.plugin.check({}, inputs(r, activeSite, extra))).inputs)).outs;

  it("two primaries are refused with WMI advice, and nothing is called", async () => {
    await r.sim.setCollection(WEST, { replicationMode: 1 });
    const error = (await up("west").catch((e: unknown) => e)) as PluginError;
    expect(error.details).toBe(
      `Invalid state: west is Primary, ReplicationState Replicating (3), and east is Primary, ReplicationState Replicating (3) [collection 'east+west']. ${UNKNOWN_ADVICE}`,
    );
    expect(await r.sim.calls()).toEqual([]);
  });

  it("reprotect records PrepareForReverseReplication as inferred", async () => {
    await r.sim.setCollection(WEST, { replicationState: 6, failedOverReplicationType: 1 });
    for (const vm of ["sql-a", "sql-b"]) await r.sim.setVmState(WEST, vm, 2);
    // East's VMs still run beside west's (split brain): acknowledged as the refusal asks.
    const refused = (await up("west").catch((e: unknown) => e)) as PluginError;
    outs = await up("west", { acknowledgeDataLoss: [acknowledgementIn(refused)] });
    expect(callLines(await r.sim.calls())).toEqual([
      "east: InitiateShutdown -> 0",
      "east: InitiateShutdown -> 0",
      "east: PrepareForReverseReplication -> 4096",
      "west: ReverseReplicationRelationship -> 4096",
    ]);
    const steps = (withoutProvider(outs).lastChange as { steps: { action: string; evidence: string }[] })
      .steps;
    expect(steps.map((s) => `${s.action} ${s.evidence}`)).toEqual([
      "StopVMs inferred",
      "StopVMs inferred",
      "PrepareForReverseReplication inferred",
      "ReverseReplicationRelationship documented",
    ]);
  });
});
