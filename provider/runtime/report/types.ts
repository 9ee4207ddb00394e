/**
 * The report of one drill, failover or move: plain JSON-friendly data, the same in the stack output and in the files.
 * Times are ISO 8601; a step's times come from the host's own job (Msvm_ConcreteJob StartTime or TimeSubmitted, and
 * TimeOfLastStateChange once it ended) whenever the host still had the job, else from the agent's clock.
 */
import type { CimArguments, CimNamespace, CimScalar } from "../../cim";

/** The resources that record a report. */
export type ReportResource = "CollectionTestFailover" | "CollectionFailover" | "ReplicatedCollection";

/** One method call exactly as it was sent through the CIM seam, and what came back. */
export interface RecordedCall {
  /** Where it went, in the session's words (`hv-replica01 (wsman)`); never holds a secret. */
  readonly host: string;
  readonly namespace: CimNamespace;
  readonly className: string;
  readonly keys: Readonly<Record<string, CimScalar>>;
  readonly method: string;
  readonly arguments: CimArguments;
  /** Agent clock, epoch ms. */
  readonly calledAt: number;
  readonly returnedAt: number;
  readonly returnValue: number | null;
  /** The InstanceID of the job the call returned (return value 4096), or null. */
  readonly jobId: string | null;
  /** The seam's error, when the call itself failed. */
  readonly error: string | null;
}

/** A job's times as the host reported them, epoch ms on the host's clock. */
export interface JobTimes {
  readonly startedAt: number | null;
  /** TimeOfLastStateChange, once the job reached a terminal state. */
  readonly finishedAt: number | null;
  readonly jobState: string;
  readonly errorCode: number | null;
}

/** A changing call as it was sent: where, to which instance, which method, with which arguments. */
export interface ReportCall {
  /** The WMI namespace, such as `root/HyperVCluster/v2`. */
  readonly namespace: string;
  /** The class of the instance the method was called on, such as `Msvm_CollectionReplicationService`. */
  readonly className: string;
  /** The key properties that name the instance, by name. */
  readonly keys: Readonly<Record<string, CimScalar>>;
  /** The WMI method, such as `InitiateFailover`. */
  readonly method: string;
  /** The method's arguments as sent, by name; passwords are redacted. */
  readonly arguments: CimArguments;
}

/** One changing call of the run, with its job's times. */
export interface ReportStep {
  /** Plain words for an operator, such as `start VM 'sql-a'`; the WMI method is in `call`. */
  readonly title: string;
  /** The host the call went to, in the connection's words, such as `hv-replica01 (wsman)`. */
  readonly host: string;
  /** The VM the call acted on, by name, when it acted on one. */
  readonly vm: string | null;
  /** The call exactly as it was sent. */
  readonly call: ReportCall;
  /** The method's return value: 0 done, 4096 a job was started, any other a refusal. */
  readonly returnValue: number | null;
  /** The InstanceID of the job the call started, when it started one. */
  readonly jobId: string | null;
  /** The job's last state as the host reported it, such as `Completed`. */
  readonly jobState: string | null;
  /** The job's ErrorCode, when the host gave one. */
  readonly errorCode: number | null;
  /** When the step started (ISO 8601). */
  readonly startedAt: string;
  /** When the step ended (ISO 8601); null when it did not end. */
  readonly finishedAt: string | null;
  /** Where the times come from: `host job` (the host's own job) or `agent clock`. */
  readonly timesFrom: "host job" | "agent clock";
}

/** One member VM as read on one host. */
export interface VmState {
  /** The VM's id (Msvm_ComputerSystem.Name). */
  readonly id: string;
  /** The VM's name (Msvm_ComputerSystem.ElementName). */
  readonly name: string;
  /** Its power state in words, such as `Running` or `Off`. */
  readonly state: string;
  /** Its ReplicationHealth in words, such as `Ok`; null when the host gave none. */
  readonly replicationHealth: string | null;
  /** For a running VM, when it started running (its TimeOfLastStateChange on the host). */
  readonly runningSince: string | null;
}

/** One collection as read on one host, before or after the run. */
export interface CollectionSnapshot {
  /** The site's name, for a two-site move; null otherwise. */
  readonly site: string | null;
  /** The host it was read on, in the connection's words. */
  readonly host: string;
  /** The CollectionID the stack tracks. */
  readonly collectionId: string;
  /** Null when the collection was not found. */
  readonly collectionName: string | null;
  /** Its ReplicationState in words, such as `Replicating` or `FailedOver`. */
  readonly replicationState: string | null;
  /** Its ReplicationMode in words: `Primary`, `Replica`, `TestReplica` or `None`. */
  readonly replicationMode: string | null;
  /** The worst member VM's ReplicationHealth (inferred: the collection has none of its own). */
  readonly health: string | null;
  /** Its member VMs. */
  readonly virtualMachines: readonly VmState[];
  /** True for the collection whose VMs the run brings up: the RTO ends when the last of them runs. */
  readonly recovers: boolean;
  /** Why it could not be read, when it could not. */
  readonly error: string | null;
}

/** The recovery point the run used. */
export interface ReportPoint {
  /** The point's InstanceID on the host. */
  readonly instanceId: string;
  /** When the point was made (ISO 8601), when the host said. */
  readonly creationTime: string | null;
  /** Its consistency in words, such as `ApplicationConsistent` or `CrashConsistent`. */
  readonly consistencyLevel: string;
}

/** One recovered VM on the timeline: from the call that started it until it ran. */
export interface VmBar {
  /** The VM's name. */
  readonly name: string;
  /** When the call that started it was made (ISO 8601). */
  readonly startedAt: string;
  /** When it was running (ISO 8601). */
  readonly runningAt: string;
}

/**
 * What one drill, failover or move did: every changing call with its job's times, the recovery point and its age at
 * the first call (the RPO achieved), the time until the last VM ran (the RTO achieved), and the collections before
 * and after.
 */
export interface Report {
  /** The resource that ran: `CollectionTestFailover`, `CollectionFailover` or `ReplicatedCollection`. */
  readonly resource: ReportResource;
  /** The collection (or the pair) as the program names it. */
  readonly name: string;
  /** What the run did, in plain words: `test failover`, `failover to failedOver`, `move to west`. */
  readonly action: string;
  /** `succeeded` or `failed`. */
  readonly outcome: "succeeded" | "failed";
  /** The error the run ended with, when it failed. */
  readonly error: string | null;
  /** The first step's start (ISO 8601), on the host's clock when the host gave it. */
  readonly startedAt: string;
  /** When the report was made, on the agent's clock (ISO 8601). */
  readonly finishedAt: string;
  /** The recovery point the run used, when it used one. */
  readonly recoveryPoint: ReportPoint | null;
  /** Seconds from the recovery point's CreationTime to the first step: the RPO achieved. */
  readonly rpoSeconds: number | null;
  /** Seconds from the first step's start until the last recovered VM was running: the RTO achieved. */
  readonly rtoSeconds: number | null;
  /** Why there is no RTO, when there is none. */
  readonly rtoNote: string | null;
  /** Every changing call, in the order sent. */
  readonly steps: readonly ReportStep[];
  /** The recovered VMs, each from the call that started it until it ran. */
  readonly virtualMachines: readonly VmBar[];
  /** The collections as read before the first change. */
  readonly before: readonly CollectionSnapshot[];
  /** The host's state at the end: after a failure, where the run left it. */
  readonly after: readonly CollectionSnapshot[];
  /** One line for a person: outcome, RTO, RPO, health. */
  readonly summary: string;
}
