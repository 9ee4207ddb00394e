/**
 * A drill's networks through the real plugin: the switch each test VM came up on is reported, a drill whose test
 * copies would connect to the replica's production switch is refused before TestReplicaCollection (nothing is
 * called), test VMs that are on a production switch are not started, and allowProductionNetwork lets either through.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { PluginError } from "../harness/plugin";
import type { DrillBench } from "./drillSupport";
import { callsSince, connection, drillBench, SQL } from "./drillSupport";

let bench: DrillBench;
/** What the refused update recorded: the test collection, its VMs off. */
let recorded: { id: string; props: Record<string, unknown>; inputs: Record<string, unknown> };
const program = (extra: Record<string, unknown> = {}) => ({
  collectionId: SQL,
  connection,
  __provider: bench.provider,
  ...extra,
});
const ADAPTER = "C2B4F6A8-1D3E-4F50-8A7B-9C0D1E2F3A4B";
/** Gives each replica VM one adapter on Production with this test-failover switch. */
async function testSwitch(name: string | null) {
  for (const vm of (await bench.sim.collection(SQL))!.members)
    await bench.sim.setNetworkAdapters(vm.id, [
      { id: ADAPTER, name: "Network Adapter", switchName: "Production", testSwitchName: name },
    ]);
}

beforeAll(async () => {
  bench = await drillBench("hvr-drill-networks-");
});
afterAll(async () => {
  await bench?.close();
});

describe("CollectionTestFailover and the replica's networks", () => {
  it("a test-failover switch that is the production switch is refused before any call, naming VM, adapter and switch", async () => {
    await testSwitch("Production");
    const { inputs } = await bench.plugin.check({}, program());
    const before = (await bench.sim.calls()).length;
    const error = (await bench.plugin.create(inputs).catch((e: unknown) => e)) as PluginError;
    expect(error.message).toContain(
      "Refused before TestReplicaCollection: the test copies would connect to a production switch: VM 'sql-a' adapter 'Network Adapter' on switch 'Production'; VM 'sql-b' adapter 'Network Adapter' on switch 'Production', the switch the replica VMs use in production, so the test VMs would clash with them (same addresses, same names). Nothing was called: no test collection was made",
    );
    expect(error.message).toContain(
      "or set allowProductionNetwork: true to run the drill on the production network on purpose",
    );
    expect(await callsSince(bench.sim, before)).toEqual([]);
    expect((await bench.sim.collections()).filter((c) => c.testOf === SQL)).toEqual([]);
  });

  it("an isolated test-failover switch: the test VMs come up on it, and testNetworks says so", async () => {
    await testSwitch("Isolated");
    const { inputs } = await bench.plugin.check({}, program());
    const readsBefore = (await bench.sim.reads()).length;
    const { id, outs } = await bench.plugin.create(inputs);
    const test = (await bench.sim.collections()).find((c) => c.testOf === SQL)!;
    // The host's adapters are read twice: the replica's test switches before TestReplicaCollection, and the test
    // VMs' and the replica VMs' together before starting the test VMs, which the outputs' testNetworks reuse.
    const adapterReads = (await bench.sim.reads())
      .slice(readsBefore)
      .filter((r) => r.className === "Msvm_SyntheticEthernetPortSettingData");
    expect(adapterReads).toHaveLength(2);
    expect(outs.testNetworks).toEqual(
      test.members.map((vm) => ({
        vmId: vm.id,
        name: vm.name,
        adapters: [{ name: "Network Adapter", switchName: "Isolated" }],
      })),
    );
    expect(outs.virtualMachines).toEqual(
      test.members.map((vm) => expect.objectContaining({ id: vm.id, enabledStateName: "Running" })),
    );
    await bench.plugin.delete(id, outs);
  });

  it("test VMs found on a production switch are not started: the test collection stays, its VMs off, and the stack records it", async () => {
    await testSwitch("Isolated");
    const { inputs } = await bench.plugin.check({}, program({ startVirtualMachines: false }));
    const { id, outs } = await bench.plugin.create(inputs);
    const test = (await bench.sim.collections()).find((c) => c.testOf === SQL)!;
    // Someone moves a test VM's adapter onto the production switch before the VMs are started.
    await bench.sim.setNetworkAdapters(test.members[0]!.id, [
      { id: ADAPTER, name: "Network Adapter", switchName: "Production", testSwitchName: null },
    ]);
    const { inputs: news } = await bench.plugin.check(inputs, program({ startVirtualMachines: true }));
    const before = (await bench.sim.calls()).length;
    const error = (await bench.plugin.update(id, outs, news).catch((e: unknown) => e)) as PluginError;
    expect(error.message).toContain(
      `Refused before starting the test VMs: they are connected to a production switch: VM '${test.members[0]!.name}' adapter 'Network Adapter' on switch 'Production'`,
    );
    expect(error.partial).toMatchObject({ id, properties: { testCollectionId: id } });
    recorded = { id, props: error.partial!.properties, inputs: news };
    expect(error.message).toContain("No test VM was started: the test collection stays, its VMs off");
    expect(await callsSince(bench.sim, before)).toEqual([]);
    const after = (await bench.sim.collections()).find((c) => c.testOf === SQL)!;
    expect(after.members.map((m) => m.enabledState)).toEqual([3, 3]);
  });

  it("allowProductionNetwork: true lets the drill start on the production switch", async () => {
    const { inputs: news } = await bench.plugin.check(
      recorded.inputs,
      program({ startVirtualMachines: true, allowProductionNetwork: true }),
    );
    const lines = bench.plugin.stdout.length;
    await bench.plugin.diff(recorded.id, recorded.props, news);
    // Preview shows what the stack recorded of the test VMs' networks, the production switch among them.
    await vi.waitFor(() =>
      expect(bench.plugin.stdout.slice(lines)).toContainEqual(
        expect.stringMatching(
          /the test VMs' networks as recorded: .* adapter 'Network Adapter' on switch 'Production'/,
        ),
      ),
    );
    const before = (await bench.sim.calls()).length;
    const { outs } = await bench.plugin.update(recorded.id, recorded.props, news);
    expect((await callsSince(bench.sim, before)).map((line) => line.split(" ")[0])).toEqual([
      "RequestStateChange(2)",
      "RequestStateChange(2)",
    ]);
    expect(outs.allowProductionNetwork).toBe(true);
    const networks = outs.testNetworks as { adapters: { switchName: string | null }[] }[];
    expect(networks.map((vm) => vm.adapters[0]!.switchName)).toEqual(["Production", "Isolated"]);
  });
});
