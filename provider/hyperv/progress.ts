/**
 * How every resource shows a Hyper-V job's progress: one line with the percentage, the time since the method was
 * called and an estimate of the time left, the same for a failover, a test failover, a move or a VM start. The
 * estimate is linear (inferred: Hyper-V documents PercentComplete, not how evenly a job advances), so it says
 * "about". A terminal can draw the same facts as a bar ({@link parseProgressLine}, {@link progressBar}).
 */
import { isTerminalJobState, jobStateName } from "./codes";

export interface JobProgress {
  readonly method: string;
  readonly jobId: string;
  readonly percent: number;
  /** The job state's name in lower case: `starting`, `running`, `completed`, ... */
  readonly state: string;
  readonly elapsedMs: number;
  /** The estimate of the time left; undefined before the first percent, and once the job has ended. */
  readonly leftMs?: number;
  readonly ended: boolean;
}

/** `45 s`, `2 min 5 s`, `1 h 20 min`: the units an operator reads at a glance. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** Linear: the time taken so far, scaled by what is left; unknown at 0% and meaningless at 100%. */
export function estimateLeft(percent: number, elapsedMs: number): number | undefined {
  if (percent <= 0 || percent >= 100) return undefined;
  return (elapsedMs * (100 - percent)) / percent;
}

export function jobProgress(
  method: string,
  job: { readonly id: string; readonly jobState: number; readonly percentComplete: number },
  elapsedMs: number,
): JobProgress {
  const ended = isTerminalJobState(job.jobState);
  const leftMs = ended ? undefined : estimateLeft(job.percentComplete, elapsedMs);
  return {
    method,
    jobId: job.id,
    percent: job.percentComplete,
    state: jobStateName(job.jobState).toLowerCase(),
    elapsedMs,
    ...(leftMs !== undefined ? { leftMs } : {}),
    ended,
  };
}

/**
 * `RevertFailover job <id>: 40% running, 1 min 20 s elapsed, about 2 min left`; at the end,
 * `RevertFailover job <id>: 100% completed after 3 min 20 s`.
 */
export function progressLine(p: JobProgress): string {
  const head = `${p.method} job ${p.jobId}: ${p.percent}% ${p.state}`;
  if (p.ended) return `${head} after ${formatDuration(p.elapsedMs)}`;
  const left = p.leftMs === undefined ? "time left not known yet" : `about ${formatDuration(p.leftMs)} left`;
  return `${head}, ${formatDuration(p.elapsedMs)} elapsed, ${left}`;
}

const DURATION = String.raw`\d+ (?:s|min|h)(?: \d+ (?:s|min))?`;
const LINE = new RegExp(
  String.raw`(\w+) job (\S+): (\d+)% (\w+)(?: after (${DURATION})|, (${DURATION}) elapsed, (?:about (${DURATION}) left|time left not known yet))$`,
);

function parseDuration(text: string): number {
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+) (s|min|h)/g)) {
    ms += Number(n) * (unit === "h" ? 3_600_000 : unit === "min" ? 60_000 : 1000);
  }
  return ms;
}

/** The progress a line describes, wherever it sits in the line (after a `[collection]` label, say), or undefined. */
export function parseProgressLine(line: string): (JobProgress & { readonly prefix: string }) | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const [all, method = "", jobId = "", percent = "0", state = "", after, elapsed, left] = m;
  return {
    prefix: line.slice(0, line.length - all.length),
    method,
    jobId,
    percent: Number(percent),
    state,
    elapsedMs: parseDuration(after ?? elapsed ?? ""),
    ...(left !== undefined ? { leftMs: parseDuration(left) } : {}),
    ended: after !== undefined,
  };
}

/** `[sql-cluster] RevertFailover [########------------] 40% running · 1 min 20 s elapsed · about 2 min left` */
export function progressBar(p: JobProgress & { readonly prefix?: string }, width = 20): string {
  const filled = Math.round((Math.min(100, Math.max(0, p.percent)) / 100) * width);
  const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
  const time = p.ended
    ? `after ${formatDuration(p.elapsedMs)}`
    : `${formatDuration(p.elapsedMs)} elapsed · ${p.leftMs === undefined ? "time left not known yet" : `about ${formatDuration(p.leftMs)} left`}`;
  return `${p.prefix ?? ""}${p.method} ${bar} ${p.percent}% ${p.state} · ${time}`;
}
