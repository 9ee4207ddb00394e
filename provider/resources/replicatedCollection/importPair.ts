/**
 * `pulumi import` of a ReplicatedCollection: the engine sends only the id, `<site>:<CollectionID>,<site>:<CollectionID>`
 * (as create writes it), and each site is looked for through the provider's connection. A CollectionID no site has
 * is "not found" with what was searched, by the rule every resource keeps (confirmGone's import case).
 */
import type { SiteRead, SiteTarget } from "../../failover/sites/observe";
import { probeSite } from "../../failover/sites/observe";
import { HyperVError } from "../../hyperv";
import { outputsFor } from "./outputs";
import type { ReplicatedCollectionInputs, ReplicatedCollectionOutputs } from "./types";
import { DEFAULTS } from "./types";

const ID_FORM =
  "<site>:<CollectionID>,<site>:<CollectionID> (for example east:6b0c1f4e-...,west:0d9e8f7a-...)";

/** The sites an import id names, in the id's order; refuses, before any call, an id of another form. */
export function importedInputs(id: string): ReplicatedCollectionInputs {
  const pairs = id.split(",").flatMap((part) => {
    const m = /^([^:,\s]+):([^:,\s]+)$/.exec(part.trim());
    return m?.[1] !== undefined && m[2] !== undefined ? [[m[1], m[2]] as const] : [];
  });
  const [first, second] = pairs;
  if (first === undefined || second === undefined || id.split(",").length !== 2 || first[0] === second[0]) {
    throw new HyperVError(
      `Invalid import id: '${id}' does not name two sites. Nothing was imported. Import a ReplicatedCollection by ${ID_FORM}, the two site names of the program's sites map`,
      { collection: id },
    );
  }
  return {
    sites: Object.fromEntries(pairs.map(([name, collectionId]) => [name, { collectionId }])),
    activeSite: first[0],
    acknowledgeDataLoss: [],
    jobTimeoutSeconds: DEFAULTS.jobTimeoutSeconds,
    shutdownTimeoutSeconds: DEFAULTS.shutdownTimeoutSeconds,
    allowHardPowerOff: DEFAULTS.allowHardPowerOff,
  };
}

/** Reads both sites of an import; a site whose collection is missing, or that cannot be read, stops it. */
export async function readImported(
  inputs: ReplicatedCollectionInputs,
  [a, b]: readonly [SiteTarget, SiteTarget],
  now: number,
): Promise<ReplicatedCollectionOutputs> {
  const reads: Record<string, SiteRead> = {};
  for (const target of [a, b]) {
    const probe = await probeSite(target, undefined, true);
    if (!probe.reachable) {
      throw new HyperVError(
        `Unreachable: import could not read site ${target.name} (${probe.error}). Nothing was imported. Check the provider's connection (hyperv-replica:* stack config), then import again`,
        { collection: target.collectionId },
      );
    }
    if ("missing" in probe) throw probe.missing;
    reads[target.name] = probe;
  }
  // The active site is where the VMs run now: importing changes nothing, so the program's activeSite decides later.
  const first = outputsFor(inputs, reads, null, now);
  const active = first.runningSite ?? inputs.activeSite;
  return active === inputs.activeSite
    ? first
    : outputsFor({ ...inputs, activeSite: active }, reads, null, now);
}
