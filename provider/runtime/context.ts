/**
 * What every resource's methods share inside one plugin process: the injected clock, logger and session factory,
 * the stack config read by `configure`, the per-collection lock, and the one way to open a session for a call.
 */
import type { CimSession } from "../cim";
import type { Clock } from "../clock";
import { systemClock } from "../clock";
import type { LogLine } from "../failover/request";
import type { Deadline, PollingOptions, ProgressCadence, ReadRetryOptions } from "../hyperv";
import { DEFAULT_POLLING, DEFAULT_READ_RETRIES, KEPT_LINE_CADENCE, withContext } from "../hyperv";
import type { ProviderConfig, SessionFactory } from "./connection";
import { EMPTY_CONFIG, openSession, readProviderConfig, resolveConnection } from "./connection";
import { boundReads } from "./boundedReads";
import { engineDeadline } from "./engineTimeout";
import { KeyedLock } from "./keyedLock";
import { describeTarget } from "./mergeConnection";
import { tapSession } from "./report/callLog";
import { SessionCache } from "./sessions";
import type { ConnectionInputs } from "./types";

export interface RuntimeDeps {
  readonly clock: Clock;
  /** Where lines for the user go; in the dynamic provider's plugin, stdout, which Pulumi shows as diagnostics. */
  readonly log: LogLine;
  readonly openSession: SessionFactory;
  readonly polling: PollingOptions;
  /**
   * 32774 (in use): `attempts` more calls, the first after `initialDelayMs`, for calls that have no job of their own
   * to look for (test failover, VM power). A failover calls again while no failover job of the collection is
   * visible, pausing from `initialDelayMs` doubling up to `maxDelayMs`, for the request's jobTimeoutSeconds.
   */
  readonly busyRetries: {
    readonly attempts: number;
    readonly initialDelayMs: number;
    readonly maxDelayMs: number;
  };
  /** How reads dropped by the transport are retried; method calls never are. */
  readonly readRetries: ReadRetryOptions;
  /** The running operation's deadline from the engine (customTimeouts), when the door was given one. */
  readonly operationDeadline: () => Deadline | undefined;
  /**
   * How often a job's progress is a line. By default paced (hyperv/progress.ts), since the dynamic provider's
   * lines each stay in the output; null where the door shows them in place (the native plugin's ephemeral log).
   */
  readonly progressCadence: ProgressCadence | null;
}

/**
 * How long {@link RuntimeContext.warm} waits before it opens a session. The answer to the check that asked for it takes
 * a few turns of the event loop to leave (grpc-js writes the message, then the trailers once that write is done), and
 * opening a session loads modules synchronously (the bridge's or the simulator's, tens of milliseconds): waiting lets
 * the answer, and the engine's next requests, go first. PowerShell takes about a second to start, so a start this much
 * later is not felt.
 */
export const WARM_AFTER_MS = 20;

export const DEFAULT_DEPS: RuntimeDeps = {
  clock: systemClock,
  log: (line) => console.log(line),
  openSession,
  polling: DEFAULT_POLLING,
  busyRetries: { attempts: 4, initialDelayMs: 2000, maxDelayMs: 30_000 },
  readRetries: DEFAULT_READ_RETRIES,
  operationDeadline: engineDeadline,
  progressCadence: KEPT_LINE_CADENCE,
};

export interface RuntimeContext {
  readonly deps: RuntimeDeps;
  /** The stack config read by the last `configure`. */
  config(): ProviderConfig;
  /** Polling from stack config, over the defaults. */
  polling(): PollingOptions;
  /** Serializes work on one collection inside this process. */
  lock<T>(key: string, fn: (waited: boolean) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on the process's session for the connection, opened on first use and kept; a session that cannot be
   * opened names the collection and host.
   */
  withSession<T>(
    connection: ConnectionInputs | null | undefined,
    collection: string,
    fn: (session: CimSession) => Promise<T>,
  ): Promise<T>;
  /** Gets the connection's session ready for the calls to come ({@link CimSession.warm}); never fails. */
  warm(connection: ConnectionInputs | null | undefined): void;
}

export interface ConfigurableContext extends RuntimeContext {
  /** `keys`: every stack config key, namespaced, when the door knows them; an unknown `hyperv-replica:` key fails. */
  configure(get: (key: string) => unknown, keys?: readonly string[]): void;
}

export function createContext(overrides: Partial<RuntimeDeps> = {}): ConfigurableContext {
  const deps: RuntimeDeps = { ...DEFAULT_DEPS, ...overrides };
  const locks = new KeyedLock();
  const sessions = new SessionCache();
  let config: ProviderConfig = EMPTY_CONFIG;

  return {
    deps,
    configure(get, keys) {
      config = readProviderConfig(get, keys);
    },
    config: () => config,
    polling() {
      // The cap never falls below the first interval.
      const initialMs = config.polling?.initialMs ?? deps.polling.initialMs;
      const maxMs = Math.max(initialMs, config.polling?.maxMs ?? deps.polling.maxMs);
      return { ...deps.polling, initialMs, maxMs };
    },
    lock: (key, fn) => locks.run(key, fn),
    async withSession(connection, collection, fn) {
      const resolved = resolveConnection(connection, config);
      const settings = [config.powershell, config.maxSessions];
      let session: CimSession;
      try {
        session = await sessions.open(resolved, settings, () => deps.openSession(resolved, config));
      } catch (error) {
        throw withContext(error, { collection, host: describeTarget(resolved) });
      }
      // Tapped, so that a run's report can list the exact calls it made (report/callLog.ts); reads end at the
      // engine's deadline (boundedReads.ts).
      return fn(boundReads(tapSession(session), deps.clock, deps.operationDeadline));
    },
    warm(connection) {
      void new Promise<void>((resolve) => setTimeout(resolve, WARM_AFTER_MS).unref())
        .then(() => {
          const resolved = resolveConnection(connection, config);
          const settings = [config.powershell, config.maxSessions];
          return sessions.open(resolved, settings, () => deps.openSession(resolved, config));
        })
        .then((session) => session.warm?.())
        .catch(() => undefined); // the first real call opens it again and reports why it cannot
    },
  };
}
