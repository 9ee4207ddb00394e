/**
 * The job watcher's cadence: a read every 250 ms by default, from one read's start to the next; a pause stretched
 * to three times a slow read (up to 500 ms); one read per tick for every job on the session.
 */
import { describe, expect, it } from "vitest";
import type { CimInstance, CimRef, CimSession } from "../../provider/cim";
import { FakeClock } from "../../provider/clock";
import { DEFAULT_POLLING } from "../../provider/hyperv";
import { JobWatcher, type JobRead } from "../../provider/hyperv/jobWatcher";

/** A session whose getMany takes `readMs` of clock time each, and answers jobs as running until `endsAt`. */
function slowHost(clock: FakeClock, readMs: () => number, endsAt: number) {
  const reads: { at: number; refs: number }[] = [];
  const session = {
    target: "hv01 (test)",
    async getMany(refs: readonly CimRef[]): Promise<(CimInstance | undefined)[]> {
      reads.push({ at: clock.now(), refs: refs.length });
      clock.advance(readMs());
      const state = clock.now() >= endsAt ? 7 : 4;
      return refs.map((ref) => ({
        className: ref.className,
        properties: { InstanceID: ref.keys.InstanceID ?? "", JobState: state },
      }));
    },
  } as unknown as CimSession;
  return { session, reads };
}

/** Follows `ids` until each reads JobState 7; resolves with when each was seen done. */
function follow(watcher: JobWatcher, clock: FakeClock, ids: string[]): Promise<number[]> {
  return Promise.all(
    ids.map(
      (jobId) =>
        new Promise<number>((resolve) => {
          const stop = watcher.subscribe({
            jobId,
            deadline: Number.MAX_SAFE_INTEGER,
            onRead: (read: JobRead) => {
              if (read.kind === "seen" && read.instance.properties.JobState === 7) {
                stop();
                resolve(clock.now());
              }
            },
          });
        }),
    ),
  );
}

const gaps = (reads: { at: number }[]) => reads.slice(1).map((r, i) => r.at - reads[i]!.at);

describe("the job watcher's cadence", () => {
  it("reads every 250 ms by default, every job in one read, and stops when none is left", async () => {
    const clock = new FakeClock(0);
    const host = slowHost(clock, () => 0, 2000);
    const watcher = new JobWatcher(host.session, clock, DEFAULT_POLLING);
    expect(await follow(watcher, clock, ["a", "b", "c"])).toEqual([2000, 2000, 2000]);
    expect(gaps(host.reads)).toEqual(Array.from({ length: 8 }, () => 250));
    // The first read starts as the first job joins; every later one reads all three.
    expect(host.reads.map((r) => r.refs)).toEqual([1, ...Array.from({ length: 8 }, () => 3)]);
    expect(watcher.size).toBe(0);
  });

  it("counts the cadence from one read's start to the next, so a quick read does not lengthen it", async () => {
    const clock = new FakeClock(0);
    const host = slowHost(clock, () => 30, 2000);
    await follow(new JobWatcher(host.session, clock, DEFAULT_POLLING), clock, ["a"]);
    // 30 ms of reading, then 220 ms of pause: a read every 250 ms, as configured.
    expect(new Set(gaps(host.reads))).toEqual(new Set([250]));
  });

  it("stretches the pause to three times a slow read, so reading takes at most a quarter of the time", async () => {
    const clock = new FakeClock(0);
    const host = slowHost(clock, () => 120, 3000);
    await follow(new JobWatcher(host.session, clock, DEFAULT_POLLING), clock, ["a"]);
    // 120 ms of reading, then 360 ms of pause.
    expect(new Set(gaps(host.reads))).toEqual(new Set([480]));
  });

  it("never stretches a pause past 500 ms, however slow the read", async () => {
    const clock = new FakeClock(0);
    const host = slowHost(clock, () => 400, 5000);
    await follow(new JobWatcher(host.session, clock, DEFAULT_POLLING), clock, ["a"]);
    expect(new Set(gaps(host.reads))).toEqual(new Set([900]));
  });

  it("keeps a longer configured cap, and backs off to it", async () => {
    const clock = new FakeClock(0);
    const host = slowHost(clock, () => 0, 10_000);
    const ticks = { initialMs: 1000, maxMs: 4000, factor: 2 };
    await follow(new JobWatcher(host.session, clock, ticks), clock, ["a"]);
    expect(gaps(host.reads)).toEqual([1000, 2000, 4000, 4000]);
  });
});
