/**
 * A throw-away local account with a random name and password, for the ssh transport's password login: sshd runs the
 * PowerShell subsystem as that account, so the pwsh it runs and the stand-in CimCmdlets must be reachable by others.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TEST_MODULES } from "./pwsh";

export interface SshUser {
  readonly name: string;
  readonly password: string;
  readonly home: string;
  remove(): Promise<void>;
}

/** The first folder on the way to `file` that other accounts cannot pass, or the file itself if they cannot read it. */
function blockedOnTheWay(file: string): string | undefined {
  const real = fs.realpathSync(file);
  const parts = real.split(path.sep).filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const dir = path.sep + parts.slice(0, i).join(path.sep);
    if ((fs.statSync(dir).mode & 0o001) === 0) return dir;
  }
  return (fs.statSync(real).mode & 0o004) === 0 ? real : undefined;
}

/** Why no password user can be made here, or undefined when it can. */
export function sshUserUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "not root: creating the password login's test account needs useradd";
  if (spawnSync("useradd", ["--help"], { stdio: "ignore" }).error)
    return "useradd is missing (Debian's passwd)";
  return undefined;
}

/** The pwsh and test modules the test account runs, and how to remove them when they are copies. */
export interface Reachable {
  readonly pwsh: string;
  readonly modules: string;
  remove(): void;
}

/**
 * sshd runs the test account's PowerShell, so that account must reach pwsh and the stand-in CimCmdlets. A checkout
 * under a closed folder (for example /root) hides both: they are then copied, whole, into a folder others can read.
 */
export function reachableByOthers(pwsh: string): Reachable {
  const blocked = [pwsh, path.join(TEST_MODULES, "HvrFakeCimCmdlets")].some((f) => blockedOnTheWay(f));
  if (!blocked) return { pwsh, modules: TEST_MODULES, remove: () => undefined };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-reachable-"));
  fs.chmodSync(dir, 0o755);
  const real = fs.realpathSync(pwsh);
  fs.cpSync(path.dirname(real), path.join(dir, "pwsh"), { recursive: true, verbatimSymlinks: true });
  fs.cpSync(TEST_MODULES, path.join(dir, "modules"), { recursive: true });
  return {
    pwsh: path.join(dir, "pwsh", path.basename(real)),
    modules: path.join(dir, "modules"),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The pids of the processes that run as `uid`, zombies included. */
function processesOf(uid: number): string[] {
  return fs.readdirSync("/proc").filter((pid) => {
    try {
      return (
        /^\d+$/.test(pid) &&
        new RegExp(`^Uid:\\s+${uid}\\s`, "m").test(fs.readFileSync(`/proc/${pid}/status`, "utf8"))
      );
    } catch {
      return false;
    }
  });
}

/** Creates the account; the password goes to chpasswd on its stdin, never in arguments. */
export function createSshUser(): SshUser {
  const name = `hvrtest${randomBytes(4).toString("hex")}`;
  const password = randomBytes(18).toString("base64url");
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-sshuser-"));
  execFileSync("useradd", ["--no-create-home", "--home-dir", home, "--shell", "/bin/sh", name], {
    stdio: "ignore",
  });
  const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8" }));
  fs.chownSync(home, uid, 0);
  execFileSync("chpasswd", [], { input: `${name}:${password}\n`, stdio: ["pipe", "ignore", "inherit"] });
  return {
    name,
    password,
    home,
    // Call after stopping the server, which kills the account's remote PowerShell with it; userdel refuses while a
    // process of the account is still there, even one killed and not yet reaped.
    remove: async () => {
      for (let i = 0; i < 300 && processesOf(uid).length > 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      execFileSync("userdel", [name], { stdio: ["ignore", "ignore", "pipe"] });
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
