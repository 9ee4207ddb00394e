/**
 * Resolves `recoveryPoint` against the host before any failover method is called: the collection's points are
 * listed, the selector picks one, and every way that can fail is refused with no call, naming the points that exist.
 */
import type { CimSession } from "../cim";
import type { Collection, ErrorContext, RecoveryPoint } from "../hyperv";
import { findRecoveryPointAnywhere, InvalidStateError, listRecoveryPoints, NotFoundError } from "../hyperv";
import type { RecoveryPointSelector } from "./recoveryPoints";
import { listPoints, parseRecoveryPoint, selectRecoveryPoint } from "./recoveryPoints";

export interface ChosenPoint {
  readonly point: RecoveryPoint;
  /**
   * What to pass as CollectionRecoveryPoint: null for `latest` (documented: "Pass NULL if failover is to be performed
   * to the latest point in time."), else the point's InstanceID.
   */
  readonly pass: string | null;
}

function describe(selector: RecoveryPointSelector, text: string): string {
  return selector.kind === "instanceId" ? `recovery point ${text}` : `recoveryPoint '${text}'`;
}

/** Why a cutoff passed over points it might seem to match: their age is unknown. */
function undatedNote(selector: RecoveryPointSelector, points: readonly RecoveryPoint[]): string {
  if (selector.kind !== "before") return "";
  const undated = points.filter((p) => p.creationTime === null).map((p) => p.instanceId);
  if (undated.length === 0) return "";
  const which = undated.length === 1 ? `${undated[0]} has` : `${undated.join(", ")} have`;
  return ` (${which} no CreationTime, so ${undated.length === 1 ? "its" : "their"} age is unknown and a cutoff never picks ${undated.length === 1 ? "it" : "them"})`;
}

export async function chooseRecoveryPoint(
  session: CimSession,
  collection: Collection,
  text: string,
  context: ErrorContext,
): Promise<ChosenPoint> {
  const parsed = parseRecoveryPoint(text);
  // check() rejects these first; this guards callers that skipped it.
  if ("error" in parsed)
    throw new InvalidStateError(`recoveryPoint ${parsed.error}`, "Fix recoveryPoint", context);
  const points = await listRecoveryPoints(session, collection.id, context);
  if (points.length === 0) {
    throw new InvalidStateError(
      "the collection has no recovery points, so there is nothing to fail over to",
      "Wait until replication has delivered a recovery point to the replica (Get-VMReplication on the replica shows the last replication), then run again",
      context,
    );
  }
  const point = selectRecoveryPoint(parsed, points);
  if (point) return { point, pass: parsed.kind === "latest" ? null : point.instanceId };
  if (parsed.kind === "instanceId") await refuseForeignPoint(session, collection, text, context);
  throw new NotFoundError(
    `no recovery point of this collection matches ${describe(parsed, text)}${undatedNote(parsed, points)}; its points, newest first: ${listPoints(points)}`,
    context,
    "Choose one of these (getRecoveryPoints lists them), or use 'latest'",
  );
}

async function refuseForeignPoint(
  session: CimSession,
  collection: Collection,
  instanceId: string,
  context: ErrorContext,
): Promise<void> {
  const elsewhere = (await findRecoveryPointAnywhere(session, instanceId, context)).filter(
    (p) => p.collectionId.toLowerCase() !== collection.id.toLowerCase(),
  );
  const [other] = elsewhere;
  if (other === undefined) return;
  throw new InvalidStateError(
    `recovery point ${instanceId} belongs to another collection (CollectionID ${other.collectionId}), not to this one (${collection.id})`,
    "Use a recovery point of this collection (getRecoveryPoints lists them), or point the resource at the collection that point belongs to",
    context,
  );
}
