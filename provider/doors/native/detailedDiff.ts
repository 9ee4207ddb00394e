/**
 * The per-property diff the engine shows (`pulumi preview --diff`), derived from what the runtime decided. The
 * runtime's diff says whether anything changes and what forces a replacement; this names the properties: those
 * whose input changed since the last deployment, and those where the host drifted from a desired scalar value
 * (for example failoverState: the program asks for normal, the host shows failedOver).
 */
import { isDeepStrictEqual } from "node:util";
import { UNKNOWN } from "../../runtime/types";
import type { Props } from "./rpc";

export type DiffKind = "add" | "addReplace" | "delete" | "deleteReplace" | "update" | "updateReplace";

export interface PropertyDiff {
  readonly kind: DiffKind;
  /** Whether the change is against the old inputs (true) or against the old outputs, the host's state (false). */
  readonly inputDiff: boolean;
}

export interface DiffInput {
  /** The old outputs: what the host showed at the last deployment or refresh. */
  readonly olds: Props;
  readonly news: Props;
  /** The old inputs, when the engine sends them. */
  readonly oldInputs: Props | undefined;
  readonly changes: boolean;
  readonly replaces: readonly string[];
}

const isScalar = (v: unknown) => v === null || ["string", "number", "boolean"].includes(typeof v);

export function detailedDiff({
  olds,
  news,
  oldInputs,
  changes,
  replaces,
}: DiffInput): Record<string, PropertyDiff> {
  if (!changes) return {};
  const diffs: Record<string, PropertyDiff> = {};
  const previous = oldInputs ?? olds;
  for (const key of new Set([...Object.keys(previous), ...Object.keys(news)])) {
    if (isDeepStrictEqual(previous[key], news[key])) continue;
    diffs[key] = { kind: kindOf(key in previous, key in news, replaces.includes(key)), inputDiff: true };
  }
  for (const [key, value] of Object.entries(news)) {
    if (key in diffs || !(key in olds) || value === UNKNOWN) continue;
    if (isScalar(value) && isScalar(olds[key]) && olds[key] !== value) {
      diffs[key] = { kind: replaces.includes(key) ? "updateReplace" : "update", inputDiff: false };
    }
  }
  for (const key of replaces) diffs[key] ??= { kind: "updateReplace", inputDiff: true };
  return diffs;
}

function kindOf(before: boolean, after: boolean, replace: boolean): DiffKind {
  if (!before) return replace ? "addReplace" : "add";
  if (!after) return replace ? "deleteReplace" : "delete";
  return replace ? "updateReplace" : "update";
}
