/**
 * Why an ssh connect failed, in ssh's own words. PowerShell's SSH remoting reports every failure of the ssh it starts
 * as "The SSH transport process has abruptly terminated" and keeps ssh's reason to itself (bench:ssh measured it:
 * an unknown host key, a changed one, a stopped sshd and a node without the powershell subsystem all read alike;
 * now and then it says "A remote session might have ended" instead, which the bridge reports the same way). So after
 * a failed connect, and only then, the provider runs ssh once more itself, with the options the bridge gave
 * it (bridgeSsh.ps1), and reads its error stream. A password is never given to this run: for a password login it
 * offers no authentication at all, which still tells the network and the host key apart, and the askpass channel
 * tells the rest (sshPassword.ts).
 */
import { spawn } from "node:child_process";

export interface SshAttempt {
  readonly host: string;
  readonly port: number | undefined;
  readonly username: string | undefined;
  readonly sshKeyFile: string | undefined;
  /** The pinned key's known_hosts file, when a fingerprint is pinned. */
  readonly knownHostsFile: string | undefined;
  /** Password login: this run offers no authentication, so that it is refused before any password is needed. */
  readonly passwordLogin: boolean;
}

/** What ssh said, as a reason and what to do; undefined when it said nothing this knows. */
export interface SshDiagnosis {
  readonly kind: "unreachable" | "unknownHostKey" | "changedHostKey" | "loginRefused" | "noSubsystem";
  readonly message: string;
}

/** How long the diagnosing ssh may take: connect, key exchange, login, and the subsystem's answer. */
const DIAGNOSIS_MS = 20_000;

function sshArguments(a: SshAttempt): string[] {
  const options = ["BatchMode=yes", "StrictHostKeyChecking=yes", "ConnectTimeout=10"];
  if (a.knownHostsFile) options.push(`UserKnownHostsFile=${a.knownHostsFile}`, "GlobalKnownHostsFile=none");
  // No method at all: the server's refusal comes after the host key check, before any password is asked for.
  if (a.passwordLogin) options.push("PreferredAuthentications=none", "PubkeyAuthentication=no");
  return [
    ...options.flatMap((o) => ["-o", o]),
    ...(a.port ? ["-p", String(a.port)] : []),
    ...(a.username ? ["-l", a.username] : []),
    ...(a.sshKeyFile && !a.passwordLogin ? ["-i", a.sshKeyFile] : []),
    "-s",
    "--",
    a.host,
    "powershell",
  ];
}

/** Runs ssh once and returns its error stream; empty when ssh could not be run or said nothing. */
export function runDiagnosingSsh(a: SshAttempt, ms = DIAGNOSIS_MS): Promise<string> {
  return new Promise((resolve) => {
    let stderr = "";
    const child = spawn("ssh", sshArguments(a), { stdio: ["ignore", "ignore", "pipe"], windowsHide: true });
    const timer = setTimeout(() => child.kill(), ms);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    child.once("error", () => resolve(""));
    child.once("close", () => {
      clearTimeout(timer);
      resolve(stderr);
    });
  });
}

/** Reads ssh's error stream for the reasons a connect fails. */
export function readSshError(stderr: string, a: SshAttempt): SshDiagnosis | undefined {
  const where = a.port ? `${a.host} port ${a.port}` : a.host;
  const fingerprint = /SHA256:[A-Za-z0-9+/]+/.exec(stderr)?.[0];
  const connect = /ssh: (?:connect to host \S+ port \d+|Could not resolve hostname \S+): ([^\r\n]+)/.exec(
    stderr,
  );
  if (connect) {
    return {
      kind: "unreachable",
      message: `ssh could not reach ${where}: ${connect[1]}. Check that the node is up, that its sshd listens on that port, and that no firewall drops the connection`,
    };
  }
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED/.test(stderr)) {
    return {
      kind: "changedHostKey",
      message: `the SSH host key of ${where} is not the one the agent's known_hosts holds for it${fingerprint ? ` (the node now shows ${fingerprint})` : ""}: either the node was reinstalled or re-keyed, or something stands between the agent and the node. Ask the node's administrator for its key's fingerprint (ssh-keygen -l -E sha256 -f on its host key); if it matches, replace the old entry (ssh-keygen -R) or pin it with sshHostKeyFingerprint`,
    };
  }
  if (/Host key verification failed|host key is known for/.test(stderr)) {
    return {
      kind: "unknownHostKey",
      message: `the SSH host key of ${where} is not in the agent's known_hosts, and host keys are checked strictly. Ask the node's administrator for its key's fingerprint (ssh-keygen -l -E sha256 -f on its host key) and pin it with sshHostKeyFingerprint, or add the checked key to known_hosts (ssh-keyscan, then compare ssh-keygen -l)`,
    };
  }
  if (/subsystem request failed/.test(stderr)) {
    return {
      kind: "noSubsystem",
      message: `the node ${where} accepted the login but has no powershell subsystem. Add \`Subsystem powershell c:/progra~1/powershell/7/pwsh.exe -sshs -NoLogo -NoProfile\` (the path of its PowerShell 7, in 8.3 form) to its sshd_config and restart sshd`,
    };
  }
  const denied = /Permission denied \(([^)]*)\)/.exec(stderr);
  if (denied && !a.passwordLogin) {
    return {
      kind: "loginRefused",
      message: `the node ${where} refused the login of ${a.username ?? "the user"} with ${a.sshKeyFile ? `the key ${a.sshKeyFile}` : "the agent's keys"} (it offers: ${denied[1]}). Add the key's .pub to that account's authorized_keys (administrators_authorized_keys for an administrator on Windows), or set sshKeyFile to a key it holds`,
    };
  }
  return undefined;
}

/** Runs the diagnosing ssh and reads what it said. */
export async function diagnoseSsh(a: SshAttempt): Promise<SshDiagnosis | undefined> {
  return readSshError(await runDiagnosingSsh(a), a);
}
