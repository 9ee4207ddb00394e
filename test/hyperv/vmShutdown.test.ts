/**
 * stopVms against the simulator on a fake clock: guests are asked at once and waited for together, the wait ends at
 * shutdownTimeoutSeconds to the millisecond, and a hard power off happens only where it is allowed.
 */
import { describe, expect, it } from "vitest";
import type { CimSession } from "../../provider/cim";
import { CimError } from "../../provider/cim";
import type { VmStopOptions } from "../../provider/hyperv";
import {
  DEFAULT_POLLING,
  DEFAULT_READ_RETRIES,
  GuestShutdownRefused,
  InvalidStateError,
  StopInterrupted,
  stopVms,
  vmRef,
} from "../../provider/hyperv";
import { PAYROLL_ID, setup, T0 } from "../simulator/fixtures";

const iso = (ms: number) => new Date(ms).toISOString();

async function payroll(allowHardPowerOff: boolean) {
  const fixture = setup();
  await fixture.sim.addCollection({
    id: PAYROLL_ID,
    name: "payroll",
    replicationMode: 1,
    members: ["pay-db", "pay-web"],
  });
  const members = (await fixture.sim.collection(PAYROLL_ID))!.members;
  for (const m of members) await fixture.sim.setVmState(PAYROLL_ID, m.name, 2);
  const lines: string[] = [];
  const options: VmStopOptions = {
    clock: fixture.clock,
    timeoutSeconds: 60,
    polling: DEFAULT_POLLING,
    cancelOnTimeout: false,
    progress: (line) => lines.push(line),
    busyRetries: { attempts: 2, initialDelayMs: 2000 },
    readRetries: DEFAULT_READ_RETRIES,
    context: { collection: "payroll", host: fixture.session.target },
    shutdownTimeoutSeconds: 30,
    allowHardPowerOff,
  };
  const vms = members.map((m) => ({ id: m.id, name: m.name, enabledState: 2 }));
  const calls = async () =>
    (await fixture.sim.calls()).map((c) => ({
      at: c.at - T0,
      call: `${c.className}.${c.method}(${JSON.stringify(c.arguments)}) -> ${c.returnValue}`,
      vm: members.find((m) => m.id === c.vmId)?.name,
    }));
  const state = async (id: string) => (await fixture.session.get(vmRef(id)))?.properties.EnabledState;
  return { ...fixture, vms, lines, options, calls, state };
}

const SHUTDOWN =
  'Msvm_ShutdownComponent.InitiateShutdown({"Force":false,"Reason":"Hyper-V Replica: the VM group is moving to its other site (pulumi-hyperv-replica)"}) -> 0';

describe("stopVms", () => {
  it("asks every guest at once and records each from its call to the read that saw it Off", async () => {
    const { sim, session, vms, lines, options, calls, state } = await payroll(false);
    const stopped = await stopVms(session, vms, options);
    expect(await calls()).toEqual([
      { at: 0, call: SHUTDOWN, vm: "pay-db" },
      { at: 0, call: SHUTDOWN, vm: "pay-web" },
    ]);
    // The simulated guest takes 5 s; the wait reads every 1 s (four times the 250 ms poll).
    expect(stopped).toEqual(
      vms.map((vm) => ({
        vm,
        way: "guest",
        record: {
          method: "InitiateShutdown",
          jobId: null,
          jobState: null,
          errorCode: null,
          startedAt: iso(T0),
          finishedAt: iso(T0 + 5000),
        },
      })),
    );
    expect(lines).toEqual([
      "VM 'pay-db': shut down (guest, Msvm_ShutdownComponent.InitiateShutdown)",
      "VM 'pay-web': shut down (guest, Msvm_ShutdownComponent.InitiateShutdown)",
      "VM 'pay-db': the guest has shut down (Off)",
      "VM 'pay-web': the guest has shut down (Off)",
    ]);
    expect([await state(vms[0]!.id), await state(vms[1]!.id)]).toEqual([3, 3]);
    expect((await sim.reads()).filter((r) => r.op === "query")).toEqual([
      { at: T0, op: "query", className: "Msvm_ShutdownComponent" },
      { at: T0, op: "query", className: "Msvm_ShutdownComponent" },
    ]);
  });

  it("gives up on a guest at shutdownTimeoutSeconds exactly, and refuses with the VMs already shut down", async () => {
    const { sim, session, vms, options, calls, state } = await payroll(false);
    await sim.setGuestShutdown(PAYROLL_ID, "pay-web", "neverShutsDown");
    const error = await stopVms(session, vms, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuestShutdownRefused);
    const refused = error as GuestShutdownRefused;
    expect(refused.detail).toBe(
      "VM 'pay-web': its guest did not shut down within shutdownTimeoutSeconds (30), and read again then it was Running (2)",
    );
    expect(refused.stopped.map((s) => [s.vm.name, s.way])).toEqual([["pay-db", "guest"]]);
    expect(await calls()).toEqual([
      { at: 0, call: SHUTDOWN, vm: "pay-db" },
      { at: 0, call: SHUTDOWN, vm: "pay-web" },
    ]);
    expect(sim.clock.now() - T0).toBe(30_000);
    expect([await state(vms[0]!.id), await state(vms[1]!.id)]).toEqual([3, 2]);
  });

  it("reads again when the whole operation's bound abandons the wait's last read, and counts a guest that shut down in its last moments", async () => {
    const { sim, clock, session, vms, options, state } = await payroll(false);
    // pay-db's guest shuts down 9.9 s after it is asked, pay-web's never: the operation's bound is at 10 s.
    await sim.setJobDuration("InitiateShutdown", 9_900);
    await sim.setGuestShutdown(PAYROLL_ID, "pay-web", "neverShutsDown");
    const deadline = { at: T0 + 10_000, bound: { setting: "customTimeouts.update", seconds: 10 } };
    // As runtime/boundedReads.ts bounds a read: the one that starts within the last second is still unanswered at
    // the deadline, and is abandoned there with a timeout.
    const straddling: CimSession = Object.assign(Object.create(session) as CimSession, {
      getMany: async (...args: Parameters<CimSession["getMany"]>) => {
        if (clock.now() < deadline.at && clock.now() >= deadline.at - 1_000) {
          clock.advance(deadline.at - clock.now());
          throw new CimError(
            "timeout",
            "no answer to a read of Msvm_ComputerSystem within customTimeouts.update",
          );
        }
        return session.getMany(...args);
      },
    });
    const error = await stopVms(straddling, vms, { ...options, operationDeadline: () => deadline }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GuestShutdownRefused);
    const refused = error as GuestShutdownRefused;
    expect(refused.detail).toBe(
      "VM 'pay-web': its guest did not shut down within customTimeouts.update (10 s), the whole operation's bound, before shutdownTimeoutSeconds (30) ran out, and read again then it was Running (2)",
    );
    // Seen Off by the read after the deadline: the caller starts it again.
    expect(refused.stopped.map((s) => [s.vm.name, s.way])).toEqual([["pay-db", "guest"]]);
    expect([await state(vms[0]!.id), await state(vms[1]!.id)]).toEqual([3, 2]);
  });

  it("with allowHardPowerOff, powers the late guest off with RequestStateChange(3) after the timeout", async () => {
    const { sim, session, vms, lines, options, calls, state } = await payroll(true);
    await sim.setGuestShutdown(PAYROLL_ID, "pay-web", "neverShutsDown");
    const stopped = await stopVms(session, vms, options);
    expect(await calls()).toEqual([
      { at: 0, call: SHUTDOWN, vm: "pay-db" },
      { at: 0, call: SHUTDOWN, vm: "pay-web" },
      {
        at: 30_000,
        call: 'Msvm_ComputerSystem.RequestStateChange({"RequestedState":3}) -> 4096',
        vm: "pay-web",
      },
    ]);
    expect(stopped.map((s) => [s.vm.name, s.way, s.record.method])).toEqual([
      ["pay-db", "guest", "InitiateShutdown"],
      ["pay-web", "hard", "RequestStateChange"],
    ]);
    expect(lines).toContain(
      "VM 'pay-web': power off (hard, RequestStateChange 3): its guest did not shut down within shutdownTimeoutSeconds (30), and read again then it was Running (2); allowHardPowerOff is true",
    );
    expect([await state(vms[0]!.id), await state(vms[1]!.id)]).toEqual([3, 3]);
  });

  it("fails part-way as a StopInterrupted that lists the VMs asked and those already off", async () => {
    const { sim, session, vms, options, state } = await payroll(true);
    await sim.setGuestShutdown(PAYROLL_ID, "pay-web", "neverShutsDown");
    await sim.injectFault({
      kind: "jobFails",
      method: "RequestStateChange",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "The virtual machine could not be turned off",
    });
    const error = await stopVms(session, vms, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StopInterrupted);
    const interrupted = error as StopInterrupted;
    expect(interrupted.asked.map((vm) => vm.name)).toEqual(["pay-db", "pay-web"]);
    expect(interrupted.stopped.map((s) => [s.vm.name, s.way])).toEqual([["pay-db", "guest"]]);
    expect(interrupted.message).toMatch(/The virtual machine could not be turned off/);
    expect([await state(vms[0]!.id), await state(vms[1]!.id)]).toEqual([3, 2]);
  });

  it("names a guest's refusal in the page's words, without waiting for it; a refused VM already Off counts as shut down", async () => {
    const { sim, session, vms, options, calls } = await payroll(false);
    await sim.injectFault({ kind: "returnCode", method: "InitiateShutdown", code: 32781 });
    const error = (await stopVms(session, vms, options).catch((e: unknown) => e)) as GuestShutdownRefused;
    expect(error.detail).toBe(
      "VM 'pay-db': InitiateShutdown returned 32781 (The machine is locked and cannot be shut down without the force option)",
    );
    expect(error.stopped.map((s) => [s.vm.name, s.record.finishedAt])).toEqual([["pay-web", iso(T0 + 5000)]]);
    expect(await calls()).toEqual([
      { at: 0, call: SHUTDOWN.replace(/0$/, "32781"), vm: "pay-db" },
      { at: 0, call: SHUTDOWN, vm: "pay-web" },
    ]);

    await sim.setVmState(PAYROLL_ID, "pay-db", 3);
    await sim.injectFault({ kind: "returnCode", method: "InitiateShutdown", code: 32775 });
    const again = await stopVms(session, [vms[0]!], options);
    expect(again.map((s) => [s.vm.name, s.way])).toEqual([["pay-db", "guest"]]);
  });

  it("refuses a VM whose guest service does not answer (OperationalStatus 12 No Contact) before any call", async () => {
    const { session, vms, options, calls } = await payroll(false);
    // The simulator's components always answer (2); a host where the guest service is not running shows 12.
    const silent: CimSession = Object.assign(Object.create(session) as CimSession, {
      query: async (...args: Parameters<CimSession["query"]>) =>
        (await session.query(...args)).map((c) => ({
          ...c,
          properties: { ...c.properties, OperationalStatus: [12] },
        })),
    });
    const error = await stopVms(silent, [vms[0]!], options).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /^Invalid state: a guest shutdown \(Msvm_ShutdownComponent.InitiateShutdown\) is not possible for VM 'pay-db': its Msvm_ShutdownComponent has OperationalStatus 12 \(No Contact: The guest service is not installed or has not yet been contacted\), so the guest would not hear the request; nothing was turned off /,
    );
    expect(await calls()).toEqual([]);
  });

  it("refuses a Saved VM before any call without allowHardPowerOff, and powers it off without asking with it", async () => {
    const { sim, session, vms, options, calls } = await payroll(false);
    await sim.setVmState(PAYROLL_ID, "pay-web", 6);
    const saved = [vms[0]!, { ...vms[1]!, enabledState: 6 }];
    const error = await stopVms(session, saved, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidStateError);
    expect((error as Error).message).toBe(
      "Invalid state: a guest shutdown (Msvm_ShutdownComponent.InitiateShutdown) is not possible for VM 'pay-web': it is Saved (6), so its guest is not running to be asked; nothing was turned off [collection 'payroll', host hv-sim (simulator)]. " +
        "Enable the Shutdown integration service in those VMs (Enable-VMIntegrationService -Name Shutdown), start any that are Saved or Paused, or connect to the node that runs them, or set allowHardPowerOff: true to power such VMs off (RequestStateChange 3), which loses what their guests have not written to disk",
    );
    expect(await calls()).toEqual([]);

    const stopped = await stopVms(session, saved, { ...options, allowHardPowerOff: true });
    expect(await calls()).toEqual([
      { at: 0, call: SHUTDOWN, vm: "pay-db" },
      {
        at: 5000,
        call: 'Msvm_ComputerSystem.RequestStateChange({"RequestedState":3}) -> 4096',
        vm: "pay-web",
      },
    ]);
    expect(stopped.map((s) => [s.vm.name, s.way])).toEqual([
      ["pay-db", "guest"],
      ["pay-web", "hard"],
    ]);
  });
});
