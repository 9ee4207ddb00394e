/**
 * A resource's status line is ephemeral: the engine shows each in place of the last, so a line replaced within the
 * second is never read. The watcher reports a job's every change of percentage, which on a fast job is every read:
 * a 10 s failover sent 29 to 36 Log requests, and a thousand failing over at once over 30,000 in those 10 s, a
 * share of the plugin's one thread that its Updates then waited for. Here each resource's status lines are paced:
 * the first goes at once, then at most one per gap, the latest one, sent when the gap ends. Every other line goes
 * at once, after the status line it would otherwise pass, so the engine sees lines in the order they were written.
 *
 * The gap is `gapMs`, or longer when so many resources are in a step at once that the plugin would send more than
 * `perSecond` status lines a second in all: a thousand failovers at once, each with its line every second, still
 * sent 11,104 status lines over a run, and the plugin spent 16.3 to 17.5 s of CPU against 12.1 to 13.0 s with none
 * after each resource's first (bench:scale native:1000x10, 7 December 2026). At 100 a second, a thousand resources
 * each show a new line every 10 s; up to a hundred, every second as before. A line already held keeps the time it
 * was given.
 */
import type { LineKind } from "./engineLog";

export type Send = (urn: string | undefined, line: string, kind: LineKind) => void;

/** How often a resource's status line may change. */
export const STATUS_GAP_MS = 1000;

/** How many status lines a second the plugin sends at most, over all its resources. */
export const STATUS_LINES_PER_SECOND = 100;

interface Paced {
  /** When the last status line of the resource was sent. */
  sentAt: number;
  /** The newest line not sent yet, and the timer that sends it. */
  held?: { readonly line: string; readonly timer: NodeJS.Timeout };
}

export function paceStatusLines(
  send: Send,
  gapMs = STATUS_GAP_MS,
  perSecond = STATUS_LINES_PER_SECOND,
): Send {
  // A resource is here from its first status line of a step to the step's own line.
  const byUrn = new Map<string, Paced>();
  const gap = () => Math.max(gapMs, (1000 * byUrn.size) / perSecond);
  const flush = (urn: string) => {
    const paced = byUrn.get(urn);
    if (paced?.held === undefined) return;
    clearTimeout(paced.held.timer);
    send(urn, paced.held.line, "status");
    paced.sentAt = Date.now();
    paced.held = undefined;
  };
  return (urn, line, kind) => {
    if (urn === undefined) return send(urn, line, kind);
    if (kind !== "status") {
      // The step's own line: the status before it goes first, and the next one goes at once.
      flush(urn);
      byUrn.delete(urn);
      return send(urn, line, kind);
    }
    const paced = byUrn.get(urn);
    const wait = paced === undefined ? 0 : paced.sentAt + gap() - Date.now();
    if (paced === undefined || (wait <= 0 && paced.held === undefined)) {
      byUrn.set(urn, { sentAt: Date.now() });
      return send(urn, line, kind);
    }
    if (paced.held !== undefined) clearTimeout(paced.held.timer);
    const timer = setTimeout(() => flush(urn), Math.max(0, wait));
    timer.unref();
    paced.held = { line, timer };
  };
}
