/**
 * Recovery point selectors: what `recoveryPoint` may say, and which point it picks from a collection's list. Pure:
 * the list is read by the caller.
 *
 * Case: the words `latest` and `latest-application-consistent` and the `before:` prefix are case-sensitive, like
 * every other word this provider accepts, so `Latest` is rejected with a suggestion. An InstanceID is compared
 * without regard to case, because CIM key values compare that way on Windows (inferred from WMI's behaviour; the
 * ClusHyperV pages do not say).
 */
import type { RecoveryPoint } from "../hyperv/recoveryPoints";
import { ConsistencyLevel } from "../hyperv/codes";
import { parseCutoff } from "./cutoff";

export type RecoveryPointSelector =
  | { readonly kind: "latest" }
  | { readonly kind: "latestApplicationConsistent" }
  /** The newest point strictly before `time` (epoch ms). */
  | { readonly kind: "before"; readonly time: number }
  | { readonly kind: "instanceId"; readonly instanceId: string };

export const LATEST = "latest";
export const LATEST_APP = "latest-application-consistent";
const BEFORE = "before:";

/**
 * The InstanceID shape: `Microsoft:` and a GUID, optionally followed by `\` and more (the per-VM Hyper-V
 * convention, as the simulator also uses it; the collection recovery point page does not document the format, so
 * this shape is inferred).
 */
export const RECOVERY_POINT_ID =
  /^Microsoft:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\\[^\s]+)?$/i;

export const SELECTOR_HELP = `'${LATEST}', '${LATEST_APP}', 'before:<ISO 8601 time>' (such as 'before:2026-11-27T08:00:00Z') or a recovery point InstanceID ('Microsoft:<GUID>', as getRecoveryPoints lists them)`;

/** Parses a selector, or says what is wrong with it. */
export function parseRecoveryPoint(text: string): RecoveryPointSelector | { readonly error: string } {
  if (text === LATEST) return { kind: "latest" };
  if (text === LATEST_APP) return { kind: "latestApplicationConsistent" };
  if (text.startsWith(BEFORE)) {
    const cutoff = parseCutoff(text.slice(BEFORE.length));
    return "error" in cutoff ? cutoff : { kind: "before", time: cutoff.time };
  }
  if (RECOVERY_POINT_ID.test(text)) return { kind: "instanceId", instanceId: text };
  const near = [LATEST, LATEST_APP].find((w) => w.toLowerCase() === text.toLowerCase().trim());
  const hint = near ? `; did you mean '${near}'? (selectors are case-sensitive)` : "";
  return { error: `'${text}' is not a recovery point selector${hint}; use ${SELECTOR_HELP}` };
}

const timeOf = (p: RecoveryPoint) =>
  p.creationTime === null ? Number.NEGATIVE_INFINITY : Date.parse(p.creationTime);

/** The point a selector picks from a collection's points (in any order), or undefined when none matches. */
export function selectRecoveryPoint(
  selector: RecoveryPointSelector,
  points: readonly RecoveryPoint[],
): RecoveryPoint | undefined {
  const newestFirst = [...points].sort((a, b) => timeOf(b) - timeOf(a));
  switch (selector.kind) {
    case "latest":
      return newestFirst[0];
    case "latestApplicationConsistent":
      return newestFirst.find((p) => p.consistencyLevel === ConsistencyLevel.ApplicationConsistent);
    case "before":
      // A point without CreationTime has an unknown age: it may be newer than the cutoff, so it is never picked.
      return newestFirst.find((p) => p.creationTime !== null && timeOf(p) < selector.time);
    case "instanceId":
      return points.find((p) => p.instanceId.toLowerCase() === selector.instanceId.toLowerCase());
  }
}

/** The points, one per line, for messages: `Microsoft:... 2026-11-27T08:00:00.000Z CrashConsistent`. */
export function listPoints(points: readonly RecoveryPoint[]): string {
  if (points.length === 0) return "none";
  return points
    .map((p) => `${p.instanceId} ${p.creationTime ?? "(no time)"} ${p.consistencyLevelName}`)
    .join("; ");
}
