/** Errors raised outside a reconcile (refresh, opening the session) still name the collection and the host. */
import { describe, expect, it } from "vitest";
import { CimError } from "../../provider/cim";
import { FakeClock } from "../../provider/clock";
import { createRuntime } from "../../provider/doors/dynamic";
import { HOST, ID, inputs, setup } from "../failover/fixtures";

describe("refresh", () => {
  it("reads through dropped reads and shows the host's state", async () => {
    const { sim, rt, lines } = await setup();
    const created = await rt.create(inputs("normal"));
    await sim.injectFault({ kind: "unreachable", times: 2 });

    const read = await rt.read(ID, created.outs!);

    // Two back-offs (1 s, 2 s) later: the read is stamped with the time it was made. A refresh reads the health
    // and member VMs that the no-op create left unread.
    const at = "2026-11-23T21:00:03.000Z";
    expect(read).toEqual({
      id: ID,
      props: {
        ...created.outs,
        observedAt: at,
        healthObservedAt: at,
        replicationHealth: "Ok",
        virtualMachines: (await sim.collection(ID))!.members.map((vm) => ({
          name: vm.name,
          id: vm.id,
          enabledState: 3,
          enabledStateName: "Off",
          replicationState: 3,
          replicationHealth: "Ok",
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
    expect(lines).toEqual([
      `[sql-cluster] ${HOST} did not answer (simulated outage); reading the collection again in 1 s`,
      `[sql-cluster] ${HOST} did not answer (simulated outage); reading the collection again in 2 s`,
    ]);
  });

  it("names the collection by its stored name when the host never answers", async () => {
    const { sim, rt } = await setup();
    const created = await rt.create(inputs("normal"));
    await sim.injectFault({ kind: "unreachable", times: "always" });

    await expect(rt.read(ID, created.outs!)).rejects.toThrow(
      `Cannot reach the host: ${HOST} did not answer (simulated outage) [collection 'sql-cluster', host ${HOST}]. Check the host name, that WinRM listens (Test-WSMan), and the firewall; then run again`,
    );
  });
});

describe("a session that cannot be opened", () => {
  it("names the collection and where the connection points", async () => {
    const rt = createRuntime({
      clock: new FakeClock(),
      log: () => undefined,
      openSession: async () => {
        throw new CimError("unreachable", "WinRM cannot complete the operation");
      },
    });

    await expect(
      rt.create(inputs("failedOver", { connection: { transport: "wsman", host: "hv-replica01" } })),
    ).rejects.toThrow(
      `Cannot reach the host: WinRM cannot complete the operation [collection '${ID}', host hv-replica01 (wsman)]. Check the host name, that WinRM listens (Test-WSMan), and the firewall; then run again`,
    );
  });
});
