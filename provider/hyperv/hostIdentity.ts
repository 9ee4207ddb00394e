import type { CimSession } from "../cim";
import { CLASS } from "./codes";
import type { ErrorContext } from "./errors";
import { withContext } from "./errors";

/**
 * Who answered: the SystemName of the host's Msvm_CollectionReplicationService, as CIM reports it (the service is a
 * singleton per host, and SystemName is one of its keys). `undefined` when the host has no such service. On a
 * cluster, whether every node reports the same SystemName is not documented (inferred: each node may report its own
 * name), so a difference is treated as "maybe another cluster", never as proof that a collection is gone.
 */
export async function hostSystemName(
  session: CimSession,
  context: ErrorContext,
): Promise<string | undefined> {
  try {
    const [service] = await session.query(CLASS.replicationService);
    const name = service?.properties.SystemName;
    return typeof name === "string" && name !== "" ? name : undefined;
  } catch (error) {
    throw withContext(error, context);
  }
}

/** Whether two SystemNames name the same host: Windows computer names are case-insensitive. */
export function sameHost(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}
