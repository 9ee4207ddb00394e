/**
 * Whose lock may be taken over: one whose owner's pid is gone from this host, at once; one from another host, or
 * with no owner record, only once it has gone unrefreshed for 10 s; one whose owner still runs here, never.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CimError } from "../../provider/cim";
import { lockStateFile, othersWaiting, processExists } from "../../provider/simulator/store/stateLock";

let folder: string;
let stateFile: string;
let lock: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "hv-sim-lock-"));
  stateFile = join(folder, "cluster.json");
  lock = `${stateFile}.lock`;
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** A lock left as a process would leave it, last refreshed `ageMs` ago. */
async function leftBehind(owner: { pid: number; host: string }, ageMs: number): Promise<void> {
  await mkdir(lock);
  await writeFile(join(lock, "owner.json"), JSON.stringify({ ...owner, token: "left-behind" }));
  const at = new Date(Date.now() - ageMs);
  await utimes(lock, at, at);
}

/** Takes the lock: it then names this process, and releasing it removes it. */
async function expectTakenOver(): Promise<void> {
  const release = await lockStateFile(stateFile);
  expect(JSON.parse(await readFile(join(lock, "owner.json"), "utf8"))).toEqual({
    pid: process.pid,
    host: hostname(),
    token: expect.stringMatching(/^[0-9a-f]{16}$/),
  });
  await release();
  expect(existsSync(lock)).toBe(false);
}

const goneProcess = () => spawnSync(process.execPath, ["-e", ""]).pid;
const stayedLocked = (held: string) =>
  new RegExp(
    `^simulator state file ${stateFile.replace(/[.\\]/g, "\\$&")} stayed locked for \\d+\\.\\d s: the lock ${lock.replace(/[.\\]/g, "\\$&")} ${held}\\. If no Pulumi program`,
  );

describe("the simulator's lock", () => {
  it("whose owner's pid is gone from this host is taken over at once, however fresh", async () => {
    const pid = goneProcess();
    expect(processExists(pid)).toBe(false);
    await leftBehind({ pid, host: hostname() }, 0);
    await expectTakenOver();
  });

  it("whose owner still runs here is waited for and never taken over, however old", async () => {
    await leftBehind({ pid: process.ppid, host: hostname() }, 3_600_000);
    const error = (await lockStateFile(stateFile).catch((e: unknown) => e)) as CimError;
    expect(error).toBeInstanceOf(CimError);
    expect(error.message).toMatch(
      stayedLocked(`is held by process ${process.ppid} on this host, which is still running`),
    );
  });

  it("from another host is waited for while it is refreshed, and taken over once it is 10 s old", async () => {
    await leftBehind({ pid: 4242, host: "other-node" }, 1_000);
    const error = (await lockStateFile(stateFile).catch((e: unknown) => e)) as CimError;
    expect(error.message).toMatch(
      stayedLocked(`\\(held by process 4242 on host other-node\\) was last refreshed \\d s ago`),
    );
    const old = new Date(Date.now() - 11_000);
    await utimes(lock, old, old);
    await expectTakenOver();
  });

  it("is asked for by a waiting process, which says so until it holds the lock or gives up", async () => {
    const release = await lockStateFile(stateFile);
    expect(await othersWaiting(stateFile)).toBe(false);
    const waiter = lockStateFile(stateFile);
    await expect.poll(() => othersWaiting(stateFile), { timeout: 2_000, interval: 5 }).toBe(true);
    await release();
    const releaseWaiter = await waiter;
    expect(await othersWaiting(stateFile)).toBe(false);
    await releaseWaiter();
  });

  it("is not asked for by a waiter that is gone: its pid gone from this host, or its file 10 s old", async () => {
    const waiting = `${lock}.waiting`;
    await mkdir(waiting);
    const gone = join(waiting, "gone");
    await writeFile(gone, JSON.stringify({ pid: goneProcess(), host: hostname(), token: "gone" }));
    expect(await othersWaiting(stateFile)).toBe(false);
    expect(existsSync(gone)).toBe(false);

    const remote = join(waiting, "remote");
    await writeFile(remote, JSON.stringify({ pid: 4242, host: "other-node", token: "remote" }));
    expect(await othersWaiting(stateFile)).toBe(true);
    const old = new Date(Date.now() - 11_000);
    await utimes(remote, old, old);
    expect(await othersWaiting(stateFile)).toBe(false);
    expect(existsSync(remote)).toBe(false);
  });
});
