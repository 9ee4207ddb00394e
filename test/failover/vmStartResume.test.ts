/**
 * startVirtualMachines holds on every run while the collection is failed over: a run that stopped part-way through
 * starting the VMs is finished by the next `up`, and a run with every VM recorded running reads nothing more.
 */
import { describe, expect, it } from "vitest";
import { actingCalls, ID, inputs, rejection, setup } from "./fixtures";

const vmStates = (outs: Record<string, unknown>) =>
  (outs.virtualMachines as { name: string; enabledStateName: string }[]).map(
    (vm) => `${vm.name}=${vm.enabledStateName}`,
  );
/** The calls that act, as `method(RequestedState) -> return value` (GetErrorEx reads a failed job's messages). */
const callLines = (calls: Awaited<ReturnType<typeof actingCalls>>) =>
  calls
    .filter((c) => c.method !== "GetErrorEx")
    .map(
      (c) =>
        `${c.method}${c.arguments.RequestedState !== undefined ? `(${String(c.arguments.RequestedState)})` : ""} -> ${c.returnValue}`,
    );

describe("starting the VMs of a failed-over collection", () => {
  it("is finished by the next up after a VM failed to start, then a rerun costs one read", async () => {
    const { sim, rt, seam } = await setup();
    const declared = inputs("failedOver", { startVirtualMachines: true });
    await sim.injectFault({
      kind: "jobFails",
      method: "RequestStateChange",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "'sql-a' failed to start.",
      times: 1,
    });

    const failure = await rejection(rt.create(declared));
    expect(failure.message).toContain("'sql-a' failed to start.");
    const { __provider: _, ...stored } = failure.properties as Record<string, unknown>;
    expect(stored.failoverState).toBe("failedOver");
    // The VMs start together: the one that failed stops no other, and the outputs show what the host shows.
    expect(vmStates(stored)).toEqual(["sql-a=Off", "sql-b=Running"]);
    expect(callLines(await actingCalls(sim))).toEqual([
      "InitiateFailover -> 4096",
      "RequestStateChange(2) -> 4096",
      "RequestStateChange(2) -> 4096",
    ]);

    const from = (await actingCalls(sim)).length;
    const resumed = await rt.update(ID, stored, declared);
    expect(callLines((await actingCalls(sim)).slice(from))).toEqual(["RequestStateChange(2) -> 4096"]);
    expect(vmStates(resumed.outs)).toEqual(["sql-a=Running", "sql-b=Running"]);

    const again = (await actingCalls(sim)).length;
    const seamFrom = seam.length;
    const rerun = await rt.update(ID, resumed.outs, declared);
    expect((await actingCalls(sim)).slice(again)).toEqual([]);
    expect(seam.slice(seamFrom).map((c) => `${c.op} ${c.className}`)).toEqual([
      "get Msvm_VirtualSystemCollection",
    ]);
    expect(vmStates(rerun.outs)).toEqual(["sql-a=Running", "sql-b=Running"]);
  });

  it("is left alone with startVirtualMachines false: the rerun reads the collection only", async () => {
    const { sim, rt, seam } = await setup();
    const declared = inputs("failedOver", { startVirtualMachines: false });
    const created = await rt.create(declared);
    expect(vmStates(created.outs)).toEqual(["sql-a=Off", "sql-b=Off"]);
    const from = (await actingCalls(sim)).length;
    const seamFrom = seam.length;
    await rt.update(ID, created.outs, declared);
    expect((await actingCalls(sim)).slice(from)).toEqual([]);
    expect(seam.slice(seamFrom).map((c) => `${c.op} ${c.className}`)).toEqual([
      "get Msvm_VirtualSystemCollection",
    ]);
  });
});
