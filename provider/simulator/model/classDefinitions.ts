/**
 * What the simulated host answers to `Get-CimClass`: each served class with its properties and methods, written from
 * the documented signatures, never from what the provider sends (hyperv/contract.ts), so that a test holding the two
 * against each other can fail.
 */
import type {
  CimClassDefinition,
  CimMethodDefinition,
  CimNamespace,
  CimParameterDefinition,
  CimPropertyDefinition,
} from "../../cim";
import { HYPERV_CLUSTER_NAMESPACE } from "../../cim";
import { ASSOCIATIONS } from "./associations";
import { CLASSES, type ClassDef } from "./classes";
import { Cls, sameText } from "../constants";
import { TRANSITIONS } from "../methods/transitions";

const param = (
  name: string,
  type: string,
  direction: "in" | "out" | "inout",
  referenceClass?: string,
): CimParameterDefinition => ({
  name,
  type,
  ...(referenceClass !== undefined ? { referenceClass } : {}),
  in: direction !== "out",
  out: direction !== "in",
});

const method = (name: string, parameters: CimParameterDefinition[]): CimMethodDefinition => ({
  name,
  returnType: "UInt32",
  parameters,
});

const JOB = param("Job", "Reference", "out", "CIM_ConcreteJob");
const POINT = param("CollectionRecoveryPoint", "Reference", "in", "Msvm_CollectionRecoveryPoint");
const SETTINGS = param("CollectionReplicationSettingData", "String", "in");

/**
 * Documented (ClusHyperV, Msvm_CollectionReplicationService methods): "All methods return uint32. Each takes [in]
 * CIM_CollectionOfMSEs REF Collection and has an optional [out] CIM_ConcreteJob REF Job"; the extra parameters are
 * those of each method's page.
 */
const SERVICE_EXTRAS: Readonly<Record<string, readonly CimParameterDefinition[]>> = {
  CreateReplicationRelationship: [SETTINGS],
  ModifyReplicationSettings: [SETTINGS],
  ReverseReplicationRelationship: [SETTINGS],
  StartReplication: [
    param("InitialReplicationType", "UInt16", "in"),
    param("InitialReplicationExportLocation", "String", "in"),
    param("StartTime", "DateTime", "in"),
  ],
  Resynchronize: [param("StartTime", "DateTime", "in"), param("IncludeSuspended", "Boolean", "in")],
  InitiateFailover: [POINT],
  TestReplicaCollection: [POINT, param("ResultingCollection", "Reference", "out", "CIM_CollectionOfMSEs")],
  GetReplicationStatistics: [
    param("ReplicationStatistics", "String", "out"),
    param("ReplicationHealthIssues", "StringArray", "out"),
  ],
};

/** CIM_EnabledLogicalElement.RequestStateChange, as Msvm_ComputerSystem and the service inherit it (documented). */
const REQUEST_STATE_CHANGE = method("RequestStateChange", [
  param("RequestedState", "UInt16", "in"),
  param("Job", "Reference", "inout", "CIM_ConcreteJob"),
  param("TimeoutPeriod", "DateTime", "in"),
]);

const METHODS: Readonly<Record<string, readonly CimMethodDefinition[]>> = {
  [Cls.service]: [
    ...TRANSITIONS.map((t) =>
      method(t.method, [
        param("Collection", "Reference", "in", "CIM_CollectionOfMSEs"),
        ...(SERVICE_EXTRAS[t.method] ?? []),
        JOB,
      ]),
    ),
    REQUEST_STATE_CHANGE,
    method("StartService", []),
    method("StopService", []),
  ],
  [Cls.computerSystem]: [REQUEST_STATE_CHANGE],
  // Msvm_ConcreteJob (HyperV_v2): RequestStateChange(RequestedState, TimeoutPeriod), GetError(out Error),
  // GetErrorEx(out Errors[]).
  [Cls.job]: [
    method("RequestStateChange", [
      param("RequestedState", "UInt16", "in"),
      param("TimeoutPeriod", "DateTime", "in"),
    ]),
    method("GetError", [param("Error", "String", "out")]),
    method("GetErrorEx", [param("Errors", "StringArray", "out")]),
  ],
  // Msvm_ShutdownComponent (HyperV_v2): "uint32 InitiateShutdown([in] boolean Force, [in] string Reason)".
  [Cls.shutdownComponent]: [
    method("InitiateShutdown", [param("Force", "Boolean", "in"), param("Reason", "String", "in")]),
  ],
};

/**
 * Property types. Documented for the states (uint16), times (datetime), OnTimeInMilliseconds (uint64) and flags
 * (boolean); a name not listed is a string (inferred: the remaining properties are names, ids and descriptions).
 */
const PROPERTY_TYPES: Readonly<Record<string, string>> = {
  ReplicationState: "UInt16",
  ReplicationMode: "UInt16",
  FailedOverReplicationType: "UInt16",
  LastApplyConsistencyLevel: "UInt16",
  ConsistencyLevel: "UInt16",
  JobState: "UInt16",
  PercentComplete: "UInt16",
  ErrorCode: "UInt16",
  JobType: "UInt16",
  EnabledState: "UInt16",
  ReplicationHealth: "UInt16",
  OperationalStatus: "UInt16Array",
  LastApplyTime: "DateTime",
  CreationTime: "DateTime",
  TimeSubmitted: "DateTime",
  TimeOfLastStateChange: "DateTime",
  StartTime: "DateTime",
  ElapsedTime: "DateTime",
  TimeBeforeRemoval: "DateTime",
  OnTimeInMilliseconds: "UInt64",
  Cancellable: "Boolean",
  DeleteOnCompletion: "Boolean",
  LastApplyVirtualMachineIds: "StringArray",
  VirtualMachineIds: "StringArray",
  RecoveryPointIds: "StringArray",
};

function definitionOf(def: ClassDef): CimClassDefinition {
  const properties: CimPropertyDefinition[] = def.properties.map((name) => ({
    name,
    type: PROPERTY_TYPES[name] ?? "String",
    key: def.keys.includes(name),
  }));
  return {
    className: def.name,
    superClassName: def.ancestors[0] ?? null,
    namespace: def.namespace ?? HYPERV_CLUSTER_NAMESPACE,
    properties,
    methods: METHODS[def.name] ?? [],
  };
}

/** Documented: each association links two REFs, named by its page (Antecedent/Dependent, or the pair below). */
const ASSOCIATION_ENDS: Readonly<Record<string, readonly [string, string]>> = {
  Msvm_CollectedVirtualSystems: ["Collection", "Member"],
  Msvm_AffectedJobElement: ["AffectedElement", "AffectingElement"],
};

function associationDefinition(name: string): CimClassDefinition {
  const ends = ASSOCIATION_ENDS[name] ?? ["Antecedent", "Dependent"];
  return {
    className: name,
    superClassName: null,
    namespace: HYPERV_CLUSTER_NAMESPACE,
    properties: ends.map((end) => ({ name: end, type: "Reference", key: true })),
    methods: [],
  };
}

/** The class as `Get-CimClass` would describe it in `namespace`, or `undefined` where it is not served. */
export function classDefinition(name: string, namespace: CimNamespace): CimClassDefinition | undefined {
  const def = CLASSES.find(
    (c) => sameText(c.name, name) && sameText(c.namespace ?? HYPERV_CLUSTER_NAMESPACE, namespace),
  );
  if (def) return definitionOf(def);
  const association = ASSOCIATIONS.find((a) => sameText(a.name, name));
  if (association && sameText(namespace, HYPERV_CLUSTER_NAMESPACE))
    return associationDefinition(association.name);
  return undefined;
}
