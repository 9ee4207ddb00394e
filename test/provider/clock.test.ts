import { describe, expect, it, vi } from "vitest";
import { systemClock } from "../../provider/clock";

/**
 * Node.js's timers run on a monotonic clock of their own, and may fire before Date.now() has moved as far as the
 * timer's delay. Here Date.now() is held a millisecond short of the end of a 5 ms sleep while the real timer fires.
 */
describe("systemClock.sleep", () => {
  const heldShort = () => {
    let now = 1_000;
    const spy = vi.spyOn(Date, "now").mockImplementation(() => now);
    return {
      spy,
      set: (ms: number) => {
        now = ms;
      },
      /** Date.now() was read at the start, then again when the timer fired, and again when it fired once more. */
      firedTwice: () => vi.waitFor(() => expect(spy.mock.calls.length).toBeGreaterThanOrEqual(3)),
    };
  };

  it("resolves only once now() shows the time it was asked to wait for", async () => {
    const clock = heldShort();
    try {
      let resolved = false;
      const slept = systemClock.sleep(5).then(() => {
        resolved = true;
      });
      clock.set(1_004);
      await clock.firedTwice();
      expect(resolved).toBe(false);
      clock.set(1_005);
      await slept;
      expect(resolved).toBe(true);
    } finally {
      clock.spy.mockRestore();
    }
  });

  it("still rejects with the signal's reason when it aborts while waiting for now() to catch up", async () => {
    const clock = heldShort();
    try {
      const controller = new AbortController();
      const slept = systemClock.sleep(5, controller.signal);
      clock.set(1_004);
      await clock.firedTwice();
      controller.abort(new Error("the engine cancelled"));
      await expect(slept).rejects.toThrow("the engine cancelled");
    } finally {
      clock.spy.mockRestore();
    }
  });
});
