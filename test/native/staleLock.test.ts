/**
 * The simulator's lock, held by a plugin process that is then killed: the next run takes it over at once, because its
 * owner's pid is gone, instead of failing with "stayed locked" until the lock ages out. While the owner lives
 * (stopped here, holding the lock), it is waited for and never taken over.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { processExists, STALE_MS } from "../../provider/simulator/store/stateLock";
import type { RpcError } from "../harness/nativePlugin";
import { urnOf } from "../harness/nativePlugin";
import { SQL, TYPE, useNativePlugins, WEB } from "./fixtures";

const f = useNativePlugins();

interface Owner {
  pid: number;
  host: string;
  token: string;
}

function ownerOf(lock: string): Owner | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(lock, "owner.json"), "utf8")) as Owner;
  } catch {
    return undefined;
  }
}

/**
 * Stops `pid` at a moment it holds the lock: it is stopped as soon as the lock names it, and kept stopped only if
 * the lock still names the same holding afterwards (it cannot have released and taken it again while stopped).
 */
async function stopWhileHolding(pid: number, lock: string, running: () => boolean): Promise<Owner> {
  for (;;) {
    if (!running())
      throw new Error(`process ${pid} finished its run before it could be stopped holding the lock`);
    const seen = ownerOf(lock);
    if (seen?.pid === pid) {
      process.kill(pid, "SIGSTOP");
      if (ownerOf(lock)?.token === seen.token) return seen;
      process.kill(pid, "SIGCONT");
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("a plugin killed while it holds the simulator's lock", () => {
  it("is waited for while it lives, and its lock is taken over at once once its pid is gone", async () => {
    const sim = await f.simulator(
      "locked.json",
      [
        { id: SQL, name: "sql-cluster" },
        { id: WEB, name: "web-tier" },
      ],
      3_000,
    );
    const lock = path.join(f.dir, "locked.json.lock");
    const holder = await f.pluginFor("locked.json");
    const next = await f.pluginFor("locked.json");
    // A failover whose job runs for 3 s: the plugin takes the lock again and again while it watches the job.
    let running = true;
    const abandoned = holder
      .create(urnOf(TYPE, "sql"), { collectionId: SQL, failoverState: "failedOver" })
      .catch((e: RpcError) => e)
      .finally(() => (running = false));
    const owner = await stopWhileHolding(holder.pid, lock, () => running);

    const waited = (await next
      .create(urnOf(TYPE, "web"), { collectionId: WEB, failoverState: "failedOver" })
      .catch((e: RpcError) => e)) as RpcError;
    expect(waited.message).toMatch(
      new RegExp(
        `^Cannot run the CIM call here: simulator state file ${escape(path.join(f.dir, "locked.json"))} stayed locked for \\d+\\.\\d s: the lock ${escape(lock)} is held by process ${owner.pid} on this host, which is still running\\. If no Pulumi program or hyperv-replica-sim command is using this state file, the lock is stale \\(a killed process leaves it behind\\): remove the folder ${escape(lock)} and run again `,
      ),
    );
    expect(waited.partial).toBeUndefined();
    expect(ownerOf(lock)).toEqual(owner);

    process.kill(holder.pid, "SIGKILL");
    await holder.exited();
    await abandoned;
    expect(processExists(owner.pid)).toBe(false);
    expect(ownerOf(lock)).toEqual(owner);
    // Fresh by its time, so only the owner's absence can free it: the age rule alone would wait 10 s.
    const now = new Date();
    fs.utimesSync(lock, now, now);

    const created = await next.create(urnOf(TYPE, "web"), { collectionId: WEB, failoverState: "failedOver" });
    expect(Date.now() - now.getTime()).toBeLessThan(STALE_MS);
    expect(created.id).toBe(WEB);
    // The stopped run may have been anywhere in its own failover; what matters here is the one the next run made.
    const web = (await sim.calls()).filter((c) => c.collectionId === WEB && c.method === "InitiateFailover");
    expect(web.map(({ method, returnValue }) => ({ method, returnValue }))).toEqual([
      { method: "InitiateFailover", returnValue: 4096 },
    ]);
    expect(ownerOf(lock)?.token).not.toBe(owner.token);
  });
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
