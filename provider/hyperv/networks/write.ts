/**
 * Changing what a replica VM's adapters do in a drill and after a failover: the switch the test copy connects to, and
 * the failover TCP/IP settings. Each call sends back the instance read (read.ts) with only the fields it changes, so
 * nothing else about the adapter is touched.
 *
 * Documented:
 * - modifyresourcesettings-msvm-virtualsystemmanagementservice.md: ModifyResourceSettings(ResourceSettings[], out
 *   ResultingResourceSettings[], out Job): "An array of strings that contain an embedded instance of a class derived
 *   from CIM_ResourceAllocationSettingData ... The InstanceID property of each instance identifies the virtual
 *   resource setting to be modified"; returns 0 "Completed with No Error", 1 Not Supported, 2 Failed, 3 Timeout,
 *   4 Invalid Parameter, 5 Invalid State, 6 Incompatible Parameters, 4096 "Method Parameters Checked - Job Started".
 * - setfailovernetworkadaptersettings-msvm-replicationservice.md: SetFailoverNetworkAdapterSettings(ComputerSystem
 *   REF, NetworkSettings[], out Job) "Configures the network adapter's IP settings to be applied to a virtual machine
 *   after a failover"; NetworkSettings is "An array of embedded instances of Msvm_FailoverNetworkAdapterSettingData
 *   objects. Each instance describes the configuration parameters for one of the network adapters within the virtual
 *   machine. The IPAddresses and DHCPEnabled properties must be specified on each instance."; returns 0, 4096 and
 *   32768-32778.
 * - The 2012 walk-through (read.ts) passes each adapter's own failover instance, changed, to that method.
 *
 * Inferred: a NULL TestReplicaSwitchName leaves the test copy unconnected (the walk-through: "By default, the network
 * settings under Test Failover is not-connected to any switch"); DHCPEnabled true with no addresses is the
 * failover setting's cleared form; a job these methods start is an Msvm_ConcreteJob in root\virtualization\v2.
 */
import type { CimInstance, CimSession, CimValue, EmbeddedProperty } from "../../cim";
import { formatEmbeddedInstance, HYPERV_VIRTUALIZATION_NAMESPACE } from "../../cim";
import type { Clock } from "../../clock";
import type { ErrorContext } from "../errors";
import { HyperVError, HyperVReturnCodeError, withContext } from "../errors";
import { CONNECTION_TYPES, FAILOVER_TYPES, NETWORK_CLASS } from "./classes";
import type { FailoverIp, VmAdapter } from "./read";
import { waitForHostJob } from "./hostJob";

const IN_HOST = { namespace: HYPERV_VIRTUALIZATION_NAMESPACE } as const;

export interface NetworkWriteOptions {
  readonly clock: Clock;
  readonly timeoutSeconds: number;
  readonly context: ErrorContext;
}

/** The cleared failover settings: the guest keeps DHCP (inferred, see the module comment). */
export const DHCP_ONLY: FailoverIp = {
  protocol: 4096,
  dhcpEnabled: true,
  ipAddresses: [],
  subnets: [],
  defaultGateways: [],
  dnsServers: [],
};

const MODIFY_CODES: Readonly<Record<number, string>> = {
  1: "Not Supported",
  2: "Failed",
  3: "Timeout",
  4: "Invalid Parameter",
  5: "Invalid State",
  6: "Incompatible Parameters",
};

function asText(value: CimValue): EmbeddedProperty["value"] {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(String);
  return typeof value === "object" ? null : String(value);
}

/** The instance as CIM-XML, typed by its page's MOF; properties the MOF does not list are left out. */
function embedded(
  instance: CimInstance,
  types: Readonly<Record<string, string>>,
  changes: Record<string, CimValue>,
) {
  const values = { ...instance.properties, ...changes };
  const properties = Object.entries(values).flatMap(([name, value]) => {
    const type = types[name];
    return type === undefined ? [] : [{ name, type, value: asText(value) }];
  });
  return formatEmbeddedInstance({ className: instance.className, properties });
}

async function singleton(session: CimSession, className: string, context: ErrorContext) {
  const found = (await session.query(className, undefined, IN_HOST))[0];
  if (found === undefined)
    throw new HyperVError(
      `Not found: the host lists no ${className} in root\\virtualization\\v2 [host ${context.host ?? "unknown"}]. The Hyper-V role must be installed on the node the connection reaches`,
      context,
    );
  const keys = Object.fromEntries(
    ["CreationClassName", "Name", "SystemCreationClassName", "SystemName"].flatMap((k) => {
      const v = found.properties[k];
      return typeof v === "string" ? [[k, v]] : [];
    }),
  );
  return { className, keys };
}

/** Sets the switch the adapter's test copy connects to (null: none) with ModifyResourceSettings. */
export async function setTestSwitch(
  session: CimSession,
  adapter: VmAdapter,
  switchName: string | null,
  options: NetworkWriteOptions,
): Promise<void> {
  const context = { ...options.context, method: "ModifyResourceSettings" };
  try {
    if (adapter.connection === undefined)
      throw new HyperVError(
        `Invalid state: adapter '${adapter.name}' of VM ${adapter.vmId} has no Msvm_EthernetPortAllocationSettingData, so it has no test-failover switch setting to change`,
        context,
      );
    const service = await singleton(session, NETWORK_CLASS.managementService, context);
    const setting = embedded(adapter.connection, CONNECTION_TYPES, { TestReplicaSwitchName: switchName });
    const result = await session.invoke(
      service,
      "ModifyResourceSettings",
      { ResourceSettings: [setting] },
      IN_HOST,
    );
    const code = MODIFY_CODES[result.returnValue];
    if (code !== undefined)
      throw new HyperVError(
        `Hyper-V refused the call: ModifyResourceSettings returned ${result.returnValue} (${code}) for adapter '${adapter.name}' of VM ${adapter.vmId} [host ${context.host ?? "unknown"}]. Check that the switch exists on the replica host (Get-VMSwitch), then run again`,
        context,
      );
    await finished(session, result, options, context);
  } catch (error) {
    throw withContext(error, context);
  }
}

/** Sets the failover TCP/IP settings of some adapters of one VM with SetFailoverNetworkAdapterSettings. */
export async function setFailoverIp(
  session: CimSession,
  vmId: string,
  settings: readonly { adapter: VmAdapter; ip: FailoverIp }[],
  options: NetworkWriteOptions,
): Promise<void> {
  const context = { ...options.context, method: "SetFailoverNetworkAdapterSettings" };
  try {
    const service = await singleton(session, NETWORK_CLASS.replicationService, context);
    const NetworkSettings = settings.map(({ adapter, ip }) => {
      const base = adapter.failover ?? { className: NETWORK_CLASS.failover, properties: {} };
      return embedded(base, FAILOVER_TYPES, {
        ProtocolIFType: ip.protocol,
        DHCPEnabled: ip.dhcpEnabled,
        IPAddresses: [...ip.ipAddresses],
        Subnets: [...ip.subnets],
        DefaultGateways: [...ip.defaultGateways],
        DNSServers: [...ip.dnsServers],
      });
    });
    const ComputerSystem = {
      className: NETWORK_CLASS.computerSystem,
      keys: { CreationClassName: NETWORK_CLASS.computerSystem, Name: vmId },
    };
    const args = { ComputerSystem, NetworkSettings };
    const result = await session.invoke(service, "SetFailoverNetworkAdapterSettings", args, IN_HOST);
    if (result.returnValue !== 0 && result.returnValue !== 4096)
      throw new HyperVReturnCodeError(result.returnValue, context);
    await finished(session, result, options, context);
  } catch (error) {
    throw withContext(error, context);
  }
}

async function finished(
  session: CimSession,
  result: { returnValue: number; outParameters: Readonly<Record<string, CimValue>> },
  options: NetworkWriteOptions,
  context: ErrorContext,
) {
  if (result.returnValue === 4096) await waitForHostJob(session, result.outParameters.Job, options, context);
}
