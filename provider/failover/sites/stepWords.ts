/**
 * A two-site step in the words an operator reads, with the WMI method beside them: logs and previews say
 * "fail over to this site's replica (InitiateFailover)", not just the method. Our sources for a step's place in the
 * sequence are named as sources, so that they do not read like a status.
 */
import type { StepAction } from "./types";

const WORDS: Readonly<Record<StepAction, string>> = {
  StopVMs: "shut down the member VMs",
  InitiatePlannedFailover: "prepare the planned failover, sending the last changes (InitiatePlannedFailover)",
  RevertPlannedFailover: "cancel the planned failover (RevertPlannedFailover)",
  InitiateFailover: "fail over to this site's replica (InitiateFailover)",
  RevertFailover: "undo the failover (RevertFailover)",
  CommitFailover: "commit the failover, which cannot be undone (CommitFailover)",
  PrepareForReverseReplication: "prepare for reverse replication (PrepareForReverseReplication)",
  ReverseReplicationRelationship:
    "reverse replication toward the other site (ReverseReplicationRelationship)",
  StartVMs: "start the member VMs (RequestStateChange(2))",
};

const SOURCES = {
  documented: "the collection pages of Microsoft's docs",
  "per-VM docs": "Microsoft's per-VM docs",
  inferred: "inferred",
} as const;

export function describeAction(action: StepAction): string {
  return WORDS[action];
}

/** `source of this step's place: Microsoft's per-VM docs`, for a step's log line. */
export function describeSource(label: keyof typeof SOURCES): string {
  return `source of this step's place: ${SOURCES[label]}`;
}
