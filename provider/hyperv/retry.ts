import { CimError } from "../cim";
import type { Clock } from "../clock";
import { HostError } from "./errors";

/** How often to try a read again after the transport dropped it, and how long to pause in between. */
export interface ReadRetryOptions {
  /** Tries after the first one. */
  readonly attempts: number;
  /** The first pause; each later pause doubles, up to `maxDelayMs`. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** Five tries over 15 s: long enough for a WinRM listener restart or a dropped packet, short enough to fail clearly. */
export const DEFAULT_READ_RETRIES: ReadRetryOptions = { attempts: 4, initialDelayMs: 1000, maxDelayMs: 8000 };

export interface RetryReadOptions {
  readonly clock: Clock;
  readonly retries: ReadRetryOptions;
  /** Told before each pause: the transport's error (without context, for a short line), and the pause. */
  readonly onRetry?: (error: CimError, delayMs: number) => void;
  readonly signal?: AbortSignal;
}

/** Whether trying the same call again later could succeed: the host did not answer, or not in time. */
export function isTransient(error: unknown): error is CimError | HostError {
  return (error instanceof CimError || error instanceof HostError) && error.transient;
}

/**
 * Runs an idempotent read (a query, a get, an associators walk) and tries it again with bounded back-off when the
 * transport drops it. Only for reads: a method invocation whose reply was lost may have acted on the host, so it
 * must be followed by a re-read that finds out what happened, never repeated blindly.
 */
export async function retryRead<T>(read: () => Promise<T>, options: RetryReadOptions): Promise<T> {
  const { clock, retries } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (!isTransient(error) || attempt >= retries.attempts) throw error;
      const delay = Math.min(retries.maxDelayMs, retries.initialDelayMs * 2 ** attempt);
      options.onRetry?.(error instanceof HostError ? error.cimError : error, delay);
      await clock.sleep(delay, options.signal);
    }
  }
}
