import type { CimInstance, CimNamespace } from "../../cim";
import { HYPERV_CLUSTER_NAMESPACE, HYPERV_VIRTUALIZATION_NAMESPACE } from "../../cim";
import { Cls, sameText } from "../constants";
import {
  collectionInstance,
  computerSystemInstance,
  jobInstance,
  recoveryPointInstance,
  serviceInstance,
} from "./render";
import { sample } from "./sample";
import { MANAGEMENT_CLASS_DEF } from "../methods/collectionManagement";
import { hostVmInstance, hostVms } from "./hostVms";
import { SETTINGS_CLASS_DEF } from "./settingData";
import { SHUTDOWN_CLASS_DEF } from "../methods/shutdownComponent";
import { collectionById, hostCollections, onHost, type SimState } from "../store/state";
import type { StoredCollection, StoredJob, StoredMember, StoredRecoveryPoint } from "../store/state";
import { NETWORK_CLASS_DEFS } from "../networks/classes";
import { prefilter, type Conditions, type Picks } from "./filter";

/**
 * Whether the session's host answers for the collection a point or job belongs to: its CollectionID on its site, or
 * on the host's own site for a record that names none.
 */
function visibleRecord(
  state: SimState,
  ctx: RenderContext,
  record: { collectionId: string; site?: string },
): boolean {
  const collection = collectionById(state, record.collectionId, record.site ?? ctx.hostName);
  return collection !== undefined && onHost(collection, ctx.hostName);
}

export const COLLECTION_PICKS: Picks<StoredCollection> = {
  CollectionID: (c) => c.id,
  ElementName: (c) => c.name,
  InstanceID: (c) => `Microsoft:${c.id}`,
};
export const POINT_PICKS: Picks<StoredRecoveryPoint> = {
  InstanceID: (p) => p.instanceId,
  CollectionID: (p) => p.collectionId,
};
export const JOB_PICKS: Picks<StoredJob> = { InstanceID: (j) => j.instanceId };
export const MEMBER_PICKS: Picks<StoredMember> = { Name: (m) => m.id, ElementName: (m) => m.name };

/** What rendering needs besides the state. */
export interface RenderContext {
  readonly now: number;
  readonly hostName: string;
  /** The namespace the call named; the cluster's when absent. */
  readonly namespace?: CimNamespace;
}

/** One class the simulator serves: its keys, its properties (for query checks) and its superclasses. */
export interface ClassDef {
  readonly name: string;
  /** Where the class lives; the cluster namespace when absent. */
  readonly namespace?: CimNamespace;
  readonly keys: readonly string[];
  readonly properties: readonly string[];
  readonly ancestors: readonly string[];
  /**
   * The instances a query or REF may be asking for: every one without `filter`; with it, at least those that match
   * it (a class may leave out what it knows cannot match before rendering it; the caller checks the rest).
   */
  instances(state: SimState, ctx: RenderContext, filter?: Conditions): CimInstance[];
}

const MANAGED_SYSTEM_ELEMENT = ["CIM_LogicalElement", "CIM_ManagedSystemElement", "CIM_ManagedElement"];

/** The member VMs and the host's VMs outside any collection, as the cluster namespace serves them. */
const COMPUTER_SYSTEM: ClassDef = {
  name: Cls.computerSystem,
  keys: ["Name"],
  properties: Object.keys(computerSystemInstance(sample.collection, sample.member, 0).properties),
  ancestors: ["CIM_ComputerSystem", "CIM_System", "CIM_EnabledLogicalElement", ...MANAGED_SYSTEM_ELEMENT],
  instances: (state, ctx, filter) => [
    ...hostCollections(state, ctx.hostName).flatMap((c) =>
      prefilter(c.members, filter, MEMBER_PICKS).map((m) => computerSystemInstance(c, m, ctx.now)),
    ),
    ...prefilter(hostVms(state, ctx.hostName), filter, MEMBER_PICKS).map((vm) => hostVmInstance(vm, ctx.now)),
  ],
};

export const CLASSES: readonly ClassDef[] = [
  {
    name: Cls.collection,
    keys: ["CollectionID"],
    properties: Object.keys(collectionInstance(sample.collection).properties),
    ancestors: ["CIM_CollectionOfMSEs", "CIM_Collection", "CIM_ManagedElement"],
    instances: (state, ctx, filter) =>
      prefilter(state.collections, filter, COLLECTION_PICKS)
        .filter((c) => onHost(c, ctx.hostName))
        .map(collectionInstance),
  },
  {
    name: Cls.recoveryPoint,
    keys: ["InstanceID", "CollectionID"],
    properties: Object.keys(recoveryPointInstance(sample.recoveryPoint).properties),
    ancestors: ["CIM_ManagedElement"],
    instances: (state, ctx, filter) =>
      prefilter(state.recoveryPoints, filter, POINT_PICKS)
        .filter((p) => visibleRecord(state, ctx, p))
        .map(recoveryPointInstance),
  },
  {
    name: Cls.job,
    keys: ["InstanceID"],
    properties: Object.keys(jobInstance(sample.job, 0).properties),
    ancestors: ["CIM_ConcreteJob", "CIM_Job", ...MANAGED_SYSTEM_ELEMENT],
    // A watcher's tick asks for each job in flight by InstanceID: render that one job, not every job the host keeps.
    instances: (state, ctx, filter) =>
      prefilter(state.jobs, filter, JOB_PICKS)
        .filter((j) => visibleRecord(state, ctx, j))
        .map((job) => jobInstance(job, ctx.now)),
  },
  {
    name: Cls.service,
    keys: ["CreationClassName", "Name", "SystemCreationClassName", "SystemName"],
    properties: Object.keys(serviceInstance("").properties),
    ancestors: ["CIM_Service", "CIM_EnabledLogicalElement", ...MANAGED_SYSTEM_ELEMENT],
    instances: (_state, ctx) => [serviceInstance(ctx.hostName)],
  },
  COMPUTER_SYSTEM,
  // The same VMs in each host's own namespace: the HyperV_v2 Msvm_ComputerSystem page gives "Namespace
  // Root\\Virtualization\\V2", where SetFailoverNetworkAdapterSettings names its VM (a REF a bridge resolves there).
  { ...COMPUTER_SYSTEM, namespace: HYPERV_VIRTUALIZATION_NAMESPACE },
  SETTINGS_CLASS_DEF,
  SHUTDOWN_CLASS_DEF,
  MANAGEMENT_CLASS_DEF,
  ...NETWORK_CLASS_DEFS,
];

/** Whether a class is served in the namespace a call named: each class in one namespace only. */
const servedIn = (def: ClassDef, namespace: CimNamespace | undefined) =>
  sameText(def.namespace ?? HYPERV_CLUSTER_NAMESPACE, namespace ?? HYPERV_CLUSTER_NAMESPACE);

/** The class itself, by name in any case. */
export function classNamed(name: string, namespace?: CimNamespace): ClassDef | undefined {
  return CLASSES.find((def) => sameText(def.name, name) && servedIn(def, namespace));
}

/** The classes an instance of `name` may belong to: that class or its subclasses, as WQL's FROM and ResultClass. */
export function classesUnder(name: string, namespace?: CimNamespace): ClassDef[] {
  return CLASSES.filter(
    (def) => servedIn(def, namespace) && [def.name, ...def.ancestors].some((n) => sameText(n, name)),
  );
}
