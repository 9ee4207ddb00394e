/** The `recoveryPoint` rule both resources share: a selector whose syntax check() can judge without the host. */
import { parseRecoveryPoint, SELECTOR_HELP } from "../failover/recoveryPoints";
import type { Rule } from "./rules";
import { text } from "./rules";

export const recoveryPointRule: Rule = (v, path) => {
  const shape = text(SELECTOR_HELP, 1024)(v, path);
  if (shape !== undefined) return shape;
  const parsed = parseRecoveryPoint(v as string);
  return "error" in parsed ? parsed.error : undefined;
};
