/** What every bridge test file shares: a real pwsh, the CIM endpoint in front of a simulator, throw-away files. */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, vi } from "vitest";
import type { CimSession } from "../../provider/cim";
import { closeAllPools, PowerShellCimSession } from "../../provider/powershell";
import { descendants } from "../../provider/powershell/processTree";
import type { PowerShellSettings } from "../../provider/powershell";
import { HyperVSimulator } from "../../provider/simulator";
import type { CimServer, CimServerOptions } from "./cimServer";
import { startCimServer } from "./cimServer";
import type { Pwsh } from "./pwsh";
import { useFakeCimCmdlets } from "./pwsh";

export const COLLECTIONS = "Msvm_VirtualSystemCollection";

export interface BridgeFixture {
  readonly executable: string;
  readonly server: CimServer;
  /** The simulator the endpoint serves; a test may replace it. */
  sim: HyperVSimulator;
  /** A private folder for wrappers and logs, removed after the file's tests. */
  readonly dir: string;
  local(settings?: PowerShellSettings): CimSession;
  /** Writes an executable shell script into `dir`. */
  script(name: string, body: string): string;
}

/** How many describes keep their PowerShell processes from one test to the next ({@link sharePools}). */
let sharing = 0;

/**
 * Call inside the fixture's describe, or one within it: its tests share the PowerShell processes (and, over ssh, the
 * remote session) instead of each starting its own, which costs seconds of CPU per test. They are closed after its
 * last test. Only for tests that do not count processes or connections, and that give each test its own simulator.
 */
export function sharePools(): void {
  beforeAll(() => {
    sharing++;
  });
  afterAll(async () => {
    sharing--;
    await closeAllPools();
  });
}

/**
 * Call inside a describe: sets up before the tests, closes every process after each (except within
 * {@link sharePools}), and removes every file.
 */
export function useBridgeFixture(pwsh: Pwsh, options: CimServerOptions = {}): BridgeFixture {
  // Real pwsh processes start in seconds, but on a loaded machine several starting at once take far longer.
  vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });
  const fixture = {
    executable: path.resolve(pwsh.path ?? "pwsh"),
    sim: new HyperVSimulator(),
    dir: "",
    server: undefined as unknown as CimServer,
    local(settings: PowerShellSettings = {}): CimSession {
      return new PowerShellCimSession(
        { transport: "local" },
        { executable: fixture.executable, ...settings },
      );
    },
    script(name: string, body: string): string {
      const file = path.join(fixture.dir, name);
      fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
      return file;
    },
  };
  beforeAll(async () => {
    fixture.dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-bridge-"));
    fixture.server = await startCimServer(() => fixture.sim.session(), options);
    useFakeCimCmdlets(fixture.server.url);
  });
  afterEach(async () => {
    if (sharing === 0) await closeAllPools();
  });
  afterAll(async () => {
    await fixture.server?.close();
    if (fixture.dir) fs.rmSync(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}

/** The pids of this process's PowerShell launchers (and of wrapper scripts standing in for them). */
export function powershellChildren(): number[] {
  const out = execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return out
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter(([, comm]) => comm === "pwsh" || comm === "sh")
    .map(([pid]) => Number(pid));
}

/** Whether a process runs: it exists and is not a zombie waiting to be reaped. */
export function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** One process's command line and environment, as text. */
export function processText(pid: number | string): string {
  const texts: string[] = [];
  for (const file of ["cmdline", "environ"]) {
    try {
      texts.push(fs.readFileSync(`/proc/${pid}/${file}`, "utf8"));
    } catch {
      // Gone or not ours to read.
    }
  }
  return texts.join("\n");
}

/** The pid of every process on this machine. */
export function processIds(): string[] {
  return fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d));
}

/** Every process's command line and environment on this machine, as text. */
export function everyProcess(): string {
  return processIds().map(processText).join("\n");
}

/** Every process this test process started, and what those started. */
export function ownProcesses(): Promise<number[]> {
  return descendants(process.pid);
}
