/** How a resource starts its report: the runtime's clock and log, and the secrets of every connection it uses. */
import { resolveConnection } from "../connection";
import type { RuntimeContext } from "../context";
import type { ConnectionInputs } from "../types";
import { ReportRecorder } from "./recorder";
import type { ReportResource } from "./types";

export function startReport(
  ctx: RuntimeContext,
  resource: ReportResource,
  name: string,
  reportDirectory: unknown,
  connections: readonly (ConnectionInputs | null | undefined)[],
): ReportRecorder {
  const secrets = connections.map((c) => resolveConnection(c, ctx.config()).password ?? "");
  return new ReportRecorder({
    resource,
    name,
    clock: ctx.deps.clock,
    log: ctx.deps.log,
    directory: typeof reportDirectory === "string" ? reportDirectory : undefined,
    secrets,
  });
}
