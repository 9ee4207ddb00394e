/**
 * Users start cold: the first call of a deployment would otherwise wait for PowerShell to start. Once `check` has
 * accepted a resource's inputs, the connections they name are got ready ({@link RuntimeContext.warm}), so that the
 * process starts while the engine is still planning. Nothing is called on the host, and inputs that `check` refused
 * start nothing.
 */
import type { RuntimeContext } from "./context";
import type { Props, ResourceMethods } from "./resourceMethods";
import type { ConnectionInputs } from "./types";

type Connection = ConnectionInputs | null | undefined;

/** A resource's connection, or each of its sites' (`sites.<name>.connection`); undefined means stack config. */
function connectionsOf(inputs: Props): Connection[] {
  const sites = inputs.sites;
  if (typeof sites === "object" && sites !== null && !Array.isArray(sites)) {
    return Object.values(sites as Record<string, { connection?: Connection }>).map((s) => s?.connection);
  }
  return [inputs.connection as Connection];
}

export function warmOnCheck<R extends Readonly<Record<string, ResourceMethods>>>(
  ctx: RuntimeContext,
  resources: R,
): R {
  const warmed = Object.entries(resources).map(([name, methods]) => {
    const check: ResourceMethods["check"] = async (olds, news) => {
      const result = await methods.check(olds, news);
      if ((result.failures ?? []).length === 0 && result.inputs) {
        for (const connection of connectionsOf(result.inputs)) ctx.warm(connection);
      }
      return result;
    };
    return [name, { ...methods, check }];
  });
  return Object.fromEntries(warmed) as unknown as R;
}
