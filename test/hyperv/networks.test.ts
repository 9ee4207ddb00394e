/**
 * A replica VM's networks through the Hyper-V layer on the simulator: what the adapters read, the exact calls that
 * set a test-failover switch and failover addresses, and that everything else about the adapter is sent back as read.
 */
import { describe, expect, it } from "vitest";
import { parseEmbeddedInstance } from "../../provider/cim";
import { readVmAdapters, setFailoverIp, setTestSwitch } from "../../provider/hyperv";
import { PAYROLL_ID, setup } from "../simulator/fixtures";

async function replica() {
  const fixture = setup();
  await fixture.sim.addCollection({
    id: PAYROLL_ID,
    name: "payroll",
    replicationMode: 2,
    members: ["pay-db"],
  });
  const vm = (await fixture.sim.collection(PAYROLL_ID))!.members[0]!;
  const context = { collection: "payroll", host: fixture.session.target };
  const options = { clock: fixture.clock, timeoutSeconds: 60, context };
  return { ...fixture, vm, context, options };
}

describe("a replica VM's network adapters", () => {
  it("read as the host keeps them: connected to Production, no test switch, DHCP after a failover", async () => {
    const { session, vm, context } = await replica();
    const adapters = (await readVmAdapters(session, [vm.id], context)).get(vm.id.toLowerCase())!;
    expect(adapters.map(({ connection: _c, failover: _f, ...rest }) => rest)).toEqual([
      {
        vmId: vm.id.toLowerCase(),
        name: "Network Adapter",
        portId: expect.stringMatching(new RegExp(`^Microsoft:${vm.id}\\\\`, "i")),
        switchName: "Production",
        testSwitchName: null,
        failoverIp: {
          protocol: 4096,
          dhcpEnabled: true,
          ipAddresses: [],
          subnets: [],
          defaultGateways: [],
          dnsServers: [],
        },
      },
    ]);
  });

  it("read for their switches only, without the one read per adapter that the failover addresses take", async () => {
    const { sim, session, vm, context } = await replica();
    const before = (await sim.reads()).length;
    const [adapter] = (await readVmAdapters(session, [vm.id], context, { failoverIp: false })).get(
      vm.id.toLowerCase(),
    )!;
    expect(adapter).toMatchObject({ switchName: "Production", failoverIp: undefined, failover: undefined });
    const reads = (await sim.reads()).slice(before).map((r) => `${r.op} ${r.className}`);
    expect(reads).toEqual([
      "query Msvm_SyntheticEthernetPortSettingData",
      "query Msvm_EthernetPortAllocationSettingData",
      "query Msvm_VirtualEthernetSwitch",
    ]);
  });

  it("setTestSwitch sends the whole connection back with only TestReplicaSwitchName changed", async () => {
    const { sim, session, vm, context, options } = await replica();
    const [adapter] = (await readVmAdapters(session, [vm.id], context)).get(vm.id.toLowerCase())!;
    await setTestSwitch(session, adapter!, "Isolated", options);
    const [call] = await sim.calls();
    expect({ ...call, arguments: undefined }).toMatchObject({
      namespace: "root/virtualization/v2",
      className: "Msvm_VirtualSystemManagementService",
      method: "ModifyResourceSettings",
      returnValue: 0,
    });
    const sent = parseEmbeddedInstance((call!.arguments.ResourceSettings as string[])[0]!)!;
    const byName = Object.fromEntries(sent.properties.map((p) => [p.name, p.value]));
    expect(byName.TestReplicaSwitchName).toBe("Isolated");
    expect(byName.HostResource).toEqual(adapter!.connection!.properties.HostResource);
    expect(byName.InstanceID).toBe(adapter!.connection!.properties.InstanceID);
    expect((await sim.networkAdapters(vm.id))[0]).toMatchObject({
      switchName: "Production",
      testSwitchName: "Isolated",
    });
  });

  it("setFailoverIp passes the VM and the adapter's own failover instance with the new addresses", async () => {
    const { sim, session, vm, context, options } = await replica();
    const [adapter] = (await readVmAdapters(session, [vm.id], context)).get(vm.id.toLowerCase())!;
    const ip = {
      protocol: 4096,
      dhcpEnabled: false,
      ipAddresses: ["10.2.0.10"],
      subnets: ["255.255.255.0"],
      defaultGateways: ["10.2.0.1"],
      dnsServers: ["10.2.0.53"],
    };
    await setFailoverIp(session, vm.id, [{ adapter: adapter!, ip }], options);
    const [call] = await sim.calls();
    expect(call).toMatchObject({
      className: "Msvm_ReplicationService",
      method: "SetFailoverNetworkAdapterSettings",
      returnValue: 0,
    });
    expect(call!.arguments.ComputerSystem).toEqual({
      className: "Msvm_ComputerSystem",
      keys: { CreationClassName: "Msvm_ComputerSystem", Name: vm.id },
    });
    const again = (await readVmAdapters(session, [vm.id], context)).get(vm.id.toLowerCase())!;
    expect(again[0]!.failoverIp).toEqual(ip);
  });

  it("says what a refused SetFailoverNetworkAdapterSettings (32773) means for a VM and its adapters, and what to check", async () => {
    const { sim, session, vm, context, options } = await replica();
    const [adapter] = (await readVmAdapters(session, [vm.id], context)).get(vm.id.toLowerCase())!;
    // Without the adapter's own failover instance the setting names no adapter, which the host refuses.
    const ip = {
      ...adapter!.failoverIp!,
      dhcpEnabled: false,
      ipAddresses: ["10.2.0.11"],
      subnets: ["255.255.255.0"],
    };
    await expect(
      setFailoverIp(session, vm.id, [{ adapter: { ...adapter!, failover: undefined }, ip }], options),
    ).rejects.toThrow(
      `Hyper-V refused the call: SetFailoverNetworkAdapterSettings returned 32773 (Invalid parameter) [collection 'payroll', method SetFailoverNetworkAdapterSettings, host ${context.host}]. Hyper-V rejected the failover TCP/IP settings: check that the VM is a member of the replica collection on this host and that each adapter's settings name one of its network adapters, then run again`,
    );
    expect((await sim.calls()).map((c) => [c.method, c.returnValue])).toEqual([
      ["SetFailoverNetworkAdapterSettings", 32773],
    ]);
  });
});
