/** How `hyperv-replica doctor` prints: a table read at a glance, or JSON for pipelines, and the --record file. */
import type { CimClassDefinition, HostFacts } from "../cim";
import type { CheckStatus, DoctorReport } from "../doctor/types";
import { table } from "./format";

const MARKS: Readonly<Record<CheckStatus, string>> = {
  pass: "✓ pass",
  warn: "! warn",
  fail: "✗ FAIL",
  skip: "- skip",
};

/** One row per check, and under each warn, fail or skip its one line of advice. */
export function doctorTable(report: DoctorReport): string {
  const rows = report.checks.map((c) => [MARKS[c.status], c.title, c.detail]);
  const lines = table([["", "CHECK", "SEEN"], ...rows]).split("\n");
  const out = [lines[0] ?? ""];
  report.checks.forEach((c, i) => {
    out.push(lines[i + 1] ?? "");
    if (c.advice !== undefined && c.status !== "pass") out.push(`         → ${c.advice}`);
  });
  const count = (s: CheckStatus) => report.checks.filter((c) => c.status === s).length;
  const verdict = report.ok ? "nothing failed" : `${count("fail")} failed`;
  out.push("", `${report.target}: ${count("pass")} passed, ${count("warn")} warnings, ${verdict}.`);
  return out.join("\n");
}

/** What --record writes: what the host answered about the classes, with no account, host name or secret. */
export function recordFile(
  definitions: readonly CimClassDefinition[],
  facts: HostFacts | undefined,
  recordedAt: Date,
): string {
  const record = {
    recordedAt: recordedAt.toISOString(),
    powershell: { version: facts?.psVersion ?? null, edition: facts?.psEdition ?? null },
    classes: definitions,
  };
  return `${JSON.stringify(record, null, 2)}\n`;
}
