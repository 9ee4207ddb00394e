import type { CimInstance, CimNamespace, CimValue } from "../../cim";
import { HYPERV_CLUSTER_NAMESPACE } from "../../cim";
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
import { belongsTo, hostCollections, type SimState } from "../store/state";
import { NETWORK_CLASS_DEFS } from "../networks/classes";

/** The collections the session's host answers for, and whether a point or job belongs to one of them. */
function visible(state: SimState, ctx: RenderContext) {
  const collections = hostCollections(state, ctx.hostName);
  const owned = (record: { collectionId: string; site?: string }) =>
    collections.some((c) => belongsTo(record, c));
  return { collections, owned };
}

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
  instances(state: SimState, ctx: RenderContext): CimInstance[];
  /** The instance with these key values, when the class can find it without rendering every instance. */
  find?(
    state: SimState,
    ctx: RenderContext,
    keys: Readonly<Record<string, CimValue>>,
  ): CimInstance | undefined;
}

const MANAGED_SYSTEM_ELEMENT = ["CIM_LogicalElement", "CIM_ManagedSystemElement", "CIM_ManagedElement"];

export const CLASSES: readonly ClassDef[] = [
  {
    name: Cls.collection,
    keys: ["CollectionID"],
    properties: Object.keys(collectionInstance(sample.collection).properties),
    ancestors: ["CIM_CollectionOfMSEs", "CIM_Collection", "CIM_ManagedElement"],
    instances: (state, ctx) => visible(state, ctx).collections.map(collectionInstance),
  },
  {
    name: Cls.recoveryPoint,
    keys: ["InstanceID", "CollectionID"],
    properties: Object.keys(recoveryPointInstance(sample.recoveryPoint).properties),
    ancestors: ["CIM_ManagedElement"],
    instances: (state, ctx) => {
      const { owned } = visible(state, ctx);
      return state.recoveryPoints.filter(owned).map(recoveryPointInstance);
    },
  },
  {
    name: Cls.job,
    keys: ["InstanceID"],
    properties: Object.keys(jobInstance(sample.job, 0).properties),
    ancestors: ["CIM_ConcreteJob", "CIM_Job", ...MANAGED_SYSTEM_ELEMENT],
    instances: (state, ctx) => {
      const { owned } = visible(state, ctx);
      return state.jobs.filter(owned).map((job) => jobInstance(job, ctx.now));
    },
    // A watcher's tick asks for each job in flight by InstanceID: render that one job, not every job the host keeps.
    find: (state, ctx, keys) => {
      const id = keys.InstanceID;
      const job = state.jobs.find((j) => typeof id === "string" && sameText(j.instanceId, id));
      if (job === undefined || !visible(state, ctx).owned(job)) return undefined;
      return jobInstance(job, ctx.now);
    },
  },
  {
    name: Cls.service,
    keys: ["CreationClassName", "Name", "SystemCreationClassName", "SystemName"],
    properties: Object.keys(serviceInstance("").properties),
    ancestors: ["CIM_Service", "CIM_EnabledLogicalElement", ...MANAGED_SYSTEM_ELEMENT],
    instances: (_state, ctx) => [serviceInstance(ctx.hostName)],
  },
  {
    name: Cls.computerSystem,
    keys: ["Name"],
    properties: Object.keys(computerSystemInstance(sample.collection, sample.member, 0).properties),
    ancestors: ["CIM_ComputerSystem", "CIM_System", "CIM_EnabledLogicalElement", ...MANAGED_SYSTEM_ELEMENT],
    instances: (state, ctx) => [
      ...visible(state, ctx).collections.flatMap((c) =>
        c.members.map((m) => computerSystemInstance(c, m, ctx.now)),
      ),
      ...hostVms(state, ctx.hostName).map((vm) => hostVmInstance(vm, ctx.now)),
    ],
  },
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
