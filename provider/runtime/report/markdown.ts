/** The report as Markdown: what a pipeline prints to its job summary. */
import type { CollectionSnapshot, Report } from "./types";
import { describeDuration, reportTitle } from "./words";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function reportMarkdown(report: Report): string {
  const lines = [
    `## ${reportTitle(report)}`,
    "",
    report.summary,
    "",
    `- Outcome: **${report.outcome}**${report.error === null ? "" : `: ${cell(report.error)}`}`,
    `- RTO achieved: ${report.rtoSeconds === null ? `n/a (${report.rtoNote ?? ""})` : describeDuration(report.rtoSeconds)}`,
    `- RPO achieved: ${report.rpoSeconds === null ? "n/a" : describeDuration(report.rpoSeconds)}${pointLine(report)}`,
    `- Started ${report.startedAt}, report made ${report.finishedAt}`,
    "",
    "### Steps",
    "",
    "| # | step | host | WMI call | job | state | started | ended | times from |",
    "| - | ---- | ---- | -------- | --- | ----- | ------- | ----- | ---------- |",
    ...report.steps.map(
      (s, i) =>
        `| ${i + 1} | ${cell(s.title)} | ${cell(s.host)} | \`${cell(`${s.call.className}.${s.call.method}(${JSON.stringify(s.call.arguments)})`)}\` | ${s.jobId ?? "none"} | ${s.jobState ?? `returned ${String(s.returnValue)}`} | ${s.startedAt} | ${s.finishedAt ?? "not ended"} | ${s.timesFrom} |`,
    ),
    "",
    "### Before",
    "",
    ...snapshotLines(report.before),
    "",
    report.outcome === "failed" ? "### After (the host's state at the end)" : "### After",
    "",
    ...snapshotLines(report.after),
    "",
  ];
  return lines.join("\n");
}

function pointLine(report: Report): string {
  const point = report.recoveryPoint;
  if (point === null) return "";
  return ` (recovery point ${point.instanceId}, ${point.consistencyLevel}, created ${point.creationTime ?? "at an unknown time"})`;
}

function snapshotLines(snapshots: readonly CollectionSnapshot[]): string[] {
  if (snapshots.length === 0) return ["Not read."];
  return [
    "| site | host | collection | replication state | mode | health | VMs |",
    "| ---- | ---- | ---------- | ----------------- | ---- | ------ | --- |",
    ...snapshots.map((s) => {
      const vms = s.virtualMachines.map((vm) => `${vm.name}: ${vm.state}`).join(", ");
      const name = s.collectionName ?? `${s.collectionId} (${s.error ?? "not found"})`;
      return `| ${s.site ?? ""} | ${cell(s.host)} | ${cell(name)} | ${s.replicationState ?? ""} | ${s.replicationMode ?? ""} | ${s.health ?? ""} | ${cell(vms)} |`;
    }),
  ];
}
