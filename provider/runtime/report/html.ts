/**
 * The report as one self-contained HTML page: inline styles and an inline SVG timeline, no script, no external
 * resource, so it opens the same from a pipeline's artifacts on any machine, offline.
 */
import { escapeXml, timelineSvg } from "./timeline";
import type { CollectionSnapshot, Report } from "./types";
import { describeDuration, reportTitle } from "./words";

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1b1f24; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
.outcome-succeeded { color: #116329; } .outcome-failed { color: #b3261e; }
table { border-collapse: collapse; margin: 8px 0; } td, th { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
code { font: 12px ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; }
.figures td { font-size: 16px; }
svg.timeline { border: 1px solid #d0d7de; background: #fff; }
svg .label, svg .tick, svg .heading, svg .bar-text, svg .rto-text { font: 12px system-ui, sans-serif; fill: #1b1f24; }
svg .grid { stroke: #eaeef2; } svg .start { stroke: #57606a; stroke-dasharray: 3 3; }
svg .step-bar.ok { fill: #2da44e; } svg .step-bar.failed { fill: #cf222e; } svg .unfinished { opacity: 0.5; }
svg .vm-bar { fill: #0969da; }
svg .rpo-marker { fill: #bf8700; opacity: 0.8; } svg .axis-break { stroke: #57606a; fill: none; }
svg .rto-marker { stroke: #8250df; stroke-width: 2; } svg .rto-span { stroke: #8250df; stroke-width: 2; }
svg .rto-text { fill: #8250df; font-weight: 600; }
`;

export function reportHtml(report: Report): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeXml(reportTitle(report))}</title>
<style>${STYLE}</style>
</head>
<body>
<h1 class="outcome-${report.outcome}">${escapeXml(reportTitle(report))}</h1>
<p>${escapeXml(report.summary)}</p>
${figures(report)}
<h2>Timeline</h2>
${timelineSvg(report)}
<h2>Steps</h2>
${stepsTable(report)}
<h2>Before</h2>
${snapshotTable(report.before)}
<h2>${report.outcome === "failed" ? "After: the host's state at the end" : "After"}</h2>
${snapshotTable(report.after)}
</body>
</html>
`;
}

function figures(report: Report): string {
  const rto =
    report.rtoSeconds === null ? `n/a: ${report.rtoNote ?? ""}` : describeDuration(report.rtoSeconds);
  const rpo = report.rpoSeconds === null ? "n/a" : describeDuration(report.rpoSeconds);
  const point = report.recoveryPoint;
  const rows = [
    ["Outcome", report.error === null ? report.outcome : `${report.outcome}: ${report.error}`],
    ["RTO achieved (first call until the last VM ran)", rto],
    ["RPO achieved (age of the recovery point at the first call)", rpo],
    [
      "Recovery point",
      point === null
        ? "none"
        : `${point.instanceId} (${point.consistencyLevel}, ${point.creationTime ?? "no time"})`,
    ],
    ["Started", report.startedAt],
    ["Report made", report.finishedAt],
  ];
  return `<table class="figures">${rows.map(([k, v]) => `<tr><th>${escapeXml(k ?? "")}</th><td>${escapeXml(v ?? "")}</td></tr>`).join("")}</table>`;
}

function stepsTable(report: Report): string {
  const head =
    "<tr><th>#</th><th>step</th><th>host</th><th>WMI call</th><th>job</th><th>state</th><th>started</th><th>ended</th><th>times from</th></tr>";
  const rows = report.steps.map((s, i) => {
    const call = `${s.call.namespace}:${s.call.className}${JSON.stringify(s.call.keys)}.${s.call.method}(${JSON.stringify(s.call.arguments)})`;
    const state = s.jobState ?? `returned ${String(s.returnValue)}`;
    const cells = [
      String(i + 1),
      s.title,
      s.host,
      `<code>${escapeXml(call)}</code>`,
      s.jobId ?? "none",
      state,
      s.startedAt,
      s.finishedAt ?? "not ended",
      s.timesFrom,
    ];
    return `<tr>${cells.map((c, j) => `<td>${j === 3 ? c : escapeXml(c)}</td>`).join("")}</tr>`;
  });
  return `<table>${head}${rows.join("")}</table>`;
}

function snapshotTable(snapshots: readonly CollectionSnapshot[]): string {
  if (snapshots.length === 0) return "<p>Not read.</p>";
  const head =
    "<tr><th>site</th><th>host</th><th>collection</th><th>replication state</th><th>mode</th><th>health</th><th>VMs</th></tr>";
  const rows = snapshots.map((s) => {
    const vms = s.virtualMachines
      .map((vm) => `${vm.name}: ${vm.state}${vm.replicationHealth ? ` (${vm.replicationHealth})` : ""}`)
      .join(", ");
    const name = s.collectionName ?? `${s.collectionId} (${s.error ?? "not found"})`;
    const cells = [
      s.site ?? "",
      s.host,
      name,
      s.replicationState ?? "",
      s.replicationMode ?? "",
      s.health ?? "",
      vms,
    ];
    return `<tr>${cells.map((c) => `<td>${escapeXml(c)}</td>`).join("")}</tr>`;
  });
  return `<table>${head}${rows.join("")}</table>`;
}
