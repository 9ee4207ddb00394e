/**
 * Reading the network adapters of VMs: for each adapter, the switch it is connected to, the switch its test copy
 * connects to in a test failover, and the addresses it takes after a failover. Reads only; write.ts changes them.
 *
 * Documented: the class facts in classes.ts. Microsoft's walk-through (MicrosoftDocs/Virtualization-Documentation
 * virtualization/community/team-blog/2012/20120528-inject-ip-address-into-the-vm-during-failover.md) reads the
 * adapters as `$vmSettings.GetRelated('Msvm_SyntheticEthernetPortSettingData')` and their failover settings as
 * `GetRelated("Msvm_FailoverNetworkAdapterSettingData")`, and notes "This feature is supported only for synthetic
 * network adapters."
 *
 * Inferred: the GUID in an adapter's InstanceID ("Microsoft:GUID\DeviceSpecificData") is its VM's Name, so one query
 * per class serves every VM, and snapshot settings (their own GUIDs) are left out; a connection's Parent, or else the
 * start of its InstanceID, names its adapter; a HostResource path names the switch by its Name key; a switch name
 * left empty means none.
 */
import type { CimInstance, CimSession, CimValue } from "../../cim";
import { HYPERV_VIRTUALIZATION_NAMESPACE } from "../../cim";
import type { ErrorContext } from "../errors";
import { withContext } from "../errors";
import { NETWORK_CLASS } from "./classes";

const IN_HOST = { namespace: HYPERV_VIRTUALIZATION_NAMESPACE } as const;

/** What an adapter's guest takes after a failover (Msvm_FailoverNetworkAdapterSettingData). */
export interface FailoverIp {
  readonly protocol: number;
  readonly dhcpEnabled: boolean;
  readonly ipAddresses: readonly string[];
  readonly subnets: readonly string[];
  readonly defaultGateways: readonly string[];
  readonly dnsServers: readonly string[];
}

export interface VmAdapter {
  readonly vmId: string;
  /** The adapter's ElementName ("Network Adapter" unless renamed). */
  readonly name: string;
  /** The adapter's Msvm_SyntheticEthernetPortSettingData.InstanceID. */
  readonly portId: string;
  /** The switch the adapter is connected to now; null when it is not connected. */
  readonly switchName: string | null;
  /** TestReplicaSwitchName: where its test copy connects in a test failover; null when none is set. */
  readonly testSwitchName: string | null;
  /** The failover TCP/IP settings, when the host keeps any for the adapter (and they were read). */
  readonly failoverIp: FailoverIp | undefined;
  /** The connection and failover instances as read, which write.ts sends back with its changes. */
  readonly connection: CimInstance | undefined;
  readonly failover: CimInstance | undefined;
}

const text = (value: CimValue | undefined): string | null =>
  typeof value === "string" && value.trim() !== "" ? value : null;
const texts = (value: CimValue | undefined): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

/** The value of `key="..."` in a WMI object path, its backslash escapes undone. */
export function pathKey(path: string, key: string): string | undefined {
  const match = new RegExp(`(?:^|[.,:])${key}="((?:[^"\\\\]|\\\\.)*)"`, "i").exec(path);
  return match?.[1]?.replace(/\\(.)/g, "$1");
}

const vmOf = (instanceId: string): string | undefined =>
  /^Microsoft:([0-9a-f-]{36})\\/i.exec(instanceId)?.[1]?.toLowerCase();

export function toFailoverIp(i: CimInstance): FailoverIp {
  const p = i.properties;
  return {
    protocol: typeof p.ProtocolIFType === "number" ? p.ProtocolIFType : 0,
    dhcpEnabled: p.DHCPEnabled === true,
    ipAddresses: texts(p.IPAddresses),
    subnets: texts(p.Subnets),
    defaultGateways: texts(p.DefaultGateways),
    dnsServers: texts(p.DNSServers),
  };
}

function connectionOf(port: CimInstance, connections: readonly CimInstance[]): CimInstance | undefined {
  const portId = String(port.properties.InstanceID).toLowerCase();
  const parentOf = (c: CimInstance) =>
    pathKey(String(c.properties.Parent ?? ""), "InstanceID")?.toLowerCase();
  return (
    connections.find((c) => parentOf(c) === portId) ??
    connections.find((c) => String(c.properties.InstanceID).toLowerCase().startsWith(`${portId}\\`))
  );
}

function switchNameOf(connection: CimInstance | undefined, switches: ReadonlyMap<string, string>) {
  const resource = texts(connection?.properties.HostResource)[0];
  if (resource === undefined) return null;
  const id = pathKey(resource, "Name")?.toLowerCase();
  return (
    (id !== undefined ? switches.get(id) : undefined) ?? text(connection?.properties.LastKnownSwitchName)
  );
}

/**
 * Every adapter of the given VMs, by VM id (lower case), in the order the host lists them. The failover addresses
 * take one more read per adapter: `failoverIp: false` leaves them out (`failoverIp` and `failover` undefined) for a
 * caller that needs only the switches, as a drill's checks do.
 */
export async function readVmAdapters(
  session: CimSession,
  vmIds: readonly string[],
  context: ErrorContext,
  { failoverIp = true }: { readonly failoverIp?: boolean } = {},
): Promise<Map<string, VmAdapter[]>> {
  try {
    const wanted = new Set(vmIds.map((id) => id.toLowerCase()));
    const mine = (i: CimInstance) => wanted.has(vmOf(String(i.properties.InstanceID)) ?? "");
    // Three reads that depend on none other: asked together, they cost one round trip where the host (or the
    // session pool) answers them side by side.
    const [allPorts, allConnections, allSwitches] = await Promise.all(
      [NETWORK_CLASS.port, NETWORK_CLASS.connection, NETWORK_CLASS.switch].map((c) =>
        session.query(c, undefined, IN_HOST),
      ),
    );
    const ports = (allPorts ?? []).filter(mine);
    const connections = (allConnections ?? []).filter(mine);
    const switches = new Map(
      (allSwitches ?? []).map((s) => [
        String(s.properties.Name).toLowerCase(),
        String(s.properties.ElementName ?? ""),
      ]),
    );
    const byVm = new Map<string, VmAdapter[]>([...wanted].map((id) => [id, []]));
    for (const port of ports) {
      const connection = connectionOf(port, connections);
      const ref = { className: NETWORK_CLASS.port, keys: { InstanceID: String(port.properties.InstanceID) } };
      const options = { association: NETWORK_CLASS.failoverOfPort, resultClass: NETWORK_CLASS.failover };
      const failover = failoverIp ? (await session.associators(ref, options, IN_HOST))[0] : undefined;
      const vmId = vmOf(String(port.properties.InstanceID)) ?? "";
      byVm.get(vmId)?.push({
        vmId,
        name: String(port.properties.ElementName ?? ""),
        portId: String(port.properties.InstanceID),
        switchName: switchNameOf(connection, switches),
        testSwitchName: text(connection?.properties.TestReplicaSwitchName),
        failoverIp: failover === undefined ? undefined : toFailoverIp(failover),
        connection,
        failover,
      });
    }
    return byVm;
  } catch (error) {
    throw withContext(error, context);
  }
}

/** The names of the host's virtual switches (Msvm_VirtualEthernetSwitch.ElementName). */
export async function readSwitchNames(session: CimSession, context: ErrorContext): Promise<string[]> {
  try {
    const switches = await session.query(NETWORK_CLASS.switch, undefined, IN_HOST);
    return switches.map((s) => String(s.properties.ElementName ?? ""));
  } catch (error) {
    throw withContext(error, context);
  }
}
