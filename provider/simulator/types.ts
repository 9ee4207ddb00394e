import type { Clock } from "../clock";

/** How a {@link HyperVSimulator} is set up. Every field is optional. */
export interface SimulatorOptions {
  /** The clock that drives jobs and stamps times. Defaults to the system clock; tests pass a `FakeClock`. */
  clock?: Clock;
  /**
   * Keep the state in this JSON file instead of in memory. Every operation locks the file, reads it, changes it,
   * writes it atomically and unlocks it, so several processes (a CLI, a Pulumi program, a test) share one cluster.
   * Create the file first with {@link HyperVSimulator.init}.
   */
  stateFile?: string;
  /** The simulated host's name. Defaults to `hv-sim`; the session's `target` is `<hostName> (simulator)`. */
  hostName?: string;
  /**
   * How long a finished job stays readable, like `Msvm_ConcreteJob.TimeBeforeRemoval`. Defaults to 5 minutes.
   * Each job keeps the value in force when it was started.
   */
  timeBeforeRemovalMs?: number;
}

/** A collection (VM group) to add to the simulated cluster. */
export interface SeedCollection {
  /** The CollectionID, a GUID. Generated when absent. */
  id?: string;
  /** The ElementName. Names need not be unique, as on a real cluster. */
  name: string;
  /** The collection `ReplicationState`, 0-16. Defaults to 3 (Replicating). */
  replicationState?: number;
  /** The `ReplicationMode`: 0 None, 1 Primary, 2 Replica, 3 Test Replica. Defaults to 2 (Replica). */
  replicationMode?: number;
  /** The `FailedOverReplicationType`: 0 None, 1 Regular, 2 Planned. Defaults to 0. */
  failedOverReplicationType?: number;
  /** The names of the member VMs. Each gets an `Msvm_ComputerSystem` with a generated GUID `Name`. */
  members?: string[];
  /** How many recovery points to create, one hour apart and ending now. Defaults to 2. */
  recoveryPoints?: number;
  /**
   * The size of the member VMs' disks, in bytes: StartReplication's initial copy takes longer the more there is
   * (inferred rate, transitions/replicationSetup.ts). Defaults to 0 (the copy takes its fixed 5 s).
   */
  dataSizeBytes?: number;
}

/** A collection as the simulator holds it. */
export interface SimCollection {
  /** The CollectionID. */
  id: string;
  /** The ElementName. */
  name: string;
  /** The collection `ReplicationState` (4 Failover initiated, 5 Recovered, 6 Committed, ...). */
  replicationState: number;
  /** The `ReplicationMode` (2 Replica). */
  replicationMode: number;
  /** The `FailedOverReplicationType` (0 None, 1 Regular, 2 Planned). */
  failedOverReplicationType: number;
  /**
   * The member VMs: `id` is the `Msvm_ComputerSystem.Name` GUID, `name` its ElementName, `enabledState` its
   * EnabledState (2 running, 3 off, 6 saved, 9 paused, 4/10 while stopping/starting) and `replicationHealth`
   * 0 N/A, 1 Ok, 2 Warning, 3 Critical.
   */
  members: SimMember[];
  /** On a test collection (ReplicationMode 3): the CollectionID of the replica collection it was made from. */
  testOf?: string;
  /** In a state file of two clusters (`init-pair`): the site, the host name a session opens it with. */
  site?: string;
}

/** A member VM as {@link SimCollection} shows it. */
export interface SimMember {
  id: string;
  name: string;
  enabledState: number;
  replicationHealth: number;
}

/** A recovery point of a collection (`Msvm_CollectionRecoveryPoint`). */
export interface SimRecoveryPoint {
  /** The InstanceID, `Microsoft:<GUID>`. */
  instanceId: string;
  /** The CollectionID of the collection it belongs to. */
  collectionId: string;
  /** When it was taken, as a CIM datetime; null for a point seeded without one. */
  creationTime: string | null;
  /** 0 Unknown, 1 Application, 2 Crash, 3 Group crash. */
  consistencyLevel: number;
  /** The `Msvm_ComputerSystem.Name` GUIDs of the VMs it covers. */
  virtualMachineIds: string[];
  /** The per-VM recovery point ids, in the order of `virtualMachineIds`. */
  recoveryPointIds: string[];
}

/** A job (`Msvm_ConcreteJob`) as it reads at the current clock time. */
export interface SimJob {
  /** The InstanceID, a GUID. */
  instanceId: string;
  /** The service method that started it, for example `InitiateFailover`. */
  method: string;
  /** The JobType: 97 Initiate Failover, 98 Revert Failover, 99 Commit Failover, 102 Initiate Test Replica, ... */
  jobType: number;
  /** The CollectionID the job acts on (for a VM's RequestStateChange: the VM's collection). */
  collectionId: string;
  /** For a member VM's RequestStateChange job: the VM's `Msvm_ComputerSystem.Name`. */
  vmId?: string;
  /** 3 Starting, 4 Running, 7 Completed, 8 Terminated, 9 Killed, 10 Exception. */
  jobState: number;
  /** 0-100; 100 only once completed. */
  percentComplete: number;
  /** 0 unless the job failed or was terminated. */
  errorCode: number;
  /** Empty unless the job failed or was terminated. */
  errorDescription: string;
  /** Empty unless the job failed or was terminated. */
  errorSummaryDescription: string;
  /** Whether `RequestStateChange(4)` may terminate it (only InitiateFailover jobs). */
  cancellable: boolean;
  /** Clock time (ms) of the call that started it. */
  submittedAt: number;
  /** Clock time (ms) it ended, once it has. */
  finishedAt?: number;
}

/** One read the simulated host answered. */
export interface SimRead {
  /** Clock time (ms) of the read. */
  at: number;
  /** The seam operation. */
  op: "query" | "get" | "getMany" | "associators" | "classes";
  /** The class queried, or the class of the REF read or followed. */
  className: string;
  /** How many instances a getMany asked for. */
  refs?: number;
}

/** One `invoke` the simulated host received, refused and faulted ones included. */
export interface MethodCall {
  /** Clock time (ms) of the call. */
  at: number;
  /** The namespace the call named, when not root/HyperVCluster/v2 (Msvm_ShutdownComponent's root/virtualization/v2). */
  namespace?: string;
  /** The class of the target REF, as given. */
  className: string;
  /** The method name, as given. */
  method: string;
  /** The collection concerned: the `Collection` argument's key, or a job's collection. */
  collectionId?: string;
  /** In a state file of two sites: the host the call reached (both sides may hold the same CollectionID). */
  host?: string;
  /** The arguments, as given. */
  arguments: Record<string, unknown>;
  /** The return value, unless the call threw. */
  returnValue?: number;
  /** The job started, or the job a job method was invoked on. */
  jobId?: string;
  /** For a call on a member VM (Msvm_ComputerSystem): the VM's Name, its GUID. */
  vmId?: string;
  /** The message of the `CimError` the call threw, if it threw. */
  error?: string;
}

/** How many times a fault fires: a count (default 1) or `"always"` until {@link HyperVSimulator.clearFaults}. */
export type FaultTimes = number | "always";

/** A failure to inject. Faults are kept with the state and counted down as they fire. */
export type Fault =
  /** The next calls of `method` return `code` and change nothing. */
  | { kind: "returnCode"; method: string; code: number; times?: FaultTimes }
  /**
   * The next jobs started by `method` run their normal duration, then end in `jobState` with these error fields;
   * the collection goes back to the state it had before the call.
   */
  | {
      kind: "jobFails";
      method: string;
      jobState: 8 | 9 | 10;
      errorCode: number;
      errorDescription: string;
      errorSummaryDescription?: string;
      times?: FaultTimes;
    }
  /** The next jobs started by `method` stay Running forever, stuck at a fixed percentage. */
  | { kind: "jobHangs"; method: string; times?: FaultTimes }
  /**
   * The next seam calls (query, get, invoke, associators) throw `CimError("unreachable")`; with `host`, only the
   * calls of sessions opened for that host (a site of a two-site state file).
   */
  | { kind: "unreachable"; host?: string; times?: FaultTimes }
  /** The next calls of `method` throw `CimError("wbem", message)` with no return value. */
  | { kind: "wbemError"; method: string; message?: string; times?: FaultTimes }
  /** The next seam calls first wait `delayMs` on the simulator's clock. */
  | { kind: "slow"; delayMs: number; times?: FaultTimes };
