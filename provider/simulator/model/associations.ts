import type { CimInstance } from "../../cim";
import type { RenderContext } from "./classes";
import { Assoc, Cls } from "../constants";
import { collectionInstance, computerSystemInstance, jobInstance, recoveryPointInstance } from "./render";
import { ELEMENT_SETTING_DATA_DEF } from "./settingData";
import { withKey } from "../store/keyIndex";
import { collectionById, isTestOf, JOB_ID, JOB_VM, recordsOf, type SimState } from "../store/state";
import { FAILOVER_OF_PORT_DEF } from "../networks/classes";

/** An association class, followed from either end: given one instance, the instances at the other end. */
export interface AssociationDef {
  readonly name: string;
  related(state: SimState, ctx: RenderContext, source: CimInstance): CimInstance[];
}

const text = (source: CimInstance, property: string): string => String(source.properties[property]);

/** The collection a job, recovery point or member points at, on the session's host, as an instance list. */
function collectionList(state: SimState, ctx: RenderContext, id: string): CimInstance[] {
  const collection = collectionById(state, id, ctx.hostName);
  return collection ? [collectionInstance(collection)] : [];
}

export const ASSOCIATIONS: readonly AssociationDef[] = [
  {
    name: Assoc.affectedJobElement,
    related(state, ctx, source) {
      if (source.className === Cls.job) {
        const [job] = withKey(state.jobs, JOB_ID, text(source, "InstanceID"));
        return job ? collectionList(state, ctx, job.collectionId) : [];
      }
      // From a VM: its own jobs (RequestStateChange). Inferred for root\HyperVCluster\v2 from root\virtualization\v2,
      // where clients such as os-win (jobutils) find a VM's pending jobs over this association.
      if (source.className === Cls.computerSystem) {
        const vmId = text(source, "Name");
        return withKey(state.jobs, JOB_VM, vmId).map((j) => jobInstance(j, ctx.now));
      }
      if (source.className !== Cls.collection) return [];
      const self = collectionById(state, text(source, "CollectionID"), ctx.hostName);
      if (!self) return [];
      return recordsOf(state.jobs, self).map((j) => jobInstance(j, ctx.now));
    },
  },
  {
    name: Assoc.collectedVirtualSystems,
    related(state, ctx, source) {
      if (source.className === Cls.collection) {
        const collection = collectionById(state, text(source, "CollectionID"), ctx.hostName);
        return collection?.members.map((m) => computerSystemInstance(collection, m, ctx.now)) ?? [];
      }
      if (source.className !== Cls.computerSystem) return [];
      const vmId = text(source, "Name");
      return state.collections.filter((c) => c.members.some((m) => m.id === vmId)).map(collectionInstance);
    },
  },
  {
    name: Assoc.recoveryPointOfCollection,
    // The docs do not say which end is which, so both directions work.
    related(state, ctx, source) {
      if (source.className === Cls.recoveryPoint)
        return collectionList(state, ctx, text(source, "CollectionID"));
      if (source.className !== Cls.collection) return [];
      const self = collectionById(state, text(source, "CollectionID"), ctx.hostName);
      if (!self) return [];
      return recordsOf(state.recoveryPoints, self).map(recoveryPointInstance);
    },
  },
  {
    name: Assoc.replicaCollectionDependency,
    // Documented ends: Antecedent the replica collection, Dependent the test collection TestReplicaCollection made.
    related(state, ctx, source) {
      if (source.className !== Cls.collection) return [];
      const self = collectionById(state, text(source, "CollectionID"), ctx.hostName);
      if (!self) return [];
      const tests = state.collections.filter((c) => isTestOf(c, self));
      const replica = self.testOf === undefined ? [] : collectionList(state, ctx, self.testOf);
      return [...tests.map(collectionInstance), ...replica];
    },
  },
  ELEMENT_SETTING_DATA_DEF,
  FAILOVER_OF_PORT_DEF,
];
