/** Seeding a replicated pair: a primary collection on one host and its replica on the other, in one state file. */
import type { CimScalar } from "../../cim";
import { collectionView, seedRecords } from "./records";
import { settingsXml } from "../model/settingData";
import { collectionById, type SimState } from "../store/state";
import type { SimCollection } from "../types";

/** A pair to add with {@link HyperVSimulator.addPair}. */
export interface SeedPair {
  /** The ElementName of both collections. */
  name: string;
  /** The member VMs' names. Each site gets its own VM GUIDs, so that a VM call reaches one site only. */
  members?: string[];
  /** The primary: the host (site) it lives on and its CollectionID (generated when absent). Its VMs run. */
  primary: SeedSite;
  /** The replica: its host and CollectionID. Its VMs are off. */
  replica: SeedSite;
  /** Recovery points on the replica, one hour apart and ending now. Defaults to 2. */
  recoveryPoints?: number;
  /**
   * Replication settings both sides hold (CollectionReplicationSettingData properties), over the defaults: the
   * sites' connection points, interval 300 s, port 80, compression, and Kerberos (1), or certificate
   * authentication (2) with the primary's thumbprint when the primary has a certificate.
   */
  settings?: Record<string, CimScalar>;
}

/** One site of a pair. */
export interface SeedSite {
  host: string;
  id?: string;
  /** The site's Replica Broker, as the settings name it ("the broker CAP name", documented). Default `<host>-broker`. */
  connectionPoint?: string;
  /** The thumbprint of the site's own replication certificate, for certificate authentication. */
  certificateThumbprint?: string;
}

export function addPair(
  state: SimState,
  seed: SeedPair,
  now: number,
): { primary: SimCollection; replica: SimCollection } {
  for (const side of [seed.primary, seed.replica]) {
    if (typeof side?.host !== "string" || side.host === "")
      throw new TypeError("each side of a pair needs a host");
  }
  if (seed.primary.host.toLowerCase() === seed.replica.host.toLowerCase()) {
    throw new TypeError("the two sides of a pair live on different hosts");
  }
  const common = { name: seed.name, ...(seed.members ? { members: seed.members } : {}) };
  const primary = seedRecords(
    { ...common, ...idOf(seed.primary), replicationMode: 1, recoveryPoints: 0 },
    now,
  );
  const replica = seedRecords(
    { ...common, ...idOf(seed.replica), replicationMode: 2, recoveryPoints: seed.recoveryPoints ?? 2 },
    now,
  );
  for (const { collection } of [primary, replica]) {
    if (collectionById(state, collection.id)) throw new Error(`a collection with id ${collection.id} exists`);
  }
  const [ownPrimary, ownReplica] = [siteOf(seed.primary), siteOf(seed.replica)];
  const certificate = ownPrimary.certificateThumbprint;
  const settings = settingsXml({
    ReplicationInterval: 300,
    RecoveryConnectionPoint: ownReplica.connectionPoint,
    PrimaryConnectionPoint: ownPrimary.connectionPoint,
    RecoveryServerPortNumber: 80,
    AuthenticationType: certificate === undefined ? 1 : 2,
    CompressionEnabled: true,
    ...(certificate === undefined ? {} : { CertificateThumbPrint: certificate }),
    ...seed.settings,
  });
  // Stored explicitly: the defaults follow the mode, which a reverse changes, while VMs stay as they are.
  for (const m of primary.collection.members) Object.assign(m, { enabledState: 2, enabledSince: now });
  for (const m of replica.collection.members) Object.assign(m, { enabledState: 3, enabledSince: now });
  Object.assign(primary.collection, { ...ownPrimary, partnerId: replica.collection.id, settings });
  Object.assign(replica.collection, { ...ownReplica, partnerId: primary.collection.id, settings });
  state.collections.push(primary.collection, replica.collection);
  state.recoveryPoints.push(...primary.points, ...replica.points);
  return { primary: collectionView(primary.collection), replica: collectionView(replica.collection) };
}

const idOf = (side: { id?: string }) => (side.id === undefined ? {} : { id: side.id });

/** What a collection stores about its site. */
function siteOf(side: SeedSite): { site: string; connectionPoint: string; certificateThumbprint?: string } {
  const certificate = side.certificateThumbprint;
  return {
    site: side.host,
    connectionPoint: side.connectionPoint ?? `${side.host}-broker`,
    ...(certificate === undefined ? {} : { certificateThumbprint: certificate }),
  };
}
