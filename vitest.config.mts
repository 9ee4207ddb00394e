import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

/**
 * Test files at a time: two and a half per CPU. Much of a test's time is spent waiting on child processes
 * (PowerShell, plugins, sshd) and on simulated jobs, so one file per CPU leaves the CPUs idle; vitest's default (one
 * fewer than the CPUs) ran the suite one file at a time on 2 CPUs. More files fill the waits, and each further fork
 * costs CPU for its own imports. On 2 CPUs, 7 December 2026, Node 22, runs taking turns, with vitest's timings and
 * the compile cache kept from earlier runs: four at a time took 196.7, 197.0 and 191.7 s (the CPUs idle 16 % of the
 * run), five 182.6 s, six 171.2 to 188.9 s (six runs; idle 8 %), eight 191.5 s. From a clean state (no timings, no
 * compile cache, as on a fresh clone): four 182.2 and 193.5 s, five 194.6 and 184.0 s, six 202.1 and 189.1 s.
 */
const WORKERS = Math.ceil(2.5 * availableParallelism());

/**
 * Node.js keeps the bytecode of the modules it compiles here, for every process the suite starts: forks, plugins, the
 * CLI. Importing @pulumi/pulumi then takes about half the CPU (0.58 s against 1.03 s), in each of the many processes
 * that import it (test/harness/compileCache.ts fills the cache first). Node.js checks each entry against the
 * source it was compiled from.
 */
process.env.NODE_COMPILE_CACHE ??= resolve(import.meta.dirname, ".tmp", "node-compile-cache");

/**
 * Files that run alone, after all the others. The race between two plugin processes (test/sites/race.test.ts) asserts
 * which process's call the host accepted, within a per-test bound, so it wants the CPUs to itself. Starved of them it
 * once found a real gap, since closed: a read straddling the other process's reverse (provider/failover/sites/plan.ts
 * now reads again).
 */
const ALONE = ["test/sites/race.test.ts"];

/**
 * Files that change what the process shares, so each gets a fork of its own; every other file shares forks with
 * the files before it (`isolate: false`), and with them the modules they imported (@pulumi/pulumi takes a second of
 * CPU to import), instead of starting a fork and importing everything again, as the suite once did for every file.
 *
 * vitest queues the projects one after the other, by name ("own fork" before "shared forks"), and within each the
 * files that took longest last time first (the largest first when it has no timings, on a clean clone). A shared
 * fork passes only to the next file in the queue, and only when that file shares forks too: keeping the shared
 * files together in the queue is what lets them share. The own-fork files, among them the longest (PowerShell,
 * ssh), start first.
 */
const OWN_FORK = [
  // process.env (useFakeCimCmdlets sets PSModulePath and HVR_FAKE_CIM_URL; terminals sets TERM and NO_COLOR), the
  // PowerShell session pools that outlive a file, an unhandledRejection listener, fake timers.
  "test/powershell/**/*.test.ts",
  // Deletes NODE_POWERSHELL for the whole file.
  "test/native/tarball.test.ts",
  // pulumi.runtime.setMocks and setAllConfig: @pulumi/pulumi's process-wide runtime state; vi.resetModules.
  "test/examples/*.mocks.test.ts",
  "test/examples/dr-*.plugin.test.ts",
  "test/examples/stack-files.test.ts",
  "test/provider/secretPassword.test.ts",
  "test/package/lowestPulumi.test.ts",
  // process.chdir while the example runs.
  "test/e2e/drill.test.ts",
];

export default defineConfig({
  test: {
    // The Pulumi closure serializer needs the V8 inspector, which worker threads do not have.
    pool: "forks",
    globalSetup: ["./test/harness/compileCache.ts", "./test/harness/fakeCimCmdlets.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The default output, then the ten slowest files. `.ci/run` names its reporters itself and adds this one too.
    reporters: ["default", "./test/harness/slowestFiles.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "shared forks",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...ALONE, ...OWN_FORK],
          isolate: false,
          setupFiles: ["./test/harness/leavesProcessAlone.ts"],
          maxWorkers: WORKERS,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "own fork",
          include: OWN_FORK,
          maxWorkers: WORKERS,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: "alone", include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
