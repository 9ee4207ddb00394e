import { publicConnection } from "./connection";
import type { Props } from "./resourceMethods";
import type { ConnectionInputs } from "./types";
import { UNKNOWN } from "./types";

/**
 * The inputs a program changed among those the outputs record as applied (`jobTimeoutSeconds`, `connection`, ...).
 * A change to them alone is still a diff: the update records the new inputs and acts on nothing for them, so the
 * stack never keeps inputs the program no longer says. `news` has its defaults filled in (Check); a connection is
 * compared as the outputs keep it, without its password.
 */
export function changedInputs(olds: Props, news: Props, keys: readonly string[]): string[] {
  return keys.filter((key) => {
    const wanted = news[key];
    if (wanted === UNKNOWN) return true;
    const applied =
      key === "connection"
        ? publicConnection(wanted as ConnectionInputs | null | undefined)
        : (wanted ?? null);
    return JSON.stringify(applied) !== JSON.stringify(olds[key] ?? null);
  });
}
