import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PowerShellCimSession } from "../../provider/powershell";
import { diagnoseSsh } from "../../provider/powershell/sshDiagnose";
import { startSshServer } from "./sshServer";
import { HyperVSimulator } from "../../provider/simulator";
import { COLLECTIONS, useBridgeFixture } from "./fixture";
import { findPwsh } from "./pwsh";
import { sshKeyUnavailable, useSshKeyServer } from "./sshFixture";

const pwsh = findPwsh();
const why = sshKeyUnavailable(pwsh);
const title = "the ssh transport: real pwsh on both ends of Debian's OpenSSH server";

// The CIM contract over this transport is in sshContract.test.ts, so that it runs beside these tests.
describe.skipIf(why !== undefined)(why ? `${title} (skipped: ${why})` : title, () => {
  const f = useBridgeFixture(pwsh);
  const s = useSshKeyServer(f);
  const { connection, over } = s;

  it("refuses a host whose key is not known, by default, and says so in ssh's words", async () => {
    const { sshHostKeyFingerprint: _pin, ...unpinned } = connection();
    const session = new PowerShellCimSession(unpinned, { executable: f.executable });
    const before = s.ssh.connections();
    await expect(session.query(COLLECTIONS)).rejects.toMatchObject({
      category: "accessDenied",
      message: `the SSH host key of 127.0.0.1 port ${s.ssh.port} is not in the agent's known_hosts, and host keys are checked strictly. Ask the node's administrator for its key's fingerprint (ssh-keygen -l -E sha256 -f on its host key) and pin it with sshHostKeyFingerprint, or add the checked key to known_hosts (ssh-keyscan, then compare ssh-keygen -l)`,
    });
    // ssh hung up before authenticating: no session was accepted.
    expect(s.ssh.connections()).toBe(before);
  });

  it("tells a changed host key from an unknown one, with the key the node shows now", async () => {
    // The agent's own known_hosts is not the test's to edit: the diagnosis reads ssh with a file holding another key.
    const other = path.join(f.dir, "other_host_key");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", other], { stdio: "ignore" });
    const [type, blob] = fs.readFileSync(`${other}.pub`, "utf8").split(" ");
    const knownHosts = path.join(f.dir, "changed_known_hosts");
    fs.writeFileSync(knownHosts, `[127.0.0.1]:${s.ssh.port} ${type} ${blob}\n`);
    const attempt = { host: "127.0.0.1", port: s.ssh.port, username: "root", sshKeyFile: s.ssh.keyFile };
    expect(await diagnoseSsh({ ...attempt, knownHostsFile: knownHosts, passwordLogin: false })).toEqual({
      kind: "changedHostKey",
      message: `the SSH host key of 127.0.0.1 port ${s.ssh.port} is not the one the agent's known_hosts holds for it (the node now shows ${s.ssh.fingerprint}): either the node was reinstalled or re-keyed, or something stands between the agent and the node. Ask the node's administrator for its key's fingerprint (ssh-keygen -l -E sha256 -f on its host key); if it matches, replace the old entry (ssh-keygen -R) or pin it with sshHostKeyFingerprint`,
    });
    expect(
      await diagnoseSsh({ ...attempt, knownHostsFile: s.ssh.knownHosts, passwordLogin: true }),
    ).toBeUndefined();
  });

  it("names a refused key, the user and what the node offers", async () => {
    const other = path.join(f.dir, "other_key");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", other], { stdio: "ignore" });
    await expect(over({ sshKeyFile: other }).query(COLLECTIONS)).rejects.toMatchObject({
      category: "accessDenied",
      message: `the node 127.0.0.1 port ${s.ssh.port} refused the login of root with the key ${other} (it offers: publickey,password). Add the key's .pub to that account's authorized_keys (administrators_authorized_keys for an administrator on Windows), or set sshKeyFile to a key it holds`,
    });
  });

  it("says that nothing listens, in ssh's words, when the node's sshd is down", async () => {
    const down = await startSshServer(fs.mkdtempSync(path.join(f.dir, "down-")), f.executable, {});
    await down.stop();
    const session = over({ port: down.port, sshHostKeyFingerprint: undefined });
    await expect(session.query(COLLECTIONS)).rejects.toMatchObject({
      category: "unreachable",
      message: `ssh could not reach 127.0.0.1 port ${down.port}: Connection refused. Check that the node is up, that its sshd listens on that port, and that no firewall drops the connection`,
    });
  });

  it("says that the node has no powershell subsystem, and the line to add", async () => {
    const dir = fs.mkdtempSync(path.join(f.dir, "bare-"));
    const bare = await startSshServer(dir, f.executable, {}, { subsystem: false });
    try {
      fs.copyFileSync(`${s.ssh.keyFile}.pub`, path.join(dir, "authorized_keys"));
      const session = over({ port: bare.port, sshHostKeyFingerprint: bare.fingerprint });
      await expect(session.query(COLLECTIONS)).rejects.toMatchObject({
        category: "environment",
        message: `the node 127.0.0.1 port ${bare.port} accepted the login but has no powershell subsystem. Add \`Subsystem powershell c:/progra~1/powershell/7/pwsh.exe -sshs -NoLogo -NoProfile\` (the path of its PowerShell 7, in 8.3 form) to its sshd_config and restart sshd`,
      });
    } finally {
      await bare.stop();
    }
  });

  it("refuses a host whose key is not the pinned one, before connecting", async () => {
    const wrong = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s";
    const before = s.ssh.connections();
    await expect(over({ sshHostKeyFingerprint: wrong }).query(COLLECTIONS)).rejects.toMatchObject({
      category: "accessDenied",
      message: `the SSH host key of 127.0.0.1 is not the pinned one: expected ${wrong}, the host showed ssh-ed25519 ${s.ssh.fingerprint}. Check sshHostKeyFingerprint against \`ssh-keygen -l -E sha256 -f\` of the node's host key`,
    });
    expect(s.ssh.connections()).toBe(before);
  });

  it("runs the CIM calls in the remote session and reuses it; a dropped connection is unreachable, then reconnects", async () => {
    f.sim = new HyperVSimulator();
    await f.sim.addCollection({ name: "sql-cluster" });
    const session = over();
    expect(session.target).toBe("127.0.0.1 (ssh)");
    const before = s.ssh.connections();
    for (let i = 0; i < 3; i++) {
      expect((await session.query(COLLECTIONS)).map((c) => c.properties.ElementName)).toEqual([
        "sql-cluster",
      ]);
    }
    expect(s.ssh.connections()).toBe(before + 1);

    await s.ssh.stop();
    // Restarted whatever the answer, so that a failure here is this test's alone.
    const dropped = await session.query(COLLECTIONS).then(
      () => undefined,
      (error: unknown) => error,
    );
    await s.ssh.restart();
    expect(dropped).toMatchObject({ category: "unreachable" });
    expect((await session.query(COLLECTIONS)).map((c) => c.properties.ElementName)).toEqual(["sql-cluster"]);
    expect(s.ssh.connections()).toBe(before + 2);
  });

  it("answers doctor's reads in the remote session: the classes, and the remote PowerShell's own facts", async () => {
    f.sim = new HyperVSimulator({ hostName: "hv-replica01" });
    const session = over();
    const names = ["Msvm_CollectionReplicationService", "Msvm_NoSuchClass"];
    expect(await session.classes(names, "root/HyperVCluster/v2")).toEqual(
      await f.sim.session().classes(names, "root/HyperVCluster/v2"),
    );
    const facts = await session.hostFacts();
    expect(facts).toMatchObject({
      psEdition: "Core",
      cimCmdlets: expect.stringMatching(/^HvrFakeCimCmdlets /),
    });
  });
});
