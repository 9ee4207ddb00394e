/** A doctor's findings: one line per check, each with a mark, what was seen and, unless it passed, what to do. */

export type CheckStatus = "pass" | "warn" | "fail" | "skip";

export interface CheckResult {
  /** Stable for pipelines: `transport`, `class:Msvm_ConcreteJob`, `collection:sql-cluster`, ... */
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  /** What was seen, in one line. */
  readonly detail: string;
  /** One line: what to do. Present for warn, fail and skip. */
  readonly advice?: string;
}

export interface DoctorReport {
  /** Where the reads went, `hv-replica01 (wsman)`; never holds a secret. */
  readonly target: string;
  /** False when any check failed: the exit code is then 1. */
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
}

export const pass = (id: string, title: string, detail: string): CheckResult => ({
  id,
  title,
  status: "pass",
  detail,
});

export const notPassed = (
  status: Exclude<CheckStatus, "pass">,
  id: string,
  title: string,
  detail: string,
  advice: string,
): CheckResult => ({ id, title, status, detail, advice });
