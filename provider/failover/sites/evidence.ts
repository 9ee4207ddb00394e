/** Why each step stands where it does in each sequence, quoted from the docs or labelled inferred. */
import type { Evidence, SiteStep, StepAction } from "./types";

const PREPARE_DOC = "Start-VMFailover -Prepare";

export const EVIDENCE = {
  stopBeforePrepare: {
    perVm: `${PREPARE_DOC}: "The primary virtual machine must be shut down to prepare it for failover." Each guest is shut down with Msvm_ShutdownComponent.InitiateShutdown, as RequestStateChange "Shut Down (4)" is "Valid in version 1 (V1) of Hyper-V only"; RequestStateChange(3) powers off hard, only with allowHardPowerOff`,
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
      'ReverseReplicationRelationship: "Reverses replication for the recovery collection using the collection replication setting specified."; the settings are the relationship\'s with the connection points swapped, as Windows-classic-samples ManageReplication.cs does: "Simply reverse the recovery server name with that of primary, other properties are already populated."; the certificate thumbprint, under certificate authentication, is the new primary\'s own (Set-VMReplication -CertificateThumbprint)',
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
  restartAfterRefusedStop: {
    inferred:
      "a guest did not shut down, so the move is refused before it began; the VMs already shut down ran here before it",
  },
  restartAfterInterruptedStop: {
    inferred:
      "the stop failed part-way, so the move had not begun; the VMs the host then showed off ran here before it",
  },
  stopOldPrimary: {
    inferred: "the returned site's VMs are older copies and must not run beside the active site's",
  },
  prepareReverse: {
    inferred:
      'PrepareForReverseReplication: "Prepares the collection for reverse replication from a failed-over recovery collection." (documented); calling it on the old primary, with its VMs off, before ReverseReplicationRelationship on the other site is inferred',
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
