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

export interface ReportStep {
  /** Plain words for an operator, such as `start VM 'sql-a'`; the WMI method is in `call`. */
  readonly title: string;
  readonly host: string;
  /** The VM the call acted on, by name, when it acted on one. */
  readonly vm: string | null;
  readonly call: {
    readonly namespace: string;
    readonly className: string;
    readonly keys: Readonly<Record<string, CimScalar>>;
    readonly method: string;
    readonly arguments: CimArguments;
  };
  readonly returnValue: number | null;
  readonly jobId: string | null;
  readonly jobState: string | null;
  readonly errorCode: number | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly timesFrom: "host job" | "agent clock";
}

export interface VmState {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly replicationHealth: string | null;
  /** For a running VM, when it started running (its TimeOfLastStateChange on the host). */
  readonly runningSince: string | null;
}

/** One collection as read on one host, before or after the run. */
export interface CollectionSnapshot {
  readonly site: string | null;
  readonly host: string;
  readonly collectionId: string;
  /** Null when the collection was not found. */
  readonly collectionName: string | null;
  readonly replicationState: string | null;
  readonly replicationMode: string | null;
  /** The worst member VM's ReplicationHealth (inferred: the collection has none of its own). */
  readonly health: string | null;
  readonly virtualMachines: readonly VmState[];
  /** True for the collection whose VMs the run brings up: the RTO ends when the last of them runs. */
  readonly recovers: boolean;
  /** Why it could not be read, when it could not. */
  readonly error: string | null;
}

export interface ReportPoint {
  readonly instanceId: string;
  readonly creationTime: string | null;
  readonly consistencyLevel: string;
}

export interface VmBar {
  readonly name: string;
  readonly startedAt: string;
  readonly runningAt: string;
}

export interface Report {
  readonly resource: ReportResource;
  /** The collection (or the pair) as the program names it. */
  readonly name: string;
  /** What the run did, in plain words: `test failover`, `failover to failedOver`, `move to west`. */
  readonly action: string;
  readonly outcome: "succeeded" | "failed";
  /** The error the run ended with, when it failed. */
  readonly error: string | null;
  /** The first step's start (host time when the host gave it), and when the report was made (agent clock). */
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly recoveryPoint: ReportPoint | null;
  /** Seconds from the recovery point's CreationTime to the first step: the RPO achieved. */
  readonly rpoSeconds: number | null;
  /** Seconds from the first step's start until the last recovered VM was running: the RTO achieved. */
  readonly rtoSeconds: number | null;
  /** Why there is no RTO, when there is none. */
  readonly rtoNote: string | null;
  readonly steps: readonly ReportStep[];
  readonly virtualMachines: readonly VmBar[];
  readonly before: readonly CollectionSnapshot[];
  /** The host's state at the end: after a failure, where the run left it. */
  readonly after: readonly CollectionSnapshot[];
  /** One line for a person: outcome, RTO, RPO, health. */
  readonly summary: string;
}
