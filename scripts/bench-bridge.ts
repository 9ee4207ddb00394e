/**
 * `npm run bench:bridge`: what a warm PowerShell session buys. Prints, from one run on this machine:
 * - the median round trip of one CIM call through a warm session, against a PowerShell process started per call;
 * - calls per second with 1, 2 and 4 sessions in the pool.
 * The CIM cmdlets are the test stand-ins in front of the in-memory simulator, so the figures measure the bridge
 * (process, script, JSON, pool), not a Hyper-V host.
 */
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { closeAllPools, PowerShellCimSession } from "../provider/powershell";
import { HyperVSimulator } from "../provider/simulator";
import { startCimServer } from "../test/powershell/cimServer";
import { findPwsh, useFakeCimCmdlets } from "../test/powershell/pwsh";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function main(): Promise<void> {
  const pwsh = findPwsh();
  if (!pwsh.path) throw new Error(`cannot benchmark: ${pwsh.reason}`);
  const executable = path.resolve(pwsh.path);
  const sim = new HyperVSimulator();
  await sim.addCollection({ name: "sql-cluster", members: ["a", "b"] });
  const server = await startCimServer(() => sim.session());
  useFakeCimCmdlets(server.url);
  const call = (s: PowerShellCimSession) =>
    s.query("Msvm_VirtualSystemCollection", { ElementName: "sql-cluster" });
  const session = (maxSessions: number) =>
    new PowerShellCimSession({ transport: "local" }, { executable, maxSessions });

  try {
    console.log(`PowerShell: ${executable}; node ${process.version}; ${process.platform}/${process.arch}`);
    const warmSession = session(1);
    for (let i = 0; i < 10; i++) await call(warmSession);
    const warm: number[] = [];
    const cold: number[] = [];
    // Side by side: each cold sample is followed by warm samples, so machine noise hits both alike.
    for (let round = 0; round < 10; round++) {
      await closeAllPools();
      cold.push(await time(() => call(session(1))));
      const again = session(1);
      await call(again);
      for (let i = 0; i < 5; i++) warm.push(await time(() => call(again)));
    }
    await closeAllPools();
    const w = median(warm);
    const c = median(cold);
    console.log(`one CIM call, warm session:        median ${w.toFixed(2)} ms (n=${warm.length})`);
    console.log(`one CIM call, new process per call: median ${c.toFixed(1)} ms (n=${cold.length})`);
    console.log(`ratio: the warm session is ${(c / w).toFixed(0)}x faster`);

    for (const sessions of [1, 2, 4]) {
      const pool = session(sessions);
      await Promise.all(Array.from({ length: sessions * 3 }, () => call(pool)));
      const total = 200;
      let next = 0;
      const elapsed = await time(() =>
        Promise.all(
          Array.from({ length: sessions }, async () => {
            while (next++ < total) await call(pool);
          }),
        ),
      );
      console.log(
        `${sessions} session(s): ${(total / (elapsed / 1000)).toFixed(0)} calls/s (${total} calls, ${sessions} in flight)`,
      );
      await closeAllPools();
    }
  } finally {
    await closeAllPools();
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
