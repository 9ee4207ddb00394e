/**
 * What the provider relies on in each class: the properties it reads, and every method it calls with the parameters
 * it passes and the out parameters it reads. `doctor` holds a host's `Get-CimClass` answers against this list, and
 * test/doctor/contract.test.ts holds the list against the calls the provider really makes (through the runtime, on
 * the simulator), so that a call added to the code without a line here fails a test instead of drifting.
 */
import type { CimNamespace } from "../cim";
import { HYPERV_CLUSTER_NAMESPACE, HYPERV_VIRTUALIZATION_NAMESPACE } from "../cim";
import { CLASS } from "./codes";
import { SHUTDOWN_COMPONENT } from "./stopWays";

/** A parameter as the provider uses it: passed in, or read out. `type` is the CimType the host must declare. */
export interface ParameterNeed {
  readonly name: string;
  readonly type: string;
  readonly direction: "in" | "out";
}

export interface MethodNeed {
  readonly name: string;
  readonly parameters: readonly ParameterNeed[];
}

export interface ClassNeed {
  readonly className: string;
  readonly namespace: CimNamespace;
  readonly properties: readonly string[];
  readonly methods: readonly MethodNeed[];
}

const inRef = (name: string): ParameterNeed => ({ name, type: "Reference", direction: "in" });
const outRef = (name: string): ParameterNeed => ({ name, type: "Reference", direction: "out" });
const JOB = outRef("Job");
const COLLECTION = inRef("Collection");
const POINT = inRef("CollectionRecoveryPoint");

/** Methods of Msvm_CollectionReplicationService that take the collection and return a job, and nothing else. */
const PLAIN_SERVICE_METHODS = [
  "RevertFailover",
  "CommitFailover",
  "RevertTestReplicaCollection",
  "ResumeReplication",
  "InitiatePlannedFailover",
  "RevertPlannedFailover",
  "PrepareForReverseReplication",
] as const;

const SERVICE_METHODS: readonly MethodNeed[] = [
  ...PLAIN_SERVICE_METHODS.map((name) => ({ name, parameters: [COLLECTION, JOB] })),
  { name: "InitiateFailover", parameters: [COLLECTION, POINT, JOB] },
  { name: "TestReplicaCollection", parameters: [COLLECTION, POINT, outRef("ResultingCollection"), JOB] },
  {
    name: "ReverseReplicationRelationship",
    parameters: [
      COLLECTION,
      { name: "CollectionReplicationSettingData", type: "String", direction: "in" },
      JOB,
    ],
  },
  {
    name: "GetReplicationStatistics",
    parameters: [
      COLLECTION,
      { name: "ReplicationStatistics", type: "String", direction: "out" },
      { name: "ReplicationHealthIssues", type: "StringArray", direction: "out" },
      JOB,
    ],
  },
];

const REQUESTED_STATE: ParameterNeed = { name: "RequestedState", type: "UInt16", direction: "in" };

const cluster = (
  className: string,
  properties: readonly string[],
  methods: readonly MethodNeed[] = [],
): ClassNeed => ({ className, namespace: HYPERV_CLUSTER_NAMESPACE, properties, methods });

export const PROVIDER_CONTRACT: readonly ClassNeed[] = [
  cluster(CLASS.replicationService, ["SystemName"], SERVICE_METHODS),
  cluster(CLASS.collection, [
    "CollectionID",
    "ElementName",
    "ReplicationState",
    "ReplicationMode",
    "FailedOverReplicationType",
    "LastApplyTime",
    "LastApplyConsistencyLevel",
  ]),
  cluster(CLASS.recoveryPoint, ["InstanceID", "CollectionID", "CreationTime", "ConsistencyLevel"]),
  cluster(
    CLASS.job,
    [
      "InstanceID",
      "JobState",
      "PercentComplete",
      "JobType",
      "Cancellable",
      "ErrorCode",
      "ErrorDescription",
      "ErrorSummaryDescription",
      "TimeSubmitted",
      "TimeOfLastStateChange",
    ],
    [
      { name: "RequestStateChange", parameters: [REQUESTED_STATE] },
      { name: "GetErrorEx", parameters: [{ name: "Errors", type: "StringArray", direction: "out" }] },
    ],
  ),
  cluster(
    CLASS.computerSystem,
    [
      "Name",
      "ElementName",
      "EnabledState",
      "ReplicationState",
      "ReplicationHealth",
      "TimeOfLastStateChange",
      "OnTimeInMilliseconds",
    ],
    [{ name: "RequestStateChange", parameters: [REQUESTED_STATE, JOB] }],
  ),
  cluster(CLASS.affectedJobElement, []),
  cluster(CLASS.collectedVirtualSystems, []),
  cluster(CLASS.replicaCollectionDependency, []),
  {
    className: SHUTDOWN_COMPONENT,
    namespace: HYPERV_VIRTUALIZATION_NAMESPACE,
    properties: ["SystemName"],
    methods: [
      {
        name: "InitiateShutdown",
        parameters: [
          { name: "Force", type: "Boolean", direction: "in" },
          { name: "Reason", type: "String", direction: "in" },
        ],
      },
    ],
  },
];
