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
  const known = systemNames.get(session);
  if (known !== undefined) return known;
  try {
    const [service] = await session.query(CLASS.replicationService);
    const name = service?.properties.SystemName;
    if (typeof name !== "string" || name === "") return undefined;
    systemNames.set(session, name);
    return name;
  } catch (error) {
    throw withContext(error, context);
  }
}

/**
 * What each session answered, so that the resources sharing a connection read it once per process and a no-op
 * create stays one call. Only a name is kept: a host that did not answer is asked again next time.
 */
const systemNames = new WeakMap<CimSession, string>();

/** Whether two SystemNames name the same host: Windows computer names are case-insensitive. */
export function sameHost(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}
