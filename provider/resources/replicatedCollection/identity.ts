/**
 * Which collections a ReplicatedCollection names, whatever the program calls its sites: a collection is its
 * CollectionID on the host its connection (completed from stack config) reaches. Renaming or reordering the
 * `sites` map names the same pair; pointing a site at another collection or cluster names another.
 */
import { connectionIdentity } from "../../runtime/connectionIdentity";
import { mergeConnection } from "../../runtime/mergeConnection";
import type { ConnectionInputs } from "../../runtime/types";
import { UNKNOWN } from "../../runtime/types";
import type { ReplicatedCollectionInputs, SiteOutput } from "./types";

type Sites = Readonly<Record<string, { readonly collectionId?: unknown; readonly connection?: unknown }>>;

/** How log lines and errors name the pair: its two site names. */
export const nameOf = (inputs: ReplicatedCollectionInputs) => Object.keys(inputs.sites).join("+");

const known = (v: unknown) => v !== UNKNOWN && !JSON.stringify(v ?? null).includes(UNKNOWN);

/** A site's collection as a key, or undefined while part of it is not known (preview). */
export function collectionKey(site: Sites[string] | undefined, config: ConnectionInputs): string | undefined {
  if (!site || typeof site.collectionId !== "string" || !known(site)) return undefined;
  const own = typeof site.connection === "object" && site.connection !== null ? site.connection : undefined;
  const reached = connectionIdentity(mergeConnection(own as ConnectionInputs | undefined, config));
  return `${site.collectionId.toLowerCase()}@${reached}`;
}

const sitesOf = (sites: unknown): Sites | undefined =>
  typeof sites === "object" && sites !== null && !Array.isArray(sites) ? (sites as Sites) : undefined;

/** The pair's collections, in a fixed order; undefined while any is not known. */
export function pairOf(sites: unknown, config: ConnectionInputs): string[] | undefined {
  const all = sitesOf(sites);
  if (!all) return undefined;
  const keys = Object.values(all).map((site) => collectionKey(site, config));
  return keys.every((k) => k !== undefined) ? (keys as string[]).sort() : undefined;
}

/** The collection `activeSite` names, or undefined while not known. */
export function activeCollection(props: Readonly<Record<string, unknown>>, config: ConnectionInputs) {
  const active = props.activeSite;
  return typeof active === "string" ? collectionKey(sitesOf(props.sites)?.[active], config) : undefined;
}

/**
 * The site outputs recorded at the last read, under the program's site names, matched by collection; undefined
 * when a site names a collection the stack has not read.
 */
export function storedUnder(
  stored: Readonly<Record<string, SiteOutput>>,
  sites: unknown,
  config: ConnectionInputs,
): Record<string, SiteOutput> | undefined {
  const byKey = new Map(Object.values(stored).map((s) => [collectionKey(s, config), s]));
  const renamed: Record<string, SiteOutput> = {};
  for (const [name, site] of Object.entries(sitesOf(sites) ?? {})) {
    const key = collectionKey(site, config);
    const found = key === undefined ? undefined : byKey.get(key);
    if (!found) return undefined;
    renamed[name] = found;
  }
  return renamed;
}
