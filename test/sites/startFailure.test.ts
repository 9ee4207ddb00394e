/**
 * A StartVMs that fails part-way, through the real plugin on a two-site simulator: the move before it stands, the
 * message names the VM that is not running where the group is to run and says what to do, and the next run starts
 * that VM alone.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PluginError } from "../harness/plugin";
import { withoutProvider } from "../harness/plugin";
import type { Rehearsal } from "./support";
import { callLines, inputs, rehearsal, sharePlugin, siteSummary, stepLines } from "./support";

sharePlugin();

let r: Rehearsal;
let id: string;
let outs: Record<string, unknown>;

beforeEach(async () => {
  r = await rehearsal();
  ({ id, outs } = await r.plugin.create((await r.plugin.check({}, inputs(r, "east"))).inputs));
});
afterEach(async () => r?.close());

async function up(activeSite: string): Promise<PluginError | undefined> {
  const checked = await r.plugin.check({}, inputs(r, activeSite));
  try {
    outs = (await r.plugin.update(id, outs, checked.inputs)).outs;
    return undefined;
  } catch (e) {
    const error = e as PluginError;
    if (error.partial) outs = error.partial.properties;
    return error;
  }
}

describe("a planned move whose last step, StartVMs on west, fails for one VM", () => {
  it("says which VM is not running, and the next run starts it alone", async () => {
    await r.sim.injectFault({
      kind: "jobFails",
      method: "RequestStateChange",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "The virtual machine could not be started",
    });
    const error = await up("west");
    const failed = (await r.sim.jobs()).find((j) => j.method === "RequestStateChange" && j.jobState === 10);
    const vm = (await r.sim.collection(failed!.collectionId))!.members.find(
      (m) => m.id === failed!.vmId,
    )!.name;
    expect(error?.details).toBe(
      `StartVMs on west stopped part-way: '${vm}' is Off (3) on west, where the group is to run. The steps before it stand; run again once the cause below is fixed, and the run starts the VMs that are not running (or start them on west with Start-VM). ` +
        `What stopped it: Hyper-V job failed: job ${failed!.instanceId} ended Exception (10) with ErrorCode 32768: The virtual machine could not be started [collection 'sql-cluster', method RequestStateChange(2) on VM '${vm}', host west (simulator)]. Refresh the stack to see the collection's state; the Hyper-V-VMMS-Admin event log on the host has the details. ` +
        `No site runs every VM of the group now (east: sql-a Off, sql-b Off; west: ${vm === "sql-a" ? "sql-a Off, sql-b Running" : "sql-a Running, sql-b Off"}): once the cause is dealt with, run again to carry on towards activeSite 'west'; the run waits first for any job still running, then takes the steps left`,
    );
    expect(siteSummary(outs, "west")).toMatchObject({
      role: "primary",
      vms: [`sql-a=${vm === "sql-a" ? "Off" : "Running"}`, `sql-b=${vm === "sql-b" ? "Off" : "Running"}`],
    });
    expect(withoutProvider(outs)).toMatchObject({ runningSite: null, lastChange: { outcome: "failed" } });
    // The run's report keeps the message the user saw.
    expect((outs.lastReport as { error: string }).error).toBe(error?.details);

    const from = (await r.sim.calls()).length;
    expect(await up("west")).toBeUndefined();
    const calls = (await r.sim.calls()).slice(from);
    expect(callLines(calls, 0)).toEqual(["west: RequestStateChange(2) -> 4096"]);
    expect(stepLines(outs)).toEqual([`west: StartVMs ${vm} RequestStateChange Completed`]);
    expect(siteSummary(outs, "west")).toMatchObject({ vms: ["sql-a=Running", "sql-b=Running"] });
    expect(withoutProvider(outs)).toMatchObject({ runningSite: "west" });
  });
});
