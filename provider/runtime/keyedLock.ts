/**
 * Serializes async work per key: work for one key runs one at a time, in arrival order; other keys run freely.
 * `fn` is told whether it had to wait for earlier work on the key, which may have changed what it read before.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, fn: (waited: boolean) => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const waited = previous !== undefined;
    const start = () => fn(waited);
    const result = (previous ?? Promise.resolve()).then(start, start);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
