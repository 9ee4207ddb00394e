import { AsyncResource } from "node:async_hooks";
import type { CimInstance, CimSession } from "../cim";
import { CimError } from "../cim";
import type { Clock } from "../clock";
import { CLASS } from "./codes";

/** What one tick learned about one job. */
export type JobRead =
  | { readonly kind: "seen"; readonly instance: CimInstance }
  | { readonly kind: "gone" }
  | { readonly kind: "lost"; readonly error: CimError }
  | { readonly kind: "failed"; readonly error: unknown };

/** How often the watcher reads: fast at first, then slower up to a cap. */
export interface TickOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
}

/** One job being waited for. `onRead` decides synchronously, and unsubscribes once it has its answer. */
export interface JobSubscription {
  readonly jobId: string;
  /** Clock time by which the waiter wants a read, whatever the cadence (its own deadline). */
  readonly deadline: number;
  onRead(read: JobRead): void;
}

/**
 * The cadence runs from one read's start to the next, so a quick read does not lengthen it: with 250 ms, a read of
 * 30 ms is followed by a pause of 220 ms. A pause lasts at least this many times the last tick's read, though, so
 * that reading never takes more than a quarter of the watcher's time however slow the host or the link is;
 * stretched, it stays within {@link STRETCH_CAP_MS} (or the configured cap, if that is longer), so a job's end is
 * still seen within half a second of the next read.
 */
const READ_SHARE = 3;
const STRETCH_CAP_MS = 500;

/**
 * One watcher per session: every job waited for on the session is read in the same request at each tick
 * (`getMany` by InstanceID), and each waiter is told from that one answer. The ticks start at once when the first
 * job is added, speed up again whenever another job joins, back off to the cap meanwhile, and stop as soon as no
 * job is left, so nothing runs while nothing is in flight. A tick never sleeps past a waiter's deadline, so a
 * deadline is judged on a read made at that moment.
 */
export class JobWatcher {
  private readonly subscriptions = new Set<JobSubscription>();
  private running = false;
  private delay: number;
  /** How long the last tick's read took. */
  private lastReadMs = 0;

  constructor(
    private readonly session: CimSession,
    private readonly clock: Clock,
    private readonly ticks: TickOptions,
  ) {
    this.delay = ticks.initialMs;
  }

  /** How many jobs are being waited for now. */
  get size(): number {
    return this.subscriptions.size;
  }

  /**
   * Adds a job to the next tick and every later one, until `unsubscribe`. The ticks run in the async context of the
   * waiter that started them; each waiter hears in its own, so that what it does then (a progress line, which a
   * plugin attaches to the resource whose context it runs in) is its own resource's and not the first waiter's.
   */
  subscribe(subscription: JobSubscription): () => void {
    const own = { ...subscription, onRead: AsyncResource.bind((read: JobRead) => subscription.onRead(read)) };
    this.subscriptions.add(own);
    this.delay = this.ticks.initialMs;
    if (!this.running) {
      this.running = true;
      void this.run();
    }
    return () => this.subscriptions.delete(own);
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        await this.tick();
        if (this.subscriptions.size === 0) return;
        try {
          await this.clock.sleep(this.pause());
        } catch (error) {
          // A clock that stops every wait (a cancelled deployment) ends every waiter's wait with its reason.
          this.tellEveryone({ kind: "failed", error });
          return;
        }
        if (this.subscriptions.size === 0) return;
        this.delay = Math.min(this.ticks.maxMs, this.delay * this.ticks.factor);
      }
    } finally {
      this.running = false;
      // A job added while the last tick was being answered still needs its reads.
      if (this.subscriptions.size > 0) {
        this.running = true;
        void this.run();
      }
    }
  }

  private pause(): number {
    const now = this.clock.now();
    const nearest = Math.min(...[...this.subscriptions].map((s) => s.deadline));
    const cap = Math.max(this.ticks.maxMs, STRETCH_CAP_MS);
    const wanted = Math.min(Math.max(this.delay - this.lastReadMs, READ_SHARE * this.lastReadMs), cap);
    return Math.max(0, Math.min(wanted, nearest - now));
  }

  private tellEveryone(read: JobRead): void {
    for (const subscription of [...this.subscriptions]) subscription.onRead(read);
  }

  /** One request for every job; each waiter hears its own part of the answer. */
  private async tick(): Promise<void> {
    const batch = [...this.subscriptions];
    const started = this.clock.now();
    let reads: JobRead[];
    try {
      const refs = batch.map((s) => ({ className: CLASS.job, keys: { InstanceID: s.jobId } }));
      const instances = await this.session.getMany(refs);
      reads = instances.map((instance) =>
        instance === undefined ? { kind: "gone" } : { kind: "seen", instance },
      );
    } catch (error) {
      const read: JobRead =
        error instanceof CimError && error.transient ? { kind: "lost", error } : { kind: "failed", error };
      reads = batch.map(() => read);
    }
    this.lastReadMs = this.clock.now() - started;
    batch.forEach((subscription, index) => {
      const read = reads[index];
      if (read !== undefined && this.subscriptions.has(subscription)) subscription.onRead(read);
    });
  }
}

const watchers = new WeakMap<CimSession, JobWatcher>();

/** The session's watcher; the first caller's clock and cadence set it up. */
export function watcherFor(session: CimSession, clock: Clock, ticks: TickOptions): JobWatcher {
  let watcher = watchers.get(session);
  if (!watcher) {
    watcher = new JobWatcher(session, clock, ticks);
    watchers.set(session, watcher);
  }
  return watcher;
}
