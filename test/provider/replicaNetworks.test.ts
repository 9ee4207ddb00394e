/**
 * ReplicaNetworks' pure parts: the validator behind Check (each rule, and the settings each VM will have once
 * defaults are merged) and the planner (the calls to make, what it refuses, what delete clears). No host involved.
 */
import { describe, expect, it } from "vitest";
import type { MemberVm, VmAdapter } from "../../provider/hyperv";
import { DHCP_ONLY } from "../../provider/hyperv";
import { failoverIpOf, planClearing, planNetworks } from "../../provider/resources/replicaNetworks/plan";
import { validateReplicaNetworksInputs } from "../../provider/resources/replicaNetworks/validate";
import { UNKNOWN } from "../../provider/runtime/types";

const ID = "7c2d4e6f-8a9b-4c0d-9e1f-2a3b4c5d6e7f";
const check = (inputs: Record<string, unknown>) =>
  validateReplicaNetworksInputs({ collectionId: ID, ...inputs });
const reasonFor = (inputs: Record<string, unknown>, property: string) =>
  check(inputs).find((f) => f.property === property)?.reason;

describe("Check", () => {
  it.each([
    ["10.2.0.10", undefined],
    ["10.2.0", "'10.2.0' is not an IPv4 address; write it as four numbers 0-255, such as '10.2.0.10'"],
    [
      "127.0.0.1",
      "'127.0.0.1' is not an address a guest can take (unspecified, loopback, multicast or broadcast); use the address the VM should have on the recovery site",
    ],
    [
      "224.0.0.5",
      "'224.0.0.5' is not an address a guest can take (unspecified, loopback, multicast or broadcast); use the address the VM should have on the recovery site",
    ],
  ])("ipv4Address %s", (address, reason) => {
    const ip = { ipv4Address: address, ipv4SubnetMask: "255.255.255.0" };
    expect(
      reasonFor(
        { virtualMachines: [{ vm: "a", failoverIp: ip }] },
        "virtualMachines[0].failoverIp.ipv4Address",
      ),
    ).toBe(reason);
  });

  it.each([
    ["255.255.255.0", undefined],
    ["255.255.255.255", undefined],
    [
      "0.0.0.0",
      "'0.0.0.0' is not a subnet mask (its ones must come first, such as '255.255.255.0' for a /24)",
    ],
    [
      "255.255.0.255",
      "'255.255.0.255' is not a subnet mask (its ones must come first, such as '255.255.255.0' for a /24)",
    ],
  ])("ipv4SubnetMask %s", (mask, reason) => {
    const ip = { ipv4Address: "10.2.0.10", ipv4SubnetMask: mask };
    expect(
      reasonFor(
        { virtualMachines: [{ vm: "a", failoverIp: ip }] },
        "virtualMachines[0].failoverIp.ipv4SubnetMask",
      ),
    ).toBe(reason);
  });

  it("IPv6: an address, a prefix 1-128, and the address and prefix together", () => {
    const at = (ip: Record<string, unknown>, key: string) =>
      reasonFor({ virtualMachines: [{ vm: "a", failoverIp: ip }] }, `virtualMachines[0].failoverIp.${key}`);
    expect(at({ ipv6Address: "fd00:2::10", ipv6PrefixLength: 64 }, "ipv6Address")).toBeUndefined();
    expect(at({ ipv6Address: "fd00:2::g", ipv6PrefixLength: 64 }, "ipv6Address")).toBe(
      "'fd00:2::g' is not an IPv6 address; write it such as 'fd00:2::10'",
    );
    expect(at({ ipv6Address: "::1", ipv6PrefixLength: 64 }, "ipv6Address")).toContain(
      "is not an address a guest can take",
    );
    expect(at({ ipv6Address: "fd00:2::10", ipv6PrefixLength: 0 }, "ipv6PrefixLength")).toBe(
      "0 is not an IPv6 prefix length; use a whole number from 1 to 128, such as 64",
    );
    expect(at({ ipv6Address: "fd00:2::10" }, "ipv6PrefixLength")).toBe(
      "missing: an IPv6 address needs its prefix length, such as 64 (here or in defaults.failoverIp)",
    );
  });

  it("merges defaults before judging a VM's settings: a shared mask and gateway serve the VM's own address", () => {
    const defaults = { failoverIp: { ipv4SubnetMask: "255.255.255.0", ipv4DefaultGateway: "10.2.0.1" } };
    expect(
      check({ defaults, virtualMachines: [{ vm: "a", failoverIp: { ipv4Address: "10.2.0.10" } }] }),
    ).toEqual([]);
    expect(
      check({ defaults, virtualMachines: [{ vm: "a", failoverIp: { ipv4Address: "10.9.0.10" } }] }),
    ).toEqual([
      {
        property: "virtualMachines[0].failoverIp.ipv4DefaultGateway",
        reason:
          "'10.2.0.1' is not in the subnet of '10.9.0.10' with mask '255.255.255.0'; the guest could not reach it. Use a gateway in that subnet",
      },
    ]);
  });

  it("a value Pulumi does not know yet (preview) passes, and is judged when known", () => {
    expect(
      check({
        defaults: { testFailoverSwitch: UNKNOWN },
        virtualMachines: [{ vm: UNKNOWN, testFailoverSwitch: "Isolated" }],
      }),
    ).toEqual([]);
  });

  it("names unknown properties, with a suggestion", () => {
    expect(check({ virtualMachines: [{ vm: "a", testFailoverSwitc: "Isolated" }] })).toEqual([
      {
        property: "virtualMachines[0].testFailoverSwitc",
        reason: expect.stringContaining("unknown property"),
      },
    ]);
  });
});

const vm = (id: string, name: string) => ({ id, name }) as MemberVm;
const adapter = (
  vmId: string,
  name: string,
  switchName: string | null,
  testSwitchName: string | null = null,
) =>
  ({
    vmId,
    name,
    portId: `Microsoft:${vmId}\\${name}`,
    switchName,
    testSwitchName,
    failoverIp: DHCP_ONLY,
  }) as VmAdapter;

describe("planNetworks", () => {
  const a = vm("aaaaaaaa-0000-4000-8000-000000000001", "sql-a");
  const b = vm("aaaaaaaa-0000-4000-8000-000000000002", "sql-b");
  const adapters = new Map([
    [a.id, [adapter(a.id, "Network Adapter", "Production", "Isolated")]],
    [b.id, [adapter(b.id, "Front", "Production"), adapter(b.id, "Back", "Storage")]],
  ]);
  const switches = ["Production", "Storage", "Isolated"];

  it("calls only what differs from the host, most specific setting first, and records what it manages", () => {
    const plan = planNetworks(
      {
        collectionId: ID,
        defaults: { testFailoverSwitch: "Isolated" },
        virtualMachines: [
          {
            vm: "sql-b",
            adapter: "Front",
            failoverIp: { ipv4Address: "10.2.0.12", ipv4SubnetMask: "255.255.255.0" },
          },
        ],
      },
      [a, b],
      adapters,
      switches,
    );
    expect(plan.refusals).toEqual([]);
    expect(plan.changes.map((c) => [c.kind, c.vm.name, c.adapter.name])).toEqual([
      ["testSwitch", "sql-b", "Front"],
      ["failoverIp", "sql-b", "Front"],
      ["testSwitch", "sql-b", "Back"],
    ]);
    expect(plan.managed.map((m) => [m.adapter, m.testFailoverSwitch, m.failoverIp])).toEqual([
      ["Network Adapter", true, false],
      ["Front", true, true],
      ["Back", true, false],
    ]);
  });

  it("refuses, all at once: an address for a VM with two adapters and none named, a production switch, a missing one", () => {
    const plan = planNetworks(
      {
        collectionId: ID,
        virtualMachines: [
          { vm: "sql-b", failoverIp: { ipv4Address: "10.2.0.12", ipv4SubnetMask: "255.255.255.0" } },
          { vm: "sql-a", testFailoverSwitch: "Storage" },
          { vm: b.id, adapter: "Back", testFailoverSwitch: "Lab" },
        ],
      },
      [a, b],
      adapters,
      switches,
    );
    expect(plan.refusals).toEqual([
      "testFailoverSwitch 'Storage' for VM 'sql-a' adapter 'Network Adapter' is a switch the replica VMs use in production, so a drill would clash with them; name an isolated switch",
      "virtualMachines[0].failoverIp: VM 'sql-b' has 2 network adapters; set adapter to the one the addresses are for",
      "testFailoverSwitch 'Lab' for VM 'sql-b' adapter 'Back' is not a switch of the replica host (it has 'Production', 'Storage', 'Isolated'); create it (New-VMSwitch) or name one of those",
    ]);
  });

  it("IPv4 and IPv6 together: ProtocolIFType 4098, each subnet beside its address", () => {
    expect(
      failoverIpOf(
        { ipv4Address: "10.2.0.12", ipv6Address: "fd00:2::12" },
        { ipv4SubnetMask: "255.255.255.0", ipv6PrefixLength: 64, dnsServers: ["10.2.0.53"] },
      ),
    ).toEqual({
      protocol: 4098,
      dhcpEnabled: false,
      ipAddresses: ["10.2.0.12", "fd00:2::12"],
      subnets: ["255.255.255.0", "64"],
      defaultGateways: [],
      dnsServers: ["10.2.0.53"],
    });
  });

  it("delete clears only what this resource set and the host still holds", () => {
    const managed = [{ vmId: a.id, adapter: "Network Adapter", testFailoverSwitch: true, failoverIp: true }];
    const clearing = planClearing(managed, [], [a, b], adapters, DHCP_ONLY);
    // The failover settings are DHCP already, so only the test switch is cleared.
    expect(clearing.map((c) => [c.kind, c.adapter.name, c.kind === "testSwitch" ? c.to : null])).toEqual([
      ["testSwitch", "Network Adapter", null],
    ]);
  });
});
