import { REPLICATING_ANY, type Transition } from "./types";

/**
 * What the test failover methods do: create and destroy the test replica collection.
 * Each row cites its source, as types.ts describes.
 */
export const TEST_REPLICA: readonly Transition[] = [
  {
    method: "TestReplicaCollection",
    ...{ jobType: 102, jobName: "Initiate Test Replica", defaultDurationMs: 3000 },
    modes: [2],
    from: [3, 7],
    requires: ["recoveryPoint", "noTestCollection"],
    effect: "createTestCollection",
    precondition: {
      inferred:
        'docs: "User can select the recovery point from which the test collection should be created." and "Pass NULL if test collection is to be created from the latest point in time."; legal states (3 and 7: per-VM practice refuses Critical 8, ResynchronizeSuspended 9, and a test failover while resynchronizing, 10) and one test collection at a time (per-VM) are inferred',
    },
    result: {
      documented:
        "If a test collection is successfully defined, a reference to an instance of class CIM_CollectionOfMSEs that represents the newly defined test collection is returned.",
    },
  },
  {
    method: "RevertTestReplicaCollection",
    ...{ jobType: 103, jobName: "Remove Test Replica", defaultDurationMs: 2000 },
    modes: [2],
    from: [...REPLICATING_ANY, 4, 5, 6, 16],
    requires: ["testCollection"],
    effect: "removeTestCollection",
    precondition: {
      inferred:
        'docs, of its Collection parameter: "A reference to the CIM_CollectionOfMSEs replica collection instance for which the associated test replica collection is to be removed."; that a test collection must exist, and the states it is accepted from, are inferred',
    },
    result: {
      inferred:
        'docs: "Destroys the test replica collection for a replica collection."; its test VMs are turned off and deleted (per-VM Stop-VMFailover on a test failover)',
    },
  },
];
