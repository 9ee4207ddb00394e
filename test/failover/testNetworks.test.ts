/**
 * The test VMs' networks for a drill's outputs: taken from the run's own read of their adapters when it covers every
 * test VM (starting a VM does not change what its adapters are connected to), read from the host otherwise.
 */
import { describe, expect, it } from "vitest";
import { readTestNetworks } from "../../provider/failover/testNetworks";
import type { VmAdapter } from "../../provider/hyperv";
import { readMembers } from "../../provider/hyperv";
import { HyperVSimulator } from "../../provider/simulator";

const SQL = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
const ADAPTER = "C2B4F6A8-1D3E-4F50-8A7B-9C0D1E2F3A4B";
const context = { collection: "sql-cluster", host: "hv (simulator)" };

async function host() {
  const sim = new HyperVSimulator();
  await sim.addCollection({ id: SQL, name: "sql-cluster", members: ["sql-a", "sql-b"] });
  const members = await readMembers(sim.session(), SQL, context);
  for (const vm of members)
    await sim.setNetworkAdapters(vm.id, [
      { id: ADAPTER, name: "Network Adapter", switchName: "Isolated", testSwitchName: null },
    ]);
  return { sim, members };
}

const adapterReads = async (sim: HyperVSimulator) =>
  (await sim.reads()).filter((r) => r.className === "Msvm_SyntheticEthernetPortSettingData").length;

/** A read made earlier in the run, as readVmAdapters returns it: each VM's one adapter on `switchName`. */
const earlier = (ids: readonly string[], switchName: string) =>
  new Map(
    ids.map((id) => [
      id.toLowerCase(),
      [{ vmId: id, name: "Network Adapter", switchName } as unknown as VmAdapter],
    ]),
  );

describe("readTestNetworks", () => {
  it("uses the run's read when it covers every test VM, and reads nothing", async () => {
    const { sim, members } = await host();
    const before = await adapterReads(sim);
    const networks = await readTestNetworks(
      sim.session(),
      members,
      context,
      earlier(
        members.map((m) => m.id),
        "Read before the start",
      ),
    );
    expect(networks.map((n) => n.adapters)).toEqual([
      [{ name: "Network Adapter", switchName: "Read before the start" }],
      [{ name: "Network Adapter", switchName: "Read before the start" }],
    ]);
    expect(await adapterReads(sim)).toBe(before);
  });

  it("reads the host when the run's read misses a test VM, or when there is none", async () => {
    const { sim, members } = await host();
    const before = await adapterReads(sim);
    const partial = earlier([members[0]!.id], "Read before the start");
    for (const read of [partial, undefined]) {
      const networks = await readTestNetworks(sim.session(), members, context, read);
      expect(networks.map((n) => n.adapters)).toEqual([
        [{ name: "Network Adapter", switchName: "Isolated" }],
        [{ name: "Network Adapter", switchName: "Isolated" }],
      ]);
    }
    expect(await adapterReads(sim)).toBe(before + 2);
  });
});
