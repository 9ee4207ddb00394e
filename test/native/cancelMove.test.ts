/**
 * Cancel (pulumi cancel, Ctrl-C) during a ReplicatedCollection move. While the primary's guests shut down: the move
 * stops before it began, and the VM already shut down is started again, so the group is not left off on both
 * sites; the cancel ends every wait, so that start is asked and not waited for, and the message says so. While the
 * planned failover's job runs: the job goes on on the host, the group runs on neither site, and the message says
 * so, with each site's VMs, and that a run carries on.
 */
import { describe, expect, it, vi } from "vitest";
import type { RpcError } from "../harness/nativePlugin";
import { sitesPair, SQL as EAST, useNativePlugins } from "./fixtures";

const f = useNativePlugins();

async function pair(name: string) {
  const { sim, plugin, urn, created, moveInputs } = await sitesPair(f, name, { shutdownTimeoutSeconds: 300 });
  const vms = async () =>
    Object.fromEntries((await sim.collection(EAST))!.members.map((m) => [m.name, m.enabledState]));
  /** Moves the pair to west; the promise ends with the error the move fails with. */
  const move = () =>
    plugin.update(urn, created.id, created.outs, moveInputs).catch((e: unknown) => e as RpcError);
  return { sim, plugin, vms, move };
}

describe("a ReplicatedCollection move cancelled while the guests shut down", () => {
  it("starts again the VM that had shut down, and says the start was asked but not waited for", async () => {
    const { sim, plugin, vms, move } = await pair("pair-cancel");
    // sql-a's guest shuts down in 100 ms; sql-b's never does, so the wait goes on until the cancel.
    await sim.setJobDuration("InitiateShutdown", 100);
    await sim.setGuestShutdown(EAST, "sql-b", "neverShutsDown");
    const moving = move();
    await vi.waitFor(async () => expect(await vms()).toEqual({ "sql-a": 3, "sql-b": 2 }), {
      timeout: 10_000,
    });
    await plugin.cancel();
    const error = (await moving) as RpcError;

    expect(error.message).toMatch(
      /^StopVMs on east stopped part-way, and nothing after it was called: 'sql-a' had shut down; starting it again was asked but not seen through \(the operation was cancelled \(pulumi cancel or Ctrl-C\) while waiting; .*\): check that it runs on east \(Get-VM\) and start any that is Off; 'sql-b' is Running \(2\) on east; its guest may have been asked to shut down, which cannot be called back: check it \(Get-VM\) and start it if it goes Off\. What stopped it: the operation was cancelled/,
    );
    expect((await sim.calls()).map((c) => [c.method, c.arguments.RequestedState])).toEqual([
      ["InitiateShutdown", undefined],
      ["InitiateShutdown", undefined],
      ["RequestStateChange", 2],
    ]);
    // The partial failure records the sites as read just after the cancel, with sql-a not running yet: no site runs
    // the whole group then. The start's job goes on on the host, and sql-a runs again: the group has not moved.
    expect(error.partial?.properties).toMatchObject({ activeSite: "west", runningSite: null });
    await vi.waitFor(async () => expect(await vms()).toEqual({ "sql-a": 2, "sql-b": 2 }), {
      timeout: 10_000,
    });
  });
});

describe("a ReplicatedCollection move cancelled while its planned failover's job runs", () => {
  it("says that no site runs the group, with each site's VMs, and that a run carries on", async () => {
    const { sim, plugin, move } = await pair("pair-cancel-job");
    await sim.setJobDuration("InitiateShutdown", 100);
    await sim.setJobDuration("InitiatePlannedFailover", 3_600_000);
    const moving = move();
    await vi.waitFor(
      async () => expect((await sim.jobs()).map((j) => j.method)).toEqual(["InitiatePlannedFailover"]),
      {
        timeout: 10_000,
      },
    );
    await plugin.cancel();
    const error = (await moving) as RpcError;
    expect(error.message).toBe(
      "the operation was cancelled (pulumi cancel or Ctrl-C) while waiting; a Hyper-V job already started goes on on the host. Refresh the stack to record what the host shows. " +
        "No site runs every VM of the group now (east: sql-a Off, sql-b Off; west: sql-a Off, sql-b Off): once the cause is dealt with, run again to carry on towards activeSite 'west'; the run waits first for any job still running, then takes the steps left",
    );
    expect(error.partial?.properties).toMatchObject({ activeSite: "west", runningSite: null });
  });
});
