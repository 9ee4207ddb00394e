/** ReplicaNetworks' outputs: the member VMs' adapters as the host shows them, read after every change. */
import type { CimSession } from "../../cim";
import type { ErrorContext, MemberVm, VmAdapter } from "../../hyperv";
import { readMembers, readSwitchNames, readVmAdapters } from "../../hyperv";
import { publicConnection } from "../../runtime/connection";
import type { AdapterOutputs, ManagedSetting, ReplicaNetworksInputs, ReplicaNetworksOutputs } from "./types";
import { DEFAULTS } from "./types";

/** What the host holds for the collection's VMs, read in one pass. */
export interface HostNetworks {
  readonly members: MemberVm[];
  readonly adapters: Map<string, VmAdapter[]>;
  readonly switches: string[];
}

export async function readHostNetworks(
  session: CimSession,
  collectionId: string,
  context: ErrorContext,
): Promise<HostNetworks> {
  const members = await readMembers(session, collectionId, context);
  const adapters = await readVmAdapters(
    session,
    members.map((m) => m.id),
    context,
  );
  return { members, adapters, switches: await readSwitchNames(session, context) };
}

const adapterOutputs = (a: VmAdapter): AdapterOutputs => ({
  name: a.name,
  switchName: a.switchName,
  testFailoverSwitch: a.testSwitchName,
  failoverIp:
    a.failoverIp === undefined
      ? null
      : {
          dhcpEnabled: a.failoverIp.dhcpEnabled,
          ipAddresses: [...a.failoverIp.ipAddresses],
          subnets: [...a.failoverIp.subnets],
          defaultGateways: [...a.failoverIp.defaultGateways],
          dnsServers: [...a.failoverIp.dnsServers],
        },
});

export function networksOutputs(
  collection: { id: string; name: string },
  host: HostNetworks,
  inputs: ReplicaNetworksInputs,
  managed: ManagedSetting[],
  hostSystemName: string | null,
): ReplicaNetworksOutputs {
  return {
    collectionId: collection.id,
    collectionName: collection.name,
    networks: host.members.map((m) => ({
      id: m.id,
      name: m.name,
      adapters: (host.adapters.get(m.id.toLowerCase()) ?? []).map(adapterOutputs),
    })),
    managed,
    defaults: inputs.defaults ?? null,
    virtualMachines: inputs.virtualMachines ?? [],
    hostSystemName,
    jobTimeoutSeconds: inputs.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
    connection: publicConnection(inputs.connection),
  };
}
