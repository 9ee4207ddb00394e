import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { HyperVSimulator } from "../../provider/simulator";
import { cimContract } from "../cim/contract";
import { COLLECTIONS, processIds, processText, sharePools, useBridgeFixture } from "./fixture";
import { findPwsh } from "./pwsh";
import { sshPasswordUnavailable, useSshPasswordServer } from "./sshFixture";
import { NO_PASSWORD_USER } from "./sshServer";

const pwsh = findPwsh();
const why = sshPasswordUnavailable(pwsh);
const title =
  "the ssh transport's password login: real pwsh on both ends, a test account with a random password";

/**
 * When this file's tests began (less a second, for file systems that keep coarser times), before its fixtures made
 * the account and its password: a file last written before then cannot hold the password, and is not read. The temporary folder of a shared machine holds thousands of files
 * (other checkouts among them); reading each made one test take over a minute.
 */
const SINCE_MS = Date.now() - 1000;

/** Whether a file written since {@link SINCE_MS} holds `text`; a file removed since it was listed holds nothing. */
function holds(file: string, text: string): boolean {
  try {
    const stat = fs.statSync(file);
    return stat.mtimeMs >= SINCE_MS && stat.size < 4_000_000 && fs.readFileSync(file).includes(text);
  } catch {
    return false;
  }
}

/** Regular files under `dir` (those this account may read) that contain `text`. */
function filesContaining(dir: string, text: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const file = path.join(d, e.name);
      if (e.isDirectory()) walk(file);
      else if (e.isFile() && holds(file, text)) found.push(file);
    }
  };
  walk(dir);
  return found;
}

const askpassFolders = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith("hvr-askpass-"));

describe.skipIf(why !== undefined)(why ? `${title} (skipped: ${why})` : title, () => {
  const f = useBridgeFixture(pwsh);
  const s = useSshPasswordServer(f);
  const { over } = s;

  it("logs in with the password, which is in no process's arguments or environment and in no file left behind", async () => {
    f.sim = new HyperVSimulator();
    await f.sim.addCollection({ name: "sql-cluster" });
    const before = askpassFolders();
    // Every process's arguments and environment, again and again while the session connects: ssh and the askpass
    // program it runs are among them. Each scan is looked through as it is taken, and only a leak is kept: a scan is
    // 20 KB or more of text, taken hundreds of times while the session connects.
    let askpassSeen = false;
    const leaks = new Set<string>();
    const look = () => {
      for (const pid of processIds()) {
        const text = processText(pid);
        askpassSeen ||= text.includes("SSH_ASKPASS_REQUIRE=force");
        if (text.includes(s.user.password)) leaks.add(`process ${pid}: ${text.split("\0")[0]}`);
      }
    };
    let watching = true;
    const watch = (async () => {
      while (watching) {
        look();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const session = over(s.user.password);
    const names = (await session.query(COLLECTIONS)).map((c) => c.properties.ElementName);
    watching = false;
    await watch;
    look();

    expect(names).toEqual(["sql-cluster"]);
    expect(s.ssh.connections()).toBe(1);
    // ssh was among them, started with the askpass program in its environment: paths, and no password.
    expect(askpassSeen).toBe(true);
    expect([...leaks]).toEqual([]);
    // The one-shot channel's folder is gone once connected, and no file anywhere temporary holds the password.
    expect(askpassFolders()).toEqual(before);
    expect([
      ...filesContaining(os.tmpdir(), s.user.password),
      ...filesContaining(f.dir, s.user.password),
    ]).toEqual([]);
  });

  it("reports a wrong password as access denied, naming the fix, after one refused attempt", async () => {
    const failedBefore = s.ssh.failedPasswords(s.user.name);
    const connections = s.ssh.connections();
    const folders = askpassFolders();
    await expect(over(`${s.user.password}-wrong`).query(COLLECTIONS)).rejects.toMatchObject({
      category: "accessDenied",
      message: `the SSH server on 127.0.0.1 refused the password for ${s.user.name}: set the right one with \`pulumi config set --secret hyperv-replica:password\`, and check that the account may log in over SSH (not locked, not denied by AllowUsers, AllowGroups or DenyUsers in the node's sshd_config)`,
    });
    // The askpass program ended ssh at the second prompt: no empty password followed the wrong one.
    expect(s.ssh.failedPasswords(s.user.name)).toBe(failedBefore + 1);
    expect(s.ssh.connections()).toBe(connections);
    expect(askpassFolders()).toEqual(folders);
  });

  it("reports a node that takes no password with the advice to allow it, sending it nothing", async () => {
    const connections = s.ssh.connections();
    await expect(over(s.user.password, NO_PASSWORD_USER).query(COLLECTIONS)).rejects.toMatchObject({
      category: "unreachable",
      message:
        "The SSH client session has ended with error message: The SSH transport process has abruptly terminated causing this remote session to break. Check that the node's host key is in the agent's known_hosts (host keys are checked strictly) or pinned with sshHostKeyFingerprint, that the node takes a password from the user (PasswordAuthentication yes in its sshd_config; ssh was never asked for one), and that its sshd_config has the powershell subsystem",
    });
    expect(s.ssh.failedPasswords(NO_PASSWORD_USER)).toBe(0);
    expect(s.ssh.connections()).toBe(connections);
  });

  // One login and one remote PowerShell for the whole contract, as the local contract shares its process: each test
  // still has its own simulator. Logging in and its failures are the tests above. The contract stays in this file:
  // the tests above compare the askpass folders in the temporary folder before and after, which another file logging
  // in with a password at the same time would change.
  describe("one remote session for the whole contract", () => {
    sharePools();
    cimContract("the bridge in a remote session over SSH, logged in with a password", async (sim) => {
      f.sim = sim;
      return over(s.user.password);
    });
  });
});
