/**
 * Time, injected. Job polling, deadlines and back-off read a Clock, so the simulator's fake clock can let a test
 * wait four hours in a millisecond.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The real clock. `sleep` resolves only once `now()` shows the time it was asked to wait for: Node.js counts a
 * timer's delay from the event loop's cached time, which lags Date.now() by as long as the loop's current turn has
 * run, so under load a timer fires before Date.now() has moved that far. Code that sleeps until a deadline and then
 * acts on it must find the deadline passed: a read started just before it is still bounded by it.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const until = Date.now() + ms;
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const arm = () => {
        const left = until - Date.now();
        if (left > 0) {
          timer = setTimeout(arm, left);
          return;
        }
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      timer = setTimeout(arm, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/**
 * A clock that moves only when told to, or when something sleeps on it: `sleep` advances time at once. Code under
 * test that polls every few seconds for hours therefore runs in microseconds, in the same order as it would for real.
 */
export class FakeClock implements Clock {
  private current: number;

  constructor(start: number | Date = Date.UTC(2026, 0, 1)) {
    this.current = typeof start === "number" ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.current += ms;
    // Yield so that concurrent work interleaves as it would with real timers.
    await Promise.resolve();
  }
}
