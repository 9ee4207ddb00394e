/**
 * The network classes of root\virtualization\v2 that the simulator serves: switches, each member VM's synthetic
 * adapters, their switch connections and failover settings, the association between an adapter and its failover
 * settings, and the two services whose methods change them (methods.ts).
 *
 * Documented (MicrosoftDocs/win32 desktop-src/HyperV_v2): msvm-ethernetportallocationsettingdata.md gives InstanceID
 * as "Microsoft:GUID\DeviceSpecificData", Caption and Description "Ethernet Switch Port Settings", ResourceType 33
 * "(Ethernet connection)", HostResource "a reference to the underlying host resource", and the read/write
 * TestReplicaSwitchName; msvm-failovernetworkadaptersettingdata.md the failover properties;
 * msvm-ethernetportfailoversettingdatacomponent.md the association (GroupComponent a RASD, PartComponent the
 * failover settings); msvm-replicationservice.md Name = "replicasvc".
 *
 * Inferred: the device-specific parts of the InstanceIDs ("\C" for a connection, "\Failover" for failover settings;
 * the failover page says InstanceID "is always set to Null", but a setting sent back must name its adapter somehow,
 * and this simulator takes the InstanceID for that); the WMI path forms of Parent and HostResource; the management
 * service's Name "vmms".
 */
import type { CimInstance } from "../../cim";
import { HYPERV_VIRTUALIZATION_NAMESPACE } from "../../cim";
import type { AssociationDef } from "../model/associations";
import type { ClassDef, RenderContext } from "../model/classes";
import { sameText } from "../constants";
import { hostVms } from "../model/hostVms";
import { emptyState, hostCollections, type SimState, type StoredMember } from "../store/state";
import { adaptersOf, dhcpOnly, switchesOf, switchNamed, type StoredAdapter } from "./model";

export const NetCls = {
  port: "Msvm_SyntheticEthernetPortSettingData",
  connection: "Msvm_EthernetPortAllocationSettingData",
  failover: "Msvm_FailoverNetworkAdapterSettingData",
  failoverOfPort: "Msvm_EthernetPortFailoverSettingDataComponent",
  switch: "Msvm_VirtualEthernetSwitch",
  managementService: "Msvm_VirtualSystemManagementService",
  replicationService: "Msvm_ReplicationService",
} as const;

const RASD = ["CIM_ResourceAllocationSettingData", "CIM_SettingData", "CIM_ManagedElement"];

export const portId = (member: StoredMember, adapter: StoredAdapter) =>
  `Microsoft:${member.id}\\${adapter.id}`;
export const connectionId = (member: StoredMember, adapter: StoredAdapter) => `${portId(member, adapter)}\\C`;
export const failoverId = (member: StoredMember, adapter: StoredAdapter) =>
  `${portId(member, adapter)}\\Failover`;

const escapePath = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
const pathOf = (host: string, className: string, keys: string) =>
  `\\\\${host}\\root\\virtualization\\v2:${className}.${keys}`;
export const switchPath = (host: string, id: string) =>
  pathOf(host, NetCls.switch, `CreationClassName="${NetCls.switch}",Name="${id}"`);

/** Every VM the host answers for, with its adapters. */
export function hostAdapters(state: SimState, hostName: string) {
  const members = [
    ...hostCollections(state, hostName).flatMap((c) => c.members),
    ...hostVms(state, hostName),
  ];
  return members.flatMap((member) => adaptersOf(member).map((adapter) => ({ member, adapter })));
}

function portInstance(member: StoredMember, adapter: StoredAdapter): CimInstance {
  return {
    className: NetCls.port,
    properties: { InstanceID: portId(member, adapter), ElementName: adapter.name },
  };
}

function connectionInstance(
  state: SimState,
  ctx: RenderContext,
  member: StoredMember,
  adapter: StoredAdapter,
) {
  const connected = switchNamed(state, adapter.switchName);
  return {
    className: NetCls.connection,
    properties: {
      InstanceID: connectionId(member, adapter),
      Caption: "Ethernet Switch Port Settings",
      Description: "Ethernet Switch Port Settings",
      ElementName: adapter.name,
      ResourceType: 33,
      Parent: pathOf(ctx.hostName, NetCls.port, `InstanceID="${escapePath(portId(member, adapter))}"`),
      HostResource: connected === undefined ? null : [switchPath(ctx.hostName, connected.id)],
      EnabledState: 2,
      LastKnownSwitchName: adapter.switchName,
      TestReplicaSwitchName: adapter.testSwitchName,
    },
  };
}

function failoverInstance(member: StoredMember, adapter: StoredAdapter): CimInstance {
  const ip = adapter.failover ?? dhcpOnly();
  return {
    className: NetCls.failover,
    properties: {
      InstanceID: failoverId(member, adapter),
      ProtocolIFType: ip.protocol,
      DHCPEnabled: ip.dhcpEnabled,
      IPAddresses: ip.ipAddresses,
      Subnets: ip.subnets,
      DefaultGateways: ip.defaultGateways,
      DNSServers: ip.dnsServers,
    },
  };
}

const service = (className: string, name: string) => (_state: SimState, ctx: RenderContext) => [
  {
    className,
    properties: {
      CreationClassName: className,
      Name: name,
      SystemCreationClassName: "Msvm_ComputerSystem",
      SystemName: ctx.hostName,
    },
  },
];
const SERVICE_KEYS = ["CreationClassName", "Name", "SystemCreationClassName", "SystemName"];

const def = (
  name: string,
  keys: readonly string[],
  properties: readonly string[],
  ancestors: readonly string[],
  instances: ClassDef["instances"],
): ClassDef => ({ name, namespace: HYPERV_VIRTUALIZATION_NAMESPACE, keys, properties, ancestors, instances });

const sample = { id: "", name: "", switchName: null, testSwitchName: null };
const sampleMember = { id: "", name: "" };
const propertiesOf = (i: { properties: object }) => Object.keys(i.properties);

export const NETWORK_CLASS_DEFS: readonly ClassDef[] = [
  def(
    NetCls.switch,
    ["CreationClassName", "Name"],
    ["CreationClassName", "Name", "ElementName"],
    [],
    (state) =>
      switchesOf(state).map((s) => ({
        className: NetCls.switch,
        properties: { CreationClassName: NetCls.switch, Name: s.id, ElementName: s.name },
      })),
  ),
  def(NetCls.port, ["InstanceID"], ["InstanceID", "ElementName"], RASD, (state, ctx) =>
    hostAdapters(state, ctx.hostName).map(({ member, adapter }) => portInstance(member, adapter)),
  ),
  def(
    NetCls.connection,
    ["InstanceID"],
    propertiesOf(connectionInstance(emptyState(), { now: 0, hostName: "" }, sampleMember, sample)),
    RASD,
    (state, ctx) =>
      hostAdapters(state, ctx.hostName).map(({ member, adapter }) =>
        connectionInstance(state, ctx, member, adapter),
      ),
  ),
  def(
    NetCls.failover,
    ["InstanceID"],
    propertiesOf(failoverInstance(sampleMember, sample)),
    RASD.slice(1),
    (state, ctx) =>
      hostAdapters(state, ctx.hostName).map(({ member, adapter }) => failoverInstance(member, adapter)),
  ),
  def(
    NetCls.managementService,
    SERVICE_KEYS,
    SERVICE_KEYS,
    ["CIM_Service"],
    service(NetCls.managementService, "vmms"),
  ),
  def(
    NetCls.replicationService,
    SERVICE_KEYS,
    SERVICE_KEYS,
    ["CIM_Service"],
    service(NetCls.replicationService, "replicasvc"),
  ),
];

/** An adapter's settings and its failover settings, followed either way. */
export const FAILOVER_OF_PORT_DEF: AssociationDef = {
  name: NetCls.failoverOfPort,
  related(state, ctx, source) {
    const id = String(source.properties.InstanceID ?? "");
    const from = hostAdapters(state, ctx.hostName);
    if (sameText(source.className, NetCls.port)) {
      const found = from.find(({ member, adapter }) => sameText(portId(member, adapter), id));
      return found === undefined ? [] : [failoverInstance(found.member, found.adapter)];
    }
    if (!sameText(source.className, NetCls.failover)) return [];
    const found = from.find(({ member, adapter }) => sameText(failoverId(member, adapter), id));
    return found === undefined ? [] : [portInstance(found.member, found.adapter)];
  },
};
