export { CollectionFailover } from "./resources/collectionFailover/collectionFailover";
export type { CollectionFailoverArgs } from "./resources/collectionFailover/collectionFailover";
export { CollectionTestFailover } from "./resources/collectionTestFailover/collectionTestFailover";
export type { CollectionTestFailoverArgs } from "./resources/collectionTestFailover/collectionTestFailover";
export { getRecoveryPoints, getRecoveryPointsOutput } from "./resources/getRecoveryPoints/getRecoveryPoints";
export type {
  GetRecoveryPointsArgs,
  GetRecoveryPointsResult,
} from "./resources/getRecoveryPoints/getRecoveryPoints";
export type {
  ConnectionArgs,
  ConnectionOutput,
  LastOperationOutput,
  RecoveryPointOutput,
  RecoveryPointUsedOutput,
  ReportOutput,
  VirtualMachineOutput,
} from "./resources/shared";
export type { DesiredState, ObservedState } from "./failover/states";
export type { Authentication, Transport } from "./runtime/types";
export { ReplicatedCollection } from "./resources/replicatedCollection/replicatedCollection";
export type {
  ChangeOutput,
  MemberOutput,
  ReplicatedCollectionArgs,
  SiteArgs,
  SiteOutput,
  StepOutput,
} from "./resources/replicatedCollection/replicatedCollection";
export { CollectionReplication } from "./resources/collectionReplication/collectionReplication";
export type {
  CollectionReplicationArgs,
  InitialReplicationProgressOutput,
  RecoverySideArgs,
  RecoverySideOutput,
} from "./resources/collectionReplication/collectionReplication";
export { VmGroup } from "./resources/vmGroup/vmGroup";
export type { VmGroupArgs, VmGroupMemberOutput } from "./resources/vmGroup/vmGroup";
export { ReplicaNetworks } from "./resources/replicaNetworks/replicaNetworks";
export type { ManagedSettingOutput, ReplicaNetworksArgs } from "./resources/replicaNetworks/replicaNetworks";
export type {
  FailoverIpArgs,
  FailoverIpOutput,
  ReplicaAdapterOutput,
  ReplicaNetworkDefaultsArgs,
  ReplicaNetworkVmArgs,
  ReplicaVmNetworksOutput,
  TestNetworkAdapterOutput,
  TestNetworkOutput,
} from "./resources/networkTypes";
