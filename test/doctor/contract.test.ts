/**
 * The contract doctor checks (hyperv/contract.ts) against what the provider really sends: a failover with the VMs
 * started (one start fails, so the job's errors are read), a revert, a failover again and a commit, run through the
 * runtime on the simulator. Every method called, every argument passed and every class read must be in the contract,
 * so that code that starts to send something new fails here until doctor checks it too.
 */
import { describe, expect, it } from "vitest";
import { PROVIDER_CONTRACT } from "../../provider/hyperv/contract";
import { ID, inputs, olds, setup } from "../failover/fixtures";

const need = (className: string) => PROVIDER_CONTRACT.find((c) => c.className === className);

describe("the provider's contract", () => {
  it("lists every class, method and argument the provider sends in a failover, revert and commit", async () => {
    const { sim, rt } = await setup();
    await sim.injectFault({
      kind: "jobFails",
      method: "RequestStateChange",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "'sql-a' failed to start.",
      times: 1,
    });
    const started = inputs("failedOver", { startVirtualMachines: true });
    await rt.create(started).catch(() => undefined);
    const failedOver = await rt.update(ID, { ...olds("failedOver", 5) }, started);
    const normal = await rt.update(ID, failedOver.outs, inputs("normal"));
    const again = await rt.update(ID, normal.outs, inputs("failedOver"));
    await rt.update(ID, again.outs, inputs("committed"));

    const calls = await sim.calls();
    const sent = calls.map((c) => `${c.className}.${c.method}(${Object.keys(c.arguments).sort().join(",")})`);
    const unlisted = calls.filter((c) => {
      const method = need(c.className)?.methods.find((m) => m.name === c.method);
      return (
        method === undefined ||
        Object.keys(c.arguments).some(
          (a) => !method.parameters.some((p) => p.name === a && p.direction === "in"),
        )
      );
    });
    expect(new Set(sent)).toEqual(
      new Set([
        "Msvm_CollectionReplicationService.InitiateFailover(Collection)",
        "Msvm_CollectionReplicationService.GetReplicationStatistics(Collection)",
        "Msvm_ComputerSystem.RequestStateChange(RequestedState)",
        "Msvm_ConcreteJob.GetErrorEx()",
        "Msvm_CollectionReplicationService.RevertFailover(Collection)",
        "Msvm_CollectionReplicationService.CommitFailover(Collection)",
      ]),
    );
    expect(unlisted).toEqual([]);
    const read = new Set((await sim.reads()).map((r) => r.className));
    expect([...read].filter((c) => need(c) === undefined)).toEqual([]);
  });
});
