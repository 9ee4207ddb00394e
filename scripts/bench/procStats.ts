/** What /proc says about the plugin and its children: peak memory and CPU time. NaN where there is no /proc. */
import * as fs from "node:fs";

/** CPU seconds by process: the bridge's PowerShell, the plugin, and this process (the host: simulator and server). */
export interface CpuSplit {
  readonly pwsh: number;
  readonly plugin: number;
  readonly host: number;
}

/** A memory figure of /proc/<pid>/status (VmHWM, VmRSS) in MB; NaN without /proc or once the process is gone. */
function statusMb(pid: number | undefined, field: string): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) / 1024;
  } catch {
    return NaN;
  }
}

/** A process's peak resident set (VmHWM), from /proc. */
export const peakRssMb = (pid: number | undefined): number => statusMb(pid, "VmHWM");

/**
 * The highest resident set (VmRSS) a process shows while this samples it, every 50 ms until the returned function is
 * called: the peak of one phase, where VmHWM is the peak of the process's whole life.
 */
export function sampleRss(pid: number | undefined): () => number {
  let highest = NaN;
  const read = () => {
    const mb = statusMb(pid, "VmRSS");
    if (!Number.isNaN(mb) && !(mb <= highest)) highest = mb;
  };
  read();
  const timer = setInterval(read, 50);
  return () => {
    clearInterval(timer);
    read();
    return highest;
  };
}

/** The processes below `pid`, from /proc (the .NET tool's pwsh runs the engine as a child of its own). */
function descendants(pid: number): number[] {
  const children = fs
    .readdirSync(`/proc/${pid}/task`)
    .flatMap((task) => fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" "))
    .filter((c) => c.trim() !== "")
    .map(Number);
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** User and system CPU seconds of one process (utime + stime, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** User and system CPU seconds of the plugin's child processes, alive now. */
export function childCpuSeconds(pid: number | undefined): number {
  try {
    const seconds = descendants(pid ?? NaN).map(cpuSeconds);
    return seconds.length === 0 ? NaN : seconds.reduce((a, b) => a + b, 0);
  } catch {
    return NaN;
  }
}

/** CPU seconds so far, by process; a PowerShell process that ended in between is not counted. */
export function cpuNow(pluginPid: number | undefined): CpuSplit {
  const own = process.cpuUsage();
  return {
    pwsh: childCpuSeconds(pluginPid),
    plugin: pluginPid === undefined ? NaN : cpuSeconds(pluginPid),
    host: (own.user + own.system) / 1e6,
  };
}

/** The 1-minute load average, from /proc/loadavg. */
export function loadAverage(): number {
  try {
    return Number(fs.readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
  } catch {
    return NaN;
  }
}
