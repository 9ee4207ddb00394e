/**
 * The state file's lock, shared by every process that uses the file: the folder `<file>.lock`, made with mkdir
 * (atomic: one process wins), holding `owner.json` with the pid and host of the process that holds it and a token
 * of that holding. The holder refreshes the folder's time while it holds it.
 *
 * A lock whose owner is gone is taken over at once instead of blocking every run until it ages out:
 * - on this host, an owner whose pid no longer exists is gone; one whose pid exists is alive and is waited for, however
 *   long it holds the lock (a stopped or busy process must not have its state overwritten under it);
 * - from another host (a shared folder), or with no owner record (an older version's lock, or a holder killed between
 *   mkdir and writing it), only age tells: not refreshed for 10 s, as proper-lockfile judged staleness before.
 *
 * Why a takeover is safe: the folder is removed only by its owner, releasing it, or by a taker holding the
 * `<file>.lock.takeover` folder (mkdir again, so one taker at a time). Holding it, the taker reads the owner again and
 * goes on only if it is the same holding (same token) and still abandoned; nothing can have replaced it in between,
 * since the owner is gone and no other taker runs. It then renames the folder away, which frees the lock in one step,
 * and removes it under its new name, where it can no longer be anyone's lock.
 */
import { randomBytes } from "node:crypto";
import {
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { CimError } from "../../cim";
import { fileError } from "./fileProblems";

/** How long a lock may go unrefreshed before it counts as abandoned, where its owner cannot be asked. */
export const STALE_MS = 10_000;
const REFRESH_MS = STALE_MS / 2;
/** How long to wait for a live owner: a transaction holds the lock for milliseconds. */
const PATIENCE_MS = 5_000;

interface Owner {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
}

interface Seen {
  readonly owner: Owner | undefined;
  readonly mtimeMs: number;
}

const code = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const lockPathOf = (path: string) => `${path}.lock`;
const ownerFile = (lockPath: string) => join(lockPath, "owner.json");

/** Takes the state file's lock, taking over one whose owner is gone; says whose lock is in the way when it waits too long. */
export async function lockStateFile(path: string): Promise<() => Promise<void>> {
  const lockPath = lockPathOf(path);
  const owner: Owner = { pid: process.pid, host: hostname(), token: randomBytes(8).toString("hex") };
  const started = Date.now();
  let delay = 5;
  let withdraw: (() => Promise<void>) | undefined;
  try {
    for (;;) {
      if (await make(path, lockPath, owner)) return holding(lockPath, owner);
      withdraw ??= await announce(lockPath, owner);
      const seen = await inspect(lockPath).catch((error: unknown) => {
        throw fileError(error, `cannot read the lock of simulator state file ${path}`, path);
      });
      if (seen === undefined) continue;
      if (abandoned(seen) && (await takeOver(path, lockPath, seen))) continue;
      if (Date.now() - started >= PATIENCE_MS) throw stayedLocked(path, lockPath, started, seen);
      await sleep(delay * (1 + Math.random()));
      delay = Math.min(delay * 1.3, 100);
    }
  } finally {
    await withdraw?.();
  }
}

/**
 * Where processes waiting for the lock say so, one file each: a process that commits many calls back to back gives
 * the lock up only while another waits (fileStore.ts), so that neither starves the other nor idles for nobody.
 */
const waitingPath = (lockPath: string) => `${lockPath}.waiting`;

/** Says that this process waits for the lock; what it returns takes that back. Failing to say so only costs a wait. */
async function announce(lockPath: string, owner: Owner): Promise<() => Promise<void>> {
  const file = join(waitingPath(lockPath), owner.token);
  try {
    await mkdir(waitingPath(lockPath), { recursive: true });
    await writeFile(file, JSON.stringify(owner), "utf8");
  } catch {
    return async () => undefined;
  }
  return () => unlink(file).catch(() => undefined);
}

/**
 * Whether another process waits for the state file's lock. A waiter announces itself until it holds the lock or
 * gives up; one that was killed meanwhile (its pid gone from this host, or its file older than the staleness bound)
 * is forgotten, so that it cannot keep a busy process yielding to no one.
 */
export async function othersWaiting(path: string): Promise<boolean> {
  const folder = waitingPath(lockPathOf(path));
  const names = await readdir(folder).catch(() => [] as string[]);
  const live = await Promise.all(names.map((name) => waiterAlive(join(folder, name))));
  return live.some(Boolean);
}

async function waiterAlive(file: string): Promise<boolean> {
  const [text, info] = await Promise.all([
    readFile(file, "utf8").catch(() => undefined),
    stat(file).catch(() => undefined),
  ]);
  if (text === undefined || info === undefined) return false;
  const owner = parseOwner(text);
  const gone =
    owner !== undefined && owner.host === hostname()
      ? !processExists(owner.pid)
      : Date.now() - info.mtimeMs > STALE_MS;
  if (gone) await unlink(file).catch(() => undefined);
  return !gone;
}

/** Makes the lock folder with this process's owner record, or false when another holds it. */
async function make(path: string, lockPath: string, owner: Owner): Promise<boolean> {
  try {
    await mkdir(lockPath);
  } catch (error) {
    if (code(error) === "EEXIST") return false;
    throw fileError(error, `cannot lock simulator state file ${path}`, path);
  }
  try {
    await writeFile(ownerFile(lockPath), JSON.stringify(owner), "utf8");
    return true;
  } catch (error) {
    await rm(lockPath, { recursive: true, force: true }).catch(() => undefined);
    throw fileError(error, `cannot lock simulator state file ${path}`, path);
  }
}

/** Keeps the lock fresh while it is held, and releases it only if it is still this holding. */
function holding(lockPath: string, owner: Owner): () => Promise<void> {
  const refresh = setInterval(() => {
    const now = new Date();
    void utimes(lockPath, now, now).catch(() => undefined);
  }, REFRESH_MS);
  refresh.unref();
  return async () => {
    clearInterval(refresh);
    // Still this holding, unless a process on another host took it over after 10 s without a refresh.
    if ((await readOwner(lockPath))?.token !== owner.token) return;
    // The record first: a lock that lost it ages out, while one that lost its folder could not be told apart.
    await unlink(ownerFile(lockPath)).catch(() => undefined);
    await rmdir(lockPath).catch(() => undefined);
  };
}

/** The lock as it is now, or undefined when there is none. */
async function inspect(lockPath: string): Promise<Seen | undefined> {
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(lockPath)).mtimeMs;
  } catch (error) {
    if (code(error) === "ENOENT") return undefined;
    throw error;
  }
  return { owner: await readOwner(lockPath), mtimeMs };
}

async function readOwner(lockPath: string): Promise<Owner | undefined> {
  // Not written yet, half written, or an older version's lock: only its age can tell.
  return parseOwner(await readFile(ownerFile(lockPath), "utf8").catch(() => ""));
}

function parseOwner(text: string): Owner | undefined {
  try {
    const { pid, host, token } = JSON.parse(text) as Partial<Owner>;
    if (typeof pid !== "number" || typeof host !== "string" || typeof token !== "string") return undefined;
    return { pid, host, token };
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists on this host (EPERM: it does, as another user's). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return code(error) === "EPERM";
  }
}

function abandoned(seen: Seen): boolean {
  if (seen.owner !== undefined && seen.owner.host === hostname()) return !processExists(seen.owner.pid);
  return Date.now() - seen.mtimeMs > STALE_MS;
}

const sameHolding = (a: Seen, b: Seen) =>
  a.owner !== undefined || b.owner !== undefined
    ? a.owner?.token === b.owner?.token
    : a.mtimeMs === b.mtimeMs;

/** Removes an abandoned lock if it is still the one `seen`; true when the lock is free to try again. */
async function takeOver(path: string, lockPath: string, seen: Seen): Promise<boolean> {
  const guard = `${lockPath}.takeover`;
  try {
    await mkdir(guard);
  } catch (error) {
    if (code(error) !== "EEXIST") throw fileError(error, `cannot lock simulator state file ${path}`, path);
    await clearAbandonedGuard(guard);
    return false;
  }
  try {
    const now = await inspect(lockPath);
    if (now === undefined) return true;
    if (!sameHolding(now, seen) || !abandoned(now)) return false;
    await removeFolder(lockPath);
    return true;
  } finally {
    await rm(guard, { recursive: true, force: true });
  }
}

/** A taker holds the guard for milliseconds; one left behind by a taker killed meanwhile is cleared by age. */
async function clearAbandonedGuard(guard: string): Promise<void> {
  const made = await stat(guard).then(
    (s) => s.mtimeMs,
    () => undefined,
  );
  if (made !== undefined && Date.now() - made > STALE_MS) await rm(guard, { recursive: true, force: true });
}

/** Renames the folder away first, so that the lock is free in one step and what is removed is no one's lock. */
async function removeFolder(lockPath: string): Promise<void> {
  const away = `${lockPath}.removed-${randomBytes(4).toString("hex")}`;
  try {
    await rename(lockPath, away);
  } catch (error) {
    if (code(error) === "ENOENT") return;
    throw error;
  }
  await rm(away, { recursive: true, force: true });
}

function stayedLocked(path: string, lockPath: string, started: number, seen: Seen): CimError {
  const waited = ((Date.now() - started) / 1000).toFixed(1);
  return new CimError(
    "environment",
    `simulator state file ${path} stayed locked for ${waited} s: ${describe(lockPath, seen)}. If no Pulumi program or hyperv-replica-sim command is using this state file, the lock is stale (a killed process leaves it behind): remove the folder ${lockPath} and run again`,
  );
}

function describe(lockPath: string, seen: Seen): string {
  const { owner } = seen;
  if (owner !== undefined && owner.host === hostname()) {
    return `the lock ${lockPath} is held by process ${owner.pid} on this host, which is still running`;
  }
  const seconds = Math.round((seen.mtimeMs - Date.now()) / 1000);
  const by = owner === undefined ? "" : ` by process ${owner.pid} on host ${owner.host}`;
  if (seconds > 0) {
    return `the lock ${lockPath}${by ? ` (held${by})` : ""} is dated ${seconds} s in the future, so it never counts as stale by itself`;
  }
  return `the lock ${lockPath}${by ? ` (held${by})` : ""} was last refreshed ${-seconds} s ago`;
}
