/**
 * doctor through the real PowerShell bridge (bridgeDoctor.ps1), with the stand-in CimCmdlets in front of the
 * simulator: Get-CimClass answers the simulator's class definitions, the host facts come from this pwsh, and the
 * endpoint receives reads only, never a method call.
 */
import { describe, expect, it } from "vitest";
import type { CimIntrospection } from "../../provider/cim";
import { FakeClock } from "../../provider/clock";
import { runDoctor } from "../../provider/doctor/run";
import { PROVIDER_CONTRACT } from "../../provider/hyperv/contract";
import { HyperVSimulator } from "../../provider/simulator";
import { useBridgeFixture } from "./fixture";
import { findPwsh, skipTitle } from "./pwsh";

const pwsh = findPwsh();
const T0 = Date.UTC(2026, 10, 23, 21, 0, 0);

describe.skipIf(!pwsh.path)(skipTitle("doctor through the PowerShell bridge", pwsh), () => {
  const fixture = useBridgeFixture(pwsh);

  it("reads the same class definitions the simulator holds, and names a class the host lacks", async () => {
    fixture.sim = new HyperVSimulator({ clock: new FakeClock(T0), hostName: "hv-replica01" });
    const session = fixture.local() as ReturnType<typeof fixture.local> & CimIntrospection;
    const direct = fixture.sim.session();
    for (const need of PROVIDER_CONTRACT) {
      const [bridged] = await session.classes([need.className], need.namespace);
      const [held] = await direct.classes([need.className], need.namespace);
      expect(bridged).toEqual(held);
    }
    expect(await session.classes(["Msvm_NoSuchClass"], "root/HyperVCluster/v2")).toEqual([undefined]);
  });

  it("passes every check on a healthy replica, and the host receives no method call", async () => {
    fixture.sim = new HyperVSimulator({ clock: new FakeClock(T0), hostName: "hv-replica01" });
    await fixture.sim.addCollection({ name: "sql-cluster", members: ["sql-a"], recoveryPoints: 2 });
    const before = fixture.server.requests.length;
    const run = await runDoctor(fixture.local(), {
      collections: [{ name: "sql-cluster" }],
      now: () => T0 + 2_000,
      maxPointAgeMs: 3_600_000,
    });
    const failed = run.report.checks.filter((c) => c.status === "fail");
    expect(failed).toEqual([]);
    expect(run.facts).toMatchObject({ psEdition: "Core", hostTime: new Date(T0).toISOString() });
    expect(run.facts?.cimCmdlets).toMatch(/^HvrFakeCimCmdlets /);
    expect(run.report.checks.find((c) => c.id === "clock")?.detail).toBe("the host is 2 s behind the agent");
    expect(run.definitions.map((d) => d.className)).toEqual(PROVIDER_CONTRACT.map((c) => c.className));
    const ops = fixture.server.requests.slice(before).map((r) => (JSON.parse(r) as { op: string }).op);
    expect(ops).not.toContain("invoke");
    expect(new Set(ops)).toEqual(new Set(["classes", "query", "associators"]));
    expect(await fixture.sim.calls()).toEqual([]);
  });
});
