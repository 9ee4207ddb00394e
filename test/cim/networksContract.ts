/**
 * A replica VM's networks held to the same contract by every CIM seam: the arrays of embedded instances that
 * ModifyResourceSettings and SetFailoverNetworkAdapterSettings take, and the REF to the VM, travel to the host in
 * root/virtualization/v2 unchanged, and reading the adapters back gives what was set.
 */
import { expect, it } from "vitest";
import type { CimSession } from "../../provider/cim";
import type { FailoverIp } from "../../provider/hyperv";
import { readVmAdapters, setFailoverIp, setTestSwitch } from "../../provider/hyperv";
import type { ContractWorld } from "./contract";

const STATIC: FailoverIp = {
  protocol: 4098,
  dhcpEnabled: false,
  ipAddresses: ["10.2.0.11", "fd00:2::11"],
  subnets: ["255.255.255.0", "64"],
  defaultGateways: ["10.2.0.1"],
  dnsServers: ["10.2.0.53", "fd00:2::53"],
};

async function replicaVm(world: ContractWorld) {
  const group = await world.sim.addCollection({ name: "payroll", replicationMode: 2, members: ["pay-db"] });
  const vm = group.members[0]!;
  const context = { collection: "payroll", host: "hv-replica01" };
  const read = async (session: CimSession) =>
    (await readVmAdapters(session, [vm.id], context)).get(vm.id.toLowerCase())!;
  return { vm, read, options: { clock: world.clock, timeoutSeconds: 60, context } };
}

export function networksContract(world: () => Promise<ContractWorld>): void {
  it("carries a replica VM's test switch and failover addresses, arrays of embedded instances, to the host unchanged", async () => {
    const w = await world();
    const { sim, session } = w;
    const { vm, read, options } = await replicaVm(w);
    const [adapter] = await read(session);
    await setTestSwitch(session, adapter!, "Isolated", options);
    await setFailoverIp(session, vm.id, [{ adapter: adapter!, ip: STATIC }], options);

    const direct = sim.session();
    const [expected] = await read(direct);
    expect(expected).toMatchObject({ testSwitchName: "Isolated", failoverIp: STATIC });
    // What the seam under test reads back is what the host holds, value for value.
    expect(await read(session)).toEqual(await read(direct));

    const calls = await sim.calls();
    expect(calls.map((c) => [c.namespace, c.className, c.method, c.returnValue])).toEqual([
      ["root/virtualization/v2", "Msvm_VirtualSystemManagementService", "ModifyResourceSettings", 0],
      ["root/virtualization/v2", "Msvm_ReplicationService", "SetFailoverNetworkAdapterSettings", 0],
    ]);
    const [modify, failover] = calls;
    expect(modify!.arguments.ResourceSettings).toHaveLength(1);
    expect(String((modify!.arguments.ResourceSettings as string[])[0])).toContain("Isolated");
    expect(failover!.arguments.ComputerSystem).toMatchObject({
      className: "Msvm_ComputerSystem",
      keys: { CreationClassName: "Msvm_ComputerSystem", Name: vm.id },
    });
    const sent = String((failover!.arguments.NetworkSettings as string[])[0]);
    for (const value of [...STATIC.ipAddresses, ...STATIC.dnsServers]) expect(sent).toContain(value);
  });
}
