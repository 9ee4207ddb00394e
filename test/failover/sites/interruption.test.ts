/**
 * A StopVMs that fails part-way for another reason than a refusal, against the simulator on a fake clock: the
 * site is read again, and where the move has not begun the VMs it shows off are started again. Where the other
 * site runs the group they stay off; what cannot be read or called back is named for the user.
 */
import { describe, expect, it } from "vitest";
import type { CimSession } from "../../../provider/cim";
import { CimError } from "../../../provider/cim";
import type { PowerStep } from "../../../provider/failover/sites/powerStep";
import { RunRecords } from "../../../provider/failover/sites/runRecords";
import { stopVMs } from "../../../provider/failover/sites/vmSteps";
import type { SiteMember } from "../../../provider/hyperv";
import { DEFAULT_POLLING, DEFAULT_READ_RETRIES, vmRef } from "../../../provider/hyperv";
import { PAYROLL_ID, setup } from "../../simulator/fixtures";

const EVIDENCE = "per-VM docs" as const;

/**
 * pay-db and pay-web run on east; the session's reads of the VMs (Msvm_ComputerSystem) fail in transit while
 * `unreadable` is true, from the moment the guests are asked to shut down.
 */
async function east(options: { shutdownTimeoutSeconds?: number } = {}) {
  const { clock, sim, session } = setup();
  await sim.addCollection({
    id: PAYROLL_ID,
    name: "payroll",
    replicationMode: 1,
    members: ["pay-db", "pay-web"],
  });
  const found = (await sim.collection(PAYROLL_ID))!.members;
  for (const m of found) await sim.setVmState(PAYROLL_ID, m.name, 2);
  const members: SiteMember[] = found.map((m) => ({
    id: m.id,
    name: m.name,
    enabledState: 2,
    replicationHealth: 1,
    timeOfLastStateChange: null,
    onTimeMs: null,
  }));
  const link = { unreadable: false, until: Infinity };
  const reads = (refs: readonly { className: string }[]) =>
    refs.some((r) => r.className === "Msvm_ComputerSystem");
  const flaky: CimSession = Object.assign(Object.create(session) as CimSession, {
    invoke: async (...args: Parameters<CimSession["invoke"]>) => {
      const answer = await session.invoke(...args);
      if (args[1] === "InitiateShutdown") link.unreadable = true;
      return answer;
    },
    getMany: async (...args: Parameters<CimSession["getMany"]>) => {
      if (link.unreadable && clock.now() < link.until && reads(args[0]))
        throw new CimError("unreachable", "WinRM cannot complete the operation");
      return session.getMany(...args);
    },
  });
  const records = new RunRecords();
  const lines: string[] = [];
  const step: PowerStep = {
    site: "east",
    session: flaky,
    request: {
      name: "payroll",
      shutdownTimeoutSeconds: options.shutdownTimeoutSeconds ?? 300,
      allowHardPowerOff: false,
    },
    clock,
    context: { collection: "payroll", host: session.target },
    options: {
      clock,
      timeoutSeconds: 600,
      polling: DEFAULT_POLLING,
      cancelOnTimeout: false,
      progress: (line) => lines.push(line),
      busyRetries: { attempts: 2, initialDelayMs: 2000 },
      readRetries: DEFAULT_READ_RETRIES,
    },
    log: (line) => lines.push(line),
    recorded: (action, vm, evidence, call) => records.recorded("east", action, vm, evidence, call),
    keep: (action, vm, evidence, record) => records.keep("east", action, vm, evidence, record),
  };
  const state = async (name: string) => {
    const id = members.find((m) => m.name === name)!.id;
    return (await session.get(vmRef(id)))?.properties.EnabledState;
  };
  const calls = async () =>
    (await sim.calls()).map(
      (c) => `${c.method}(${c.arguments.RequestedState ?? ""}) ${found.find((m) => m.id === c.vmId)?.name}`,
    );
  const stepLines = () => records.steps.map((s) => `${s.action} ${s.vm} ${s.method} ${s.jobState}`);
  return { clock, sim, step, members, link, lines, state, calls, stepLines };
}

const CAUSE =
  "What stopped it: Cannot reach the host: WinRM cannot complete the operation [collection 'payroll', host hv-sim (simulator)]. Check the host name, that WinRM listens (Test-WSMan), and the firewall; then run again";

describe("StopVMs stopped part-way by reads that fail in transit for longer than their retries", () => {
  it("where the move has not begun: reads the site again and starts the VMs it shows off, in one message", async () => {
    const { clock, step, members, link, lines, state, calls, stepLines } = await east();
    // The guests shut down 5 s after they are asked; the wait's reads fail until 20 s, past the retries' 15 s.
    link.until = clock.now() + 20_000;
    const error = await stopVMs(step, members, EVIDENCE, undefined).catch((e: unknown) => e);
    expect((error as Error).name).toBe("StopVMsInterrupted");
    expect((error as Error).message).toBe(
      "StopVMs on east stopped part-way, and nothing after it was called: 'pay-db', 'pay-web' had shut down and were started again, so the group runs on east as before. " +
        CAUSE,
    );
    expect(await calls()).toEqual([
      "InitiateShutdown() pay-db",
      "InitiateShutdown() pay-web",
      "RequestStateChange(2) pay-db",
      "RequestStateChange(2) pay-web",
    ]);
    expect([await state("pay-db"), await state("pay-web")]).toEqual([2, 2]);
    // The wait never saw them off: only the restarts are records of this step.
    expect(stepLines()).toEqual([
      "StartVMs pay-db RequestStateChange Completed",
      "StartVMs pay-web RequestStateChange Completed",
    ]);
    expect(lines).toContain("VM 'pay-db': starting it again, as the move stopped before it began");
    expect(lines).toContain(
      "reading the VMs (Msvm_ComputerSystem): WinRM cannot complete the operation; reading them again in 1 s",
    );
  });

  it("a guest still running when the site is read again is named, not left unsaid", async () => {
    const { clock, sim, step, members, link, state } = await east();
    await sim.setGuestShutdown(PAYROLL_ID, "pay-web", "neverShutsDown");
    link.until = clock.now() + 20_000;
    const error = (await stopVMs(step, members, EVIDENCE, undefined).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      "StopVMs on east stopped part-way, and nothing after it was called: 'pay-db' had shut down and was started again; 'pay-web' is Running (2) on east; its guest may have been asked to shut down, which cannot be called back: check it (Get-VM) and start it if it goes Off. " +
        CAUSE,
    );
    expect([await state("pay-db"), await state("pay-web")]).toEqual([2, 2]);
  });

  it("where the other site runs the group: the VMs off stay off, and nothing is started", async () => {
    const { clock, step, members, link, calls, state } = await east();
    link.until = clock.now() + 20_000;
    const error = (await stopVMs(step, members, EVIDENCE, "west").catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      "StopVMs on east stopped part-way, and nothing after it was called: 'pay-db', 'pay-web' had shut down and stay off, as west runs the group. " +
        CAUSE,
    );
    expect(await calls()).toEqual(["InitiateShutdown() pay-db", "InitiateShutdown() pay-web"]);
    expect([await state("pay-db"), await state("pay-web")]).toEqual([3, 3]);
  });

  it("when the site cannot be read again either: names every VM asked, and what to check", async () => {
    const { step, members, calls } = await east();
    const error = (await stopVMs(step, members, EVIDENCE, undefined).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      "StopVMs on east stopped part-way, and nothing after it was called: 'pay-db', 'pay-web' had been asked to turn off, and east could not be read again (WinRM cannot complete the operation): check them there (Get-VM) and start any that is Off. " +
        CAUSE,
    );
    expect(await calls()).toEqual(["InitiateShutdown() pay-db", "InitiateShutdown() pay-web"]);
  });
});

describe("StopVMs whose reads fail in transit for less than their retries", () => {
  it("goes on waiting, and the guests shut down as asked", async () => {
    const { clock, step, members, link, calls, stepLines } = await east();
    link.until = clock.now() + 2_500;
    await stopVMs(step, members, EVIDENCE, undefined);
    expect(await calls()).toEqual(["InitiateShutdown() pay-db", "InitiateShutdown() pay-web"]);
    expect(stepLines()).toEqual([
      "StopVMs pay-db InitiateShutdown null",
      "StopVMs pay-web InitiateShutdown null",
    ]);
  });
});
