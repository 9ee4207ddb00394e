/**
 * What the outputs show besides the failover state: replication health and its issues, and the member VMs with
 * their power and replication state. Read after every operation and at refresh.
 */
import type { CimSession } from "../cim";
import type { Clock } from "../clock";
import type { Collection, ErrorContext, MemberVm, ReadRetryOptions } from "../hyperv";
import { HyperVReturnCodeError, readMembers, readReplicationHealth } from "../hyperv";

export interface CollectionDetails {
  /** `Ok`, `Warning`, `Critical`, `NotApplicable`, or null when the host did not say. */
  readonly replicationHealth: string | null;
  readonly replicationHealthIssues: readonly string[];
  readonly virtualMachines: readonly MemberVm[];
}

export interface DetailDeps {
  readonly clock: Clock;
  readonly readRetries: ReadRetryOptions;
  readonly log: (line: string) => void;
}

/**
 * Reads the details. A host that refuses GetReplicationStatistics with a return code (32770 Not Supported on an
 * older host, for instance) leaves the health null and says so, rather than failing the whole operation.
 */
export async function readDetails(
  session: CimSession,
  collection: Collection,
  deps: DetailDeps,
  context: ErrorContext,
): Promise<CollectionDetails> {
  const log = (line: string) => deps.log(`[${collection.name}] ${line}`);
  const virtualMachines = await readMembers(session, collection.id, context);
  try {
    const health = await readReplicationHealth(session, collection, { ...deps, progress: log });
    return { replicationHealth: health.healthName, replicationHealthIssues: health.issues, virtualMachines };
  } catch (error) {
    if (!(error instanceof HyperVReturnCodeError)) throw error;
    log(`replication health unknown: ${error.message}`);
    return { replicationHealth: null, replicationHealthIssues: [], virtualMachines };
  }
}
