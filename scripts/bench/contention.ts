/**
 * What else happens on the machine and on the state file while a batch runs: a CPU burner for the busy-machine
 * settings, a sampler of how long the state file's lock is held, and the simulator's CLI reading the file meanwhile,
 * as an operator's `hyperv-replica-sim show` would.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const CLI = path.resolve(__dirname, "..", "..", "dist", "cli.js");

/** A child process that spins one core until stopped: about 1 more on the load average. */
export function startCpuBurner(): () => void {
  const child: ChildProcess = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
  return () => child.kill();
}

export interface LockSample {
  /** Milliseconds the lock folder was seen, out of the window sampled. */
  readonly heldMs: number;
  readonly windowMs: number;
}

/** Polls for the state file's lock folder every few milliseconds until stopped. */
export function sampleLock(stateFile: string): () => LockSample {
  const lockPath = `${stateFile}.lock`;
  const started = Date.now();
  let last = started;
  let heldMs = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    if (fs.existsSync(lockPath)) heldMs += now - last;
    last = now;
  }, 5);
  return () => {
    clearInterval(timer);
    return { heldMs, windowMs: Date.now() - started };
  };
}

export interface ShowResult {
  readonly ms: number;
  readonly ok: boolean;
  /** The CLI's error, when it failed (a lock it waited too long for). */
  readonly error?: string;
}

/** Runs `hyperv-replica-sim show <file>` after `delayMs`, in a process of its own. */
export async function showAfter(stateFile: string, delayMs: number): Promise<ShowResult> {
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  const started = Date.now();
  // Asynchronous, so the sampler and the plugin's replies keep running in this process meanwhile.
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, "show", stateFile], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => {
      const ms = Date.now() - started;
      resolve(code === 0 ? { ms, ok: true } : { ms, ok: false, error: stderr.trim().split("\n")[0] ?? "" });
    });
  });
}
