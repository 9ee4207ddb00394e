import { emptyState, type SimState, type StoredCall, type StoredRead } from "./state";

/**
 * Where the state lives. `transact` runs `change` on the current state and keeps what it did; calls never overlap.
 * `change` is synchronous, so a transaction never waits while holding the state.
 */
export interface StateStore {
  /** Creates the storage if it does not exist yet. */
  init(): Promise<void>;
  transact<T>(change: (state: SimState) => T): Promise<T>;
  /** Every call the host received, oldest first. Kept apart from the state, so the state does not grow with them. */
  calls(): Promise<StoredCall[]>;
  /** Every read the host answered, oldest first, kept apart from the state in the same way. */
  reads(): Promise<StoredRead[]>;
}

/** Runs async tasks one at a time, in call order. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // The next task waits for this one to settle, whether it succeeded or not.
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** The default: one process, state in memory. */
export class MemoryStore implements StateStore {
  private readonly state = emptyState();
  private readonly mutex = new Mutex();

  async init(): Promise<void> {}

  transact<T>(change: (state: SimState) => T): Promise<T> {
    return this.mutex.run(async () => change(this.state));
  }

  calls(): Promise<StoredCall[]> {
    return this.mutex.run(async () => structuredClone(this.state.calls));
  }

  reads(): Promise<StoredRead[]> {
    return this.mutex.run(async () => structuredClone(this.state.reads));
  }
}
