/**
 * Starts a plugin the way an engine does, but with a shell in between, so that a test can kill the "engine" and
 * leave the plugin an orphan whose output pipes are closed, as a killed `pulumi up` leaves it.
 */
import { type ChildProcess, spawn, type SpawnOptions } from "node:child_process";
import * as readline from "node:readline";

export interface Launched {
  /** The shell when `orphanable`, else the plugin itself. */
  readonly child: ChildProcess;
  /** The plugin's pid. */
  readonly pid: number;
  /** The port the plugin printed. */
  readonly port: number;
  readonly lines: readline.Interface;
}

/** Spawns the plugin (under a shell when `orphanable`) and reads its port; `stderr` collects its error output. */
export async function launch(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { orphanable?: boolean; stderr: string[] },
): Promise<Launched> {
  const { orphanable, stderr, ...spawnOptions } = options;
  const child = orphanable
    ? spawn("/bin/sh", ["-c", '"$@" & echo "pid:$!"; wait', "sh", command, ...args], spawnOptions)
    : spawn(command, args, spawnOptions);
  child.stderr!.on("data", (d) => stderr.push(String(d)));
  const lines = readline.createInterface({ input: child.stdout! });
  let pid = orphanable ? undefined : child.pid;
  const port = await new Promise<number>((resolve, reject) => {
    const onLine = (line: string) => {
      const shellPid = /^pid:(\d+)$/.exec(line.trim());
      if (shellPid) pid = Number(shellPid[1]);
      else {
        lines.off("line", onLine);
        resolve(Number(line.trim()));
      }
    };
    lines.on("line", onLine);
    child.once("exit", (code) =>
      reject(new Error(`plugin exited (${code}) before printing its port: ${stderr.join("")}`)),
    );
  });
  if (pid === undefined) throw new Error("the shell did not say the plugin's pid");
  return { child, pid, port, lines };
}

/** Kills the shell and closes the plugin's output pipes, as the engine's death does. */
export function killEngine(shell: ChildProcess): void {
  shell.kill("SIGKILL");
  shell.stdout?.destroy();
  shell.stderr?.destroy();
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills what a failed test left running. */
export function killAll(pids: readonly number[]): void {
  for (const pid of pids.filter(isAlive)) process.kill(pid, "SIGKILL");
}
