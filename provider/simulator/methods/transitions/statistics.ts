import { ANY_ENABLED, type Transition } from "./types";

/**
 * What the statistics methods do.
 * Each row cites its source, as types.ts describes.
 */
export const STATISTICS: readonly Transition[] = [
  {
    method: "GetReplicationStatistics",
    // The job a seeded answer starts (statistics.ts): JobType 111 "Get Replica statistics" is documented.
    jobName: "Get Replica statistics",
    modes: [1, 2],
    from: ANY_ENABLED,
    precondition: {
      documented:
        "A reference to the Hyper-V replica enabled CIM_CollectionOfMSEs for which replication statistics need to be retrieved.",
    },
    result: {
      inferred:
        'docs: "This is an embedded instance of Msvm_CollectionReplicationStatistics." and "Method Parameters Checked - Job Started (4096)"; answered at once (rv 0, no job) as CIM-XML text unless seeded to answer with a job (JobType 111), the statistics then in the reply or from a call after the job; the issue strings are seeded',
    },
  },
  {
    method: "ResetReplicationStatistics",
    modes: [1, 2],
    from: ANY_ENABLED,
    precondition: { inferred: "replication enabled, as GetReplicationStatistics" },
    result: {
      inferred:
        'docs: "Resets replication statistics associated with virtual system collection."; at once (rv 0); counters 0, StartStatisticTime now',
    },
  },
];
