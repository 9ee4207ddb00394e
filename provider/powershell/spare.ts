/**
 * One PowerShell process started before a connection's first call, with the bridge loaded but not connected: a
 * resource seen at `check` starts it, so that the first real call does not wait for PowerShell to start (seconds on a
 * cold agent). It never logs in: connecting stays part of the first call, so a wrong password costs one failed login,
 * as without it. A spare nobody takes is closed after the pool's idle time; one that fails to start is dropped,
 * and the first call starts its own process and reports what goes wrong.
 */
import type { BridgeProcess } from "./bridgeProcess";

export class Spare {
  private pending: Promise<BridgeProcess | undefined> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly start: () => Promise<BridgeProcess>,
    private readonly idleMs: number,
  ) {}

  /** Starts a process if none is pending. */
  fill(): void {
    if (this.pending) return;
    const pending = this.start().catch(() => undefined);
    this.pending = pending;
    this.timer = setTimeout(() => {
      if (this.pending !== pending) return;
      this.pending = undefined;
      void pending.then((bridge) => bridge?.close());
    }, this.idleMs);
    this.timer.unref();
  }

  /** The started process, once it has started; undefined when there is none (the caller starts its own). */
  async take(): Promise<BridgeProcess | undefined> {
    const pending = this.pending;
    if (!pending) return undefined;
    this.pending = undefined;
    clearTimeout(this.timer);
    const bridge = await pending;
    if (!bridge?.broken) return bridge;
    void bridge.close();
    return undefined;
  }

  /** Ends the pending process once it has started: a spare is never in a request. */
  async close(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    clearTimeout(this.timer);
    await (await pending)?.close();
  }
}
