/**
 * What the outputs show besides the failover state: replication health and its issues, and the member VMs with
 * their power and replication state, with the time they were read (`healthObservedAt`).
 *
 * When they are read, and why (what a run costs the host):
 * - After a run that called a method, or that found the collection in another state than the stack recorded: the
 *   collection moved, so its health and VMs may have too.
 * - At refresh (`read`): refresh is how a user asks what the host shows now.
 * - Before a failover with `requireHealthy` (failover/health.ts reads the health itself, fresh, at that moment).
 * Not on a no-op create or update, which therefore costs one CIM call, the collection's own read: health and the
 * member VMs are not properties of Msvm_VirtualSystemCollection, so reading them is three more operations (the
 * members association, the replication service, GetReplicationStatistics), none of which the no-op needs. A no-op
 * update carries the values last read, and `healthObservedAt` still says when that was: nothing older is ever
 * presented as read now. A no-op create has read none yet: health is null, the VM list empty and
 * `healthObservedAt` null until the first run that acts, or a refresh.
 * Rejected: caching per process (every `pulumi up` is a new process, and each resource reads its own collection
 * once, so a cache would never be hit), an input to opt out (the default would still cost four calls), and one
 * bridge request carrying the four reads (still four operations on the host, and only for PowerShell).
 */
import type { CimSession } from "../cim";
import type { Clock } from "../clock";
import type {
  Collection,
  ErrorContext,
  MemberVm,
  ProgressCadence,
  ProgressLine,
  ReadRetryOptions,
} from "../hyperv";
import {
  HyperVJobError,
  HyperVReturnCodeError,
  JobTimeoutError,
  readMembers,
  readReplicationHealth,
} from "../hyperv";

export interface CollectionDetails {
  /** `Ok`, `Warning`, `Critical`, `NotApplicable`, or null when the host did not say (or they were not read). */
  readonly replicationHealth: string | null;
  readonly replicationHealthIssues: readonly string[];
  readonly virtualMachines: readonly MemberVm[];
  /** When these were read from the host (clock milliseconds), or null when they have not been read. */
  readonly observedAt: number | null;
}

export interface DetailDeps {
  readonly clock: Clock;
  readonly readRetries: ReadRetryOptions;
  readonly log: ProgressLine;
  readonly progressCadence?: ProgressCadence | null;
}

/** Details never read: what a no-op create records. */
export const NOT_READ: CollectionDetails = {
  replicationHealth: null,
  replicationHealthIssues: [],
  virtualMachines: [],
  observedAt: null,
};

/**
 * Reads the details. A host that refuses GetReplicationStatistics with a return code (32770 Not Supported on an
 * older host, for instance) leaves the health null and says so, rather than failing the whole operation.
 * `members` are the member VMs when the caller has just read them (after starting them), so they are not read twice.
 */
export async function readDetails(
  session: CimSession,
  collection: Collection,
  deps: DetailDeps,
  context: ErrorContext,
  members?: readonly MemberVm[],
): Promise<CollectionDetails> {
  const log: ProgressLine = (line, kind) => deps.log(`[${collection.name}] ${line}`, kind);
  const observedAt = deps.clock.now();
  // The two reads do not depend on each other: asked at once, they cost one round trip of waiting, not two.
  const [virtualMachines, health] = await Promise.all([
    members ?? readMembers(session, collection.id, context),
    readReplicationHealth(session, collection, { ...deps, progress: log }).catch((error: unknown) => {
      // A statistics job (JobType 111) that failed or ran out of time leaves the health unknown the same way.
      const refused =
        error instanceof HyperVReturnCodeError ||
        error instanceof HyperVJobError ||
        error instanceof JobTimeoutError;
      if (!refused) throw error;
      log(`replication health unknown: ${error.message}`);
      return undefined;
    }),
  ]);
  return {
    replicationHealth: health?.healthName ?? null,
    replicationHealthIssues: health?.issues ?? [],
    virtualMachines,
    observedAt,
  };
}

/** The stored shape of a member VM in the outputs, as runtime/outputs.ts writes it. */
interface StoredVm {
  readonly id?: unknown;
  readonly name?: unknown;
  readonly enabledState?: unknown;
  readonly enabledStateName?: unknown;
  readonly replicationState?: unknown;
  readonly replicationHealth?: unknown;
}

const numberOrNull = (v: unknown) => (typeof v === "number" ? v : null);

/**
 * The details a stack recorded, with the time they were read. A state written before `healthObservedAt` existed
 * read them with everything else, at its `observedAt`.
 */
export function recordedDetails(props: Readonly<Record<string, unknown>>): CollectionDetails {
  const at = props.healthObservedAt === undefined ? props.observedAt : props.healthObservedAt;
  const observedAt = typeof at === "string" ? Date.parse(at) : NaN;
  if (Number.isNaN(observedAt)) return NOT_READ;
  const vms = Array.isArray(props.virtualMachines) ? (props.virtualMachines as StoredVm[]) : [];
  return {
    replicationHealth: typeof props.replicationHealth === "string" ? props.replicationHealth : null,
    replicationHealthIssues: Array.isArray(props.replicationHealthIssues)
      ? props.replicationHealthIssues.map(String)
      : [],
    virtualMachines: vms.map((vm) => ({
      id: String(vm.id ?? ""),
      name: String(vm.name ?? ""),
      enabledState: numberOrNull(vm.enabledState) ?? 0,
      enabledStateName: String(vm.enabledStateName ?? ""),
      replicationState: numberOrNull(vm.replicationState),
      replicationHealth: null,
      replicationHealthName: typeof vm.replicationHealth === "string" ? vm.replicationHealth : null,
      // The outputs do not keep run times: a recorded VM's are unknown, and only a fresh read says how long it ran.
      timeOfLastStateChange: null,
      onTimeMs: null,
    })),
    observedAt,
  };
}

/** What the stack recorded before this run: the ReplicationState (when it has one) and the details. */
export interface RecordedRun {
  readonly replicationState: number | undefined;
  readonly details: CollectionDetails;
}

/**
 * The details after a run: read again when the run called a method, found the collection elsewhere than the stack
 * recorded, or read the VMs to start them; otherwise the recorded ones (none, at create), as of when they were read.
 */
export async function detailsAfterRun(
  session: CimSession,
  run: { readonly collection: Collection; readonly methodCalled: boolean },
  deps: DetailDeps,
  context: ErrorContext,
  recorded: RecordedRun | undefined,
  members?: readonly MemberVm[],
): Promise<CollectionDetails> {
  const moved = recorded !== undefined && run.collection.replicationState !== recorded.replicationState;
  // VMs just read to start them: the run changed them, so the details are read now too.
  if (run.methodCalled || moved || members !== undefined)
    return readDetails(session, run.collection, deps, context, members);
  return recorded?.details ?? NOT_READ;
}
