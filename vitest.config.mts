import { availableParallelism } from "node:os";
import { configDefaults, defineConfig } from "vitest/config";

/**
 * Test files at a time: twice the CPUs. Most of a test's time is spent waiting on child processes (PowerShell,
 * plugins, sshd), so one file per CPU leaves the CPUs mostly idle; vitest's default (one fewer than the CPUs) ran
 * the suite one file at a time on 2 CPUs.
 */
const WORKERS = 2 * availableParallelism();

/**
 * Files that run alone, after all the others. The race between two plugin processes (test/sites/race.test.ts) asserts
 * which process's call the host accepted, within a per-test bound, so it wants the CPUs to itself. Starved of them it
 * once found a real gap, since closed: a read straddling the other process's reverse (provider/failover/sites/plan.ts
 * now reads again).
 */
const ALONE = ["test/sites/race.test.ts"];

export default defineConfig({
  test: {
    // The Pulumi closure serializer needs the V8 inspector, which worker threads do not have.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The default output, then the ten slowest files. `.ci/run` names its reporters itself and adds this one too.
    reporters: ["default", "./test/harness/slowestFiles.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "parallel",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...ALONE],
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
