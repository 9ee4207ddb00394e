/**
 * Which method calls a run sent. Every session a resource gets from the runtime is tapped once (the same tapped
 * object for the same session, so the per-session job watcher is still shared); a call is kept by the run in whose
 * async context it was made (AsyncLocalStorage), so runs of several resources in one plugin process, on one shared
 * session, each keep only their own calls. Reads are not kept: the report is about what was asked of the host.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { CimSession } from "../../cim";
import { HYPERV_CLUSTER_NAMESPACE, isCimRef } from "../../cim";
import type { Clock } from "../../clock";
import type { RecordedCall } from "./types";

interface CallLog {
  readonly clock: Clock;
  readonly calls: { call: RecordedCall; session: CimSession }[];
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
      get: (...args) => session.get(...args),
      getMany: (...args) => session.getMany(...args),
      associators: (...args) => session.associators(...args),
      close: () => session.close(),
      invoke: async (target, method, args, options) => {
        const log = current.getStore();
        if (log === undefined) return session.invoke(target, method, args, options);
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
): Promise<{ made: CallsMade; result: { ok: true; value: T } | { ok: false; error: unknown } }> {
  const log: CallLog = { clock, calls: [] };
  const made = () => ({ calls: log.calls.map((c) => c.call), sessions: log.calls.map((c) => c.session) });
  try {
    const value = await current.run(log, fn);
    return { made: made(), result: { ok: true, value } };
  } catch (error) {
    return { made: made(), result: { ok: false, error } };
  }
}
