/**
 * Debian's OpenSSH server on a loopback high port, for the ssh transport's tests: a fresh host key, one client key,
 * and the PowerShell subsystem run by the real pwsh, with the stand-in CimCmdlets on its PSModulePath.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { killTree } from "../../provider/powershell/processTree";
import { TEST_MODULES } from "./pwsh";

const SSHD = "/usr/sbin/sshd";
/** The user name for which the server offers no password login. */
export const NO_PASSWORD_USER = "hvr-no-password";

export interface SshServer {
  readonly port: number;
  /** The private key the server accepts. */
  readonly keyFile: string;
  /** The host key's fingerprint, as ssh-keygen -l prints it: SHA256:... */
  readonly fingerprint: string;
  /** A known_hosts file that holds the host key. */
  readonly knownHosts: string;
  /** How many sessions the server has accepted so far. */
  connections(): number;
  /** How many password attempts for `user` the server has refused so far. */
  failedPasswords(user: string): number;
  stop(): Promise<void>;
  /** Starts it again on the same port, with the same keys. */
  restart(): Promise<void>;
}

/** Why the server cannot run here, or undefined when it can. */
export function sshUnavailable(): string | undefined {
  if (!fs.existsSync(SSHD)) return `${SSHD} is missing (.ci/run installs openssh-server with apt-get)`;
  return undefined;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function listening(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd did not listen on ${port}: ${log()}`);
}

/**
 * Starts sshd in `dir` (removed by the caller). `env` reaches the PowerShell subsystem through SetEnv. `subsystem:
 * false` leaves the `Subsystem powershell` line out, as on a node where PowerShell remoting over SSH was never set up.
 */
export async function startSshServer(
  dir: string,
  pwsh: string,
  env: Record<string, string>,
  { subsystem = true }: { subsystem?: boolean } = {},
): Promise<SshServer> {
  const keygen = (file: string) =>
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", file], { stdio: "ignore" });
  const hostKey = path.join(dir, "host_key");
  const keyFile = path.join(dir, "client_key");
  keygen(hostKey);
  keygen(keyFile);
  fs.copyFileSync(`${keyFile}.pub`, path.join(dir, "authorized_keys"));
  const port = await freePort();
  const hostPub = fs.readFileSync(`${hostKey}.pub`, "utf8").trim().split(" ");
  const knownHosts = path.join(dir, "known_hosts");
  fs.writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostPub[0]} ${hostPub[1]}\n`);
  const fingerprint = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", `${hostKey}.pub`], {
    encoding: "utf8",
  }).split(" ")[1]!;
  const setEnv = Object.entries({ PSModulePath: TEST_MODULES, ...env })
    .map(([k, v]) => `"${k}=${v}"`)
    .join(" ");
  // sshd needs its privilege separation directory, also to check a configuration.
  fs.mkdirSync("/run/sshd", { recursive: true });
  const config = path.join(dir, "sshd_config");
  const lines = [
    `Port ${port}`,
    "ListenAddress 127.0.0.1",
    `HostKey ${hostKey}`,
    `PidFile ${path.join(dir, "sshd.pid")}`,
    `AuthorizedKeysFile ${path.join(dir, "authorized_keys")}`,
    "StrictModes no",
    "UsePAM no",
    // Password login for the password tests' own user; root still logs in with its key only.
    "PasswordAuthentication yes",
    "KbdInteractiveAuthentication no",
    "PermitRootLogin prohibit-password",
    `SetEnv ${setEnv}`,
    ...(subsystem ? [`Subsystem powershell ${pwsh} -sshs -NoLogo -NoProfile`] : []),
  ];
  // A user the server takes no password from, as a node with PasswordAuthentication no treats everyone. A Match
  // block goes last: every line after it belongs to it.
  const noPassword = [`Match User ${NO_PASSWORD_USER}`, "  PasswordAuthentication no"];
  const write = (extra: string[]) =>
    fs.writeFileSync(config, [...lines, ...extra, ...noPassword, ""].join("\n"));
  // OpenSSH 9.8 and later refuse, for a while, an address that failed to log in or hung up before logging in
  // (PerSourcePenalties, on by default): the tests do both on purpose, all from 127.0.0.1. Older servers do not know
  // the keyword, and refuse a configuration that names it, so it is only written where `sshd -t` takes it.
  write(["PerSourcePenalties no"]);
  if (spawnSync(SSHD, ["-t", "-f", config], { stdio: "ignore" }).status !== 0) write([]);
  let child!: ChildProcess;
  let output = "";
  let log = "";
  const start = async () => {
    output = "";
    child = spawn(SSHD, ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
    child.stderr?.on("data", (d: Buffer) => {
      if (process.env.HVR_SSHD_LOG) fs.appendFileSync(process.env.HVR_SSHD_LOG, d);
      output += d.toString();
      log += d.toString();
    });
    await listening(port, child, () => output);
  };
  // With every connection's own sshd and the PowerShell it runs: that is what a dropped connection looks like.
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await killTree(child.pid);
    await exited;
  };
  await start();
  return {
    port,
    keyFile,
    fingerprint,
    knownHosts,
    connections: () => (log.match(/Accepted (publickey|password)/g) ?? []).length,
    failedPasswords: (user) =>
      log.split("\n").filter((l) => l.includes(`Failed password for ${user} from`)).length,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
  };
}
