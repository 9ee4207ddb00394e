/** A small pool of warm PowerShell processes for one connection. */
export interface Poolable {
  readonly broken: boolean;
  /** Ends a member, letting it leave by itself for a while first. */
  close(): Promise<void>;
  /** Ends a member at once. */
  dispose(): Promise<void>;
}

export interface PoolOptions<T extends Poolable> {
  /** Starts and prepares one member. */
  readonly create: () => Promise<T>;
  /** How many members may exist at once. */
  readonly max: number;
  /** How long an unused member stays warm. */
  readonly idleMs: number;
}

interface Idle<T> {
  readonly member: T;
  readonly timer: NodeJS.Timeout;
}

/**
 * Lends members one caller at a time, starting new ones up to `max` so that concurrent Pulumi steps do not queue
 * behind one process. Broken members are closed and replaced, as are idle ones after `idleMs`; `terminate` kills
 * those on loan. The timers are unref'd, so once the idle processes are closed nothing of the pool keeps the plugin
 * alive.
 */
export class Pool<T extends Poolable> {
  private readonly idle: Idle<T>[] = [];
  private readonly waiting: (() => void)[] = [];
  /** Members on loan, so that `terminate` can end a process in the middle of a request. */
  private readonly lent = new Set<T>();
  private size = 0;
  private closed = false;

  constructor(private readonly options: PoolOptions<T>) {}

  /** How many members exist (idle or lent), for tests and benchmarks. */
  get members(): number {
    return this.size;
  }

  async use<R>(fn: (member: T) => Promise<R>): Promise<R> {
    const member = await this.acquire();
    this.lent.add(member);
    try {
      return await fn(member);
    } finally {
      this.lent.delete(member);
      this.release(member);
    }
  }

  private async acquire(): Promise<T> {
    for (;;) {
      if (this.closed) throw new Error("the PowerShell session pool is closed");
      const idle = this.idle.pop();
      if (idle) {
        clearTimeout(idle.timer);
        if (!idle.member.broken) return idle.member;
        this.discard(idle.member);
        continue;
      }
      if (this.size < this.options.max) {
        this.size++;
        try {
          return await this.options.create();
        } catch (error) {
          this.size--;
          this.wakeOne();
          throw error;
        }
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(member: T): void {
    if (member.broken || this.closed) {
      this.discard(member);
      return;
    }
    const timer = setTimeout(() => {
      const at = this.idle.findIndex((i) => i.member === member);
      if (at >= 0) {
        this.idle.splice(at, 1);
        this.discard(member);
      }
    }, this.options.idleMs);
    timer.unref();
    this.idle.push({ member, timer });
    this.wakeOne();
  }

  private discard(member: T): void {
    this.size--;
    void member.close();
    this.wakeOne();
  }

  private wakeOne(): void {
    this.waiting.shift()?.();
  }

  /** Disposes of every idle member now; members on loan are disposed of when they come back. */
  async close(): Promise<void> {
    this.closed = true;
    const idle = this.idle.splice(0);
    for (const i of idle) clearTimeout(i.timer);
    this.size -= idle.length;
    await Promise.all(idle.map((i) => i.member.close()));
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** Closes the pool and kills every member now, lent ones included: the plugin is going away. */
  async terminate(): Promise<void> {
    const lent = [...this.lent];
    await Promise.all([this.close(), ...lent.map((member) => member.dispose())]);
  }
}
