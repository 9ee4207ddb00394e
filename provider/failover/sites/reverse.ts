/**
 * The settings a two-site reverse sends: read from the site that reverses (the committed replica, the new primary)
 * and turned around by hyperv/replicationSettings.ts. A reverse that fails comes after CommitFailover, which cannot
 * be undone, and leaves the VMs off on both sites; so the driver builds these settings before a move's first step
 * too, and refuses then, with nothing called, when they cannot be built.
 */
import type { CimSession } from "../../cim";
import type { Collection, Reversal } from "../../hyperv";
import { InvalidStateError, isReversal, readReplicationSettings, reverseSettings } from "../../hyperv";

/** The site that reverses: where to read, and the certificate it declares for itself (`certificateThumbprint`). */
export interface ReversingSite {
  readonly name: string;
  readonly session: CimSession;
  readonly collection: Collection;
  readonly certificateThumbprint: string | undefined;
}

const NOTHING_CALLED =
  "A reverse that fails comes after the irreversible CommitFailover and leaves the VMs off on both sites, so the run stops here, before its next call";

/** The reversed settings of `site`, or an InvalidStateError that says what is missing and what to do. */
export async function reversedSettings(site: ReversingSite, pair: string): Promise<Reversal> {
  const context = { collection: pair, host: site.session.target };
  const settings = await readReplicationSettings(site.session, site.collection);
  if (settings === undefined) {
    throw new InvalidStateError(
      `site ${site.name} shows no Msvm_CollectionReplicationSettingData for the collection, so the settings ReverseReplicationRelationship needs cannot be built. ${NOTHING_CALLED}`,
      "Check the VM group's replication settings on that cluster (Msvm_CollectionReplicationSettingData; per VM, Get-VMReplication on its nodes), then run again",
      context,
    );
  }
  const built = reverseSettings(settings, site.certificateThumbprint);
  if (isReversal(built)) return built;
  const advice =
    built.problem === "thumbprint"
      ? `Set sites.${site.name}.certificateThumbprint to the thumbprint of ${site.name}'s own Hyper-V Replica certificate (in Cert:\\LocalMachine\\My on its nodes; its subject names ${site.name}'s Replica Broker), then run again`
      : "Correct the group's replication settings on the primary (ModifyReplicationSettings of Msvm_CollectionReplicationService) so that PrimaryConnectionPoint names the primary's Replica Broker and RecoveryConnectionPoint the replica's, then run again";
  throw new InvalidStateError(`site ${site.name}: ${built.detail}. ${NOTHING_CALLED}`, advice, context);
}

/** One line for the log: what the reverse sends instead of what it read. */
export function describeReversal(site: string, r: Reversal): string {
  const certificate =
    r.authenticationType === 2 ? `, CertificateThumbPrint from sites.${site}.certificateThumbprint` : "";
  return `ReverseReplicationRelationship settings: RecoveryConnectionPoint ${r.recoveryConnectionPoint}, PrimaryConnectionPoint ${r.primaryConnectionPoint}${certificate}`;
}
