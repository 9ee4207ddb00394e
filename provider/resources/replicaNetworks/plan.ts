/**
 * What ReplicaNetworks must change: from the program's settings and the adapters as read, the calls to make (effects
 * as data, run by apply.ts) and what this resource then manages. Anything that cannot be applied is refused here,
 * all of it at once, before any call.
 *
 * Precedence, most specific first: an entry for the VM and adapter, an entry for the VM, `defaults`.
 * `defaults.failoverIp` fills in only the VMs whose own entry gives an address.
 */
import type { FailoverIp, MemberVm, VmAdapter } from "../../hyperv";
import { PROTOCOL } from "../../hyperv";
import type { FailoverIpInputs, ManagedSetting, ReplicaNetworksInputs, VmNetworkInputs } from "./types";

export type NetworkChange =
  | {
      readonly kind: "testSwitch";
      readonly vm: MemberVm;
      readonly adapter: VmAdapter;
      readonly to: string | null;
    }
  | {
      readonly kind: "failoverIp";
      readonly vm: MemberVm;
      readonly adapter: VmAdapter;
      readonly ip: FailoverIp;
    };

export interface NetworkPlan {
  readonly changes: NetworkChange[];
  readonly managed: ManagedSetting[];
  /** Why the plan cannot be applied; nothing is called when any. */
  readonly refusals: string[];
}

const lower = (s: string | null | undefined) => (s ?? "").toLowerCase();

/** The FailoverIp an entry asks for, over the defaults'. Inferred: an IPv6 subnet is sent as its prefix length. */
export function failoverIpOf(own: FailoverIpInputs, shared: FailoverIpInputs = {}): FailoverIp {
  const ip = { ...shared, ...own };
  const v4 = ip.ipv4Address !== undefined;
  const v6 = ip.ipv6Address !== undefined;
  const pick = (a: string | undefined, b: string | undefined) =>
    [a, b].filter((x): x is string => x !== undefined);
  return {
    protocol: v4 && v6 ? PROTOCOL.both : v6 ? PROTOCOL.ipv6 : PROTOCOL.ipv4,
    dhcpEnabled: false,
    ipAddresses: pick(ip.ipv4Address, ip.ipv6Address),
    subnets: pick(v4 ? ip.ipv4SubnetMask : undefined, v6 ? String(ip.ipv6PrefixLength) : undefined),
    defaultGateways: pick(ip.ipv4DefaultGateway, ip.ipv6DefaultGateway),
    dnsServers: [...(ip.dnsServers ?? [])],
  };
}

const sameIp = (a: FailoverIp | undefined, b: FailoverIp) =>
  a !== undefined && JSON.stringify({ ...a }) === JSON.stringify({ ...b });

function vmOf(entry: VmNetworkInputs, members: readonly MemberVm[]): MemberVm[] {
  return members.filter((m) => lower(m.id) === lower(entry.vm) || m.name === entry.vm);
}

interface Chosen {
  readonly entry: VmNetworkInputs;
  readonly i: number;
  readonly vm: MemberVm | undefined;
}

/** Each entry with the member VM it names; entries that name none, or several, are refused. */
function resolveEntries(
  entries: readonly VmNetworkInputs[],
  members: readonly MemberVm[],
  refusals: string[],
) {
  return entries.map((entry, i): Chosen => {
    const found = vmOf(entry, members);
    if (found.length === 0)
      refusals.push(
        `virtualMachines[${i}].vm '${entry.vm}' is not a member VM of the collection (members: ${members.map((m) => `'${m.name}'`).join(", ")}); name a member by name or id`,
      );
    if (found.length > 1)
      refusals.push(`virtualMachines[${i}].vm '${entry.vm}' names ${found.length} member VMs; name it by id`);
    return { entry, i, vm: found.length === 1 ? found[0] : undefined };
  });
}

/** Entries naming an adapter the VM lacks, or giving addresses without saying which of several adapters. */
function refuseAdapterEntries(
  vm: MemberVm,
  own: readonly VmAdapter[],
  mine: readonly Chosen[],
  refusals: string[],
) {
  for (const { entry, i } of mine) {
    if (entry.adapter !== undefined && !own.some((a) => a.name === entry.adapter))
      refusals.push(
        `virtualMachines[${i}].adapter '${entry.adapter}' is not an adapter of VM '${vm.name}' (it has ${own.map((a) => `'${a.name}'`).join(", ") || "none"})`,
      );
    if (entry.failoverIp !== undefined && entry.adapter === undefined && own.length !== 1)
      refusals.push(
        `virtualMachines[${i}].failoverIp: VM '${vm.name}' has ${own.length} network adapters; set adapter to the one the addresses are for`,
      );
  }
}

interface Host {
  readonly switches: readonly string[];
  /** The switches the replica VMs use in production, lower case. */
  readonly production: ReadonlySet<string>;
}

/** The host's own spelling of a test-failover switch, or a refusal when it has none or it is a production switch. */
function testSwitchOn(host: Host, name: string, where: string, refusals: string[]): string | undefined {
  const found = host.switches.find((s) => lower(s) === lower(name));
  if (found === undefined)
    refusals.push(
      `${where} is not a switch of the replica host (it has ${host.switches.map((s) => `'${s}'`).join(", ")}); create it (New-VMSwitch) or name one of those`,
    );
  else if (host.production.has(lower(found)))
    refusals.push(
      `${where} is a switch the replica VMs use in production, so a drill would clash with them; name an isolated switch`,
    );
  else return found;
  return undefined;
}

export function planNetworks(
  inputs: ReplicaNetworksInputs,
  members: readonly MemberVm[],
  adapters: ReadonlyMap<string, readonly VmAdapter[]>,
  hostSwitches: readonly string[],
): NetworkPlan {
  const refusals: string[] = [];
  const chosen = resolveEntries(inputs.virtualMachines ?? [], members, refusals);
  const production = new Set(
    [...adapters.values()].flat().flatMap((a) => (a.switchName ? [lower(a.switchName)] : [])),
  );
  const host = { switches: hostSwitches, production };
  const changes: NetworkChange[] = [];
  const managed: ManagedSetting[] = [];
  for (const vm of members) {
    const own = adapters.get(lower(vm.id)) ?? [];
    const mine = chosen.filter((c) => c.vm?.id === vm.id);
    refuseAdapterEntries(vm, own, mine, refusals);
    const general = mine.find((c) => c.entry.adapter === undefined)?.entry;
    for (const adapter of own) {
      const specific = mine.find((c) => c.entry.adapter === adapter.name)?.entry;
      const wanted =
        specific?.testFailoverSwitch ?? general?.testFailoverSwitch ?? inputs.defaults?.testFailoverSwitch;
      const where = `testFailoverSwitch '${String(wanted)}' for VM '${vm.name}' adapter '${adapter.name}'`;
      const testSwitch = wanted === undefined ? undefined : testSwitchOn(host, wanted, where, refusals);
      if (testSwitch !== undefined && adapter.testSwitchName !== testSwitch)
        changes.push({ kind: "testSwitch", vm, adapter, to: testSwitch });
      const ipInput = specific?.failoverIp ?? (own.length === 1 ? general?.failoverIp : undefined);
      const ip = ipInput === undefined ? undefined : failoverIpOf(ipInput, inputs.defaults?.failoverIp);
      if (ip !== undefined && !sameIp(adapter.failoverIp, ip))
        changes.push({ kind: "failoverIp", vm, adapter, ip });
      if (wanted !== undefined || ip !== undefined)
        managed.push({
          vmId: vm.id,
          adapter: adapter.name,
          testFailoverSwitch: wanted !== undefined,
          failoverIp: ip !== undefined,
        });
    }
  }
  return { changes, managed, refusals };
}

/** The calls that clear what was managed and is no longer: test switch none, failover settings back to DHCP. */
export function planClearing(
  before: readonly ManagedSetting[],
  after: readonly ManagedSetting[],
  members: readonly MemberVm[],
  adapters: ReadonlyMap<string, readonly VmAdapter[]>,
  dhcp: FailoverIp,
): NetworkChange[] {
  const still = (m: ManagedSetting, what: "testFailoverSwitch" | "failoverIp") =>
    after.some((a) => lower(a.vmId) === lower(m.vmId) && a.adapter === m.adapter && a[what]);
  return before.flatMap((m) => {
    const vm = members.find((v) => lower(v.id) === lower(m.vmId));
    const adapter = adapters.get(lower(m.vmId))?.find((a) => a.name === m.adapter);
    if (vm === undefined || adapter === undefined) return [];
    const out: NetworkChange[] = [];
    if (m.testFailoverSwitch && !still(m, "testFailoverSwitch") && adapter.testSwitchName !== null)
      out.push({ kind: "testSwitch", vm, adapter, to: null });
    if (m.failoverIp && !still(m, "failoverIp") && !sameIp(adapter.failoverIp, dhcp))
      out.push({ kind: "failoverIp", vm, adapter, ip: dhcp });
    return out;
  });
}
