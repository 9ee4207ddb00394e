/** Why each step stands where it does in each sequence, quoted from the docs or labelled inferred. */
import type { Evidence, SiteStep, StepAction } from "./types";

const PREPARE_DOC = "Start-VMFailover -Prepare";

export const EVIDENCE = {
  stopBeforePrepare: {
    perVm: `${PREPARE_DOC}: "The primary virtual machine must be shut down to prepare it for failover." Turning the VMs off with RequestStateChange(3) is inferred`,
  },
  initiatePlanned: {
    documented:
      'InitiatePlannedFailover: "Initiates planned failover (synced replication) for a group of virtual machines."; per VM, Prepare "replicat[es] any pending changes"',
  },
  failoverLatest: {
    perVm:
      'Start-VMFailover example 4: "The second command fails over the Replica virtual machine."; InitiateFailover with CollectionRecoveryPoint NULL is the latest point (documented)',
  },
  commitBeforeReverse: {
    documented:
      'ReverseReplicationRelationship: "This API requires the collection that is a recovery collection in failover committed state."',
  },
  reverse: {
    documented:
      'ReverseReplicationRelationship: "Reverses replication for the recovery collection using the collection replication setting specified."; the settings passed are the ones the relationship has (inferred)',
  },
  startAfterReverse: {
    perVm:
      'Start-VMFailover example 4: "The fourth command starts the virtual machine that has been switched from a Replica virtual machine to a primary virtual machine."',
  },
  unplannedFailover: {
    documented:
      'InitiateFailover: "Sets the failover for collection to application or crash consistent image."; NULL is the latest point',
  },
  commitWhenTold: {
    perVm:
      'CommitFailover (Msvm_ReplicationService): "After this is done, the failover operation cannot be canceled."; users perform it "when the replication point used for failover is satisfactory", so it waits for commitFailover (or for reprotect, which needs it)',
  },
  startAfterFailover: {
    perVm: "Start-VMFailover, then Start-VM: failing over does not start the VM",
  },
  revertFailover: {
    documented:
      'RevertFailover: "This operation will work only for the collection which is in failed over state after using InitiateFailover."; reverting it before RevertPlannedFailover is inferred',
  },
  revertPlanned: {
    documented:
      'RevertPlannedFailover: "This operation will work only for the collection which is in the PreparedForPlannedFailover or FailoverInitiated state after using InitiatePlannedFailover."',
  },
  restartAfterCancel: { inferred: "the VMs ran on this site before the move was started" },
  stopOldPrimary: {
    inferred: "the returned site's VMs are older copies and must not run beside the active site's",
  },
  prepareReverse: {
    documented:
      'PrepareForReverseReplication: "Prepares the collection for reverse replication from a failed-over recovery collection."',
  },
  startActive: { inferred: "activeSite declares where the VMs run" },
} satisfies Record<string, Evidence>;

export const step = (site: string, action: StepAction, evidence: Evidence): SiteStep => ({
  site,
  action,
  evidence,
});

/** The label a reader sees next to a step: documented, per VM, or inferred. */
export function evidenceLabel(evidence: Evidence): "documented" | "per-VM docs" | "inferred" {
  if ("documented" in evidence) return "documented";
  if ("perVm" in evidence) return "per-VM docs";
  return "inferred";
}
