import type { Evidence } from "./types";

/**
 * What every method of Msvm_CollectionManagementService (ClusHyperV msvm-collectionmanagementservice*.md, namespace
 * "Root\\HyperVCluster\\v2") does in the simulator, one row per method. Each page lists the same return values: "Completed
 * with No Error (0)", "Method Parameters Checked - Job Started (4096)", and "Failed (32768)" to "File not found
 * (32779)"; and of its Job out parameter: "A reference to the job for the operation. This parameter can be set to
 * NULL if the job is complete." Which calls finish at once and which start a job is not documented: the split below
 * is inferred (see `job`).
 */
export interface ManagementRow {
  readonly method: string;
  /**
   * The job the call starts (4096), with its JobType and Name from ConcreteJob_JobType (microsoft/wmi, hypervcluster
   * v2: 190 Define, 191 Destroy, 192 Rename, 193 Add Member, 194 Remove Member); absent = the call finishes at once
   * (0, Job NULL). Inferred: DefineCollection and DestroyCollection answer at once, because a job of a collection
   * that does not exist yet, or no longer, would be one no reader could relate to a collection; the edits of a
   * collection that exists run as jobs.
   */
  readonly job?: { readonly jobType: number; readonly jobName: string; readonly defaultDurationMs: number };
  readonly precondition: Evidence;
  readonly result: Evidence;
}

export const COLLECTION_MANAGEMENT: readonly ManagementRow[] = [
  {
    method: "DefineCollection",
    precondition: {
      inferred:
        'docs, of Id: "A GUID used to identify the group. The GUID must be unique, or the call will fail. If a GUID is not specified, the service generates one." A used Id answers 32768 Failed and an Id that is not a GUID 32773 (inferred: the page names no code); Type "Collection of Virtual Systems (0)" is served, "Collection of Collections (1)" (Msvm_ManagementCollection) is not modelled and answers 32770 (inferred)',
    },
    result: {
      inferred:
        'docs: "Creates a new CIM_CollectionOfMSEs object." and DefinedCollection is "A reference to the new collection."; of Name: "If a name is not specified, the default new collection name is used." The new collection does not replicate (ReplicationState 0, ReplicationMode 0) and has no members (inferred)',
    },
  },
  {
    method: "AddMember",
    job: { jobType: 193, jobName: "Add Member", defaultDurationMs: 500 },
    precondition: {
      inferred:
        'docs: Member is "A reference to the managed element to add." and Collection "A reference to the collection that receives the managed element."; a Member or Collection that names nothing answers 32773; a VM already in a VM collection (this one or another) answers 32775, and so does a collection that replicates (ReplicationState not 0), whose relationship names its VMs (PrimaryReplicationEntityIDs): both inferred, the safe side',
    },
    result: { documented: "Adds a managed element to a CIM_CollectionOfMSEs object." },
  },
  {
    method: "RemoveMember",
    job: { jobType: 194, jobName: "Remove Member", defaultDurationMs: 500 },
    precondition: {
      inferred:
        'docs: Member is "A reference to the managed element to remove." and Collection "A reference to the collection to update."; a VM that is not a member answers 32773, and a collection that replicates 32775 (both inferred, as for AddMember)',
    },
    result: {
      inferred:
        'docs: "Removes a managed element from a CIM_CollectionOfMSEs object."; the VM itself stays on the host, outside any collection (inferred)',
    },
  },
  {
    method: "RenameCollection",
    job: { jobType: 192, jobName: "Rename Collection", defaultDurationMs: 500 },
    precondition: {
      inferred:
        'docs: NewName is "The new name of the collection."; an empty NewName answers 32773 (inferred). Names need not be unique: Msvm_ManagementCollection.ElementName "is not guaranteed to be unique"',
    },
    result: {
      documented: "Updates the ElementName property of a CIM_CollectionOfMSEs object.",
    },
  },
  {
    method: "DestroyCollection",
    precondition: {
      inferred:
        'docs: Collection is "A reference to the collection to delete."; a collection with members answers 32775, as the cmdlet built on it says: "The Remove-VMGroup cmdlet removes a virtual machine group. Before you can remove a group, it must be empty." (windows-powershell-docs Remove-VMGroup; that DestroyCollection keeps the same rule is inferred); so does a collection that replicates (ReplicationState not 0), so that its relationship is never left without its collection (inferred, the safe side)',
    },
    result: { documented: "Deletes a CIM_CollectionOfMSEs object." },
  },
];

/** WMI method names are case-insensitive. */
export function managementRow(method: string): ManagementRow | undefined {
  return COLLECTION_MANAGEMENT.find((row) => row.method.toLowerCase() === method.toLowerCase());
}

/** The management methods that start jobs (setJobDuration, faults). */
export const MANAGEMENT_JOB_METHODS: readonly string[] = COLLECTION_MANAGEMENT.filter(
  (row) => row.job !== undefined,
).map((row) => row.method);
