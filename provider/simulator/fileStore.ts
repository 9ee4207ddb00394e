import { randomBytes } from "node:crypto";
import { access, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import * as lockfile from "proper-lockfile";
import { CimError } from "../cim";
import { emptyState, parseState, type SimState } from "./state";
import { Mutex, type StateStore } from "./store";

/** Enough patience for a handful of processes taking turns on a busy CI machine. */
const LOCK_OPTIONS: lockfile.LockOptions = {
  realpath: false,
  retries: { retries: 200, factor: 1.3, minTimeout: 5, maxTimeout: 250, randomize: true },
};

const isNotFound = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code === "ENOENT";

/**
 * State in a JSON file shared by processes: each transaction takes the file lock, reads, changes, writes a temporary
 * file and renames it over the old one (atomic on one file system), then unlocks. The in-process mutex keeps this
 * process's transactions from queueing on the file lock against each other.
 */
export class FileStore implements StateStore {
  private readonly mutex = new Mutex();

  constructor(private readonly path: string) {}

  async init(): Promise<void> {
    await access(dirname(this.path)).catch((cause: unknown) => {
      const message = `cannot create simulator state file ${this.path}: its folder is not accessible`;
      throw new CimError("environment", message, undefined, { cause });
    });
    return this.locked(async () => {
      const existing = await this.read();
      if (existing === undefined) await this.write(JSON.stringify(emptyState(), null, 2));
      else parseState(existing, this.path);
    });
  }

  async transact<T>(change: (state: SimState) => T): Promise<T> {
    // Checked before locking because proper-lockfile would retry a missing folder for its whole patience.
    await access(this.path).catch((error: unknown) => {
      throw isNotFound(error) ? this.missing() : error;
    });
    return this.locked(async () => {
      const before = await this.read();
      if (before === undefined) throw this.missing();
      const state = parseState(before, this.path);
      const result = change(state);
      const after = JSON.stringify(state, null, 2);
      if (after !== before) await this.write(after);
      return result;
    });
  }

  private missing(): CimError {
    return new CimError(
      "environment",
      `simulator state file ${this.path} does not exist; create it first (HyperVSimulator.init or the CLI)`,
    );
  }

  private locked<T>(task: () => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      const release = await this.lock();
      try {
        return await task();
      } finally {
        await release();
      }
    });
  }

  private async lock(): Promise<() => Promise<void>> {
    try {
      return await lockfile.lock(this.path, LOCK_OPTIONS);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== "ELOCKED") throw cause;
      const message = `simulator state file ${this.path} stayed locked by another process`;
      throw new CimError("timeout", message, undefined, { cause });
    }
  }

  private async read(): Promise<string | undefined> {
    try {
      return await readFile(this.path, "utf8");
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async write(text: string): Promise<void> {
    const temporary = `${this.path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await writeFile(temporary, text, "utf8");
      await rename(temporary, this.path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }
}
