/** What the reconcile driver is asked to do, what it needs, and what it returns or throws. */
import type { Clock } from "../clock";
import type {
  Collection,
  CollectionSelector,
  Deadline,
  OperationRecord,
  ProgressCadence,
  PollingOptions,
  ReadRetryOptions,
} from "../hyperv";
import type { BootGroup } from "./bootOrder";
import type { DesiredState } from "./states";

export interface ReconcileRequest {
  readonly selector: CollectionSelector;
  /** The CollectionID the resource tracks (its id), after create: the run acts on it and on nothing else. */
  readonly trackedId?: string;
  readonly desired: DesiredState;
  /** `latest` or a recovery point InstanceID. */
  readonly recoveryPoint: string;
  readonly timeoutSeconds: number;
  readonly cancelJobOnTimeout: boolean;
  /** Refuse InitiateFailover while replication health is Critical. Default false. */
  readonly requireHealthy?: boolean;
  /** The data-loss events the program acknowledged (`acknowledgeDataLoss`; failover/dataLoss.ts). Default none. */
  readonly acknowledgedLosses?: readonly string[];
  /** A revert whose failed-over VMs each ran at most this many minutes needs no acknowledgement. Default 60. */
  readonly rehearsalMinutes?: number;
  /** The order VMs start in, and stop in reverse (failover/bootOrder.ts). Default: all together. */
  readonly bootGroups?: readonly BootGroup[];
}

/**
 * A line for the user. `status` marks a passing one (a job's progress) that a door may show in place of the last;
 * `warning` one the user should act on although the run goes on; the rest (plans, outcomes, retries) are `info`,
 * kept in the run's output.
 */
export type LogLine = (line: string, kind?: "info" | "status" | "warning") => void;

export interface ReconcileDeps {
  readonly clock: Clock;
  /** Where progress lines go (the plugin's stdout, which Pulumi shows). */
  readonly log: LogLine;
  readonly polling: PollingOptions;
  /**
   * 32774 (in use): `attempts` more calls, the first after `initialDelayMs`, for calls that have no job of their own
   * to look for (test failover, VM power). A failover calls again while no failover job of the collection is
   * visible, pausing from `initialDelayMs` doubling up to `maxDelayMs`, for the request's jobTimeoutSeconds; after
   * 32775 from a state that allows the call, `attempts` more times with the same pauses.
   */
  readonly busyRetries: {
    readonly attempts: number;
    readonly initialDelayMs: number;
    readonly maxDelayMs: number;
  };
  /** How to retry reads (never method calls) that the transport dropped. */
  readonly readRetries: ReadRetryOptions;
  /**
   * The whole operation's deadline set outside (the engine's customTimeouts), when there is one: each job wait and
   * each patience for 32774 ends at it if it comes before their own jobTimeoutSeconds.
   */
  readonly operationDeadline?: () => Deadline | undefined;
  /** How often a job's progress is worth a line (hyperv/progress.ts); null or absent: at every change. */
  readonly progressCadence?: ProgressCadence | null;
  /**
   * Runs `fn` while holding a lock on `key`: calls for one collection never overlap. `fn` learns whether it waited
   * for another run on the key.
   */
  readonly lock: <T>(key: string, fn: (waited: boolean) => Promise<T>) => Promise<T>;
}

export interface ReconcileResult {
  readonly collection: Collection;
  /** The last method called for this collection in this run, or null when nothing had to be called. */
  readonly lastOperation: OperationRecord | null;
  /** Whether any method was called on the host in this run: only then can health and member VMs have moved. */
  readonly methodCalled: boolean;
}

/** A reconcile that failed part-way; it carries what the host showed afterwards, so the stack can match it. */
export class ReconcileFailure extends Error {
  override name = "ReconcileFailure";

  constructor(
    readonly error: unknown,
    /** The collection as re-read after the failure, when it could be read. */
    readonly collection: Collection | undefined,
    readonly lastOperation: OperationRecord | null,
    /** Whether any method was called on the host in this run. */
    readonly methodCalled: boolean,
  ) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}
