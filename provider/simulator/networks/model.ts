/**
 * Virtual switches and member VMs' network adapters, as the state file keeps them.
 *
 * Documented (MicrosoftDocs/Virtualization-Documentation team-blog/2012/20120528-inject-ip-address-into-the-vm-
 * during-failover.md): "When replication is enabled for a VM, the replica VM's network adapters are disconnected by
 * default"; "Administrators need to connect the replica VM to the appropriate switch in the Replica server"; "By
 * default, the network settings under Test Failover is not-connected to any switch. Once the above step is
 * performed, when a test failover is invoked, the newly created VM will be connected to "Private Test Network"
 * switch and the IP address provided under "Failover TCP/IP" will be injected into the test VM."
 *
 * Inferred: every host of the simulator has the same switches (DEFAULT_SWITCHES unless set); a VM seeded without
 * adapters has one, "Network Adapter", connected to "Production", as an administrator leaves a replica VM that is
 * ready for failover; its failover settings start as DHCP with no address; a test copy of an adapter whose test
 * switch names no switch of the host is left unconnected.
 */
import { sameText } from "../constants";
import type { SimState, StoredMember } from "../store/state";
import { untracked } from "../store/tracking";

export interface StoredFailoverIp {
  protocol: number;
  dhcpEnabled: boolean;
  ipAddresses: string[];
  subnets: string[];
  defaultGateways: string[];
  dnsServers: string[];
}

export interface StoredAdapter {
  /** The device's GUID, after the VM's in the InstanceIDs. */
  id: string;
  name: string;
  /** The switch (by name) the adapter is connected to; null when not connected. */
  switchName: string | null;
  /** TestReplicaSwitchName; null when none is set. */
  testSwitchName: string | null;
  failover?: StoredFailoverIp;
}

export interface StoredSwitch {
  /** Msvm_VirtualEthernetSwitch.Name, a GUID. */
  id: string;
  /** ElementName, the name Get-VMSwitch shows. */
  name: string;
}

/** A member with its adapters, as the state file keeps it. */
export type NetworkedMember = StoredMember & { adapters?: StoredAdapter[] };
export type NetworkedState = SimState & { switches?: StoredSwitch[] };

export const DEFAULT_SWITCHES: readonly StoredSwitch[] = [
  { id: "5e1f3c2a-7d4b-4e8f-9a6c-0b1d2e3f4a51", name: "Production" },
  { id: "5e1f3c2a-7d4b-4e8f-9a6c-0b1d2e3f4a52", name: "Isolated" },
];
const DEFAULT_DEVICE = "C2B4F6A8-1D3E-4F50-8A7B-9C0D1E2F3A4B";

export const dhcpOnly = (): StoredFailoverIp => ({
  protocol: 4096,
  dhcpEnabled: true,
  ipAddresses: [],
  subnets: [],
  defaultGateways: [],
  dnsServers: [],
});

export function switchesOf(state: SimState): readonly StoredSwitch[] {
  return (state as NetworkedState).switches ?? DEFAULT_SWITCHES;
}

export function switchNamed(state: SimState, name: string | null): StoredSwitch | undefined {
  return name === null ? undefined : switchesOf(state).find((s) => sameText(s.name, name));
}

const defaultAdapters = (): StoredAdapter[] => [
  { id: DEFAULT_DEVICE, name: "Network Adapter", switchName: "Production", testSwitchName: null },
];

/** The member's adapters, to read: a member seeded without any shows the default one. */
export function adaptersOf(member: StoredMember): readonly StoredAdapter[] {
  return (member as NetworkedMember).adapters ?? defaultAdapters();
}

/** The member's adapters, to change: the default one is written into the member the first time. */
export function editableAdapters(member: StoredMember): StoredAdapter[] {
  const networked = member as NetworkedMember;
  networked.adapters ??= defaultAdapters();
  return networked.adapters;
}

/** The adapters of a replica VM's test copy: each on its test switch, or unconnected (the walk-through above). */
export function testCopyAdapters(state: SimState, replica: StoredMember): StoredAdapter[] {
  return adaptersOf(replica).map((a) => ({
    id: a.id,
    name: a.name,
    switchName: switchNamed(state, a.testSwitchName)?.name ?? null,
    testSwitchName: null,
    // The copy is made from the plain record: a transaction's state is seen through proxies, which cannot be cloned.
    ...(a.failover !== undefined ? { failover: structuredClone(untracked(a.failover)) } : {}),
  }));
}

/** The VM with this id on any host: a member of a collection or a VM outside every collection. */
export function vmById(state: SimState, vmId: string): StoredMember | undefined {
  const members = [...state.collections.flatMap((c) => c.members), ...(state.virtualMachines ?? [])];
  return members.find((m) => sameText(m.id, vmId));
}

/** What a test or a rehearsal gives a VM: its adapters, replacing the ones it has. */
export function setAdapters(state: SimState, vmId: string, adapters: readonly StoredAdapter[]): void {
  const vm = vmById(state, vmId);
  if (vm === undefined) throw new Error(`no simulated VM has the id ${vmId}`);
  for (const a of adapters)
    if (typeof a.id !== "string" || typeof a.name !== "string" || a.name === "")
      throw new TypeError("each adapter needs an id (a GUID) and a non-empty name");
  (vm as NetworkedMember).adapters = structuredClone([...adapters]);
}
