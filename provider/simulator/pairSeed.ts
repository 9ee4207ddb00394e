/** Seeding a replicated pair: a primary collection on one host and its replica on the other, in one state file. */
import type { CimScalar } from "../cim";
import { collectionView, seedRecords } from "./records";
import { settingsXml } from "./settingData";
import { collectionById, type SimState } from "./state";
import type { SimCollection } from "./types";

/** A pair to add with {@link HyperVSimulator.addPair}. */
export interface SeedPair {
  /** The ElementName of both collections. */
  name: string;
  /** The member VMs' names. Each site gets its own VM GUIDs, so that a VM call reaches one site only. */
  members?: string[];
  /** The primary: the host (site) it lives on and its CollectionID (generated when absent). Its VMs run. */
  primary: { host: string; id?: string };
  /** The replica: its host and CollectionID. Its VMs are off. */
  replica: { host: string; id?: string };
  /** Recovery points on the replica, one hour apart and ending now. Defaults to 2. */
  recoveryPoints?: number;
  /** Replication settings both sides hold (CollectionReplicationSettingData properties); defaults are inferred. */
  settings?: Record<string, CimScalar>;
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
  const settings = settingsXml({
    ReplicationInterval: 300,
    RecoveryConnectionPoint: `${seed.replica.host}-broker`,
    PrimaryConnectionPoint: `${seed.primary.host}-broker`,
    RecoveryServerPortNumber: 80,
    AuthenticationType: 1,
    CompressionEnabled: true,
    ...seed.settings,
  });
  // Stored explicitly: the defaults follow the mode, which a reverse changes, while VMs stay as they are.
  for (const m of primary.collection.members) Object.assign(m, { enabledState: 2, enabledSince: now });
  for (const m of replica.collection.members) Object.assign(m, { enabledState: 3, enabledSince: now });
  Object.assign(primary.collection, { site: seed.primary.host, partnerId: replica.collection.id, settings });
  Object.assign(replica.collection, { site: seed.replica.host, partnerId: primary.collection.id, settings });
  state.collections.push(primary.collection, replica.collection);
  state.recoveryPoints.push(...primary.points, ...replica.points);
  return { primary: collectionView(primary.collection), replica: collectionView(replica.collection) };
}

const idOf = (side: { id?: string }) => (side.id === undefined ? {} : { id: side.id });
