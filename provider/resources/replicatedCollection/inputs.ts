/**
 * ReplicatedCollection's inputs as its methods need them: what the two-site driver is asked, the resource's id, how
 * a change of sites is told apart from a rename, and the inputs as applied rebuilt from the outputs for a refresh.
 */
import type { SiteTarget } from "../../failover/sites/observe";
import type { SitesRequest } from "../../failover/sites/drive";
import { recordedVmNames, refuseUnknownRecordedVms } from "../../runtime/bootGroups";
import { withoutPassword } from "../../runtime/mergeConnection";
import type { Props } from "../../runtime/resourceMethods";
import type { ConnectionInputs } from "../../runtime/types";
import { nameOf, pairOf } from "./identity";
import type { ReplicatedCollectionInputs, ReplicatedCollectionOutputs, SiteOutput } from "./types";
import { DEFAULTS } from "./types";

type Targets = readonly [SiteTarget, SiteTarget];

/** What the two-site driver is asked to do, from the inputs and the sites' sessions. */
export function sitesRequest(inputs: ReplicatedCollectionInputs, sites: Targets): SitesRequest {
  return {
    name: nameOf(inputs),
    sites,
    activeSite: inputs.activeSite,
    acknowledged: inputs.acknowledgeDataLoss ?? [],
    rehearsalMinutes: inputs.rehearsalMinutes ?? DEFAULTS.rehearsalMinutes,
    commitFailover: inputs.commitFailover ?? DEFAULTS.commitFailover,
    recoveryPoint: inputs.recoveryPoint ?? DEFAULTS.recoveryPoint,
    timeoutSeconds: inputs.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
    certificateThumbprints: thumbprintsOf(inputs),
    shutdownTimeoutSeconds: inputs.shutdownTimeoutSeconds ?? DEFAULTS.shutdownTimeoutSeconds,
    allowHardPowerOff: inputs.allowHardPowerOff ?? DEFAULTS.allowHardPowerOff,
    ...(inputs.bootGroups !== undefined ? { bootGroups: inputs.bootGroups } : {}),
  };
}

/** An input as applied: a stack recorded before an input existed ran with its default. */
export const withDefault = (props: Props, key: string): unknown =>
  props[key] ?? (DEFAULTS as Readonly<Record<string, unknown>>)[key];

export type Sites = Readonly<Record<string, SiteOutput | undefined>>;

/** The sites' declared certificate thumbprints, by site name. */
export function thumbprintsOf(inputs: ReplicatedCollectionInputs): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs.sites).flatMap(([name, site]) =>
      site.certificateThumbprint === undefined ? [] : [[name, site.certificateThumbprint]],
    ),
  );
}

export function idOf(inputs: ReplicatedCollectionInputs): string {
  return Object.keys(inputs.sites)
    .sort()
    .map((name) => `${name}:${inputs.sites[name]?.collectionId.toLowerCase() ?? ""}`)
    .join(",");
}

/** Whether a site's collection is not known yet (preview): its collectionId or connection is another resource's output. */
export function pairUnknown(news: Props, config: ConnectionInputs): boolean {
  const sites = news.sites;
  return typeof sites === "object" && sites !== null && pairOf(sites, config) === undefined;
}

export function unknownPairLine(news: Props): string {
  const sites = Object.keys((news.sites ?? {}) as object).join("+");
  return `[${sites}] a site's collectionId (or connection) is not known until the resource it comes from is created: if it names another collection, this resource is replaced (the new pair is read and recorded; deleting this one calls nothing), else it is planned from both sites then; nothing is read or called now`;
}

/** Another collection, or the same CollectionID on another host, is another resource; site names are not. */
export function pairChanged(olds: Props, news: Props, config: ConnectionInputs): boolean {
  const after = pairOf(news.sites, config);
  return after !== undefined && JSON.stringify(pairOf(olds.sites, config)) !== JSON.stringify(after);
}

/** The sites as the program gives them, without passwords: a rename or another connection field is an update. */
export function siteInputs(props: Props): unknown[] {
  const sites = (props.sites ?? {}) as Record<string, { collectionId?: unknown; connection?: unknown }>;
  return Object.keys(sites)
    .sort()
    .map((name) => {
      const { collectionId, connection } = sites[name] ?? {};
      return [
        name,
        typeof collectionId === "string" ? collectionId.toLowerCase() : collectionId,
        connection && typeof connection === "object" ? withoutPassword(connection as ConnectionInputs) : null,
      ];
    });
}

/** Refresh only has the outputs: the inputs as applied are rebuilt from them (connections without passwords). */
export function inputsFromOutputs(stored: ReplicatedCollectionOutputs): ReplicatedCollectionInputs {
  const sites = Object.fromEntries(
    Object.entries(stored.sites).map(([name, s]) => [
      name,
      { collectionId: s.collectionId, ...(s.connection ? { connection: s.connection } : {}) },
    ]),
  );
  return {
    sites,
    activeSite: stored.activeSite,
    acknowledgeDataLoss: stored.acknowledgeDataLoss ?? [],
    rehearsalMinutes: stored.rehearsalMinutes ?? DEFAULTS.rehearsalMinutes,
    recoveryPoint: stored.recoveryPoint ?? DEFAULTS.recoveryPoint,
    commitFailover: stored.commitFailover ?? DEFAULTS.commitFailover,
    jobTimeoutSeconds: stored.jobTimeoutSeconds,
    shutdownTimeoutSeconds: stored.shutdownTimeoutSeconds ?? DEFAULTS.shutdownTimeoutSeconds,
    allowHardPowerOff: stored.allowHardPowerOff ?? DEFAULTS.allowHardPowerOff,
  };
}

/** Refuses, in preview, boot groups naming a VM that neither site's members, as last read, carry. */
export function refuseUnknownSiteVms(stored: ReplicatedCollectionOutputs, news: Props): void {
  const names = Object.values(stored.sites).flatMap((site) => recordedVmNames(site.members) ?? []);
  const at = {
    collection: nameOf(news as unknown as ReplicatedCollectionInputs),
    observedAt: stored.observedAt,
  };
  refuseUnknownRecordedVms(news.bootGroups, names.length > 0 ? [...new Set(names)] : undefined, at);
}
