/**
 * GetReplicationStatistics: documented with out `string ReplicationStatistics` ("an embedded instance of
 * Msvm_CollectionReplicationStatistics") and out `string ReplicationHealthIssues[]` (group- and VM-level messages).
 * The embedded instance arrives as CIM-XML `<INSTANCE>` text, the form CimSerializer and WMI's DTD 2.0 text use
 * (inferred for this method: the docs do not show one).
 */
import type { CimRef, CimSession } from "../cim";
import type { Collection } from "./collections";
import { collectionRef } from "./collections";
import { replicationHealthName, ReturnCode } from "./codes";
import type { ErrorContext } from "./errors";
import { HyperVReturnCodeError, withContext } from "./errors";
import type { MethodOptions } from "./replicationService";
import { replicationService } from "./service";

export interface HealthReport {
  /** Msvm_CollectionReplicationStatistics.ReplicationHealth, or null when the host gave none. */
  readonly health: number | null;
  /** Its name, read with the per-VM numbering (inferred): `Ok`, `Warning`, `Critical`, `NotApplicable`. */
  readonly healthName: string | null;
  /** ReplicationHealthIssues, as the host wrote them. */
  readonly issues: readonly string[];
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
  return {
    health,
    healthName: health === null ? null : replicationHealthName(health),
    issues: Array.isArray(issues) ? issues.map(String) : [],
  };
}

/** Calls GetReplicationStatistics for the collection. Inferred: it answers at once (0); a job is waited for. */
export async function readReplicationHealth(
  session: CimSession,
  collection: Collection,
  options: Pick<MethodOptions, "clock" | "readRetries" | "progress">,
): Promise<HealthReport> {
  const context: ErrorContext = {
    collection: collection.name,
    method: "GetReplicationStatistics",
    host: session.target,
  };
  try {
    const service = await serviceOf(session, context, options);
    const result = await session
      .invoke(service, "GetReplicationStatistics", { Collection: collectionRef(collection.id) })
      .catch((error: unknown) => {
        services.delete(session);
        throw error;
      });
    if (result.returnValue !== ReturnCode.Completed) {
      throw new HyperVReturnCodeError(result.returnValue, context);
    }
    return parseStatistics(
      result.outParameters.ReplicationStatistics,
      result.outParameters.ReplicationHealthIssues,
    );
  } catch (error) {
    throw withContext(error, context);
  }
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
  options: Pick<MethodOptions, "clock" | "readRetries" | "progress">,
): Promise<CimRef> {
  const known = services.get(session);
  if (known !== undefined) return known;
  const service = await replicationService(session, context, options);
  services.set(session, service);
  return service;
}
