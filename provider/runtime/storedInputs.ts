import { publicConnection } from "./connection";
import type { Props } from "./resourceMethods";
import type { ConnectionInputs } from "./types";
import { UNKNOWN } from "./types";

/**
 * The inputs a program changed among those the outputs record as applied (`jobTimeoutSeconds`, `connection`, ...).
 * A change to them alone is still a diff: the update records the new inputs and acts on nothing for them, so the
 * stack never keeps inputs the program no longer says. An input left out counts as its default, as Check fills it
 * in, and so does one missing from outputs recorded before it existed; a connection is compared as the outputs keep
 * it, without its password.
 */
export function changedInputs(
  olds: Props,
  news: Props,
  keys: readonly string[],
  defaults: Readonly<Record<string, unknown>>,
): string[] {
  return keys.filter((key) => {
    const wanted = news[key] ?? defaults[key];
    if (wanted === UNKNOWN) return true;
    const applied =
      key === "connection"
        ? publicConnection(wanted as ConnectionInputs | null | undefined)
        : (wanted ?? null);
    return JSON.stringify(applied) !== JSON.stringify(olds[key] ?? defaults[key] ?? null);
  });
}
