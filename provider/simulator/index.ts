/**
 * An embedded Hyper-V simulator: the `root/HyperVCluster/v2` classes that Hyper-V Replica collection failover uses,
 * behind the same `CimSession` seam as a real host. Rehearse a DR pipeline against it, inject faults, and read
 * back exactly what the host was asked to do.
 *
 * @packageDocumentation
 */
export { HyperVSimulator, type CollectionPatch } from "./simulator";
export type { SeedPair, SeedSite } from "./seed/pairSeed";
export type { BusyReturnCode } from "./store/state";
export type { SeedHealth, SeedRecoveryPoint } from "./seed/seeding";
export { GUEST_SHUTDOWNS } from "./seed/seeding";
export type { GuestShutdown } from "./store/state";
export type { StatisticsCounter } from "./methods/statistics";
export type { StoredAdapter as SimAdapter, StoredFailoverIp as SimFailoverIp } from "./networks/model";
export {
  COLLECTION_MANAGEMENT,
  MANAGEMENT_JOB_METHODS,
  type ManagementRow,
} from "./methods/transitions/collectionManagement";
export {
  INHERITED_METHODS,
  JOB_METHODS,
  TRANSITIONS,
  type Evidence,
  type Transition,
} from "./methods/transitions";
export type {
  Fault,
  FaultTimes,
  MethodCall,
  SeedCollection,
  SimCollection,
  SimJob,
  SimRead,
  SimMember,
  SimRecoveryPoint,
  SimulatorOptions,
} from "./types";
