/** The table `npm run bench:scale` prints for its failover settings, and what each column means. */
import type { LockSample, ShowResult } from "./contention";
import type { CpuSplit } from "./procStats";

export interface Setting {
  readonly kind: "file" | "native" | "bridge";
  readonly collections: number;
  readonly jobSeconds: number;
  /** `+busy`: a child process spins one core throughout, for a moderately busy machine. */
  readonly busy: boolean;
}

export interface Figures {
  readonly setting: Setting;
  /** Which build the plugin ran ("before" with `--before`), or undefined for this checkout alone. */
  readonly build?: string;
  readonly ratio: number;
  readonly medianSeenMs: number;
  readonly p95SeenMs: number;
  /** Median time from a job's end to the watcher's first read after it: the cadence's share of the delay. */
  readonly medianTickMs: number;
  /** From the first Update sent to the last InitiateFailover the host received: the start's share of the wall time. */
  readonly lastCallMs: number;
  /** From the first InitiateFailover the host received to the last. */
  readonly spreadMs: number;
  /** How long the state file's lock was held during the failover (file settings only). */
  readonly lock?: LockSample;
  /** `hyperv-replica-sim show` run meanwhile, 1 s, 5 s and 9 s after the first Update (file settings only). */
  readonly shows: readonly ShowResult[];
  /** The 1-minute load average when the failover ended. */
  readonly load: number;
  readonly opsPerCollection: number;
  readonly noOpOpsPerCollection: number;
  readonly peakRssMb: number;
  /** The plugin's highest RSS from the first Update sent to the last returned. */
  readonly failoverRssMb: number;
  /** CPU seconds of the plugin's PowerShell processes (the bridge), per collection; NaN where none ran. */
  readonly pwshCpuPerCollection: number;
  /** CPU seconds spent from the first Update sent to the last one returned, by process. */
  readonly failoverCpu: CpuSplit;
}

export const TARGETS: Record<string, number> = {
  "file:100x10": 1.1,
  "file:100x10+busy": 1.1,
  "file:1000x10": 1.1,
  "native:1000x10": 1.1,
  "file:20x20": 1.05,
  "bridge:20x20": 1.15,
};

export const settingKey = (s: Setting) =>
  `${s.kind}:${s.collections}x${s.jobSeconds}${s.busy ? "+busy" : ""}`;

export function print(all: readonly Figures[]): void {
  const header = [
    "setting",
    "wall/longest",
    "target",
    "last call",
    "end→Update median",
    "p95",
    "of which end→tick",
    "ops/collection",
    "no-op ops",
    "RSS: failover, peak",
    "pwsh CPU/collection",
    "failover CPU: pwsh, plugin, host",
  ];
  const rows = all.map((f) => {
    const key = settingKey(f.setting);
    return [
      f.build === undefined ? key : `${key} ${f.build}`,
      f.ratio.toFixed(3),
      TARGETS[key] === undefined ? "" : `≤ ${TARGETS[key]}`,
      `${(f.lastCallMs / 1000).toFixed(2)} s`,
      `${(f.medianSeenMs / 1000).toFixed(2)} s`,
      `${(f.p95SeenMs / 1000).toFixed(2)} s`,
      `${(f.medianTickMs / 1000).toFixed(2)} s`,
      f.opsPerCollection.toFixed(1),
      f.noOpOpsPerCollection.toFixed(2),
      `${f.failoverRssMb.toFixed(0)}, ${f.peakRssMb.toFixed(0)} MB`,
      Number.isNaN(f.pwshCpuPerCollection) ? "" : `${(f.pwshCpuPerCollection * 1000).toFixed(0)} ms`,
      [f.failoverCpu.pwsh, f.failoverCpu.plugin, f.failoverCpu.host]
        .map((s) => (Number.isNaN(s) ? "-" : `${s.toFixed(1)} s`))
        .join(", "),
    ];
  });
  table(header, rows);
  console.log(
    "\nTargets: job end→Update median ≤ 0.5 s, p95 ≤ 1 s; a no-op update is 1 op per collection. End→tick is the",
  );
  console.log(
    "median from a job's end to the watcher's next read of the jobs; the rest is the Update's work after it. Last call is",
  );
  console.log(
    "when the host received the last InitiateFailover, from the first Update sent. Ops are the host's",
  );
  console.log(
    "reads (query, get, getMany, associators) plus method calls, as the host counted them: through the",
  );
  console.log(
    "bridge that is what the stand-in CIM cmdlets asked for (a get or a method's REF is a query; a tick is one).",
  );
  console.log(
    "Failover CPU is the CPU seconds spent during the failover by the bridge's PowerShell processes, the plugin, and",
  );
  console.log(
    "this process, which is the host: the simulator and, for the bridge, its loopback CIM server.\n",
  );
  printContention(all);
}

function table(header: readonly string[], rows: readonly string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join("  "));
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The start's spread, the lock, and the CLI's reads meanwhile, with the load the machine was under. */
function printContention(all: readonly Figures[]): void {
  const header = ["setting", "first→last call", "lock held", "CLI show (1, 5, 9 s in)", "load (1 min)"];
  const rows = all.map((f) => [
    f.build === undefined ? settingKey(f.setting) : `${settingKey(f.setting)} ${f.build}`,
    seconds(f.spreadMs),
    f.lock === undefined ? "" : `${seconds(f.lock.heldMs)} of ${seconds(f.lock.windowMs)}`,
    f.shows.map((s) => (s.ok ? seconds(s.ms) : `failed after ${seconds(s.ms)}`)).join(", "),
    f.load.toFixed(2),
  ]);
  table(header, rows);
  for (const f of all) {
    for (const failed of f.shows.filter((s) => !s.ok))
      console.log(`${settingKey(f.setting)}: ${failed.error}`);
  }
  console.log(
    "\nFirst→last call: from the first InitiateFailover the host received to the last. Lock held: how long the state",
  );
  console.log(
    "file's lock folder was seen (sampled every 5 ms) from the first Update sent to the last returned. CLI show: how",
  );
  console.log(
    "long `hyperv-replica-sim show` took, started meanwhile; it fails when the lock stays held 5 s.",
  );
  console.log(
    "Bridge runs fail over from a cold plugin, no PowerShell started before its first check (--warm: the creating one).",
  );
}
