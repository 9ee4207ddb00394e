/**
 * The report's timeline as inline SVG: one bar per step and per recovered VM on the run's time axis, the RTO marked
 * from the first step to the last VM running, and the RPO as a band before the first step (drawn on its own scale
 * behind an axis break, since a recovery point's age is often hours and the run minutes).
 */
import type { Report } from "./types";
import { describeDuration } from "./words";

const WIDTH = 960;
const LABEL = 300;
const RPO_BAND = 110;
const GAP = 14;
const AXIS_START = LABEL + RPO_BAND + GAP;
const AXIS_END = WIDTH - 20;
const ROW = 24;
const TOP = 40;
const MIN_BAR = 3;

export const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

interface Bar {
  readonly kind: "step" | "vm";
  readonly label: string;
  readonly from: number;
  readonly to: number | null;
  readonly ok: boolean;
}

function barsOf(report: Report): Bar[] {
  const steps: Bar[] = report.steps.map((s) => ({
    kind: "step",
    label: s.title,
    from: Date.parse(s.startedAt),
    to: s.finishedAt === null ? null : Date.parse(s.finishedAt),
    ok: s.jobState === null ? s.returnValue === 0 || s.returnValue === 4096 : s.jobState === "Completed",
  }));
  const vms: Bar[] = report.virtualMachines.map((vm) => ({
    kind: "vm",
    label: `VM '${vm.name}' until running`,
    from: Date.parse(vm.startedAt),
    to: Date.parse(vm.runningAt),
    ok: true,
  }));
  return [...steps, ...vms];
}

/** The SVG element, to be placed inline in the HTML page. */
export function timelineSvg(report: Report): string {
  const bars = barsOf(report);
  const start = Date.parse(report.startedAt);
  const ends = bars.flatMap((b) => [b.from, b.to ?? b.from]);
  const rtoEnd = report.rtoSeconds === null ? start : start + report.rtoSeconds * 1000;
  const end = Math.max(start + 1000, rtoEnd, ...ends);
  const x = (t: number) => AXIS_START + ((t - start) / (end - start)) * (AXIS_END - AXIS_START);
  const height = TOP + (bars.length + 1) * ROW + 40;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Timeline of the steps">`,
    axis(start, end, x, height),
    rpoBand(report, height),
    ...bars.map((bar, i) => barRow(bar, TOP + (i + 1) * ROW, x, end)),
    rtoMarker(report, x, height),
    "</svg>",
  ];
  return parts.join("\n");
}

function axis(start: number, end: number, x: (t: number) => number, height: number): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => start + f * (end - start));
  // The last label ends at the axis's end, so that it stays inside the picture.
  const anchor = (i: number) => (i === ticks.length - 1 ? "end" : "middle");
  const lines = ticks.map(
    (t, i) =>
      `<line x1="${x(t)}" y1="${TOP}" x2="${x(t)}" y2="${height - 30}" class="grid"/><text x="${x(t)}" y="${height - 14}" class="tick" text-anchor="${anchor(i)}">+${escapeXml(describeDuration((t - start) / 1000))}</text>`,
  );
  return [
    `<text x="${AXIS_START}" y="20" class="heading">from the first call, ${escapeXml(new Date(start).toISOString())}</text>`,
    ...lines,
  ].join("\n");
}

function rpoBand(report: Report, height: number): string {
  const left = LABEL;
  const right = LABEL + RPO_BAND;
  const y = TOP + 6;
  const label =
    report.rpoSeconds === null ? "RPO n/a" : `RPO ${escapeXml(describeDuration(report.rpoSeconds))}`;
  const point = report.recoveryPoint?.creationTime ?? "no recovery point";
  return [
    `<text x="4" y="${y + 12}" class="label">recovery point used → first call</text>`,
    `<rect class="rpo-marker" x="${left}" y="${y}" width="${RPO_BAND}" height="${ROW - 10}"><title>${escapeXml(`${label}: recovery point ${point}`)}</title></rect>`,
    `<text x="${left + 4}" y="${y + 12}" class="bar-text">${label}</text>`,
    `<path class="axis-break" d="M${right + 3} ${TOP} l5 8 l-5 8 M${right + 9} ${TOP} l5 8 l-5 8"/>`,
    `<line x1="${right + GAP}" y1="${TOP}" x2="${right + GAP}" y2="${height - 30}" class="start"/>`,
  ].join("\n");
}

function barRow(bar: Bar, y: number, x: (t: number) => number, end: number): string {
  const from = x(bar.from);
  const to = x(bar.to ?? end);
  const width = Math.max(MIN_BAR, to - from);
  const cls = `${bar.kind}-bar ${bar.ok ? "ok" : "failed"}${bar.to === null ? " unfinished" : ""}`;
  const span = bar.to === null ? "not ended" : describeDuration((bar.to - bar.from) / 1000);
  return [
    `<text x="4" y="${y + 14}" class="label">${escapeXml(truncate(bar.label, 44))}</text>`,
    `<rect class="${cls}" x="${from}" y="${y + 3}" width="${width}" height="${ROW - 8}"><title>${escapeXml(`${bar.label}: ${span}`)}</title></rect>`,
  ].join("\n");
}

function rtoMarker(report: Report, x: (t: number) => number, height: number): string {
  if (report.rtoSeconds === null) return "";
  const at = x(Date.parse(report.startedAt) + report.rtoSeconds * 1000);
  const label = `RTO ${describeDuration(report.rtoSeconds)}`;
  return [
    `<line class="rto-marker" x1="${at}" y1="${TOP - 8}" x2="${at}" y2="${height - 30}"><title>${escapeXml(label)}</title></line>`,
    `<line class="rto-span" x1="${AXIS_START}" y1="${TOP - 4}" x2="${at}" y2="${TOP - 4}"/>`,
    `<text x="${Math.max(AXIS_START + 40, at - 4)}" y="${TOP - 10}" class="rto-text" text-anchor="end">${escapeXml(label)}</text>`,
  ].join("\n");
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
