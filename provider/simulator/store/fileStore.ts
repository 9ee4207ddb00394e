import { resolve } from "node:path";
import { CimError } from "../../cim";
import { checkFolderWritable } from "./fileProblems";
import { checkBeforeLocking, missingStateFile, readStateFile, writeStateFile } from "./stateFileIo";
import { lockStateFile, othersWaiting } from "./stateLock";
import { AppendLog } from "./appendLog";
import { emptyState, type SimState, type StoredCall, type StoredRead } from "./state";
import { parseStateFile } from "./stateShape";
import { StateText } from "./stateText";
import { Mutex, type StateStore } from "./store";
import { Changes, track } from "./tracking";

/** The state as last read or written by this process, with the exact bytes it came from. */
interface Loaded {
  readonly bytes: Buffer;
  readonly state: SimState;
}

type Change = (state: SimState) => unknown;

/** The longest a store that commits back to back leaves the lock to a waiting process before taking it again. */
const YIELD_MS = 250;
/** The longest one holding of the lock commits batch after batch, even when nobody says it waits. */
const MAX_HOLD_MS = 1_000;
type Outcome =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** A transaction waiting for its turn. */
interface Queued {
  readonly change: Change;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * State shared by processes through files. The state file holds what the cluster is now (collections, recovery
 * points, jobs until Hyper-V would remove them, faults), so its size does not grow with history; the call log is
 * appended to `<file>.calls.jsonl`, one JSON line per call, and is read only when someone asks for it.
 *
 * Transactions take the file lock, read the file, change the state, write a temporary file and rename it over the
 * old one (atomic on one file system) when the state changed, append the calls they made, then unlock. When the
 * file still holds the bytes this process last saw, the parsed state is reused instead of being parsed again; the
 * changes are tracked (tracking.ts), so a transaction that changed nothing writes nothing, and one that did formats
 * only the records it changed (stateText.ts). What stays proportional to the cluster's size is reading the file and,
 * after a change, writing it: copies of its bytes, with no JSON work.
 *
 * A process that waits for the lock says so (stateLock.ts); after a commit of several calls the store leaves the lock
 * free until such a process has taken it, so that another process (the CLI, a second program) gets its turn while a
 * thousand calls keep this one busy, and nobody idles when no one waits.
 *
 * One store serves each file per process ({@link FileStore.at}). Its transactions never compete for the file lock
 * against each other: those that arrive while one commits wait, and then commit together, in order, under one lock.
 */
export class FileStore implements StateStore {
  private static readonly stores = new Map<string, FileStore>();

  /** The one store of this process for `path`. */
  static at(path: string): FileStore {
    const absolute = resolve(path);
    let store = FileStore.stores.get(absolute);
    if (!store) {
      store = new FileStore(absolute);
      FileStore.stores.set(absolute, store);
    }
    return store;
  }

  private readonly mutex = new Mutex();
  private readonly queue: Queued[] = [];
  private last: Loaded | undefined;
  private readonly text = new StateText();
  /** Whether this store last held the lock for more than one call. */
  private lastBatched = false;
  private readonly callLog: AppendLog<StoredCall>;
  private readonly readLog: AppendLog<StoredRead>;

  private constructor(readonly path: string) {
    this.callLog = new AppendLog(`${path}.calls.jsonl`, "simulator call log");
    this.readLog = new AppendLog(`${path}.reads.jsonl`, "simulator read log");
  }

  async init(): Promise<void> {
    await checkFolderWritable(this.path);
    return this.mutex.run(() =>
      this.locked(async () => {
        const existing = await readStateFile(this.path);
        if (existing !== undefined) {
          parseStateFile(existing.toString("utf8"), this.path);
          return;
        }
        // A new cluster starts with an empty history, even where an earlier one left its logs behind.
        await this.callLog.clear();
        await this.readLog.clear();
        await writeStateFile(this.path, Buffer.from(this.text.format(emptyState())));
      }),
    );
  }

  transact<T>(change: (state: SimState) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ change, resolve: resolve as (value: unknown) => void, reject });
      if (this.queue.length === 1) void this.mutex.run(() => this.commitQueued());
    });
  }

  /**
   * Commits every transaction queued so far as one: one read, one write and one append for the lot, so that the lock
   * is held for about the same time however many calls are waiting, and throughput grows with them. Each change still
   * sees the state as the ones queued before it left it, in call order, as if each had its own turn. The state file is
   * written before any caller hears back.
   *
   * While more transactions arrive and no other process waits for the lock (stateLock.ts), the store keeps the lock
   * and commits them too, for up to a second: it then has no lock to take or release, and no file to read again,
   * since nobody else can have written it meanwhile.
   */
  private async commitQueued(): Promise<void> {
    let batch = this.queue.splice(0);
    // An earlier holding may have committed these already.
    if (batch.length === 0) return;
    let committed = 0;
    // The callers of the last batch hear back once the lock is free, those of earlier ones while it is held.
    let answer: (() => void) | undefined;
    try {
      await checkBeforeLocking(this.path);
      await this.yieldLock();
      await this.locked(async () => {
        const until = Date.now() + MAX_HOLD_MS;
        for (let held = false; batch.length > 0; held = true) {
          answer?.();
          answer = await this.commitBatch(batch, held);
          committed += batch.length;
          batch = Date.now() < until && !(await othersWaiting(this.path)) ? this.queue.splice(0) : [];
        }
      });
    } catch (error) {
      for (const t of batch) t.reject(error);
    } finally {
      this.lastBatched = committed > 1;
      answer?.();
    }
  }

  /**
   * Commits one batch under the lock; what it returns answers the batch's callers. `held`: this holding committed
   * before, so the file holds what it last wrote and is not read again.
   */
  private async commitBatch(batch: readonly Queued[], held: boolean): Promise<() => void> {
    try {
      const outcomes = await this.commit(
        batch.map((t) => t.change),
        held ? this.last?.bytes : undefined,
      );
      return () =>
        batch.forEach((t, i) => {
          const outcome = outcomes[i];
          if (outcome?.ok) t.resolve(outcome.value);
          else t.reject(outcome?.error);
        });
    } catch (error) {
      return () => {
        for (const t of batch) t.reject(error);
      };
    }
  }

  private async commit(changes: readonly Change[], current: Buffer | undefined): Promise<Outcome[]> {
    const bytes = current ?? (await readStateFile(this.path));
    if (bytes === undefined) throw missingStateFile(this.path);
    const { state, changed, outcomes } = this.apply(bytes, changes);
    const calls = state.calls.splice(0);
    const reads = state.reads.splice(0);
    this.text.forget(changed);
    const after = changed.any ? Buffer.from(this.text.format(state)) : bytes;
    if (changed.any) await writeStateFile(this.path, after);
    await this.appendAfterWrite(calls, reads, changed.any);
    this.last = { bytes: after, state };
    return outcomes;
  }

  /**
   * After a commit of several calls, and only while another process says it waits for the lock (stateLock.ts),
   * leaves the lock free until that process has taken it, 250 ms at most (a waiter tries again within 200 ms). A
   * program making one call at a time never waits: it leaves gaps of its own.
   */
  private async yieldLock(): Promise<void> {
    if (!this.lastBatched) return;
    const until = Date.now() + YIELD_MS;
    while (Date.now() < until && (await othersWaiting(this.path))) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /**
   * Runs the changes in order on the state in `text`. A change that throws is left out as if it had never run: the
   * others run again from `text`, so that nothing it did half-way is kept (changes are synchronous and commit
   * nothing until all have run, so running them again is safe).
   */
  private apply(
    bytes: Buffer,
    changes: readonly Change[],
  ): { state: SimState; changed: Changes; outcomes: Outcome[] } {
    const failed = new Map<number, unknown>();
    for (;;) {
      const state = this.parse(bytes);
      this.last = undefined;
      const changed = new Changes();
      const tracked = track(state, changed);
      const outcomes: Outcome[] = [];
      let threw = false;
      for (const [i, change] of changes.entries()) {
        const error = failed.get(i);
        if (failed.has(i)) {
          outcomes.push({ ok: false, error });
          continue;
        }
        try {
          outcomes.push({ ok: true, value: change(tracked) });
        } catch (caught) {
          failed.set(i, caught);
          threw = true;
          break;
        }
      }
      if (!threw) return { state, changed, outcomes };
    }
  }

  /**
   * Appends the history. A file error is an "environment" error, which says the call never reached the host; once
   * the state is written it did, so a failure here is reported as a failed call instead, naming what was not logged.
   */
  private async appendAfterWrite(calls: StoredCall[], reads: StoredRead[], wrote: boolean): Promise<void> {
    try {
      await Promise.all([this.callLog.append(calls), this.readLog.append(reads)]);
    } catch (error) {
      if (!wrote || !(error instanceof CimError)) throw error;
      throw new CimError(
        "wbem",
        `${error.message} (the simulated host made the change; only its log is missing it)`,
        undefined,
        { cause: error },
      );
    }
  }

  /** Every call in the log, oldest first, after those an older state file still holds in its `calls` list. */
  async calls(): Promise<StoredCall[]> {
    const bytes = await readStateFile(this.path);
    if (bytes === undefined) throw missingStateFile(this.path);
    const legacy = parseStateFile(bytes.toString("utf8"), this.path).calls;
    return [...legacy, ...(await this.callLog.read())];
  }

  async reads(): Promise<StoredRead[]> {
    return this.readLog.read();
  }

  /** The state in `bytes`, reusing the last parse when the file has not changed since. */
  private parse(bytes: Buffer): SimState {
    if (this.last?.bytes.equals(bytes)) return this.last.state;
    return parseStateFile(bytes.toString("utf8"), this.path);
  }

  /** Runs `task` holding the file lock; the caller holds the mutex. */
  private async locked<T>(task: () => Promise<T>): Promise<T> {
    const release = await lockStateFile(this.path);
    try {
      return await task();
    } finally {
      await release().catch(() => undefined);
    }
  }
}
