/**
 * What appears on the recovery cluster when a primary's relationship is created, in a state file of two sites.
 *
 * Documented (ClusHyperV `msvm-collectionreplicationsettingdata.md`): PrimaryReplicationEntityIDs is "The list of
 * replication entities in a primary group i.e., the group ID and the virtual machine IDs. These are required when
 * there is no broker present in the cluster. For example: GroupId,Vm1Id,Vm2Id.", and RecoveryServerHosts "The list
 * of recovery servers corresponding to the primary entity IDs, where the entity has to be placed on recovery side."
 * RecoveryConnectionPoint: "For a recovery cluster, this is the broker CAP name. For a standalone recovery server,
 * this is the host system name." RemoveReplicationRelationship: "This does not clean up the recovery server
 * collection." So a recovery-side collection exists once replication is enabled, and its entity is the primary's
 * group ID.
 *
 * Inferred from those sentences (no page says it outright), and modelled here:
 * - the recovery-side collection appears when CreateReplicationRelationship's job completes, on the site whose
 *   connection point (its Replica Broker) or host name the settings' RecoveryConnectionPoint names;
 * - it keeps the primary's CollectionID and ElementName (the entity placed is "the group ID"), so a program
 *   addresses both sides by one id: ReplicationMode 2 (Replica), ReplicationState 2 (Waiting to complete initial
 *   replication: the per-VM PowerShell name of a replica before its first copy is WaitingForInitialReplication),
 *   the same settings, no recovery point until the initial copy arrives (pair.ts adds it);
 * - its replica VMs have the members' names, are off, and get GUIDs of their own in the simulator, so that a VM
 *   call reaches one site only (a real replica VM keeps its primary's VM id, which the simulator does not model);
 * - a recovery site that already holds a collection with that CollectionID (a replica left by an earlier removal)
 *   refuses the call with 32775: re-using it could write over its replica VMs' disks (the safe side).
 * A RecoveryConnectionPoint that names no site of the state file creates nothing there, as before sites existed.
 */
import { formatEmbeddedInstance, parseEmbeddedInstance, withPropertyValues } from "../../cim";
import { EnabledState, FailedOverType, ReplicationMode, ReplicationState, sameText } from "../constants";
import { newGuid } from "../ids";
import { parseSettings } from "../model/settingData";
import { type KeyOf, keyCount } from "../store/keyIndex";
import { collectionById, type SimState, type StoredCollection } from "../store/state";

/** A site of a two-cluster state file: the host a session is opened for, and its Replica Broker's name. */
export interface StoredSite {
  host: string;
  connectionPoint: string;
  /** The thumbprint of the site's own replication certificate, for certificate authentication. */
  certificateThumbprint?: string;
}

/** The sites a state file knows: those registered with addSite, then those its collections live on. */
function knownSites(state: SimState): StoredSite[] {
  const sites: StoredSite[] = [...(state.sites ?? [])];
  for (const c of state.collections) {
    if (c.site === undefined || sites.some((s) => sameText(s.host, c.site ?? ""))) continue;
    sites.push({ host: c.site, connectionPoint: c.connectionPoint ?? c.site });
  }
  return sites;
}

/** The site the settings replicate to, other than the primary's own; `undefined` when none matches. */
function recoverySite(state: SimState, primary: StoredCollection, settings: string): StoredSite | undefined {
  const point = parseSettings(settings).RecoveryConnectionPoint;
  if (typeof point !== "string" || primary.site === undefined) return undefined;
  return knownSites(state).find(
    (s) =>
      !sameText(s.host, primary.site ?? "") &&
      (sameText(s.connectionPoint, point) || sameText(s.host, point)),
  );
}

/** Whether CreateReplicationRelationship may go ahead: no collection with this id waits on the recovery site. */
export function recoverySideFree(state: SimState, primary: StoredCollection, settings: string): boolean {
  const site = recoverySite(state, primary, settings);
  return site === undefined || collectionById(state, primary.id, site.host) === undefined;
}

/**
 * CreateReplicationRelationship's job completed: the primary keeps the settings, with PrimaryConnectionPoint its own
 * (documented read-only there, "For a primary cluster, this is the broker CAP name."; that the host fills it in is
 * inferred), and the recovery-side collection appears.
 */
export function relationshipCreated(
  state: SimState,
  primary: StoredCollection,
  sent: string,
  at: number,
): void {
  const own = knownSites(state).find((s) => sameText(s.host, primary.site ?? ""));
  if (own !== undefined && primary.connectionPoint === undefined) {
    primary.connectionPoint = own.connectionPoint;
    if (own.certificateThumbprint !== undefined) primary.certificateThumbprint = own.certificateThumbprint;
  }
  primary.settings = withPrimaryPoint(sent, primary.connectionPoint);
  createRecoverySide(state, primary, at);
}

function withPrimaryPoint(text: string, point: string | undefined): string {
  const instance = parseEmbeddedInstance(text);
  if (instance === undefined || point === undefined) return text;
  return formatEmbeddedInstance(withPropertyValues(instance, { PrimaryConnectionPoint: point }));
}

/** The recovery-side collection (see the top of this file). */
function createRecoverySide(state: SimState, primary: StoredCollection, at: number): void {
  const site = primary.settings === undefined ? undefined : recoverySite(state, primary, primary.settings);
  if (site === undefined || collectionById(state, primary.id, site.host) !== undefined) return;
  state.collections.push({
    id: primary.id,
    name: primary.name,
    replicationState: ReplicationState.waitingForInitialReplication,
    replicationMode: ReplicationMode.replica,
    failedOverReplicationType: FailedOverType.none,
    members: primary.members.map((m) => ({
      id: newGuid(),
      name: m.name,
      enabledState: EnabledState.disabled,
      enabledSince: at,
    })),
    lastApplyTime: null,
    lastApplyConsistencyLevel: 0,
    ...(primary.settings === undefined ? {} : { settings: primary.settings }),
    site: site.host,
    partnerId: primary.id,
    connectionPoint: site.connectionPoint,
    ...(site.certificateThumbprint === undefined
      ? {}
      : { certificateThumbprint: site.certificateThumbprint }),
    ...(primary.dataSizeBytes === undefined ? {} : { dataSizeBytes: primary.dataSizeBytes }),
  });
  primary.partnerId = primary.id;
}

/**
 * Registers a site of a two-cluster state file, so that a relationship created towards its connection point makes
 * the recovery-side collection there, and DefineCollection on its host makes collections that live on it.
 * @throws TypeError for an empty host, Error when the host is registered already.
 */
export function addSite(
  state: SimState,
  site: { host: string; connectionPoint?: string; certificateThumbprint?: string },
): StoredSite {
  if (typeof site.host !== "string" || site.host === "") throw new TypeError("a site needs a host");
  if ((state.sites ?? []).some((s) => sameText(s.host, site.host)))
    throw new Error(`the site ${site.host} exists`);
  const stored: StoredSite = {
    host: site.host,
    connectionPoint: site.connectionPoint ?? `${site.host}-broker`,
    ...(site.certificateThumbprint === undefined
      ? {}
      : { certificateThumbprint: site.certificateThumbprint }),
  };
  state.sites = [...(state.sites ?? []), stored];
  return stored;
}

const SITE: KeyOf<{ site?: string }> = (record) => record.site;

/** Whether the state file holds sites: then a new collection lives on the host that made it. */
export function hasSites(state: SimState): boolean {
  return (
    (state.sites ?? []).length > 0 ||
    keyCount(state.collections, SITE) > 0 ||
    keyCount(state.virtualMachines ?? [], SITE) > 0
  );
}
