/**
 * Msvm_CollectionReplicationService, the singleton every collection method is called on, as a REF.
 */
import type { CimRef, CimSession } from "../cim";
import type { Clock } from "../clock";
import { CLASS } from "./codes";
import type { ErrorContext } from "./errors";
import { NotFoundError } from "./errors";
import type { ReadRetryOptions } from "./retry";
import type { ProgressLine } from "./progressPacing";
import { retryRead } from "./retry";

export interface ServiceReadOptions {
  readonly clock: Clock;
  readonly readRetries: ReadRetryOptions;
  readonly progress: ProgressLine;
  readonly signal?: AbortSignal;
}

/**
 * How long a session reuses the service it read. A failover reads it before its method call and again for
 * GetReplicationStatistics when the job ends, and every resource on the session does the same: within this time
 * they share one read. Inferred (no doc says): the singleton's keys (its class names and SystemName) do not
 * change while a connection is in use; the reuse is kept short all the same.
 */
export const SERVICE_REUSE_MS = 60_000;

const KEY_NAMES = ["CreationClassName", "Name", "SystemCreationClassName", "SystemName"];
const known = new WeakMap<CimSession, { readonly ref: Promise<CimRef | undefined>; readonly at: number }>();

/**
 * The service's REF, read from the host, or as this session read it less than {@link SERVICE_REUSE_MS} ago. Runs
 * that ask at once share one read; a read that fails, or finds no service, is not kept. Errors name each caller's
 * own collection.
 */
export async function replicationService(
  session: CimSession,
  context: ErrorContext,
  options: ServiceReadOptions,
): Promise<CimRef> {
  const ref = await sharedRead(session, context, options);
  if (ref === undefined) {
    throw new NotFoundError(
      `${CLASS.replicationService} does not exist on this host`,
      context,
      "VM collection replication needs Windows Server 2016 or later and the root\\HyperVCluster\\v2 namespace: point the connection at a node of the replica cluster",
    );
  }
  return ref;
}

function sharedRead(
  session: CimSession,
  context: ErrorContext,
  options: ServiceReadOptions,
): Promise<CimRef | undefined> {
  const now = options.clock.now();
  const last = known.get(session);
  if (last !== undefined && now - last.at >= 0 && now - last.at < SERVICE_REUSE_MS) return last.ref;
  const entry = { ref: readService(session, context, options), at: now };
  known.set(session, entry);
  const forget = () => known.get(session) === entry && known.delete(session);
  entry.ref.then((ref) => ref === undefined && forget(), forget);
  return entry.ref;
}

/** The service as the host lists it, or undefined when there is none; a read that fails throws its CimError. */
async function readService(
  session: CimSession,
  context: ErrorContext,
  options: ServiceReadOptions,
): Promise<CimRef | undefined> {
  const services = await retryRead(() => session.query(CLASS.replicationService), {
    clock: options.clock,
    retries: options.readRetries,
    onRetry: (error, delay) =>
      options.progress(
        `${context.method}: ${error.message}; reading ${CLASS.replicationService} again in ${Math.round(delay / 1000)} s`,
      ),
    signal: options.signal,
  });
  const service = services[0];
  if (service === undefined) return undefined;
  const keys = Object.fromEntries(
    KEY_NAMES.filter((k) => service.properties[k] !== undefined).map((k) => [
      k,
      service.properties[k] as string,
    ]),
  );
  return { className: CLASS.replicationService, keys };
}
