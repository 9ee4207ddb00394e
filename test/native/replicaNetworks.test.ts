/**
 * ReplicaNetworks through the real native plugin on the simulator: the exact ModifyResourceSettings and
 * SetFailoverNetworkAdapterSettings calls the replica host receives, the outputs read back, update and delete
 * clearing what the resource set, and bad input refused at Check or before any call.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parseEmbeddedInstance } from "../../provider/cim";
import { tokenOf } from "../../provider/doors/native/provider";
import type { HyperVSimulator, MethodCall } from "../../provider/simulator";
import type { NativePlugin, RpcError } from "../harness/nativePlugin";
import { urnOf } from "../harness/nativePlugin";
import { useNativePlugins } from "./fixtures";

const TYPE = tokenOf("ReplicaNetworks");
const REPLICA = "7c2d4e6f-8a9b-4c0d-9e1f-2a3b4c5d6e7f";
const PRIMARY = "8d3e5f70-9bac-4d1e-8f20-3b4c5d6e7f80";
const f = useNativePlugins();

/** The properties of an embedded instance a call carried, by name. */
const sent = (text: unknown) =>
  Object.fromEntries(parseEmbeddedInstance(String(text))!.properties.map((p) => [p.name, p.value]));
const dhcp = { dhcpEnabled: true, ipAddresses: [], subnets: [], defaultGateways: [], dnsServers: [] };

describe("ReplicaNetworks", () => {
  const urn = urnOf(TYPE, "sql-networks");
  let sim: HyperVSimulator;
  let plugin: NativePlugin;
  let db: { id: string; name: string };
  let web: { id: string; name: string };
  let id: string;
  let outs: Record<string, unknown>;
  let applied: Record<string, unknown>;
  const since = async (n: number): Promise<MethodCall[]> => (await sim.calls()).slice(n);

  beforeAll(async () => {
    sim = await f.simulator("networks.json", [], 300);
    await sim.addCollection({
      id: REPLICA,
      name: "sql",
      replicationMode: 2,
      replicationState: 3,
      members: ["sql-db", "sql-web"],
    });
    await sim.addCollection({ id: PRIMARY, name: "sql-primary", replicationMode: 1, members: ["p-db"] });
    const members = (await sim.collection(REPLICA))!.members;
    db = members[0]!;
    web = members[1]!;
    plugin = await f.pluginFor("networks.json");
  });

  const program = {
    collectionId: REPLICA,
    defaults: {
      testFailoverSwitch: "Isolated",
      failoverIp: {
        ipv4SubnetMask: "255.255.255.0",
        ipv4DefaultGateway: "10.2.0.1",
        dnsServers: ["10.2.0.53"],
      },
    },
    virtualMachines: [{ vm: "sql-db", failoverIp: { ipv4Address: "10.2.0.10" } }],
  };

  it("create: ModifyResourceSettings per adapter, then SetFailoverNetworkAdapterSettings for the VM with an address; outputs as the host holds them", async () => {
    const checked = await plugin.check(urn, {}, program);
    expect(checked.failures).toEqual([]);
    ({ id, outs } = await plugin.create(urn, checked.inputs));
    applied = checked.inputs;
    const calls = await since(0);
    expect(calls.map((c) => [c.namespace, c.className, c.method, c.returnValue])).toEqual([
      ["root/virtualization/v2", "Msvm_VirtualSystemManagementService", "ModifyResourceSettings", 0],
      ["root/virtualization/v2", "Msvm_VirtualSystemManagementService", "ModifyResourceSettings", 0],
      ["root/virtualization/v2", "Msvm_ReplicationService", "SetFailoverNetworkAdapterSettings", 0],
    ]);
    const [first, second] = calls.slice(0, 2).map((c) => sent((c.arguments.ResourceSettings as string[])[0]));
    expect([first!.InstanceID, first!.TestReplicaSwitchName]).toEqual([
      `Microsoft:${db.id}\\C2B4F6A8-1D3E-4F50-8A7B-9C0D1E2F3A4B\\C`,
      "Isolated",
    ]);
    expect([second!.InstanceID, second!.TestReplicaSwitchName]).toEqual([
      `Microsoft:${web.id}\\C2B4F6A8-1D3E-4F50-8A7B-9C0D1E2F3A4B\\C`,
      "Isolated",
    ]);
    // The whole connection goes back: the adapter stays on its production switch.
    expect(first!.HostResource).toEqual([
      expect.stringContaining('Name="5e1f3c2a-7d4b-4e8f-9a6c-0b1d2e3f4a51"'),
    ]);
    const ip = calls[2]!.arguments;
    expect(ip.ComputerSystem).toEqual({
      className: "Msvm_ComputerSystem",
      keys: { CreationClassName: "Msvm_ComputerSystem", Name: db.id },
    });
    expect((ip.NetworkSettings as string[]).map(sent)).toEqual([
      {
        InstanceID: `Microsoft:${db.id}\\C2B4F6A8-1D3E-4F50-8A7B-9C0D1E2F3A4B\\Failover`,
        ProtocolIFType: "4096",
        DHCPEnabled: "false",
        IPAddresses: ["10.2.0.10"],
        Subnets: ["255.255.255.0"],
        DefaultGateways: ["10.2.0.1"],
        DNSServers: ["10.2.0.53"],
      },
    ]);
    expect(id).toBe(REPLICA);
    expect(outs).toEqual({
      collectionId: REPLICA,
      collectionName: "sql",
      networks: [
        {
          id: db.id,
          name: "sql-db",
          adapters: [
            {
              name: "Network Adapter",
              switchName: "Production",
              testFailoverSwitch: "Isolated",
              failoverIp: {
                dhcpEnabled: false,
                ipAddresses: ["10.2.0.10"],
                subnets: ["255.255.255.0"],
                defaultGateways: ["10.2.0.1"],
                dnsServers: ["10.2.0.53"],
              },
            },
          ],
        },
        {
          id: web.id,
          name: "sql-web",
          adapters: [
            {
              name: "Network Adapter",
              switchName: "Production",
              testFailoverSwitch: "Isolated",
              failoverIp: dhcp,
            },
          ],
        },
      ],
      managed: [
        { vmId: db.id, adapter: "Network Adapter", testFailoverSwitch: true, failoverIp: true },
        { vmId: web.id, adapter: "Network Adapter", testFailoverSwitch: true, failoverIp: false },
      ],
      defaults: program.defaults,
      virtualMachines: program.virtualMachines,
      hostSystemName: "networks.json",
      jobTimeoutSeconds: 1800,
      connection: null,
    });
  });

  async function up(next: Record<string, unknown>): Promise<MethodCall[]> {
    const news = (await plugin.check(urn, applied, next)).inputs;
    const diff = await plugin.diff(urn, id, outs, news, applied);
    expect({ changes: diff.changes, replaces: diff.replaces }).toEqual({ changes: 2, replaces: [] });
    const before = (await sim.calls()).length;
    outs = await plugin.update(urn, id, outs, news);
    applied = news;
    return since(before);
  }

  it("update: a setting no longer asked for is cleared (sql-web's test switch), and nothing else is called", async () => {
    const calls = await up({
      ...program,
      defaults: { failoverIp: program.defaults.failoverIp },
      virtualMachines: [
        { vm: "sql-db", testFailoverSwitch: "Isolated", failoverIp: { ipv4Address: "10.2.0.10" } },
      ],
    });
    expect(
      calls.map((c) => [
        c.method,
        sent((c.arguments.ResourceSettings as string[])[0]).InstanceID,
        sent((c.arguments.ResourceSettings as string[])[0]).TestReplicaSwitchName,
      ]),
    ).toEqual([
      ["ModifyResourceSettings", `Microsoft:${web.id}\\C2B4F6A8-1D3E-4F50-8A7B-9C0D1E2F3A4B\\C`, null],
    ]);
    expect(outs.managed).toEqual([
      { vmId: db.id, adapter: "Network Adapter", testFailoverSwitch: true, failoverIp: true },
    ]);
    expect((await sim.networkAdapters(web.id))[0]).toMatchObject({
      switchName: "Production",
      testSwitchName: null,
    });
  });

  it("bad input is refused at Check, naming the property, the value and what to do, and nothing is called", async () => {
    const before = (await sim.calls()).length;
    const checked = await plugin.check(
      urn,
      {},
      {
        collectionId: "sql",
        defaults: { testFailoverSwitch: " Isolated", failoverIp: { ipv4Address: "10.2.0.10" } },
        virtualMachines: [
          { vm: "sql-db", failoverIp: { ipv4Address: "10.2.0.300", ipv4SubnetMask: "255.0.255.0" } },
          {
            vm: "sql-web",
            failoverIp: {
              ipv4Address: "10.2.0.11",
              ipv4SubnetMask: "255.255.255.0",
              ipv4DefaultGateway: "10.3.0.1",
            },
          },
          { vm: "sql-app", failoverIp: { ipv6Address: "fd00:2::10", ipv6PrefixLength: 129 } },
          { vm: "sql-web" },
        ],
      },
    );
    expect(checked.failures).toEqual([
      {
        property: "collectionId",
        reason:
          "'sql' is not a GUID; use the replica collection's CollectionID (Get-VMGroup on the replica cluster shows it as Id)",
      },
      {
        property: "defaults.testFailoverSwitch",
        reason:
          "' Isolated' has spaces at its ends; write the switch's name exactly as Get-VMSwitch shows it",
      },
      {
        property: "defaults.failoverIp.ipv4Address",
        reason:
          "an address in defaults would give every VM the same one; set it in each VM's own entry under virtualMachines",
      },
      {
        property: "virtualMachines[0].failoverIp.ipv4Address",
        reason: "'10.2.0.300' is not an IPv4 address; write it as four numbers 0-255, such as '10.2.0.10'",
      },
      {
        property: "virtualMachines[0].failoverIp.ipv4SubnetMask",
        reason:
          "'255.0.255.0' is not a subnet mask (its ones must come first, such as '255.255.255.0' for a /24)",
      },
      {
        property: "virtualMachines[1].failoverIp.ipv4DefaultGateway",
        reason:
          "'10.3.0.1' is not in the subnet of '10.2.0.11' with mask '255.255.255.0'; the guest could not reach it. Use a gateway in that subnet",
      },
      {
        property: "virtualMachines[2].failoverIp.ipv6PrefixLength",
        reason: "129 is not an IPv6 prefix length; use a whole number from 1 to 128, such as 64",
      },
      {
        property: "virtualMachines[3]",
        reason: "sets nothing; give testFailoverSwitch or failoverIp, or remove the entry",
      },
      {
        property: "virtualMachines[3]",
        reason: "names the same VM as virtualMachines[1]; merge the two entries",
      },
    ]);
    expect(await since(before)).toEqual([]);
  });

  it("what the host must refuse is refused before any call: a VM not in the collection, a switch the host lacks, a production switch, a primary collection", async () => {
    const before = (await sim.calls()).length;
    const refusal = async (inputs: Record<string, unknown>) =>
      (
        (await plugin
          .create(urnOf(TYPE, "refused"), { jobTimeoutSeconds: 1800, ...inputs })
          .catch((e: unknown) => e)) as RpcError
      ).message;
    expect(
      await refusal({
        collectionId: REPLICA,
        virtualMachines: [
          { vm: "p-db", testFailoverSwitch: "Isolated" },
          { vm: "sql-web", testFailoverSwitch: "Lab" },
        ],
      }),
    ).toContain(
      "Refused before any call: virtualMachines[0].vm 'p-db' is not a member VM of the collection (members: 'sql-db', 'sql-web'); name a member by name or id; testFailoverSwitch 'Lab' for VM 'sql-web' adapter 'Network Adapter' is not a switch of the replica host (it has 'Production', 'Isolated'); create it (New-VMSwitch) or name one of those",
    );
    expect(
      await refusal({ collectionId: REPLICA, defaults: { testFailoverSwitch: "production" } }),
    ).toContain(
      "testFailoverSwitch 'production' for VM 'sql-db' adapter 'Network Adapter' is a switch the replica VMs use in production, so a drill would clash with them; name an isolated switch",
    );
    expect(await refusal({ collectionId: PRIMARY, defaults: { testFailoverSwitch: "Isolated" } })).toContain(
      "has ReplicationMode 1, not 2 (Replica); ReplicaNetworks sets what the replica VMs do in a drill and after a failover",
    );
    expect(await since(before)).toEqual([]);
  });

  it("delete clears what it set: the test switch (not connected) and the failover settings (DHCP)", async () => {
    const before = (await sim.calls()).length;
    await plugin.delete(urn, id, outs);
    expect((await since(before)).map((c) => c.method)).toEqual([
      "ModifyResourceSettings",
      "SetFailoverNetworkAdapterSettings",
    ]);
    expect(await sim.networkAdapters(db.id)).toEqual([
      {
        id: "C2B4F6A8-1D3E-4F50-8A7B-9C0D1E2F3A4B",
        name: "Network Adapter",
        switchName: "Production",
        testSwitchName: null,
        failover: { protocol: 4096, ...dhcp },
      },
    ]);
  });
});
