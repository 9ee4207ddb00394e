import { execFile } from "node:child_process";
import * as fs from "node:fs";

/** The pids of every descendant of `pid`, children first. Linux reads /proc; other systems ask `ps`. */
export async function descendants(pid: number): Promise<number[]> {
  const parents = await parentTable();
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

async function parentTable(): Promise<Map<number, number>> {
  const table = new Map<number, number>();
  if (process.platform === "linux") {
    for (const entry of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        // The command name, in parentheses, may itself hold spaces and parentheses: the fields follow the last ')'.
        const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        table.set(Number(entry), ppid);
      } catch {
        // Gone while we looked.
      }
    }
    return table;
  }
  const out = await new Promise<string>((resolve) =>
    execFile("ps", ["-A", "-o", "pid=,ppid="], (error, stdout) => resolve(error ? "" : stdout)),
  );
  for (const line of out.split("\n")) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (pid && ppid !== undefined) table.set(pid, ppid);
  }
  return table;
}

/**
 * Kills a process and everything it started. The .NET tool `pwsh` is a launcher that runs the engine as its child
 * (`dotnet pwsh.dll`), and killing the launcher alone leaves the engine running; so the descendants are found
 * first, while they are still the launcher's, then all are killed. Windows has taskkill /T for this.
 */
export async function killTree(pid: number): Promise<void> {
  if (process.platform === "win32") {
    await new Promise<void>((resolve) =>
      execFile("taskkill", ["/PID", String(pid), "/T", "/F"], { windowsHide: true }, () => resolve()),
    );
    return;
  }
  // Frozen first, so that nothing starts another process between the listing and the kill.
  const all = [pid];
  signal(pid, "SIGSTOP");
  for (let pass = 0; pass < 3; pass++) {
    const fresh = (await descendants(pid)).filter((p) => !all.includes(p));
    if (fresh.length === 0) break;
    for (const p of fresh) signal(p, "SIGSTOP");
    all.push(...fresh);
  }
  for (const p of all) signal(p, "SIGKILL");
  // SIGKILL is delivered at once, but a large process takes a moment to be torn down: wait, so that the caller
  // knows it is gone.
  for (let waited = 0; waited < 2000 && all.some(alive); waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether a process still runs; a zombie waiting for its parent to reap it does not. */
function alive(pid: number): boolean {
  if (process.platform === "linux") {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat[stat.lastIndexOf(")") + 2] !== "Z";
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}
