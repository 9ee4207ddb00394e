import type { SimState } from "./state";

/**
 * What a transaction changed, for the file store to write only that: records of the state's lists changed in place,
 * and top-level fields assigned (a list that gained or lost a record counts as its field). The calls and reads are
 * not tracked: the store takes them out of the state and appends them to their logs.
 */
export class Changes {
  readonly records = new Set<object>();
  readonly fields = new Set<string>();

  get any(): boolean {
    return this.records.size > 0 || this.fields.size > 0;
  }
}

/** The lists whose records the state file keeps one per line, and the store tracks one by one. */
export const RECORD_LISTS: readonly string[] = ["collections", "recoveryPoints", "jobs", "virtualMachines"];
const UNTRACKED = new Set(["calls", "reads"]);

type Target = Record<PropertyKey, unknown>;

/** The object behind each proxy {@link track} made. */
const plain = new WeakMap<object, object>();

/**
 * The plain object behind a tracked one (itself when it is not tracked), for code that only reads: what every
 * transaction scans (are any jobs due?) and what a read renders then cost what they cost before tracking.
 */
export function untracked<T extends object>(value: T): T {
  return (plain.get(value) as T | undefined) ?? value;
}

const isObject = (value: unknown): value is Target => typeof value === "object" && value !== null;

/**
 * The state seen through proxies that note every write into `changes`: a change is synchronous code that mutates
 * the state it is given, and this is how the store learns what it touched without comparing the whole state.
 * What a change stores is the plain object, never a proxy, so the state stays plain JSON between transactions.
 */
export function track(state: SimState, changes: Changes): SimState {
  const proxies = new WeakMap<object, object>();

  /** Replaces the proxies inside a value being stored by their objects (a list filtered, a record spread). */
  function unwrap(value: unknown): unknown {
    if (!isObject(value)) return value;
    const target = plain.get(value);
    if (target !== undefined) return target;
    for (const key of Object.keys(value)) {
      const inner = value[key];
      const unwrapped = unwrap(inner);
      if (unwrapped !== inner) value[key] = unwrapped;
    }
    return value;
  }

  function view<T extends object>(target: T, handler: ProxyHandler<T>): T {
    const known = proxies.get(target);
    if (known !== undefined) return known as T;
    const proxy = new Proxy(target, handler);
    proxies.set(target, proxy);
    plain.set(proxy, target);
    return proxy;
  }

  /** Any object inside a record: a write anywhere in it changes the record. */
  function inside<T extends object>(target: T, changed: () => void): T {
    return view(target, {
      get(t, key) {
        const value: unknown = Reflect.get(t, key);
        return isObject(value) ? inside(value, changed) : value;
      },
      set(t, key, value) {
        changed();
        return Reflect.set(t, key, unwrap(value));
      },
      deleteProperty(t, key) {
        changed();
        return Reflect.deleteProperty(t, key);
      },
    });
  }

  /** A list of records: a write to an index or its length changes the list; a write into a record, that record. */
  function list<T extends object>(target: T, field: string): T {
    return view(target, {
      get(t, key) {
        const value: unknown = Reflect.get(t, key);
        if (!isObject(value) || typeof key !== "string") return value;
        return inside(value, () => changes.records.add(value));
      },
      set(t, key, value) {
        changes.fields.add(field);
        return Reflect.set(t, key, unwrap(value));
      },
      deleteProperty(t, key) {
        changes.fields.add(field);
        return Reflect.deleteProperty(t, key);
      },
    });
  }

  return view(state as unknown as Target, {
    get(t, key) {
      const value: unknown = Reflect.get(t, key);
      if (!isObject(value) || typeof key !== "string" || UNTRACKED.has(key)) return value;
      if (RECORD_LISTS.includes(key) && Array.isArray(value)) return list(value, key);
      return inside(value, () => changes.fields.add(key));
    },
    set(t, key, value) {
      if (typeof key === "string" && !UNTRACKED.has(key)) changes.fields.add(key);
      return Reflect.set(t, key, unwrap(value));
    },
    deleteProperty(t, key) {
      if (typeof key === "string") changes.fields.add(key);
      return Reflect.deleteProperty(t, key);
    },
  }) as unknown as SimState;
}
