/** The line diff prints for a test failover that will be replaced: the calls, planned from the recorded state. */
import type { Props } from "../../runtime/resourceMethods";
import { UNKNOWN } from "../../runtime/types";

export function previewTestFailover(olds: Props, news: Props, replaces: readonly string[]): string {
  const name = String(olds.collectionName ?? olds.collectionId);
  const point =
    news.recoveryPoint === UNKNOWN
      ? "(known after other resources)"
      : `'${String(news.recoveryPoint ?? "latest")}'`;
  const why = replaces.map((r) => `${r} changed`).join(", ");
  return (
    `[${name}] will call RevertTestReplicaCollection (removing test collection '${String(olds.testCollectionName)}'), ` +
    `then TestReplicaCollection with recoveryPoint ${point} (${why}), as recorded at ${String(olds.observedAt ?? "the last refresh")}; ` +
    "preview with --refresh to plan from the host now"
  );
}
