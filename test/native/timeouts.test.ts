/**
 * The engine's customTimeouts, as the native plugin receives them (the `timeout` seconds of CreateRequest and
 * UpdateRequest), alongside jobTimeoutSeconds: the shorter bound ends the wait, the error names it and the job still
 * running on the host, and the partial failure carries the collection as read again, so the stack records the truth.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { HyperVSimulator } from "../../provider/simulator";
import type { NativePlugin, RpcError } from "../harness/nativePlugin";
import { urnOf } from "../harness/nativePlugin";
import { SQL, TYPE, useNativePlugins } from "./fixtures";

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

describe("an Update whose customTimeouts.update (2 s) is shorter than jobTimeoutSeconds", () => {
  let sim: HyperVSimulator;
  let plugin: NativePlugin;
  let result: { error: RpcError; ms: number };
  const urn = urnOf(TYPE, "update-bound");

  beforeAll(async () => {
    sim = await f.simulator("update.json", [{ id: SQL, name: "sql-cluster" }], SLOW_JOB_MS);
    plugin = await f.pluginFor("update.json");
    const { outs } = await plugin.create(urn, inputs("normal", 1800));
    result = await timedOut(plugin.update(urn, SQL, outs, inputs("failedOver", 1800), [], 2));
  });

  it("stops waiting at the engine's bound, not at jobTimeoutSeconds", () => {
    expect(result.ms).toBeGreaterThanOrEqual(1900);
    expect(result.ms).toBeLessThan(10_000);
  });

  it("names the bound that ran out and the job still running on the host", async () => {
    const [job] = await sim.jobs();
    expect(result.error.message).toContain(
      `Timed out waiting for a Hyper-V job: job ${job!.instanceId} did not finish within 2 s (customTimeouts.update)`,
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
