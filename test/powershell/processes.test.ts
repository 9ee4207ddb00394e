import * as fs from "node:fs";
import { describe, expect, it, vi } from "vitest";
import type { PowerShellCimSession } from "../../provider/powershell";
import { closeAllPools } from "../../provider/powershell";
import { descendants } from "../../provider/powershell/processTree";
import { HyperVSimulator } from "../../provider/simulator";
import { COLLECTIONS, powershellChildren, running, useBridgeFixture } from "./fixture";
import { findPwsh, skipTitle } from "./pwsh";

const pwsh = findPwsh();

describe.skipIf(!pwsh.path)(skipTitle("the PowerShell processes behind the bridge", pwsh), () => {
  const f = useBridgeFixture(pwsh);

  it("runs concurrent calls in parallel processes, up to maxSessions, and reuses them warm", async () => {
    f.sim = new HyperVSimulator();
    await f.sim.addCollection({ name: "sql-cluster" });
    await f.sim.injectFault({ kind: "slow", delayMs: 300, times: 6 });
    const session = f.local({ maxSessions: 3 });
    await Promise.all(Array.from({ length: 6 }, () => session.query(COLLECTIONS)));
    const pids = powershellChildren();
    expect(pids).toHaveLength(3);
    await session.query(COLLECTIONS);
    expect(powershellChildren()).toEqual(pids);
  });

  it("warm() starts PowerShell before the first call, which then uses that process, without logging in early", async () => {
    f.sim = new HyperVSimulator();
    await f.sim.addCollection({ name: "sql-cluster" });
    const session = f.local({ maxSessions: 1 }) as PowerShellCimSession;
    const requests = f.server.requests.length;
    session.warm();
    await vi.waitFor(() => expect(powershellChildren()).toHaveLength(1), { timeout: 120_000, interval: 100 });
    const [started] = powershellChildren();
    expect(f.server.requests.length).toBe(requests); // started, not connected: nothing reached the CIM endpoint
    expect(await session.query(COLLECTIONS)).toHaveLength(1);
    expect(powershellChildren()).toEqual([started]);
  });

  it("replaces a process that died, without failing the next call", async () => {
    f.sim = new HyperVSimulator();
    await f.sim.addCollection({ name: "sql-cluster" });
    const session = f.local({ maxSessions: 1 });
    await session.query(COLLECTIONS);
    const [first] = powershellChildren();
    process.kill(first!, "SIGKILL");
    // Until this process has reaped it, which is when the pool hears of its death: a large process takes a moment
    // to be torn down, longer on a loaded machine.
    await vi.waitFor(() => expect(fs.existsSync(`/proc/${first}`)).toBe(false), { timeout: 10_000 });
    expect(await session.query(COLLECTIONS)).toHaveLength(1);
    expect(powershellChildren()).not.toContain(first);
  });

  it("kills a discarded PowerShell with every process it started, leaving no orphan", async () => {
    f.sim = new HyperVSimulator();
    const session = f.local({ maxSessions: 1 });
    await session.query(COLLECTIONS);
    const [launcher] = powershellChildren();
    // An installed pwsh is the engine itself; the .NET tool's shim, where it is kept, runs it as its child, and a
    // wrapper script adds one more level.
    const tree = [launcher!, ...(await descendants(launcher!))];
    expect(tree.every(running)).toBe(true);
    await closeAllPools();
    expect(tree.filter(running)).toEqual([]);
  });

  it("gives up a request that takes too long once it reached the CIM server, replaces its process, and carries on", async () => {
    f.sim = new HyperVSimulator();
    await f.sim.addCollection({ name: "sql-cluster" });
    await f.sim.injectFault({ kind: "slow", delayMs: 30_000, times: 1 });
    // Start-up has its own bound: the first call's PowerShell start does not count against the 8 s of the request.
    const session = f.local({ maxSessions: 1, requestTimeoutMs: 8000 });
    const queries = () => f.server.requests.filter((r) => r.includes(`"className":"${COLLECTIONS}"`)).length;
    const before = queries();
    await expect(session.query(COLLECTIONS)).rejects.toMatchObject({
      category: "timeout",
      message: "PowerShell did not answer within 8 s",
    });
    expect(queries()).toBe(before + 1);
    expect(await session.query(COLLECTIONS)).toHaveLength(1);
    expect(queries()).toBe(before + 2);
  });
});
