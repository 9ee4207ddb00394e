import { describe, expect, it } from "vitest";
import { FakeClock } from "../../provider/clock";
import { createRuntime } from "../../provider/doors/dynamic";
import type { SeedCollection } from "../../provider/simulator";
import { HyperVSimulator } from "../../provider/simulator";
import { ID, inputs } from "../failover/fixtures";

async function setup(seed: Partial<SeedCollection> = {}) {
  const clock = new FakeClock(Date.UTC(2026, 10, 23, 21, 0, 0));
  const sim = new HyperVSimulator({ clock, hostName: "hv-replica01" });
  await sim.addCollection({ id: ID, name: "sql-cluster", members: ["sql-a", "sql-b"], ...seed });
  const lines: string[] = [];
  const rt = createRuntime({ clock, log: (l) => lines.push(l), openSession: async () => sim.session() });
  return { clock, sim, rt, lines };
}

const methods = async (sim: HyperVSimulator) =>
  (await sim.calls()).filter((c) => c.method !== "GetReplicationStatistics").map((c) => c.method);

describe("create and update", () => {
  it("fails a replicating collection over, then reverts it with exactly one RevertFailover", async () => {
    const { sim, rt, lines } = await setup();
    const created = await rt.create(inputs("failedOver"));
    expect(created.id).toBe(ID);
    expect(created.outs).toMatchObject({
      failoverState: "failedOver",
      replicationState: 5,
      replicationStateName: "Recovered",
    });

    const updated = await rt.update(ID, created.outs!, inputs("normal"));
    expect(await methods(sim)).toEqual(["InitiateFailover", "RevertFailover"]);
    expect(updated.outs).toEqual({
      collectionId: ID,
      collectionName: "sql-cluster",
      failoverState: "normal",
      replicationState: 3,
      replicationStateName: "Replicating",
      replicationMode: "Replica",
      failedOverReplicationType: "None",
      hostSystemName: "hv-replica01",
      lastOperation: {
        method: "RevertFailover",
        jobId: expect.any(String),
        jobState: "Completed",
        errorCode: 0,
        startedAt: expect.stringMatching(/^2026-11-23T21:/),
        finishedAt: expect.stringMatching(/^2026-11-23T21:/),
      },
      replicationHealth: "Ok",
      replicationHealthIssues: [],
      lastApplyTime: "2026-11-23T21:00:00.000Z",
      lastApplyConsistencyLevel: "CrashConsistent",
      virtualMachines: (await sim.collection(ID))!.members.map((vm) => ({
        name: vm.name,
        id: vm.id,
        enabledState: 3,
        enabledStateName: "Off",
        replicationState: 3,
        replicationHealth: "Ok",
      })),
      // Read after the job's end (its TimeOfLastStateChange, finishedAt), by the poll that saw it.
      healthObservedAt: updated.outs!.observedAt,
      observedAt: expect.stringMatching(/^2026-11-23T21:00:0/),
      recoveryPoint: "latest",
      requireHealthy: false,
      startVirtualMachines: false,
      jobTimeoutSeconds: 1800,
      cancelJobOnTimeout: false,
      connection: null,
      // The report's one step is the same job, timed by the host as lastOperation is.
      lastReport: expect.objectContaining({
        action: "return to normal",
        outcome: "succeeded",
        steps: [
          expect.objectContaining({
            title: "revert the failover (RevertFailover)",
            jobId: (updated.outs!.lastOperation as { jobId: string }).jobId,
            finishedAt: (updated.outs!.lastOperation as { finishedAt: string }).finishedAt,
            timesFrom: "host job",
          }),
        ],
      }),
    });
    const { finishedAt } = updated.outs!.lastOperation as { finishedAt: string };
    expect(Date.parse(updated.outs!.observedAt)).toBeGreaterThanOrEqual(Date.parse(finishedAt));
    expect((await sim.collection(ID))?.replicationState).toBe(3);
    expect(lines).toContain("[sql-cluster] RevertFailover done: Recovered (5) -> Replicating (3)");
    expect(
      lines.some((l) =>
        /^\[sql-cluster\] RevertFailover job \S+: \d+% running, \d+ s elapsed, (about \d+ s left|time left not known yet)$/.test(
          l,
        ),
      ),
    ).toBe(true);
  });

  it("calls nothing when the collection is already in the desired state", async () => {
    const { sim, rt } = await setup();
    const created = await rt.create(inputs("normal"));
    // Nothing moved, so neither health nor the member VMs are read: they are recorded as not read yet.
    expect(created.outs).toMatchObject({
      failoverState: "normal",
      lastOperation: null,
      replicationHealth: null,
      replicationHealthIssues: [],
      virtualMachines: [],
      healthObservedAt: null,
    });
    expect(await sim.calls()).toEqual([]);
  });

  it("commits from normal with InitiateFailover then CommitFailover, once that loss is acknowledged", async () => {
    const { sim, rt } = await setup();
    // test/failover/dataLoss.test.ts shows the refusal without it; the newest point is the seed's, taken at 21:00.
    const created = await rt.create(
      inputs("committed", { acknowledgeDataLoss: [`failover-and-commit:${ID}:2026-11-23T21:00:00Z`] }),
    );
    expect(created.outs).toMatchObject({ failoverState: "committed", replicationState: 6 });
    expect(await methods(sim)).toEqual(["InitiateFailover", "CommitFailover"]);
  });

  it("fails over to the chosen recovery point", async () => {
    const { sim, rt } = await setup();
    const [oldest] = await sim.recoveryPoints(ID);
    await rt.create(inputs("failedOver", { recoveryPoint: oldest!.instanceId }));
    const [call] = await sim.calls();
    expect(call?.arguments).toMatchObject({
      CollectionRecoveryPoint: {
        className: "Msvm_CollectionRecoveryPoint",
        keys: { InstanceID: oldest!.instanceId },
      },
    });
  });

  it("finds a collection by its name", async () => {
    const { rt } = await setup();
    const created = await rt.create({
      ...inputs("failedOver"),
      collectionId: undefined,
      collectionName: "sql-cluster",
    });
    expect(created.id).toBe(ID);
  });

  it("refuses a name that several collections share, and calls nothing", async () => {
    const { sim, rt } = await setup();
    await sim.addCollection({ name: "sql-cluster" });
    await expect(
      rt.create({ ...inputs("failedOver"), collectionId: undefined, collectionName: "sql-cluster" }),
    ).rejects.toThrow(/^Ambiguous collection name: 2 collections have this name .*Set collectionId/);
    expect(await sim.calls()).toEqual([]);
  });

  it("says clearly when the collection does not exist", async () => {
    const { rt } = await setup();
    await expect(
      rt.create(inputs("failedOver", { collectionId: "00000000-0000-0000-0000-000000000001" })),
    ).rejects.toThrow(
      "Not found: no collection has CollectionID 00000000-0000-0000-0000-000000000001 [collection '00000000-0000-0000-0000-000000000001', host hv-replica01 (simulator)]. Check the name or CollectionID",
    );
  });

  it("refuses a primary collection without calling anything", async () => {
    const { sim, rt } = await setup({ replicationMode: 1 });
    await expect(rt.create(inputs("failedOver"))).rejects.toThrow(
      /^Invalid state: it is primary: .*failover is run on the replica \[collection 'sql-cluster', host hv-replica01 \(simulator\)\]\. Point the connection/,
    );
    expect(await sim.calls()).toEqual([]);
  });
});

describe("failures", () => {
  it("reports a failed job with its error fields, and records the host's real state", async () => {
    const { sim, rt } = await setup({ replicationState: 5 });
    await sim.injectFault({
      kind: "jobFails",
      method: "RevertFailover",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "The replica VM sql-b could not be reverted.",
      errorSummaryDescription: "Revert failed.",
    });
    const olds = { ...inputs("failedOver"), failoverState: "failedOver", lastOperation: null };
    const error = await rt.update(ID, olds, inputs("normal")).catch((e: unknown) => e);
    expect(error).toMatchObject({
      message: expect.stringMatching(
        /^Hyper-V job failed: job \S+ ended Exception \(10\) with ErrorCode 32768: The replica VM sql-b could not be reverted\. \| Revert failed\..* \[collection 'sql-cluster', method RevertFailover, host hv-replica01 \(simulator\)\]/,
      ),
      id: ID,
      properties: expect.objectContaining({
        failoverState: "failedOver",
        replicationState: 5,
        lastOperation: expect.objectContaining({
          method: "RevertFailover",
          jobState: "Exception",
          errorCode: 32768,
        }),
      }),
    });
    expect(await methods(sim)).toEqual(["RevertFailover", "GetErrorEx"]);
  });

  it("names the fix for Access Denied", async () => {
    const { sim, rt } = await setup();
    await sim.injectFault({ kind: "returnCode", method: "InitiateFailover", code: 32769 });
    await expect(rt.create(inputs("failedOver"))).rejects.toThrow(
      "Hyper-V refused the call: InitiateFailover returned 32769 (Access Denied) [collection 'sql-cluster', method InitiateFailover, host hv-replica01 (simulator)]. The account needs Hyper-V administrator rights on the replica cluster",
    );
  });

  it("times out a job that never ends, saying it may still run on the host", async () => {
    const { sim, rt } = await setup();
    await sim.injectFault({ kind: "jobHangs", method: "InitiateFailover" });
    const error = (await rt
      .create(inputs("failedOver", { jobTimeoutSeconds: 60 }))
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      /^Timed out waiting for a Hyper-V job: job (\S+) did not finish within 60 s .*The job is still running on the host/,
    );
  });

  it("records the job still running on the host when the wait times out", async () => {
    const { sim, rt } = await setup();
    await sim.injectFault({ kind: "jobHangs", method: "InitiateFailover" });
    const error = await rt.create(inputs("failedOver", { jobTimeoutSeconds: 60 })).catch((e: unknown) => e);
    const [job] = await sim.jobs();
    expect(error).toMatchObject({
      id: ID,
      properties: {
        failoverState: "failoverInProgress",
        replicationState: 4,
        lastOperation: {
          method: "InitiateFailover",
          jobId: job!.instanceId,
          jobState: "Running",
          errorCode: null,
          startedAt: expect.any(String),
          finishedAt: null,
        },
      },
    });
  });

  it("terminates a cancellable job at the timeout when asked to", async () => {
    const { sim, rt } = await setup();
    await sim.injectFault({ kind: "jobHangs", method: "InitiateFailover" });
    const error = (await rt
      .create(inputs("failedOver", { jobTimeoutSeconds: 60, cancelJobOnTimeout: true }))
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("Termination of the job was requested (RequestStateChange 4)");
    expect(await methods(sim)).toEqual(["InitiateFailover", "RequestStateChange"]);
    expect((await sim.collection(ID))?.replicationState).toBe(3);
  });
});

describe("read", () => {
  it("shows drift made outside Pulumi", async () => {
    const { sim, rt } = await setup();
    const created = await rt.create(inputs("failedOver"));
    await sim.setCollection(ID, { replicationState: 3, failedOverReplicationType: 0 });
    const read = await rt.read(ID, created.outs!);
    expect(read).toEqual({
      id: ID,
      props: {
        ...created.outs,
        failoverState: "normal",
        replicationState: 3,
        replicationStateName: "Replicating",
        failedOverReplicationType: "None",
        virtualMachines: (created.outs!.virtualMachines as object[]).map((vm) => ({
          ...vm,
          replicationState: 3,
        })),
      },
      inputs: {
        collectionId: ID,
        failoverState: "normal",
        recoveryPoint: "latest",
        requireHealthy: false,
        startVirtualMachines: false,
        jobTimeoutSeconds: 1800,
        cancelJobOnTimeout: false,
      },
    });
  });

  it("returns no id once the collection is gone", async () => {
    const { sim, rt } = await setup();
    const created = await rt.create(inputs("normal"));
    await sim.removeCollection(ID);
    expect(await rt.read(ID, created.outs!)).toEqual({});
  });
});

describe("delete", () => {
  it("leaves the collection as it is and says so", async () => {
    const { sim, rt, lines } = await setup();
    const created = await rt.create(inputs("failedOver"));
    const before = await sim.calls();
    await rt.delete(ID, created.outs!);
    expect(await sim.calls()).toEqual(before);
    expect(lines.at(-1)).toBe(
      "[sql-cluster] removed from the stack; the collection itself is left as it is (failedOver) on the host: deleting this resource never calls Hyper-V",
    );
  });
});

describe("diff", () => {
  const olds = {
    collectionId: ID,
    collectionName: "sql-cluster",
    failoverState: "failedOver",
    replicationState: 5,
    replicationMode: "Replica",
    // The inputs as applied, as the outputs record them.
    recoveryPoint: "latest",
    requireHealthy: false,
    startVirtualMachines: false,
    jobTimeoutSeconds: 1800,
    cancelJobOnTimeout: false,
    connection: null,
    __provider: "old code",
  };
  /** The inputs after Check, with every default filled in. */
  const checked = (failoverState: string, extra: Record<string, unknown> = {}) => ({
    requireHealthy: false,
    ...inputs(failoverState, extra),
  });

  it.each([
    ["nothing changed", checked("failedOver"), { changes: false, replaces: [], deleteBeforeReplace: false }],
    [
      "only the provider code changed",
      { ...checked("failedOver"), __provider: "new code" },
      { changes: false, replaces: [], deleteBeforeReplace: false },
    ],
    [
      "only the connection changed (an update that records it and calls nothing for it)",
      checked("failedOver", { connection: { transport: "wsman", host: "hv02" } }),
      { changes: true, replaces: [], deleteBeforeReplace: false },
    ],
    [
      "only jobTimeoutSeconds changed",
      checked("failedOver", { jobTimeoutSeconds: 60 }),
      { changes: true, replaces: [], deleteBeforeReplace: false },
    ],
    [
      "the id is not known yet at preview (it may name another collection)",
      checked("failedOver", { collectionId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }),
      { changes: true, replaces: ["collectionId"], deleteBeforeReplace: false },
    ],
    ["failoverState changed", checked("normal"), { changes: true, replaces: [], deleteBeforeReplace: false }],
    [
      "failoverState is unknown",
      checked("04da6b54-80e4-46f7-96ec-b56ff0331ba9"),
      { changes: true, replaces: [], deleteBeforeReplace: false },
    ],
    [
      "the id names another collection",
      checked("failedOver", { collectionId: "11111111-2222-3333-4444-555555555555" }),
      { changes: true, replaces: ["collectionId"], deleteBeforeReplace: false },
    ],
    [
      "the id differs only in case",
      checked("failedOver", { collectionId: ID.toUpperCase() }),
      { changes: false, replaces: [], deleteBeforeReplace: false },
    ],
    [
      "the name differs from the host's (the update checks what it names; never a replacement)",
      { ...checked("failedOver"), collectionId: undefined, collectionName: "web" },
      { changes: true, replaces: [], deleteBeforeReplace: false },
    ],
  ])("when %s", async (_, news, expected) => {
    const { rt } = await setup();
    expect(await rt.diff(ID, olds, news)).toEqual(expected);
  });

  it("fails the preview when a committed collection is asked to go back to normal", async () => {
    const { rt } = await setup();
    const committed = { ...olds, failoverState: "committed", replicationState: 6 };
    await expect(rt.diff(ID, committed, inputs("normal"))).rejects.toThrow(
      "Invalid state: cannot make it normal: it is committed: ReplicationState Committed (6), ReplicationMode Replica; a committed failover cannot be reverted, so it cannot become normal [collection 'sql-cluster', host this machine (local)]. Keep failoverState 'committed'.",
    );
  });
});

describe("check", () => {
  it("fills in the defaults", async () => {
    const { rt } = await setup();
    expect(await rt.check({}, { collectionId: ID, failoverState: "normal" })).toEqual({
      inputs: inputs("normal", { requireHealthy: false, startVirtualMachines: true }),
    });
  });

  it("reports bad stack config against the resources that use it", async () => {
    const { rt } = await setup();
    rt.configure((key) => ({ "hyperv-replica:transport": "wsman", "hyperv-replica:port": "http" })[key]);
    const result = await rt.check({}, { collectionId: ID, failoverState: "normal" });
    expect(result.failures).toEqual([
      {
        property: "hyperv-replica:port",
        reason:
          "'http' is not a whole number from 1 to 65535; WinRM listens on 5985 (HTTP) and 5986 (HTTPS), SSH on 22, by default; set it with: pulumi config set hyperv-replica:port 5986",
      },
    ]);
  });

  it("checks the connection completed from stack config as a whole", async () => {
    const { rt } = await setup();
    rt.configure((key) => ({ "hyperv-replica:transport": "wsman", "hyperv-replica:password": "pw" })[key]);
    const missing = await rt.check({}, { collectionId: ID, failoverState: "normal" });
    expect(missing.failures).toEqual([
      { property: "connection.host", reason: "missing: the wsman transport needs the host to connect to" },
      { property: "connection.username", reason: "missing: a password needs the username it belongs to" },
    ]);
    const completed = await rt.check(
      {},
      { collectionId: ID, failoverState: "normal", connection: { host: "hv01", username: "CONTOSO\\dr" } },
    );
    expect(completed.failures).toBeUndefined();
  });
});
