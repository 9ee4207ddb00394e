/**
 * Writes a report as files a pipeline keeps as artifacts: `<name>.md` (the summary for a job summary page) and
 * `<name>.html` (the page with the timeline), under the folder the program named. The name starts with the run's
 * start time, so reports sort by time and a later run never overwrites an earlier one.
 */
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { reportHtml } from "./html";
import { reportMarkdown } from "./markdown";
import type { Report } from "./types";

/** For example `20261127T120000Z-CollectionTestFailover-sql-cluster`. */
export function reportFileName(report: Report): string {
  const time = report.startedAt.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const name = report.name.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80);
  return `${time}-${report.resource}-${name}`;
}

/** Writes both files; returns their paths. A relative folder is taken from the Pulumi project's folder. */
export async function writeReportFiles(report: Report, directory: string): Promise<string[]> {
  const folder = path.resolve(directory);
  await mkdir(folder, { recursive: true });
  const base = path.join(folder, reportFileName(report));
  await writeFile(`${base}.md`, reportMarkdown(report), "utf8");
  await writeFile(`${base}.html`, reportHtml(report), "utf8");
  return [`${base}.md`, `${base}.html`];
}
