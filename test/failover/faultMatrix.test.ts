/**
 * The fault matrix: each fault the simulated host can produce, driven through create and update as the plugin runs
 * them, on a fake clock. Every case asserts the error text, the method calls the host received, and the state the
 * host is left in.
 */
import { describe, expect, it } from "vitest";
import { actingCalls, hostState, HOST, ID, inputs, methods, olds, rejection, setup, where } from "./fixtures";

const refused = (code: number, name: string, advice: string) =>
  `Hyper-V refused the call: InitiateFailover returned ${code} (${name}) ${where("InitiateFailover")}. ${advice}`;

describe("a failover method answers with a return code other than 0 or 4096", () => {
  it.each([
    [
      32768,
      refused(
        32768,
        "Failed",
        "Hyper-V gave no reason; the Microsoft-Windows-Hyper-V-VMMS-Admin event log on the host has the details",
      ),
      1,
    ],
    [
      32769,
      refused(
        32769,
        "Access Denied",
        "The account needs Hyper-V administrator rights on the replica cluster: add it to 'Hyper-V Administrators' (or Administrators) on every node, then run again",
      ),
      1,
    ],
    [
      32770,
      refused(
        32770,
        "Not Supported",
        "The host does not support this operation on VM collections; it needs Windows Server 2016 or later with the root\\HyperVCluster\\v2 namespace",
      ),
      1,
    ],
    [
      32771,
      refused(
        32771,
        "Status is unknown",
        "Hyper-V could not tell the outcome; refresh the stack to read the collection's real state, then run again",
      ),
      1,
    ],
    [
      32772,
      refused(32772, "Timeout", "The host timed out; run again, and check the host's load if it repeats"),
      1,
    ],
    [
      32773,
      refused(
        32773,
        "Invalid parameter",
        "Hyper-V rejected a parameter; check that recoveryPoint is the InstanceID of a recovery point of this collection, or use 'latest'",
      ),
      1,
    ],
    [
      32775,
      `Invalid state: InitiateFailover returned 32775 (Invalid state for this operation) on all 5 attempts; it is normal: ReplicationState Replicating (3), ReplicationMode Replica ${where("InitiateFailover")}. Hyper-V does not allow InitiateFailover from this state although Hyper-V Replica normally does; check the member VMs' replication (Get-VMReplication on the replica nodes) and the Hyper-V-VMMS-Admin event log, then run again`,
      5,
    ],
    [
      32776,
      refused(
        32776,
        "Incorrect data type",
        "Hyper-V rejected an argument's data type; this is a defect in the provider, please report it",
      ),
      1,
    ],
    [
      32777,
      refused(
        32777,
        "System is not available",
        "The Virtual Machine Management service or the node is not available; check vmms and the cluster, or point the connection at another node of the replica cluster",
      ),
      1,
    ],
    [
      32778,
      refused(
        32778,
        "Out of memory",
        "The host is out of memory; free memory on the replica node, then run again",
      ),
      1,
    ],
    [
      32779,
      refused(
        32779,
        "File not found",
        "A file of the collection's VMs is missing on the replica storage; check the replica VMs' storage paths",
      ),
      1,
    ],
  ])("%i fails with its named error after exactly the calls it needs", async (code, message, calls) => {
    const { sim, rt } = await setup();
    await sim.injectFault({ kind: "returnCode", method: "InitiateFailover", code, times: "always" });

    const error = await rejection(rt.create(inputs("failedOver")));

    expect(error.message).toBe(message);
    expect(await methods(sim)).toEqual(Array<string>(calls).fill("InitiateFailover"));
    expect(await hostState(sim)).toBe(3);
    expect(error.properties).toMatchObject({ failoverState: "normal", replicationState: 3 });
  });

  it("calls again after 32774 with back-off while no job of the collection is visible, then succeeds", async () => {
    const { sim, rt, lines } = await setup();
    await sim.injectFault({ kind: "returnCode", method: "InitiateFailover", code: 32774, times: 2 });

    const created = await rt.create(inputs("failedOver"));

    expect(created.outs).toMatchObject({ failoverState: "failedOver", replicationState: 5 });
    expect((await sim.calls()).map((c) => [c.method, c.returnValue])).toEqual([
      ["InitiateFailover", 32774],
      ["InitiateFailover", 32774],
      ["InitiateFailover", 4096],
      ["GetReplicationStatistics", 0],
    ]);
    expect(lines.filter((l) => l.includes("32774"))).toEqual([
      "[sql-cluster] InitiateFailover: the collection is in use (32774) and no failover job of it is visible; calling again in 2 s",
      "[sql-cluster] InitiateFailover: the collection is in use (32774) and no failover job of it is visible; calling again in 4 s",
    ]);
    expect(await hostState(sim)).toBe(5);
  });

  it("calls again after 32775 while the state allows the call and no job is visible, then succeeds", async () => {
    const { clock, sim, rt, lines } = await setup();
    await sim.injectFault({ kind: "returnCode", method: "InitiateFailover", code: 32775, times: 2 });
    const start = clock.now();

    const created = await rt.create(inputs("failedOver"));

    expect(created.outs).toMatchObject({ failoverState: "failedOver", replicationState: 5 });
    expect((await sim.calls()).map((c) => [c.method, c.returnValue, (c.at - start) / 1000])).toEqual([
      ["InitiateFailover", 32775, 0],
      ["InitiateFailover", 32775, 2],
      ["InitiateFailover", 4096, 6],
      ["GetReplicationStatistics", 0, 9],
    ]);
    expect(lines.filter((l) => l.includes("32775"))).toEqual([
      "[sql-cluster] InitiateFailover: Hyper-V answered 32775 (Invalid state) from a state that allows it, and no failover job of the collection is visible; calling again in 2 s",
      "[sql-cluster] InitiateFailover: Hyper-V answered 32775 (Invalid state) from a state that allows it, and no failover job of the collection is visible; calling again in 4 s",
    ]);
    expect(await hostState(sim)).toBe(5);
  });

  it("keeps calling after 32774 for jobTimeoutSeconds, not a fixed 30 s, then fails naming that patience", async () => {
    const { clock, sim, rt } = await setup();
    await sim.injectFault({ kind: "returnCode", method: "InitiateFailover", code: 32774, times: "always" });
    const start = clock.now();

    const error = await rejection(rt.create(inputs("failedOver", { jobTimeoutSeconds: 120 })));

    const calls = await actingCalls(sim);
    // Pauses of 2, 4, 8, 16, then 30 s (the cap) until 120 s after the first 32774.
    expect(calls.map((c) => [c.method, c.returnValue, (c.at - start) / 1000])).toEqual(
      [0, 2, 6, 14, 30, 60, 90, 120].map((s) => ["InitiateFailover", 32774, s]),
    );
    expect(error.message).toBe(
      `Hyper-V refused the call: InitiateFailover returned 32774 (System is in use) on all 8 attempts ${where("InitiateFailover")}. Another operation is using the collection or one of its VMs; wait for it to finish (the collection's Msvm_ConcreteJob in root/HyperVCluster/v2 shows it, and Get-VMReplication per VM), then run again. The provider called again for jobTimeoutSeconds (120 s) and saw no failover job of this collection it could wait for`,
    );
    expect(await hostState(sim)).toBe(3);
  });

  it("takes 32775 as success when the collection turns out to be reverted already", async () => {
    const { sim, rt, lines } = await setup({
      seed: { replicationState: 5, failedOverReplicationType: 1 },
      tap: {
        // Someone reverts the failover just before our call reaches the host, which then answers 32775.
        async invoke(next, method) {
          if (method === "RevertFailover") await sim.setCollection(ID, { replicationState: 3 });
          return next();
        },
      },
    });

    const updated = await rt.update(ID, olds("failedOver", 5), inputs("normal"));

    expect(updated.outs).toMatchObject({ failoverState: "normal", replicationState: 3, lastOperation: null });
    expect((await sim.calls()).map((c) => [c.method, c.returnValue])).toEqual([
      ["RevertFailover", 32775],
      ["GetReplicationStatistics", 0],
    ]);
    expect(lines).toContain(
      "[sql-cluster] RevertFailover returned 32775, but the collection is already normal",
    );
    expect(await hostState(sim)).toBe(3);
  });

  it("explains 32775 from the state the collection moved to while the call was made", async () => {
    const { sim, rt } = await setup({
      seed: { replicationState: 5, failedOverReplicationType: 1 },
      tap: {
        async invoke(next, method) {
          if (method === "RevertFailover") await sim.setCollection(ID, { replicationState: 6 });
          return next();
        },
      },
    });

    const error = await rejection(rt.update(ID, olds("failedOver", 5), inputs("normal")));

    expect(error.message).toBe(
      `Invalid state: RevertFailover returned 32775 (Invalid state for this operation); it is committed: ReplicationState Committed (6), ReplicationMode Replica ${where("RevertFailover")}. Keep failoverState 'committed'. To fail back, reverse replication (ReverseReplicationRelationship on this cluster) and fail over again from the new primary; then point this resource at the new replica`,
    );
    expect(await methods(sim)).toEqual(["RevertFailover"]);
    expect(await hostState(sim)).toBe(6);
    expect(error.properties).toMatchObject({ failoverState: "committed", replicationState: 6 });
  });

  it("reports a WBEM error without a return value, naming where it happened", async () => {
    const { sim, rt } = await setup();
    await sim.injectFault({
      kind: "wbemError",
      method: "InitiateFailover",
      message: "The method call failed.",
    });

    const error = await rejection(rt.create(inputs("failedOver")));

    expect(error.message).toBe(
      `The CIM call failed: The method call failed. ${where("InitiateFailover")}. Hyper-V gave no return value; the Hyper-V-VMMS-Admin event log on the host has the details`,
    );
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
    expect(await hostState(sim)).toBe(3);
  });
});

describe("a job ends in a terminal state other than Completed", () => {
  it.each([
    [8, "Terminated"],
    [9, "Killed"],
    [10, "Exception"],
  ] as const)("JobState %i (%s) fails with the job's error fields and GetErrorEx", async (jobState, name) => {
    const { sim, rt } = await setup();
    await sim.injectFault({
      kind: "jobFails",
      method: "InitiateFailover",
      jobState,
      errorCode: 32768,
      errorDescription: "The replica VM sql-b could not be failed over.",
      errorSummaryDescription: "Initiate failover failed.",
    });

    const error = await rejection(rt.create(inputs("failedOver")));

    const [call] = await sim.calls();
    expect(error.message).toBe(
      `Hyper-V job failed: job ${call!.jobId} ended ${name} (${jobState}) with ErrorCode 32768: The replica VM sql-b could not be failed over. | Initiate failover failed. ${where("InitiateFailover")}. Refresh the stack to see the collection's state; the Hyper-V-VMMS-Admin event log on the host has the details`,
    );
    expect(await methods(sim)).toEqual(["InitiateFailover", "GetErrorEx"]);
    expect(await hostState(sim)).toBe(3);
    expect(error.properties).toMatchObject({
      failoverState: "normal",
      replicationState: 3,
      lastOperation: { method: "InitiateFailover", jobId: call!.jobId, jobState: name, errorCode: 32768 },
    });
  });
});

describe("a job that never ends", () => {
  const watch = (jobId: string) =>
    `watch it (Get-CimInstance -Namespace root/HyperVCluster/v2 Msvm_ConcreteJob -Filter "InstanceID='${jobId}'"), then run again: the provider waits for a running failover job instead of starting another`;

  it("times out at jobTimeoutSeconds from the call and leaves the job running, naming it", async () => {
    const { sim, rt, clock } = await setup();
    await sim.injectFault({ kind: "jobHangs", method: "InitiateFailover" });

    const error = await rejection(rt.create(inputs("failedOver", { jobTimeoutSeconds: 60 })));

    const [call] = await sim.calls();
    expect(error.message).toBe(
      `Timed out waiting for a Hyper-V job: job ${call!.jobId} did not finish within 60 s (jobTimeoutSeconds) ${where("InitiateFailover")}. The job is still running on the host: ${watch(call!.jobId!)}. Raise jobTimeoutSeconds for long failovers`,
    );
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
    expect(await hostState(sim)).toBe(4);
    expect((await sim.jobs()).map((j) => j.jobState)).toEqual([4]);
    expect(clock.now() - call!.at).toBe(60_000);
    expect(error.properties).toMatchObject({ failoverState: "failoverInProgress", replicationState: 4 });
  });

  it("requests Terminate at the deadline when cancelJobOnTimeout is set and the job is cancellable", async () => {
    const { sim, rt } = await setup();
    await sim.injectFault({ kind: "jobHangs", method: "InitiateFailover" });

    const error = await rejection(
      rt.create(inputs("failedOver", { jobTimeoutSeconds: 60, cancelJobOnTimeout: true })),
    );

    const [call] = await sim.calls();
    expect(error.message).toBe(
      `Timed out waiting for a Hyper-V job: job ${call!.jobId} did not finish within 60 s (jobTimeoutSeconds) ${where("InitiateFailover")}. Termination of the job was requested (RequestStateChange 4); refresh the stack to see where the collection ended up`,
    );
    expect((await sim.calls()).map((c) => [c.method, c.arguments])).toEqual([
      ["InitiateFailover", { Collection: expect.any(Object) }],
      ["RequestStateChange", { RequestedState: 4 }],
      ["GetReplicationStatistics", { Collection: expect.any(Object) }],
    ]);
    expect(await hostState(sim)).toBe(3);
  });

  it("says so when cancelJobOnTimeout is set but the job is not cancellable", async () => {
    const { sim, rt } = await setup({ seed: { replicationState: 5, failedOverReplicationType: 1 } });
    await sim.injectFault({ kind: "jobHangs", method: "RevertFailover" });

    const error = await rejection(
      rt.update(
        ID,
        olds("failedOver", 5),
        inputs("normal", { jobTimeoutSeconds: 60, cancelJobOnTimeout: true }),
      ),
    );

    const [call] = await sim.calls();
    expect(error.message).toBe(
      `Timed out waiting for a Hyper-V job: job ${call!.jobId} did not finish within 60 s (jobTimeoutSeconds) ${where("RevertFailover")}. cancelJobOnTimeout is set, but Hyper-V marks this job as not cancellable, so it was left running on the host: ${watch(call!.jobId!)}`,
    );
    expect(await methods(sim)).toEqual(["RevertFailover"]);
    expect(await hostState(sim)).toBe(5);
  });
});

describe("a job removed from the host before it was seen finishing", () => {
  it("is success when the collection reached the expected state, recorded as Vanished", async () => {
    const { sim, rt } = await setup({ timeBeforeRemovalMs: 0 });

    const created = await rt.create(inputs("failedOver"));

    const [call] = await sim.calls();
    expect(created.outs).toMatchObject({
      failoverState: "failedOver",
      replicationState: 5,
      lastOperation: {
        method: "InitiateFailover",
        jobId: call!.jobId,
        jobState: "Vanished",
        errorCode: null,
      },
    });
    expect(await sim.jobs()).toEqual([]);
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
    expect(await hostState(sim)).toBe(5);
  });

  it("is a clear error when the collection did not reach it", async () => {
    const { sim, rt } = await setup({ timeBeforeRemovalMs: 0 });
    await sim.injectFault({
      kind: "jobFails",
      method: "InitiateFailover",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "Failed.",
    });

    const error = await rejection(rt.create(inputs("failedOver")));

    expect(error.message).toBe(
      `Invalid state: after InitiateFailover, it is normal: ReplicationState Replicating (3), ReplicationMode Replica: its job was removed from the host before it was seen finishing, and the collection did not reach Recovered (5) ${where("InitiateFailover")}. Refresh the stack to record the real state, check the Hyper-V-VMMS-Admin event log on the host, then run again`,
    );
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
    expect(await hostState(sim)).toBe(3);
    expect(error.properties).toMatchObject({
      failoverState: "normal",
      lastOperation: { method: "InitiateFailover", jobState: "Vanished" },
    });
  });
});

describe("the host stops answering", () => {
  const OUTAGE = `${HOST} did not answer (simulated outage)`;

  it("keeps waiting for the job through three dropped reads, and succeeds", async () => {
    let injected: Promise<void> | undefined;
    const { sim, rt, lines } = await setup({
      onLog(line) {
        if (!injected && /InitiateFailover job \S+: \d+% (starting|running), /.test(line)) {
          injected = sim.injectFault({ kind: "unreachable", times: 3 });
        }
      },
    });

    const created = await rt.create(inputs("failedOver"));

    await injected;
    const [call] = await sim.calls();
    expect(created.outs).toMatchObject({
      failoverState: "failedOver",
      replicationState: 5,
      lastOperation: { method: "InitiateFailover", jobId: call!.jobId, jobState: "Completed" },
    });
    expect(lines.filter((l) => l.includes("did not answer"))).toEqual([
      `[sql-cluster] InitiateFailover job ${call!.jobId}: ${OUTAGE}; the job goes on, still waiting`,
    ]);
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
    expect(await hostState(sim)).toBe(5);
  });

  it("fails at the deadline naming the host and the job when the host never answers again", async () => {
    let injected: Promise<void> | undefined;
    const { sim, rt } = await setup({
      onLog(line) {
        if (!injected && /InitiateFailover job \S+: \d+% (starting|running), /.test(line)) {
          injected = sim.injectFault({ kind: "unreachable", times: "always" });
        }
      },
    });

    const error = await rejection(rt.create(inputs("failedOver", { jobTimeoutSeconds: 60 })));

    await injected;
    const [call] = await sim.calls();
    expect(error.message).toBe(
      `Cannot reach the host: ${OUTAGE} ${where("InitiateFailover")}. Contact was lost while waiting for job ${call!.jobId}, which may still be running on the host. Once the host answers again (Test-WSMan, the firewall, the vmms service), watch it (Get-CimInstance -Namespace root/HyperVCluster/v2 Msvm_ConcreteJob -Filter "InstanceID='${call!.jobId}'"), then run again: the provider waits for a running failover job instead of starting another`,
    );
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
    expect(await hostState(sim)).toBe(5);

    await sim.clearFaults();
    const rerun = await rt.create(inputs("failedOver"));
    expect(rerun.outs).toMatchObject({ failoverState: "failedOver", lastOperation: null });
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
  });

  it("looks the collection up again when the first reads are dropped", async () => {
    const { sim, rt, lines } = await setup();
    await sim.injectFault({ kind: "unreachable", times: 2 });

    const created = await rt.create(inputs("failedOver"));

    expect(created.outs).toMatchObject({ failoverState: "failedOver", replicationState: 5 });
    expect(lines.slice(0, 2)).toEqual([
      `[${ID}] ${OUTAGE}; looking the collection up again in 1 s`,
      `[${ID}] ${OUTAGE}; looking the collection up again in 2 s`,
    ]);
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
    expect(await hostState(sim)).toBe(5);
  });

  it("gives up on a read after five tries with back-off, having called nothing", async () => {
    const { sim, rt, seam, clock } = await setup();
    await sim.injectFault({ kind: "unreachable", times: "always" });

    const error = await rejection(rt.create(inputs("failedOver")));

    expect(error.message).toBe(
      `Cannot reach the host: ${OUTAGE} [collection '${ID}', host ${HOST}]. Check the host name, that WinRM listens (Test-WSMan), and the firewall; then run again`,
    );
    expect(seam.map((c) => c.at - seam[0]!.at)).toEqual([0, 1000, 3000, 7000, 15_000]);
    expect(clock.now() - seam[0]!.at).toBe(15_000);
    expect(await methods(sim)).toEqual([]);
    expect(await hostState(sim)).toBe(3);
  });

  it("reads the replication service again when the transport drops that read, then calls once", async () => {
    let dropped = false;
    const { sim, rt, lines } = await setup({
      tap: {
        async query(next, className) {
          if (className === "Msvm_CollectionReplicationService" && !dropped) {
            dropped = true;
            await sim.injectFault({ kind: "unreachable" });
          }
          return next();
        },
      },
    });

    const created = await rt.create(inputs("failedOver"));

    expect(created.outs).toMatchObject({ failoverState: "failedOver", replicationState: 5 });
    expect(lines).toContain(
      `[sql-cluster] InitiateFailover: ${OUTAGE}; reading Msvm_CollectionReplicationService again in 1 s`,
    );
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
    expect(await hostState(sim)).toBe(5);
  });

  it("names the method when the collection cannot be read back after its job completed", async () => {
    let injected: Promise<void> | undefined;
    // Every change is a line without a cadence, so the job's end is seen as it is read.
    const { sim, rt } = await setup({
      progressCadence: null,
      onLog(line) {
        if (!injected && / 100% completed after /.test(line)) {
          injected = sim.injectFault({ kind: "unreachable", times: "always" });
        }
      },
    });

    const error = await rejection(rt.create(inputs("failedOver")));

    await injected;
    expect(error.message).toBe(
      `Cannot reach the host: ${OUTAGE} ${where("InitiateFailover")}. Check the host name, that WinRM listens (Test-WSMan), and the firewall; then run again`,
    );
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
    expect(await hostState(sim)).toBe(5);
  });
});
