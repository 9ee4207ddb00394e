/**
 * requestVmState against the simulator on a fake clock: a start another run already asked for settles on the VM's
 * own state and job, a real refusal fails with advice after one call, and 32774 is retried with back-off.
 */
import { describe, expect, it } from "vitest";
import type { VmPowerOptions } from "../../provider/hyperv";
import { DEFAULT_POLLING, DEFAULT_READ_RETRIES, requestVmState, vmRef } from "../../provider/hyperv";
import { jobIdOf, PAYROLL_ID, setup, T0 } from "../simulator/fixtures";

async function payroll(replicationState: number) {
  const fixture = setup();
  await fixture.sim.addCollection({
    id: PAYROLL_ID,
    name: "payroll",
    replicationState,
    failedOverReplicationType: [5, 6].includes(replicationState) ? 1 : 0,
    members: ["pay-db"],
  });
  const [db] = (await fixture.sim.collection(PAYROLL_ID))!.members;
  const lines: string[] = [];
  const options: VmPowerOptions = {
    clock: fixture.clock,
    timeoutSeconds: 60,
    polling: DEFAULT_POLLING,
    cancelOnTimeout: false,
    progress: (line) => lines.push(line),
    busyRetries: { attempts: 2, initialDelayMs: 2000 },
    readRetries: DEFAULT_READ_RETRIES,
    context: { collection: "payroll", host: fixture.session.target },
  };
  // The VM as this run read it before asking: off.
  const vm = { id: db!.id, name: "pay-db", enabledState: 3 };
  const calls = async () => (await fixture.sim.calls()).map((c) => `${c.method} -> ${c.returnValue}`);
  return { ...fixture, vm, lines, options, calls };
}

describe("requestVmState", () => {
  it("waits for the start job another run began (32775 while Starting) and records that job", async () => {
    const { session, vm, lines, options, calls } = await payroll(5);
    const other = await session.invoke(vmRef(vm.id), "RequestStateChange", { RequestedState: 2 });

    const result = await requestVmState(session, vm, 2, options);

    expect(await calls()).toEqual(["RequestStateChange -> 4096", "RequestStateChange -> 32775"]);
    expect(result).toEqual({
      record: {
        method: "RequestStateChange",
        jobId: jobIdOf(other),
        jobState: "Completed",
        errorCode: 0,
        startedAt: new Date(T0).toISOString(),
        finishedAt: expect.any(String),
      },
      outParameters: {},
      vanished: false,
    });
    expect((await session.get(vmRef(vm.id)))?.properties.EnabledState).toBe(2);
    const job = `VM 'pay-db', start: RequestStateChange job ${jobIdOf(other)}`;
    expect(lines).toEqual([
      `RequestStateChange(2) on VM 'pay-db' returned 32775: the VM is Starting, as another run asked; waiting for its job ${jobIdOf(other)} instead`,
      `${job}: 0% starting, 0 s elapsed, time left not known yet`,
      `${job}: 25% running, 0 s elapsed, about 1 s left`,
      `${job}: 50% running, 1 s elapsed, about 1 s left`,
      `${job}: 75% running, 1 s elapsed, about 0 s left`,
      `${job}: 100% completed after 1 s`,
    ]);
  });

  it("succeeds at once, with no job, when the VM is already running (32775)", async () => {
    const { sim, session, vm, lines, options, calls } = await payroll(5);
    await sim.setVmState(PAYROLL_ID, "pay-db", 2);

    const result = await requestVmState(session, vm, 2, options);

    expect(await calls()).toEqual(["RequestStateChange -> 32775"]);
    expect(result.record).toEqual({
      method: "RequestStateChange",
      jobId: null,
      jobState: null,
      errorCode: null,
      startedAt: new Date(T0).toISOString(),
      finishedAt: new Date(T0).toISOString(),
    });
    expect(lines).toEqual([]);
  });

  it("fails a real refusal (a replica VM that is not failed over) with advice, after one call", async () => {
    const { session, vm, options, calls } = await payroll(3);

    await expect(requestVmState(session, vm, 2, options)).rejects.toThrow(
      "Hyper-V refused the call: RequestStateChange(2) on VM 'pay-db' returned 32775 (Invalid state for this operation) [collection 'payroll', method RequestStateChange(2) on VM 'pay-db', host hv-sim (simulator)]. Hyper-V will not start the VM from Off (3); check the VM on its node (per VM: Get-VM), then run again",
    );
    expect(await calls()).toEqual(["RequestStateChange -> 32775"]);
  });

  it("retries 32774 with back-off while the VM stays where it was", async () => {
    const { sim, session, vm, lines, options, calls } = await payroll(5);
    await sim.injectFault({ kind: "returnCode", method: "RequestStateChange", code: 32774 });

    const result = await requestVmState(session, vm, 2, options);

    expect(await calls()).toEqual(["RequestStateChange -> 32774", "RequestStateChange -> 4096"]);
    const job = `VM 'pay-db', start: RequestStateChange job ${result.record.jobId}`;
    expect(result.record).toEqual({
      method: "RequestStateChange",
      jobId: (await sim.jobs())[0]!.instanceId,
      jobState: "Completed",
      errorCode: 0,
      startedAt: new Date(T0 + 2000).toISOString(),
      finishedAt: expect.any(String),
    });
    expect(lines).toEqual([
      "RequestStateChange(2) on VM 'pay-db': the VM is in use (32774); trying again in 2 s",
      `${job}: 0% starting, 0 s elapsed, time left not known yet`,
      `${job}: 25% running, 0 s elapsed, about 1 s left`,
      `${job}: 50% running, 1 s elapsed, about 1 s left`,
      `${job}: 75% running, 1 s elapsed, about 0 s left`,
      `${job}: 100% completed after 1 s`,
    ]);
  });
});
