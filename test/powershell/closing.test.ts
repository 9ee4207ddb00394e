/**
 * A PowerShell process the provider is done with leaves by itself: its stdin ends, the bridge's loop ends, and .NET
 * removes the files it keeps in the temporary folder while the process runs. A killed process leaves them behind for
 * good (a debugger pipe pair, a diagnostics socket, PowerShell's host pipe: four files in /tmp for every process, on
 * every agent that is not Windows). The executable is a shell script in front of pwsh that gives it a temporary
 * folder of its own, so that what it leaves there can be seen.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BridgeProcess } from "../../provider/powershell/bridgeProcess";
import { HyperVSimulator } from "../../provider/simulator";
import { COLLECTIONS, running, useBridgeFixture } from "./fixture";
import { findPwsh, skipTitle } from "./pwsh";

const pwsh = findPwsh();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-closing-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** pwsh with `tmp` as its temporary folder; `after` runs once pwsh has exited (the script stays until then). */
function pwshIn(name: string, tmp: string, after = ""): string {
  const executable = path.join(dir, name);
  const run = after ? `'${pwsh.path!}' "$@"; ${after}` : `exec '${pwsh.path!}' "$@"`;
  fs.writeFileSync(executable, ["#!/bin/sh", `TMPDIR='${tmp}' ${run}`, ""].join("\n"), { mode: 0o755 });
  return executable;
}

const start = (executable: string) =>
  BridgeProcess.start({ executable, key: randomBytes(32), startTimeoutMs: 60_000, requestTimeoutMs: 60_000 });

const title = "a PowerShell process the provider closes";
const why = process.platform !== "linux" ? "the test reads /proc, which only Linux has" : undefined;

describe.skipIf(!pwsh.path || why !== undefined)(
  why ? `${title} (skipped: ${why})` : skipTitle(title, pwsh),
  () => {
    // The stand-in CIM cmdlets in front of a simulator, for a request that takes long.
    const f = useBridgeFixture(pwsh);

    it("leaves by itself, and leaves nothing in its temporary folder", async () => {
      const tmp = fs.mkdtempSync(path.join(dir, "tmp-"));
      const bridge = await start(pwshIn("leaves", tmp));
      const pid = bridge.pid!;
      expect(await bridge.request({ op: "ping" })).toMatchObject({ edition: "Core" });
      // While it runs, .NET keeps its files there: the folder would be empty without them, and prove nothing.
      expect(fs.readdirSync(tmp).filter((f) => f.includes(String(pid)))).not.toEqual([]);

      await bridge.close();

      expect(running(pid)).toBe(false);
      expect(fs.readdirSync(tmp)).toEqual([]);
      expect(bridge.broken).toBe(true);
    });

    it("is killed at once when it is still in a request that timed out", async () => {
      f.sim = new HyperVSimulator();
      await f.sim.injectFault({ kind: "slow", delayMs: 150_000, times: 1 });
      const bridge = await BridgeProcess.start({
        executable: pwshIn("busy", fs.mkdtempSync(path.join(dir, "tmp-"))),
        key: randomBytes(32),
        startTimeoutMs: 60_000,
        requestTimeoutMs: 1000,
        // Were it let leave, it would be killed only after this.
        leaveMs: 120_000,
      });
      const pid = bridge.pid!;
      const query = { op: "query", namespace: "root/HyperVCluster/v2", className: COLLECTIONS, filter: null };
      await expect(bridge.request(query)).rejects.toMatchObject({ category: "timeout" });
      const startedAt = Date.now();

      // Still in the query, it would read the end of its stdin only after it, minutes on.
      await bridge.close();

      expect(Date.now() - startedAt).toBeLessThan(60_000);
      expect(running(pid)).toBe(false);
    });

    it("is killed, with what it started, when it does not leave within two seconds", async () => {
      const tmp = fs.mkdtempSync(path.join(dir, "tmp-"));
      const pidFile = path.join(dir, "sleep.pid");
      const bridge = await start(pwshIn("stays", tmp, `sleep 60 & echo $! > '${pidFile}'; wait`));
      const pid = bridge.pid!;
      const startedAt = Date.now();

      await bridge.close();

      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2000);
      expect(running(pid)).toBe(false);
      // What the script started once pwsh had left was killed with it.
      expect(running(Number(fs.readFileSync(pidFile, "utf8")))).toBe(false);
    });
  },
);
