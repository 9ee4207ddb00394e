/**
 * Plain shapes of ReplicaNetworks' inputs and outputs, as the provider receives and returns them. The resource class
 * (replicaNetworks.ts) holds the field docs; schema.json carries the same words.
 */
import type { ConnectionInputs, PublicConnection } from "../../runtime/types";

export interface FailoverIpInputs {
  ipv4Address?: string;
  ipv4SubnetMask?: string;
  ipv4DefaultGateway?: string;
  ipv6Address?: string;
  ipv6PrefixLength?: number;
  ipv6DefaultGateway?: string;
  dnsServers?: string[];
}

export interface NetworkSettingsInputs {
  testFailoverSwitch?: string;
  failoverIp?: FailoverIpInputs;
}

export interface VmNetworkInputs extends NetworkSettingsInputs {
  vm: string;
  adapter?: string;
}

export interface ReplicaNetworksInputs {
  collectionId: string;
  defaults?: NetworkSettingsInputs;
  virtualMachines?: VmNetworkInputs[];
  jobTimeoutSeconds?: number;
  connection?: ConnectionInputs;
}

/** What this resource set on one adapter, so that update and delete clear it when the program stops asking. */
export interface ManagedSetting {
  vmId: string;
  adapter: string;
  testFailoverSwitch: boolean;
  failoverIp: boolean;
}

export interface AdapterOutputs {
  name: string;
  switchName: string | null;
  testFailoverSwitch: string | null;
  failoverIp: {
    dhcpEnabled: boolean;
    ipAddresses: string[];
    subnets: string[];
    defaultGateways: string[];
    dnsServers: string[];
  } | null;
}

export interface ReplicaNetworksOutputs {
  collectionId: string;
  collectionName: string;
  networks: { id: string; name: string; adapters: AdapterOutputs[] }[];
  managed: ManagedSetting[];
  defaults: NetworkSettingsInputs | null;
  virtualMachines: VmNetworkInputs[];
  hostSystemName: string | null;
  jobTimeoutSeconds: number;
  connection: PublicConnection | null;
}

export const DEFAULTS = { jobTimeoutSeconds: 1800 } as const;
