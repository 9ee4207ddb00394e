/**
 * The engine's deadline (customTimeouts) on single CIM reads. A read that the host does not answer (a hung WMI
 * provider, a stalled WinRM or SSH connection) would otherwise hold the operation until the transport's own timeout,
 * past the bound the user set. Each read started before the deadline ends at it, with an error naming the bound and
 * the read; the read changes nothing on the host, so nothing is left half-done by abandoning it.
 *
 * Reads started after the deadline are not bounded by it: they are the error path's reads of where things were left
 * (the partial failure's collection as read again), which must still reach the host. Method calls are never bounded
 * here: one abandoned mid-way would leave unknown whether it happened; their jobs have their own bounds. Nor are
 * reads of jobs by key: the session's one job watcher reads every operation's jobs together (hyperv/jobWatcher.ts),
 * in the context of whichever operation started it, and each job wait already ends at its own deadline, the
 * engine's included.
 */
import type { CimCallOptions, CimSession } from "../cim";
import { CimError, HYPERV_CLUSTER_NAMESPACE } from "../cim";
import type { Clock } from "../clock";
import type { Deadline } from "../hyperv";
import { CLASS } from "../hyperv";

/**
 * A read stopped at the operation's deadline. Not transient, unlike a transport's timeout: trying it again would
 * run past the bound the user set, so read retries and job waits let it through.
 */
export class ReadDeadlineError extends CimError {
  override get transient(): boolean {
    return false;
  }
}

const bounded = new WeakMap<CimSession, CimSession>();

/** The session with its reads bounded by `deadline()` (read at each call); one wrapper per session, kept. */
export function boundReads(
  session: CimSession,
  clock: Clock,
  deadline: () => Deadline | undefined,
): CimSession {
  let wrapper = bounded.get(session);
  if (wrapper === undefined) {
    const read = <T>(
      what: string,
      options: CimCallOptions | undefined,
      call: (o: CimCallOptions) => Promise<T>,
    ) => withinDeadline(clock, deadline(), describeRead(what, options), options, call);
    wrapper = {
      target: session.target,
      query: (className, filter, options) =>
        read(className, options, (o) => session.query(className, filter, o)),
      get: (ref, options) =>
        ref.className === CLASS.job
          ? session.get(ref, options)
          : read(ref.className, options, (o) => session.get(ref, o)),
      getMany: (refs, options) =>
        refs.every((r) => r.className === CLASS.job)
          ? session.getMany(refs, options)
          : read([...new Set(refs.map((r) => r.className))].join(", "), options, (o) =>
              session.getMany(refs, o),
            ),
      associators: (ref, a, options) =>
        read(`${a.resultClass ?? "instances"} associated with ${ref.className}`, options, (o) =>
          session.associators(ref, a, o),
        ),
      invoke: (...args) => session.invoke(...args),
      close: () => session.close(),
      ...(session.warm !== undefined ? { warm: () => session.warm?.() } : {}),
    };
    bounded.set(session, wrapper);
  }
  return wrapper;
}

const describeRead = (what: string, options: CimCallOptions | undefined) =>
  `${what} in ${options?.namespace ?? HYPERV_CLUSTER_NAMESPACE}`;

async function withinDeadline<T>(
  clock: Clock,
  deadline: Deadline | undefined,
  what: string,
  options: CimCallOptions | undefined,
  call: (options: CimCallOptions) => Promise<T>,
): Promise<T> {
  const left = deadline === undefined ? 0 : deadline.at - clock.now();
  if (deadline === undefined || left <= 0) return call(options ?? {});
  const stop = new AbortController();
  const signal = options?.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const expired = clock.sleep(left, stop.signal).then(
    () => {
      throw new ReadDeadlineError(
        "timeout",
        `no answer to a read of ${what} within ${deadline.bound.setting} (${deadline.bound.seconds} s), the whole operation's bound: the read was abandoned, and changed nothing on the host (calls made before it stand; refresh to see them). Raise ${deadline.bound.setting} if the host is slow to answer, or find what holds its WMI up`,
        undefined,
        { advised: true },
      );
    },
    // Stopped because the read ended first: this branch never settles, and the race is the read's.
    () => new Promise<never>(() => undefined),
  );
  try {
    return await Promise.race([call({ ...options, signal }), expired]);
  } finally {
    stop.abort();
  }
}
