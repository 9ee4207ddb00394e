/**
 * What refresh of a ReplicatedCollection says when the sites do not answer as one pair: a site reached on another
 * cluster than the one recorded, or the collection found on some sites only. Both keep the resource in the stack.
 */
import type { HostMismatchError } from "../../failover/identity";
import type { SiteProbe } from "../../failover/sites/observe";
import { HyperVError } from "../../hyperv";

export const isMissing = (probe: SiteProbe | undefined): boolean => probe !== undefined && "missing" in probe;

export const otherClusterOf = (probe: SiteProbe | undefined): HostMismatchError | undefined =>
  probe !== undefined && "otherCluster" in probe ? probe.otherCluster : undefined;

/** Refresh reached, on one site, a cluster that is not the one recorded for it: both are named, nothing dropped. */
export function differentCluster(site: string, mismatch: HostMismatchError): HyperVError {
  const was =
    mismatch.recorded === undefined
      ? `site ${site} has no recorded host (its state was written before hosts were recorded)`
      : `site ${site} was recorded on host '${mismatch.recorded}'`;
  return new HyperVError(
    `Different cluster: refresh of site ${site} reached host '${mismatch.answering ?? "unknown (no Msvm_CollectionReplicationService)"}', which has no collection with CollectionID ${mismatch.trackedId}, but ${was} [collection '${mismatch.trackedId}', host ${mismatch.context.host ?? "unknown"}]. The pair was kept in the stack. ` +
      `Point sites.${site}.connection at the cluster the collection lives on, then refresh again; if the collection was really removed from that cluster, remove the resource from the stack with pulumi state delete <urn>`,
    mismatch.context,
  );
}

/** Refresh found the pair's collection on some sites only: the stack keeps the resource and says why. */
export function halfMissing(id: string, missing: string[], probes: Record<string, SiteProbe>): HyperVError {
  const present = Object.keys(probes).filter((name) => !missing.includes(name));
  const details = missing.map((name) => {
    const probe = probes[name];
    return probe && "missing" in probe ? probe.missing.message : name;
  });
  return new HyperVError(
    `Refresh kept the pair: its collection answers on ${present.join(", ")} but not on ${missing.join(", ")} (${details.join("; ")}). ` +
      `If sites.${missing[0]}.connection points at the wrong cluster, fix it and refresh again; if replication was ` +
      `removed on that side on purpose, re-enable it, or remove this resource from the stack with \`pulumi state delete\``,
    { collection: id },
  );
}
