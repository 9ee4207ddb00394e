/**
 * GetReplicationStatistics: documented with out `string ReplicationStatistics` ("an embedded instance of
 * Msvm_CollectionReplicationStatistics") and out `string ReplicationHealthIssues[]` (group- and VM-level messages).
 * The embedded instance arrives as CIM-XML `<INSTANCE>` text, the form CimSerializer and WMI's DTD 2.0 text use
 * (inferred for this method: the docs do not show one).
 */
import type { CimRef, CimSession } from "../cim";
import { CimError, isCimRef, parseCimDateTime } from "../cim";
import type { Collection } from "./collections";
import { collectionRef } from "./collections";
import { replicationHealthName, ReturnCode } from "./codes";
import type { ErrorContext } from "./errors";
import { HyperVReturnCodeError, withContext } from "./errors";
import type { PollingOptions } from "./jobs";
import { DEFAULT_POLLING } from "./jobs";
import type { MethodOptions } from "./replicationService";
import { seeJobThrough } from "./replicationService";
import { replicationService } from "./service";

export interface HealthReport {
  /** Msvm_CollectionReplicationStatistics.ReplicationHealth, or null when the host gave none. */
  readonly health: number | null;
  /** Its name, read with the per-VM numbering (inferred): `Ok`, `Warning`, `Critical`, `NotApplicable`. */
  readonly healthName: string | null;
  /** ReplicationHealthIssues, as the host wrote them. */
  readonly issues: readonly string[];
  /**
   * LastWALReplicationTime as ISO 8601, "The time when the last successful WAL consistent DR cycle was performed."
   * (documented); null when the host gave none.
   */
  readonly lastReplicationTime: string | null;
}

const ENTITIES: Readonly<Record<string, string>> = { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" };

/** The value of one property of a CIM-XML instance, or undefined when absent or NULL. */
export function cimXmlProperty(xml: string, name: string): string | undefined {
  const pattern = new RegExp(`<PROPERTY\\s+NAME="${name}"[^>]*>\\s*<VALUE>([\\s\\S]*?)</VALUE>`, "i");
  const match = pattern.exec(xml);
  return match?.[1]?.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ENTITIES[e] ?? "").trim();
}

export function parseStatistics(statistics: unknown, issues: unknown): HealthReport {
  const raw = typeof statistics === "string" ? cimXmlProperty(statistics, "ReplicationHealth") : undefined;
  const health = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : null;
  const wal =
    typeof statistics === "string" ? cimXmlProperty(statistics, "LastWALReplicationTime") : undefined;
  const walMs = parseCimDateTime(wal);
  return {
    health,
    healthName: health === null ? null : replicationHealthName(health),
    issues: Array.isArray(issues) ? issues.map(String) : [],
    lastReplicationTime: walMs === undefined ? null : new Date(walMs).toISOString(),
  };
}

/**
 * How long to wait for a statistics job (JobType 111). Inferred: gathering statistics is a read of counters the host
 * keeps, so two minutes is generous; a failover waiting on it should not wait the failover's own jobTimeoutSeconds.
 */
export const STATISTICS_JOB_TIMEOUT_SECONDS = 120;

type StatisticsOptions = Pick<MethodOptions, "clock" | "readRetries" | "progress" | "progressCadence"> & {
  readonly polling?: PollingOptions;
};

/**
 * Calls GetReplicationStatistics for the collection. Documented: it may answer 4096 with a job ("Method Parameters
 * Checked - Job Started"; JobType 111 "Get Replica statistics"), and "can be null if the task is completed". Not
 * documented: where the statistics are then. Out parameters come back once, with the call's reply, and
 * Msvm_ConcreteJob has no property that holds a result, so (inferred) they are either in that reply or left for a
 * call made after the job: the job is waited for, the reply's statistics used when it has them, else the method is
 * called once more. Two calls that both leave them out are an error, never a guess.
 */
export async function readReplicationHealth(
  session: CimSession,
  collection: Collection,
  options: StatisticsOptions,
): Promise<HealthReport> {
  const context: ErrorContext = {
    collection: collection.name,
    method: "GetReplicationStatistics",
    host: session.target,
  };
  try {
    const service = await serviceOf(session, context, options);
    for (let call = 1; call <= 2; call++) {
      const { out, viaJob } = await statisticsCall(session, service, collection, context, options);
      const answered = typeof out.ReplicationStatistics === "string" && out.ReplicationStatistics !== "";
      if (!viaJob || answered) return parseStatistics(out.ReplicationStatistics, out.ReplicationHealthIssues);
      if (call === 1)
        options.progress("GetReplicationStatistics: its job gave no statistics; calling it again");
    }
    throw new CimError(
      "protocol",
      "GetReplicationStatistics completed twice without returning ReplicationStatistics",
    );
  } catch (error) {
    throw withContext(error, context);
  }
}

/** One call, and its job seen through when it answers 4096: the out parameters of the reply. */
async function statisticsCall(
  session: CimSession,
  service: CimRef,
  collection: Collection,
  context: ErrorContext,
  options: StatisticsOptions,
): Promise<{ readonly out: Readonly<Record<string, unknown>>; readonly viaJob: boolean }> {
  const startedAt = options.clock.now();
  const result = await session
    .invoke(service, "GetReplicationStatistics", { Collection: collectionRef(collection.id) })
    .catch((error: unknown) => {
      services.delete(session);
      throw error;
    });
  if (result.returnValue === ReturnCode.Completed) return { out: result.outParameters, viaJob: false };
  if (result.returnValue !== ReturnCode.JobStarted)
    throw new HyperVReturnCodeError(result.returnValue, context);
  const job = result.outParameters.Job;
  if (!isCimRef(job) || typeof job.keys.InstanceID !== "string" || job.keys.InstanceID === "") {
    throw new CimError(
      "protocol",
      "GetReplicationStatistics started a job (4096) but returned no usable Job reference",
    );
  }
  await seeJobThrough(session, "GetReplicationStatistics", job, startedAt, context, {
    ...options,
    polling: options.polling ?? DEFAULT_POLLING,
    timeoutSeconds: STATISTICS_JOB_TIMEOUT_SECONDS,
    cancelOnTimeout: false,
    busyRetries: { attempts: 0, initialDelayMs: 0 },
  });
  return { out: result.outParameters, viaJob: true };
}

/**
 * The replication service's reference, per session: the service is a singleton per host, named by fixed keys, so
 * the health reads of one process query it once (a refresh is then the collection, its members and this method).
 * A call that fails forgets it, so the next read asks the host again.
 */
const services = new WeakMap<CimSession, CimRef>();

async function serviceOf(
  session: CimSession,
  context: ErrorContext,
  options: Pick<MethodOptions, "clock" | "readRetries" | "progress" | "progressCadence">,
): Promise<CimRef> {
  const known = services.get(session);
  if (known !== undefined) return known;
  const service = await replicationService(session, context, options);
  services.set(session, service);
  return service;
}
