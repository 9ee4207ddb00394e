/**
 * Which method calls a run sent. Every session a resource gets from the runtime is tapped once (the same tapped
 * object for the same session, so the per-session job watcher is still shared); a call is kept by the run in whose
 * async context it was made (AsyncLocalStorage), so runs of several resources in one plugin process, on one shared
 * session, each keep only their own calls. Reads are not kept as calls: the report is about what was asked of the
 * host; a run's reads of its collections and their VMs are kept until its first change, as the picture before it.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { CimInstance, CimSession } from "../../cim";
import { HYPERV_CLUSTER_NAMESPACE, isCimRef } from "../../cim";
import type { Clock } from "../../clock";
import { CLASS } from "../../hyperv";
import type { RecordedCall } from "./types";

interface CallLog {
  readonly clock: Clock;
  readonly calls: { call: RecordedCall; session: CimSession }[];
  /** Run once, just before the run's first call that changes something (reads made only when one is made). */
  readonly beforeFirstChange: (() => Promise<void>) | undefined;
  /**
   * Those reads, once started. Every changing call waits for the same reads, so that none reaches the host before
   * them, and calls asked together (a collection's VMs) still leave in the order they were asked.
   */
  before?: Promise<void>;
  /** The run's latest reads of each collection and of its member VMs, until its first change (runReads). */
  readonly reads: Map<string, RunReads>;
}

/** A collection and its member VMs as one run read them, by host and CollectionID. */
interface RunReads {
  collection?: CimInstance;
  members?: readonly CimInstance[];
}

const readKey = (target: string, collectionId: string) => `${target}\n${collectionId.toLowerCase()}`;

/**
 * Keeps what the run in progress read of a collection (by CollectionID) or of its member VMs, until its first
 * change: the report's picture before the run is then what the run itself read, not a second read of the same.
 */
function noteRunRead(target: string, collectionId: unknown, read: RunReads): void {
  const log = current.getStore();
  if (log === undefined || log.before !== undefined || typeof collectionId !== "string") return;
  const key = readKey(target, collectionId);
  log.reads.set(key, { ...log.reads.get(key), ...read });
}

/** The collection and its VMs as the run in progress read them on `target` before its first change, if it did. */
export function runReads(
  target: string,
  collectionId: string,
): { readonly collection: CimInstance; readonly members: readonly CimInstance[] } | undefined {
  const read = current.getStore()?.reads.get(readKey(target, collectionId));
  return read?.collection && read.members
    ? { collection: read.collection, members: read.members }
    : undefined;
}

/** Method calls that only read: they change nothing on the host. */
export const READ_METHODS: ReadonlySet<string> = new Set(["GetReplicationStatistics", "GetErrorEx"]);

/**
 * The last instance of each job seen through a tapped session (the job watcher reads every job it follows through
 * it), so that a report has the host's job times without reading them again. Kept per session, bounded.
 */
const seenJobs = new WeakMap<CimSession, Map<string, CimInstance>>();
const SEEN_JOBS_KEPT = 2000;

function noteJobs(session: CimSession, instances: readonly (CimInstance | undefined)[]): void {
  let jobs = seenJobs.get(session);
  if (jobs === undefined) seenJobs.set(session, (jobs = new Map()));
  for (const instance of instances) {
    if (instance?.className !== "Msvm_ConcreteJob") continue;
    const id = String(instance.properties.InstanceID ?? "").toLowerCase();
    jobs.delete(id);
    jobs.set(id, instance);
  }
  for (const oldest of jobs.keys()) {
    if (jobs.size <= SEEN_JOBS_KEPT) break;
    jobs.delete(oldest);
  }
}

/** The job as last seen through the tapped session, if it was. */
export function lastSeenJob(session: CimSession, jobId: string): CimInstance | undefined {
  return seenJobs.get(session)?.get(jobId.toLowerCase());
}

const current = new AsyncLocalStorage<CallLog>();
const tapped = new WeakMap<CimSession, CimSession>();

/** The session as the resources see it: the same calls, each one kept by the run that made it. */
export function tapSession(session: CimSession): CimSession {
  let tap = tapped.get(session);
  if (tap === undefined) {
    tap = {
      target: session.target,
      query: (...args) => session.query(...args),
      get: async (ref, options) => {
        const instance = await session.get(ref, options);
        noteJobs(session, [instance]);
        if (ref.className === CLASS.collection && instance !== undefined)
          noteRunRead(session.target, ref.keys.CollectionID, { collection: instance });
        return instance;
      },
      getMany: async (refs, options) => {
        const instances = await session.getMany(refs, options);
        noteJobs(session, instances);
        return instances;
      },
      associators: async (ref, options, callOptions) => {
        const found = await session.associators(ref, options, callOptions);
        const members =
          options.association === CLASS.collectedVirtualSystems &&
          options.resultClass === CLASS.computerSystem;
        if (ref.className === CLASS.collection && members)
          noteRunRead(session.target, ref.keys.CollectionID, { members: found });
        return found;
      },
      close: () => session.close(),
      ...(session.warm !== undefined ? { warm: () => session.warm?.() } : {}),
      invoke: async (target, method, args, options) => {
        const log = current.getStore();
        if (log === undefined) return session.invoke(target, method, args, options);
        if (log.beforeFirstChange !== undefined && !READ_METHODS.has(method)) {
          log.before ??= log.beforeFirstChange();
          await log.before;
        }
        const calledAt = log.clock.now();
        const keep = (returnValue: number | null, jobId: string | null, error: string | null) =>
          log.calls.push({
            session,
            call: {
              host: session.target,
              namespace: options?.namespace ?? HYPERV_CLUSTER_NAMESPACE,
              className: target.className,
              keys: target.keys,
              method,
              arguments: args,
              calledAt,
              returnedAt: log.clock.now(),
              returnValue,
              jobId,
              error,
            },
          });
        try {
          const result = await session.invoke(target, method, args, options);
          const job = result.outParameters.Job;
          keep(result.returnValue, isCimRef(job) ? String(job.keys.InstanceID) : null, null);
          return result;
        } catch (error) {
          keep(null, null, error instanceof Error ? error.message : String(error));
          throw error;
        }
      },
    };
    tapped.set(session, tap);
  }
  return tap;
}

export interface CallsMade {
  readonly calls: RecordedCall[];
  /** The untapped session each call went through, to read its job back. */
  readonly sessions: CimSession[];
}

/** Runs `fn`, keeping every method call it makes through tapped sessions; nested runs keep their own. */
export async function keepingCalls<T>(
  clock: Clock,
  fn: () => Promise<T>,
  beforeFirstChange?: () => Promise<void>,
): Promise<{ made: CallsMade; result: { ok: true; value: T } | { ok: false; error: unknown } }> {
  const log: CallLog = { clock, calls: [], beforeFirstChange, reads: new Map() };
  const made = () => ({ calls: log.calls.map((c) => c.call), sessions: log.calls.map((c) => c.session) });
  try {
    const value = await current.run(log, fn);
    return { made: made(), result: { ok: true, value } };
  } catch (error) {
    return { made: made(), result: { ok: false, error } };
  }
}
