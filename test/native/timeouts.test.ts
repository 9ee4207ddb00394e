/**
 * The engine's customTimeouts, as the native plugin receives them (the `timeout` seconds of CreateRequest and
 * UpdateRequest), alongside jobTimeoutSeconds: the shorter bound ends the wait, the error names it and the job still
 * running on the host, and the partial failure carries the collection as read again, so the stack records the truth.
 * The same deadline ends a read the host does not answer, and a wait for guests to shut down (with no hard power-off
 * after it).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { HyperVSimulator } from "../../provider/simulator";
import type { NativePlugin, RpcError } from "../harness/nativePlugin";
import { urnOf } from "../harness/nativePlugin";
import { sitesPair, SQL, TYPE, useNativePlugins } from "./fixtures";

const f = useNativePlugins();

/** A failover job that would run for a minute: far longer than any bound a test sets. */
const SLOW_JOB_MS = 60_000;

const inputs = (failoverState: string, jobTimeoutSeconds: number) => ({
  collectionId: SQL,
  failoverState,
  recoveryPoint: "latest",
  jobTimeoutSeconds,
  cancelJobOnTimeout: false,
});

async function timedOut(operation: Promise<unknown>): Promise<{ error: RpcError; ms: number }> {
  const started = Date.now();
  const error = (await operation.then(
    () => expect.fail("the operation should have timed out"),
    (e: unknown) => e,
  )) as RpcError;
  return { error, ms: Date.now() - started };
}

// The bound leaves the reads before InitiateFailover seconds to spare on a loaded machine: it must run out while the
// job is awaited, which is what these tests are about (a read cut off by the bound has its own test below).
describe("an Update whose customTimeouts.update (5 s) is shorter than jobTimeoutSeconds", () => {
  let sim: HyperVSimulator;
  let plugin: NativePlugin;
  let result: { error: RpcError; ms: number };
  const urn = urnOf(TYPE, "update-bound");

  beforeAll(async () => {
    sim = await f.simulator("update.json", [{ id: SQL, name: "sql-cluster" }], SLOW_JOB_MS);
    plugin = await f.pluginFor("update.json");
    const { outs } = await plugin.create(urn, inputs("normal", 1800));
    result = await timedOut(plugin.update(urn, SQL, outs, inputs("failedOver", 1800), [], 5));
  });

  it("stops waiting at the engine's bound, not at jobTimeoutSeconds", () => {
    expect(result.ms).toBeGreaterThanOrEqual(4900);
    expect(result.ms).toBeLessThan(15_000);
  });

  it("names the bound that ran out and the job still running on the host", async () => {
    const [job] = await sim.jobs();
    expect(result.error.message).toContain(
      `Timed out waiting for a Hyper-V job: job ${job!.instanceId} did not finish within 5 s (customTimeouts.update)`,
    );
    expect(result.error.message).toContain(
      "The job is still running on the host: watch it (Get-CimInstance -Namespace root/HyperVCluster/v2 Msvm_ConcreteJob",
    );
    expect(result.error.message).toMatch(/Raise customTimeouts\.update for long failovers$/);
  });

  it("records the collection as read again, with the job as still running", async () => {
    const [job] = await sim.jobs();
    expect(result.error.partial).toMatchObject({
      id: SQL,
      properties: {
        collectionId: SQL,
        failoverState: "failoverInProgress",
        lastOperation: { method: "InitiateFailover", jobId: job!.instanceId, jobState: "Running" },
      },
    });
    expect((await sim.jobs()).map((j) => ({ method: j.method, finished: j.jobState >= 7 }))).toEqual([
      { method: "InitiateFailover", finished: false },
    ]);
  });
});

describe("a Create whose jobTimeoutSeconds (1 s) is shorter than customTimeouts.create (60 s)", () => {
  it("stops at jobTimeoutSeconds and says so", async () => {
    await f.simulator("create.json", [{ id: SQL, name: "sql-cluster" }], SLOW_JOB_MS);
    const plugin = await f.pluginFor("create.json");
    const { error, ms } = await timedOut(
      plugin.create(urnOf(TYPE, "create-bound"), inputs("failedOver", 1), 60),
    );
    expect(ms).toBeLessThan(10_000);
    expect(error.message).toMatch(/did not finish within 1 s \(jobTimeoutSeconds\)/);
    expect(error.message).toMatch(/Raise jobTimeoutSeconds for long failovers$/);
    expect(error.partial).toMatchObject({ id: SQL, properties: { failoverState: "failoverInProgress" } });
  });
});

describe("a Create with customTimeouts.create (60 s) and jobs that end well within it", () => {
  it("finishes as without a bound", async () => {
    await f.simulator("quick.json", [{ id: SQL, name: "sql-cluster" }], 200);
    const plugin = await f.pluginFor("quick.json");
    const created = await plugin.create(urnOf(TYPE, "quick"), inputs("failedOver", 1800), 60);
    expect(created.outs).toMatchObject({ failoverState: "failedOver", replicationState: 5 });
  });
});

describe("an Update whose customTimeouts.update (2 s) runs out during a read the host does not answer", () => {
  it("stops the read at the bound, names it and the class read, and calls nothing", async () => {
    const sim = await f.simulator("slow-read.json", [{ id: SQL, name: "sql-cluster" }], 200);
    const plugin = await f.pluginFor("slow-read.json");
    const urn = urnOf(TYPE, "slow-read");
    const { outs } = await plugin.create(urn, inputs("normal", 1800));
    const before = (await sim.calls()).length;
    // The next seam call waits 60 s before the host answers it.
    await sim.injectFault({ kind: "slow", delayMs: 60_000 });
    const { error, ms } = await timedOut(plugin.update(urn, SQL, outs, inputs("failedOver", 1800), [], 2));
    expect(ms).toBeLessThan(10_000);
    expect(error.message).toBe(
      `The CIM call timed out: no answer to a read of Msvm_VirtualSystemCollection in root/HyperVCluster/v2 within customTimeouts.update (2 s), the whole operation's bound: the read was abandoned, and changed nothing on the host (calls made before it stand; refresh to see them). Raise customTimeouts.update if the host is slow to answer, or find what holds its WMI up [collection '${SQL}', host slow-read.json (simulator)]`,
    );
    expect((await sim.calls()).slice(before)).toEqual([]);
  });
});

// As above, the bound leaves the reads before the guests are asked to shut down seconds to spare on a loaded machine.
describe("a ReplicatedCollection move whose customTimeouts.update (5 s) ends before shutdownTimeoutSeconds (300)", () => {
  const EAST = SQL;

  it("stops waiting for the guest at the engine's bound, powers nothing off hard, and says where the VMs are", async () => {
    const { sim, plugin, urn, created, moveInputs } = await sitesPair(f, "pair-bound", {
      shutdownTimeoutSeconds: 300,
      allowHardPowerOff: true,
    });
    // sql-a's guest shuts down in 100 ms; sql-b's never does.
    await sim.setJobDuration("InitiateShutdown", 100);
    await sim.setGuestShutdown(EAST, "sql-b", "neverShutsDown");
    const { error, ms } = await timedOut(plugin.update(urn, created.id, created.outs, moveInputs, [], 5));
    expect(ms).toBeGreaterThanOrEqual(4900);
    expect(ms).toBeLessThan(15_000);
    const late = `VM 'sql-b': its guest did not shut down within customTimeouts.update (5 s), the whole operation's bound, before shutdownTimeoutSeconds (300) ran out, and read again then it was Running (2)`;
    const restart = (await sim.jobs()).find((j) => j.method === "RequestStateChange");
    // sql-a's start goes on on the host: the sites as read just after show it not yet running, and the message then
    // says that no site runs the whole group; on a slow machine the start may already have finished.
    const [message, down] = error.message.split(". No site runs every VM of the group now ");
    if (down !== undefined)
      expect(down).toMatch(/^\(east: sql-a \w+, sql-b Running; west: sql-a Off, sql-b Off\): once the cause/);
    expect(message).toBe(
      `Invalid state: StopVMs on east was refused, and nothing after it was called: ${late}; 'sql-a' had shut down; starting it again was asked but not seen through (job ${restart?.instanceId} did not finish within 5 s (customTimeouts.update) and goes on on the host): check that it runs on east (Get-VM) and start any that is Off [collection 'sql-cluster', host east (simulator)]. ` +
        "Nothing was powered off hard: customTimeouts.update had run out. Raise customTimeouts.update (now 5 s) above shutdownTimeoutSeconds (300) so that the guests have their time, or shut them down from inside, then run again",
    );
    // Both guests asked, sql-a started again (2); nothing powered off hard (3), although allowHardPowerOff is true.
    expect((await sim.calls()).map((c) => [c.method, c.arguments.RequestedState])).toEqual([
      ["InitiateShutdown", undefined],
      ["InitiateShutdown", undefined],
      ["RequestStateChange", 2],
    ]);
    // The partial failure records both sites as read again: the group has not moved, sql-b still runs on east.
    const east = (error.partial?.properties.sites as Record<string, { members: unknown[] }>).east;
    expect(error.partial?.properties).toMatchObject({ activeSite: "west", pendingSteps: expect.any(Array) });
    expect(east?.members).toContainEqual(
      expect.objectContaining({ name: "sql-b", enabledStateName: "Running" }),
    );
  });
});
