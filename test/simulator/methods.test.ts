import { describe, expect, it } from "vitest";
import type { CimArguments } from "../../provider/cim";
import { TRANSITIONS } from "../../provider/simulator";
import { collectionRef, PAYROLL_ID, SERVICE, setup } from "./fixtures";

const STATES = Array.from({ length: 17 }, (_, s) => s);
const MODES = [0, 1, 2, 3];
const ENABLED = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
const SETTINGS = '<INSTANCE CLASSNAME="Msvm_CollectionReplicationSettingData"></INSTANCE>';

interface Row {
  method: string;
  args?: CimArguments;
  /** FailedOverReplicationType to seed instead of the one the state implies. */
  seedType?: number;
  /** Legal ReplicationStates, per ReplicationMode. */
  legal: Partial<Record<number, number[]>>;
  jobType?: number;
  ms?: number;
  /** The state while the job runs, when it differs from the one before. */
  running?: number;
  /** What changes once the job completes; the rest stays as before. */
  done: { state?: number; mode?: number; type?: number };
}

/** Written from the fact sheet (§2, §4) and the ClusHyperV pages, independently of provider/simulator/methods/transitions/. */
const ROWS: Row[] = [
  {
    method: "CreateReplicationRelationship",
    args: { CollectionReplicationSettingData: SETTINGS },
    legal: { 0: [0], 1: [0] },
    jobType: 91,
    done: { state: 1, mode: 1, type: 0 },
  },
  {
    method: "StartReplication",
    args: { InitialReplicationType: 1 },
    legal: { 1: [1] },
    jobType: 94,
    ms: 5000,
    running: 2,
    done: { state: 3 },
  },
  {
    method: "ModifyReplicationSettings",
    args: { CollectionReplicationSettingData: SETTINGS },
    legal: { 1: [1, 2, 3, 7, 8, 9, 10] },
    jobType: 92,
    done: {},
  },
  {
    method: "InitiateFailover",
    // Per-VM practice (fact sheet §4): 3, and 7 and 10 after resuming; never 8 or 9.
    legal: { 2: [3, 7, 10] },
    jobType: 97,
    ms: 3000,
    running: 4,
    done: { state: 5, type: 1 },
  },
  { method: "RevertFailover", legal: { 2: [4, 5, 16] }, jobType: 98, done: { state: 3, type: 0 } },
  { method: "CommitFailover", legal: { 2: [5] }, jobType: 99, done: { state: 6 } },
  {
    method: "InitiatePlannedFailover",
    legal: { 1: [3] },
    jobType: 100,
    ms: 3000,
    done: { state: 11, type: 2 },
  },
  {
    method: "RevertPlannedFailover",
    seedType: 2,
    legal: { 1: [4, 11] },
    jobType: 101,
    done: { state: 3, type: 0 },
  },
  {
    method: "PrepareForReverseReplication",
    legal: { 1: [3, 4, 7, 8, 9, 10, 11] },
    jobType: 96,
    done: { state: 1, mode: 2, type: 0 },
  },
  {
    method: "ReverseReplicationRelationship",
    args: { CollectionReplicationSettingData: SETTINGS },
    legal: { 2: [6] },
    jobType: 104,
    ms: 3000,
    // Then the new primary's first copy runs (StartReplication, 5 s): 2 until it ends in 3.
    done: { state: 2, mode: 1, type: 0 },
  },
  {
    method: "RemoveReplicationRelationship",
    legal: { 1: ENABLED, 2: ENABLED },
    jobType: 93,
    done: { state: 0, mode: 0, type: 0 },
  },
  { method: "SuspendReplication", legal: { 1: [2, 3, 8], 2: [2, 3, 8] }, jobType: 96, done: { state: 7 } },
  { method: "ResumeReplication", legal: { 1: [7], 2: [7] }, jobType: 96, done: { state: 3 } },
  {
    method: "Resynchronize",
    legal: { 1: [8, 9] },
    jobType: 107,
    ms: 5000,
    running: 10,
    done: { state: 3 },
  },
  // Per-VM practice (fact sheet §4): no test failover while resynchronizing, and never from 8 or 9.
  { method: "TestReplicaCollection", legal: { 2: [3, 7] }, jobType: 102, ms: 3000, done: {} },
  { method: "CancelUpdateDiskSet", legal: {}, done: {} },
  { method: "GetReplicationStatistics", legal: { 1: ENABLED, 2: ENABLED }, done: {} },
  { method: "ResetReplicationStatistics", legal: { 1: ENABLED, 2: ENABLED }, done: {} },
];

const impliedType = (state: number) => ([4, 5, 6, 16].includes(state) ? 1 : state === 11 ? 2 : 0);

/** Calls `row.method` on a collection in (mode, state) and reads what the host shows during and after. */
async function attempt(row: Row, mode: number, state: number) {
  const { sim, session, clock } = setup();
  const type = row.seedType ?? impliedType(state);
  await sim.addCollection({
    id: PAYROLL_ID,
    name: "payroll",
    replicationState: state,
    replicationMode: mode,
    failedOverReplicationType: type,
    members: ["pay-db"],
  });
  // A primary's VMs run by default; several methods need them off, which the drill tests cover.
  await sim.setVmState(PAYROLL_ID, "pay-db", 3);
  const result = await session.invoke(SERVICE, row.method, {
    Collection: collectionRef(PAYROLL_ID),
    ...row.args,
  });
  const read = async () => {
    const c = (await sim.collection(PAYROLL_ID))!;
    return { state: c.replicationState, mode: c.replicationMode, type: c.failedOverReplicationType };
  };
  const jobs = (await sim.jobs()).map((j) => j.jobType);
  const during = await read();
  clock.advance(row.ms ?? 2000);
  const after = await read();
  const tests = (await sim.collections()).filter((c) => c.testOf === PAYROLL_ID).length;
  return { rv: result.returnValue, jobs, during, after, tests, before: { state, mode, type } };
}

function expected(row: Row, mode: number, state: number) {
  const before = { state, mode, type: row.seedType ?? impliedType(state) };
  const legal = row.legal[mode]?.includes(state) ?? false;
  if (!legal) return { rv: 32775, jobs: [], during: before, after: before, tests: 0, before };
  if (row.jobType === undefined) return { rv: 0, jobs: [], during: before, after: before, tests: 0, before };
  return {
    rv: 4096,
    jobs: [row.jobType],
    during: { ...before, state: row.running ?? state },
    after: { ...before, ...row.done },
    tests: row.method === "TestReplicaCollection" ? 1 : 0,
    before,
  };
}

describe("every method of Msvm_CollectionReplicationService from every mode and state", () => {
  it("covers every row of the simulator's table", () => {
    const covered = [
      ...ROWS.map((r) => r.method),
      "RevertTestReplicaCollection",
      "CancelResynchronize",
      "CancelInitialReplication",
    ];
    expect(TRANSITIONS.map((t) => t.method).sort()).toEqual(covered.sort());
  });

  it.each(ROWS)("$method", async (row) => {
    const seen: Record<string, unknown> = {};
    const want: Record<string, unknown> = {};
    for (const mode of MODES) {
      for (const state of STATES) {
        seen[`mode ${mode} state ${state}`] = await attempt(row, mode, state);
        want[`mode ${mode} state ${state}`] = expected(row, mode, state);
      }
    }
    expect(seen).toEqual(want);
  });

  it.each(["RequestStateChange", "StartService", "StopService"])(
    "answers the inherited %s with 1 Not Supported and changes nothing",
    async (method) => {
      const { sim, session } = setup();
      await sim.addCollection({ id: PAYROLL_ID, name: "payroll" });
      const result = await session.invoke(SERVICE, method, { RequestedState: 3 });
      expect(result).toEqual({ returnValue: 1, outParameters: {} });
      expect(await sim.jobs()).toEqual([]);
    },
  );
});
