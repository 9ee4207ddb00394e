/**
 * `npm run bench:ssh`: the ssh transport as it is (local pwsh -> PowerShell's SSH remoting -> OpenSSH's ssh -> the
 * node's `powershell` subsystem) against a prototype on the ssh2 package (scripts/bench/ssh2Bridge.ts), both against
 * Debian's real sshd on loopback, with the test stand-in CIM cmdlets in front of the in-memory simulator. Prints:
 * - start-up to the first answered CIM call, from nothing warm, taken in turn (median, min, max of `--runs`, default 7);
 * - the message each failure gives: wrong password, unknown host key, host key changed, pinned key mismatch,
 *   unreachable host, a node without the powershell subsystem (or, for ssh2, without pwsh).
 * ssh2 is loaded from HVR_SSH2 (a folder where `npm install ssh2` ran), as it is not a dependency.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { ConnectionInputs } from "../provider/cim/connection";
import { closeAllPools, PowerShellCimSession } from "../provider/powershell";
import { BridgeProcess } from "../provider/powershell/bridgeProcess";
import { newProcessKey } from "../provider/powershell/seal";
import { diagnoseSsh } from "../provider/powershell/sshDiagnose";
import { HyperVSimulator } from "../provider/simulator";
import { startCimServer } from "../test/powershell/cimServer";
import { findPwsh, useFakeCimCmdlets } from "../test/powershell/pwsh";
import type { SshServer } from "../test/powershell/sshServer";
import { sshUnavailable, startSshServer } from "../test/powershell/sshServer";
import type { SshUser } from "../test/powershell/sshUser";
import { createSshUser, sshUserUnavailable } from "../test/powershell/sshUser";
import type { Ssh2Options } from "./bench/ssh2Bridge";
import { Ssh2Bridge } from "./bench/ssh2Bridge";

const { values } = parseArgs({ options: { runs: { type: "string", default: "7" } } });
const RUNS = Number(values.runs);
const COLLECTIONS = "Msvm_VirtualSystemCollection";
const QUERY = { op: "query", namespace: "root/HyperVCluster/v2", className: COLLECTIONS, filter: null };
const WRONG_KEY = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const figures = (xs: number[]) =>
  `median ${median(xs).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)} (n=${xs.length})`;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

interface Setup {
  readonly executable: string;
  readonly dir: string;
  readonly ssh: SshServer;
  readonly cimUrl: string;
}

const todayConnection = (s: Setup, extra: Partial<ConnectionInputs> = {}): ConnectionInputs => ({
  transport: "ssh",
  host: "127.0.0.1",
  port: s.ssh.port,
  username: "root",
  sshKeyFile: s.ssh.keyFile,
  sshHostKeyFingerprint: s.ssh.fingerprint,
  ...extra,
});

const ssh2Options = (s: Setup, extra: Partial<Ssh2Options> = {}): Ssh2Options => ({
  host: "127.0.0.1",
  port: s.ssh.port,
  username: "root",
  keyFile: s.ssh.keyFile,
  fingerprint: s.ssh.fingerprint,
  remotePwsh: s.executable,
  ...extra,
});

/** Today's path, from nothing warm: a new pool, a pwsh, New-PSSession over ssh, the bridge loaded remotely. */
async function todayFirstCall(s: Setup, extra: Partial<ConnectionInputs> = {}): Promise<void> {
  try {
    await new PowerShellCimSession(todayConnection(s, extra), { executable: s.executable }).query(
      COLLECTIONS,
    );
  } finally {
    await closeAllPools();
  }
}

async function ssh2FirstCall(s: Setup, extra: Partial<Ssh2Options> = {}): Promise<void> {
  const bridge = await Ssh2Bridge.open(ssh2Options(s, extra));
  try {
    await bridge.request(QUERY);
  } finally {
    bridge.close();
  }
}

async function startUp(s: Setup): Promise<void> {
  const today: number[] = [];
  const ssh2: number[] = [];
  // In turn, so that a busy machine slows both alike; one of each first, not counted, to fill the file cache.
  await todayFirstCall(s);
  await ssh2FirstCall(s);
  for (let i = 0; i < RUNS; i++) {
    today.push(await time(() => todayFirstCall(s)));
    ssh2.push(await time(() => ssh2FirstCall(s)));
  }
  console.log("\n## Start-up to the first answered CIM call (nothing warm)");
  console.log(`today (local pwsh + ssh + remote subsystem): ${figures(today)}`);
  console.log(`ssh2 prototype (in-process SSH + remote pwsh): ${figures(ssh2)}`);
}

/**
 * A host key in known_hosts that is not the host's: today's path reads the user's known_hosts, which a benchmark
 * must not edit, so this one connect is made at the bridge's own level with a known_hosts file of its own, and the
 * failure is explained as the pool explains it (sshConnect.ts), with that file.
 */
async function todayChangedKey(s: Setup): Promise<string> {
  const knownHosts = path.join(s.dir, "changed_known_hosts");
  const other = path.join(s.dir, "other_host_key");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", other], { stdio: "ignore" });
  const [type, blob] = fs.readFileSync(`${other}.pub`, "utf8").split(" ");
  fs.writeFileSync(knownHosts, `[127.0.0.1]:${s.ssh.port} ${type} ${blob}\n`);
  const started = performance.now();
  const bridge = await BridgeProcess.start({
    executable: s.executable,
    key: newProcessKey(),
    startTimeoutMs: 120_000,
    requestTimeoutMs: 120_000,
  });
  const attempt = {
    host: "127.0.0.1",
    port: s.ssh.port,
    username: "root",
    sshKeyFile: s.ssh.keyFile,
    knownHostsFile: knownHosts,
  };
  try {
    await bridge.request({
      op: "connect",
      transport: "ssh",
      ...attempt,
      askpass: null,
      operationTimeoutSec: 60,
    });
    return "(connected)";
  } catch (error) {
    const said = messageOf(error);
    const diagnosis = await diagnoseSsh({ ...attempt, passwordLogin: false });
    return `${diagnosis?.message ?? said}  [after ${(performance.now() - started).toFixed(0)} ms; PowerShell said: ${said}]`;
  } finally {
    await bridge.dispose();
  }
}

async function failure(fn: () => Promise<unknown>): Promise<string> {
  const started = performance.now();
  try {
    await fn();
    return "(no failure)";
  } catch (error) {
    return `${messageOf(error)}  [after ${(performance.now() - started).toFixed(0)} ms]`;
  }
}

async function failures(s: Setup, user: SshUser | undefined, noSubsystem: SshServer): Promise<void> {
  // Nothing listens there once this server stops: a refused connection, as from a node whose sshd is down.
  const stopped = await startSshServer(fs.mkdtempSync(path.join(s.dir, "stopped-")), s.executable, {});
  await stopped.stop();
  const cases: [string, () => Promise<string>, () => Promise<string>][] = [
    [
      "wrong password",
      () =>
        user
          ? failure(() =>
              todayFirstCall(s, { username: user.name, password: "wrong", sshKeyFile: undefined }),
            )
          : Promise.resolve(`(not measured: ${sshUserUnavailable()})`),
      () =>
        user
          ? failure(() => ssh2FirstCall(s, { username: user.name, password: "wrong", keyFile: undefined }))
          : Promise.resolve("(not measured)"),
    ],
    [
      "unknown host key (not in known_hosts, nothing pinned)",
      () => failure(() => todayFirstCall(s, { sshHostKeyFingerprint: undefined })),
      // The prototype has no known_hosts parser: a key it was not told is refused by the same hostVerifier.
      () => failure(() => ssh2FirstCall(s, { fingerprint: "SHA256:none-known" })),
    ],
    [
      "host key changed (known_hosts holds another key)",
      () => todayChangedKey(s),
      () => failure(() => ssh2FirstCall(s, { fingerprint: WRONG_KEY })),
    ],
    [
      "pinned fingerprint does not match",
      () => failure(() => todayFirstCall(s, { sshHostKeyFingerprint: WRONG_KEY })),
      () => failure(() => ssh2FirstCall(s, { fingerprint: WRONG_KEY })),
    ],
    [
      "unreachable host (nothing listens on the port)",
      () => failure(() => todayFirstCall(s, { port: stopped.port, sshHostKeyFingerprint: undefined })),
      () => failure(() => ssh2FirstCall(s, { port: stopped.port })),
    ],
    [
      "node without the powershell subsystem (ssh2: without pwsh)",
      () =>
        failure(() =>
          todayFirstCall(s, {
            port: noSubsystem.port,
            sshKeyFile: s.ssh.keyFile,
            sshHostKeyFingerprint: noSubsystem.fingerprint,
          }),
        ),
      () => failure(() => ssh2FirstCall(s, { remotePwsh: "/nonexistent/pwsh" })),
    ],
  ];
  console.log("\n## Failure messages");
  for (const [name, today, ssh2] of cases) {
    console.log(`\n### ${name}\n- today: ${await today()}\n- ssh2:  ${await ssh2()}`);
  }
}

async function main(): Promise<void> {
  const pwsh = findPwsh();
  if (!pwsh.path) throw new Error(`cannot benchmark: ${pwsh.reason}`);
  const why = sshUnavailable();
  if (why) throw new Error(`cannot benchmark: ${why}`);
  const executable = path.resolve(pwsh.path);
  const sim = new HyperVSimulator();
  await sim.addCollection({ name: "sql-cluster", members: ["a", "b"] });
  const cim = await startCimServer(() => sim.session());
  useFakeCimCmdlets(cim.url);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-bench-ssh-"));
  const env = { HVR_FAKE_CIM_URL: cim.url };
  const ssh = await startSshServer(dir, executable, env);
  // The same client key, so that only the missing subsystem differs.
  const bare = fs.mkdtempSync(path.join(dir, "bare-"));
  const noSubsystem = await startSshServer(bare, executable, env, { subsystem: false });
  fs.copyFileSync(`${ssh.keyFile}.pub`, path.join(bare, "authorized_keys"));
  const user = sshUserUnavailable() === undefined ? createSshUser() : undefined;
  const setup = { executable, dir, ssh, cimUrl: cim.url };
  try {
    console.log(`PowerShell: ${executable}; node ${process.version}; ${process.platform}/${process.arch}`);
    console.log(
      `load average: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} on ${os.cpus().length} CPUs`,
    );
    await startUp(setup);
    await failures(setup, user, noSubsystem);
  } finally {
    await closeAllPools();
    await ssh.stop();
    await noSubsystem.stop();
    await user?.remove();
    await cim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
