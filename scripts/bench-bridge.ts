/**
 * `npm run bench:bridge`: what a warm PowerShell session buys, locally and over SSH. Prints medians from one run:
 * - process start-up: spawning pwsh and loading the bridge;
 * - a request that makes no CIM call, on a warm process: what the bridge itself costs per request;
 * - one CIM call on a warm session, against a PowerShell process started per call, and their ratio;
 * - SSH session set-up (New-PSSession to the loopback sshd and loading the bridge there), and one call on a warm
 *   SSH session;
 * - calls per second with 1, 2 and 4 sessions in the pool.
 * The CIM cmdlets are the test stand-ins in front of the in-memory simulator, so the figures measure the bridge
 * (processes, scripts, JSON, SSH, pool), not a Hyper-V host.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import type { ConnectionInputs } from "../provider/cim/connection";
import { closeAllPools, PowerShellCimSession } from "../provider/powershell";
import { BridgeProcess } from "../provider/powershell/bridgeProcess";
import { newProcessKey } from "../provider/powershell/seal";
import { HyperVSimulator } from "../provider/simulator";
import { startCimServer } from "../test/powershell/cimServer";
import { findPwsh, useFakeCimCmdlets } from "../test/powershell/pwsh";
import { sshUnavailable, startSshServer } from "../test/powershell/sshServer";

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

const print = (what: string, ms: number[], digits = 1) =>
  console.log(`${what.padEnd(44)} median ${median(ms).toFixed(digits)} ms (n=${ms.length})`);

const startBridge = (executable: string) =>
  BridgeProcess.start({
    executable,
    key: newProcessKey(),
    startTimeoutMs: 120_000,
    requestTimeoutMs: 120_000,
  });

async function local(executable: string): Promise<void> {
  const call = (s: PowerShellCimSession) =>
    s.query("Msvm_VirtualSystemCollection", { ElementName: "sql-cluster" });
  const session = (maxSessions: number) =>
    new PowerShellCimSession({ transport: "local" }, { executable, maxSessions });

  const startup: number[] = [];
  for (let i = 0; i < 5; i++) {
    let bridge: BridgeProcess | undefined;
    startup.push(await time(async () => (bridge = await startBridge(executable))));
    await bridge?.dispose();
  }
  print("process start-up (pwsh + bridge loaded):", startup);

  // The bridge's own cost per request, without a CIM call: decoding, dispatch and the answer line.
  const bridge = await startBridge(executable);
  for (let i = 0; i < 50; i++) await bridge.request({ op: "ping" });
  const pings: number[] = [];
  for (let i = 0; i < 200; i++) pings.push(await time(() => bridge.request({ op: "ping" })));
  await bridge.dispose();
  print("a request with no CIM call (ping), warm:", pings, 2);

  const warm: number[] = [];
  const cold: number[] = [];
  // Side by side: each cold sample is followed by warm samples, so machine noise hits both alike.
  for (let round = 0; round < 5; round++) {
    await closeAllPools();
    cold.push(await time(() => call(session(1))));
    const again = session(1);
    await call(again);
    for (let i = 0; i < 5; i++) warm.push(await time(() => call(again)));
  }
  await closeAllPools();
  print("one CIM call, warm session:", warm, 2);
  print("one CIM call, new process per call:", cold);
  console.log(`ratio: the warm session is ${(median(cold) / median(warm)).toFixed(0)}x faster`);

  for (const sessions of [1, 2, 4]) {
    const pool = session(sessions);
    await Promise.all(Array.from({ length: sessions * 3 }, () => call(pool)));
    const total = 100;
    let next = 0;
    const elapsed = await time(() =>
      Promise.all(
        Array.from({ length: sessions }, async () => {
          while (next++ < total) await call(pool);
        }),
      ),
    );
    console.log(`${sessions} session(s): ${(total / (elapsed / 1000)).toFixed(0)} calls/s (${total} calls)`);
    await closeAllPools();
  }
}

async function ssh(executable: string, cimUrl: string): Promise<void> {
  const why = sshUnavailable();
  if (why) {
    console.log(`SSH: not measured: ${why}`);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-bench-"));
  const server = await startSshServer(dir, executable, { HVR_FAKE_CIM_URL: cimUrl });
  try {
    const setup: number[] = [];
    for (let i = 0; i < 3; i++) {
      const bridge = await startBridge(executable);
      const connect = {
        op: "connect",
        transport: "ssh",
        host: "127.0.0.1",
        port: server.port,
        username: os.userInfo().username,
        sshKeyFile: server.keyFile,
        knownHostsFile: server.knownHosts,
        askpass: null,
        operationTimeoutSec: 60,
      };
      setup.push(await time(() => bridge.request(connect)));
      await bridge.dispose();
    }
    print("SSH session set-up (connect + load bridge):", setup);
    const connection: ConnectionInputs = {
      transport: "ssh",
      host: "127.0.0.1",
      port: server.port,
      username: os.userInfo().username,
      sshKeyFile: server.keyFile,
      sshHostKeyFingerprint: server.fingerprint,
    };
    const session = new PowerShellCimSession(connection, { executable, maxSessions: 1 });
    const call = () => session.query("Msvm_VirtualSystemCollection", { ElementName: "sql-cluster" });
    for (let i = 0; i < 3; i++) await call();
    const warm: number[] = [];
    for (let i = 0; i < 20; i++) warm.push(await time(call));
    print("one CIM call, warm SSH session:", warm, 2);
  } finally {
    await closeAllPools();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const pwsh = findPwsh();
  if (!pwsh.path) throw new Error(`cannot benchmark: ${pwsh.reason}`);
  const executable = path.resolve(pwsh.path);
  const sim = new HyperVSimulator();
  await sim.addCollection({ name: "sql-cluster", members: ["a", "b"] });
  const server = await startCimServer(() => sim.session());
  useFakeCimCmdlets(server.url);
  try {
    console.log(`PowerShell: ${executable}; node ${process.version}; ${process.platform}/${process.arch}`);
    console.log(
      `load average: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} on ${os.cpus().length} CPUs`,
    );
    await local(executable);
    await ssh(executable, server.url);
  } finally {
    await closeAllPools();
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
