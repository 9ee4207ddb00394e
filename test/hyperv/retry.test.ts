import { describe, expect, it } from "vitest";
import { CimError } from "../../provider/cim";
import { FakeClock } from "../../provider/clock";
import { HostError, retryRead } from "../../provider/hyperv";

const RETRIES = { attempts: 4, initialDelayMs: 1000, maxDelayMs: 3000 };

/** A read that fails with the given errors in turn, then answers "done"; it records when it was tried. */
function flaky(clock: FakeClock, errors: unknown[]) {
  const tries: number[] = [];
  const read = async () => {
    tries.push(clock.now());
    const error = errors.shift();
    if (error !== undefined) throw error;
    return "done";
  };
  return { read, tries };
}

const unreachable = () => new CimError("unreachable", "hv01 did not answer");

describe("retryRead", () => {
  it("answers at once when the read works", async () => {
    const clock = new FakeClock(0);
    const { read, tries } = flaky(clock, []);
    expect(await retryRead(read, { clock, retries: RETRIES })).toBe("done");
    expect(tries).toEqual([0]);
  });

  it("tries a dropped read again after pauses that double up to the cap, telling each one", async () => {
    const clock = new FakeClock(0);
    const timeout = new CimError("timeout", "the operation timed out");
    const wrapped = new HostError(unreachable(), { collection: "sql", host: "hv01" });
    const { read, tries } = flaky(clock, [unreachable(), timeout, wrapped, unreachable()]);
    const told: string[] = [];

    const answer = await retryRead(read, {
      clock,
      retries: RETRIES,
      onRetry: (error, delay) => told.push(`${error.category} ${delay}`),
    });

    expect(answer).toBe("done");
    expect(tries).toEqual([0, 1000, 3000, 6000, 9000]);
    expect(told).toEqual(["unreachable 1000", "timeout 2000", "unreachable 3000", "unreachable 3000"]);
  });

  it("gives up after the first try and the configured number of retries, with the last error", async () => {
    const clock = new FakeClock(0);
    const last = unreachable();
    const { read, tries } = flaky(clock, [unreachable(), unreachable(), unreachable(), unreachable(), last]);

    await expect(retryRead(read, { clock, retries: RETRIES })).rejects.toBe(last);
    expect(tries).toHaveLength(5);
  });

  it.each([
    ["a WBEM error", new CimError("wbem", "Invalid query")],
    ["access denied", new CimError("accessDenied", "Access is denied")],
    ["an error that is not the transport's", new RangeError("bad")],
  ])("does not retry %s", async (_, error) => {
    const clock = new FakeClock(0);
    const { read, tries } = flaky(clock, [error]);

    await expect(retryRead(read, { clock, retries: RETRIES })).rejects.toBe(error);
    expect(tries).toEqual([0]);
  });
});
