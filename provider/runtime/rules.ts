/**
 * The pieces every resource's validator is built from. A rule says what was wrong and what to do; the property's
 * name is added by `checkObject`. Pulumi's unknown value passes every rule, because previews see it for values that
 * other resources will produce.
 */
import { UNKNOWN } from "./types";

export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Keys the engine or an older state may carry that are not user input. */
const IGNORED_KEYS = new Set(["__provider"]);

export const isUnknown = (v: unknown) => v === UNKNOWN;
/**
 * A value as the user wrote it. NaN and ±Infinity are named: JSON would print them as `null`, which reads as a
 * missing value. (Pulumi carries them to the provider as numbers; only JSON text, such as the stack's state file,
 * cannot hold them.)
 */
export function show(v: unknown): string {
  if (typeof v === "string") return `'${v}'`;
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  if (v === undefined) return "undefined";
  return JSON.stringify(v, (_key, value: unknown) =>
    typeof value === "number" && !Number.isFinite(value) ? String(value) : value,
  );
}

export type Rule = (value: unknown, path: string) => string | undefined;

export const oneOf =
  (allowed: readonly string[]): Rule =>
  (v) =>
    typeof v === "string" && allowed.includes(v)
      ? undefined
      : `${show(v)} is not one of ${allowed.map((a) => `'${a}'`).join(", ")}; use one of those (they are case-sensitive)`;

export const text =
  (what: string, max: number): Rule =>
  (v) => {
    if (typeof v !== "string") return `must be a string (${what}), got ${show(v)}`;
    if (v.trim() === "") return `must not be empty; set it to ${what}`;
    if (v.length > max) return `is ${v.length} characters long; ${what} has at most ${max}`;
    return undefined;
  };

export const integer =
  (min: number, max: number, hint: string): Rule =>
  (v) =>
    typeof v === "number" && Number.isInteger(v) && v >= min && v <= max
      ? undefined
      : `${show(v)} is not a whole number from ${min} to ${max}; ${hint}`;

export const boolean: Rule = (v) =>
  typeof v === "boolean" ? undefined : `must be true or false, got ${show(v)}`;

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/** The known key closest to a misspelt one (case aside, at most 2 edits, or one containing the other), if any. */
export function closest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const scored = known
    .map((k) => ({ k, d: editDistance(lower, k.toLowerCase()) }))
    .filter(({ k, d }) => d <= 2 || lower.includes(k.toLowerCase()) || k.toLowerCase().includes(lower))
    .sort((a, b) => a.d - b.d);
  return scored[0]?.k;
}

function suggest(key: string, known: readonly string[]): string {
  const hit = closest(key, known);
  return hit ? `; did you mean '${hit}'?` : `; known properties are ${known.join(", ")}`;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Text that cannot travel as UTF-8: a lone UTF-16 surrogate, which JavaScript strings may hold and no encoding can
 * carry. Passed on, it would be dropped or replaced on the way (changing which collection a name matches) or leave a
 * PowerShell request that cannot be read; so it is refused here, for every property of every resource. The value
 * is not shown, because the message must travel as UTF-8 too.
 */
export function unsendableText(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const found = LONE_SURROGATE.exec(v);
  if (found === null) return undefined;
  const code = found[0].charCodeAt(0).toString(16).toUpperCase();
  return `holds a lone UTF-16 surrogate (U+${code} at character ${found.index + 1}), which is not text and cannot be sent as UTF-8; type the value again without it`;
}

export function checkObject(
  value: Record<string, unknown>,
  rules: Readonly<Record<string, Rule>>,
  known: readonly string[],
  prefix: string,
): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const [key, v] of Object.entries(value)) {
    const path = `${prefix}${key}`;
    if (IGNORED_KEYS.has(key) || v === undefined || v === null || isUnknown(v)) continue;
    const rule = rules[key];
    if (!rule) {
      failures.push({ property: path, reason: `unknown property${suggest(key, known)}` });
      continue;
    }
    const reason = unsendableText(v) ?? rule(v, path);
    if (reason) failures.push({ property: path, reason });
  }
  return failures;
}

export const present = (v: unknown) => v !== undefined && v !== null;

export function checkSelector(news: Record<string, unknown>): CheckFailure[] {
  const hasId = present(news.collectionId);
  const hasName = present(news.collectionName);
  if (hasId && hasName) {
    return [
      {
        property: "collectionName",
        reason:
          "set either collectionId or collectionName, not both; collectionId is safer, because names need not be unique",
      },
    ];
  }
  if (!hasId && !hasName) {
    return [
      {
        property: "collectionId",
        reason:
          "missing: set collectionId (the collection's CollectionID GUID) or collectionName (its ElementName)",
      },
    ];
  }
  return [];
}
