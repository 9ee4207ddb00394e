/**
 * Plain shapes of ReplicatedCollection's inputs and outputs, as the provider receives and returns them. The resource
 * class (replicatedCollection.ts) wraps them in Pulumi inputs and outputs; the field docs live there and in
 * schema.json.
 */
import type { BootGroup } from "../../failover/bootOrder";
import type { Report } from "../../runtime/report";
import { DEFAULT_REHEARSAL_MINUTES } from "../../failover/dataLoss";
import type { StepRecord } from "../../failover/sites/drive";
import type { PathName } from "../../failover/sites/types";
import type { ConnectionInputs, PublicConnection } from "../../runtime/types";

export interface SiteInputs {
  collectionId: string;
  connection?: ConnectionInputs;
  certificateThumbprint?: string;
}

export interface ReplicatedCollectionInputs {
  sites: Record<string, SiteInputs>;
  activeSite: string;
  /** Only `false` passes check (runtime/dataLossRules.ts); it authorizes nothing. */
  allowDataLoss?: boolean;
  acknowledgeDataLoss?: string[];
  rehearsalMinutes?: number;
  recoveryPoint?: string;
  commitFailover?: boolean;
  jobTimeoutSeconds?: number;
  shutdownTimeoutSeconds?: number;
  allowHardPowerOff?: boolean;
  bootGroups?: BootGroup[];
  reportDirectory?: string;
}

export interface MemberOutput {
  name: string;
  id: string;
  enabledState: number;
  enabledStateName: string;
}

/** What a site's collection plays: its ReplicationMode, or `unreachable` when the site did not answer. */
export type SiteRole = "primary" | "replica" | "testReplica" | "notReplicating" | "unknown" | "unreachable";

export interface SiteOutput {
  collectionId: string;
  collectionName: string | null;
  reachable: boolean;
  /** Why the site could not be read, when it could not. */
  unreachableReason: string | null;
  role: SiteRole;
  replicationState: number | null;
  replicationStateName: string | null;
  failedOverReplicationType: number | null;
  health: string | null;
  members: MemberOutput[];
  newestRecoveryPoint: string | null;
  hostSystemName: string | null;
  connection: PublicConnection | null;
}

export type StepOutput = StepRecord;

export interface ChangeOutput {
  path: PathName | null;
  activeSite: string;
  /** `completed`, or `failed` when the run stopped part-way (the outputs then show where). */
  outcome: "completed" | "failed";
  startedAt: string;
  finishedAt: string;
  steps: StepOutput[];
}

export interface ReplicatedCollectionOutputs {
  sites: Record<string, SiteOutput>;
  activeSite: string;
  acknowledgeDataLoss: string[];
  rehearsalMinutes: number;
  recoveryPoint: string;
  commitFailover: boolean;
  jobTimeoutSeconds: number;
  shutdownTimeoutSeconds: number;
  allowHardPowerOff: boolean;
  /** Where the VMs run, as observed: the site whose collection is primary or committed with its VMs running. */
  runningSite: string | null;
  /** The steps still to take, as planned from what was observed (`site: action`); empty when settled. */
  pendingSteps: string[];
  /** When both sites were read for these outputs. */
  observedAt: string;
  lastChange: ChangeOutput | null;
  /** The report of the last run that moved the pair; null before any. */
  lastReport?: Report | null;
}

export const DEFAULTS = {
  recoveryPoint: "latest",
  commitFailover: false,
  rehearsalMinutes: DEFAULT_REHEARSAL_MINUTES,
  jobTimeoutSeconds: 1800,
  shutdownTimeoutSeconds: 300,
  allowHardPowerOff: false,
} as const;

/** The inputs as applied, defaults filled in: what the outputs record and the planner reads. */
export function applied(inputs: ReplicatedCollectionInputs) {
  return {
    acknowledgeDataLoss: [...(inputs.acknowledgeDataLoss ?? [])],
    rehearsalMinutes: inputs.rehearsalMinutes ?? DEFAULTS.rehearsalMinutes,
    recoveryPoint: inputs.recoveryPoint ?? DEFAULTS.recoveryPoint,
    commitFailover: inputs.commitFailover ?? DEFAULTS.commitFailover,
    jobTimeoutSeconds: inputs.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
    shutdownTimeoutSeconds: inputs.shutdownTimeoutSeconds ?? DEFAULTS.shutdownTimeoutSeconds,
    allowHardPowerOff: inputs.allowHardPowerOff ?? DEFAULTS.allowHardPowerOff,
  };
}
