import { describe, expect, it } from "vitest";
import { PowerShellCimSession } from "../../provider/powershell";
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

  it("refuses a host whose key is not known, by default", async () => {
    const { sshHostKeyFingerprint: _pin, ...unpinned } = connection();
    const session = new PowerShellCimSession(unpinned, { executable: f.executable });
    const before = s.ssh.connections();
    await expect(session.query(COLLECTIONS)).rejects.toMatchObject({
      category: "unreachable",
      message:
        "The SSH client session has ended with error message: The SSH transport process has abruptly terminated causing this remote session to break. Check that the node's host key is in the agent's known_hosts (host keys are checked strictly) or pinned with sshHostKeyFingerprint, that the node accepts sshKeyFile for the user, and that its sshd_config has the powershell subsystem",
    });
    // ssh hung up before authenticating: no session was accepted.
    expect(s.ssh.connections()).toBe(before);
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
    await expect(session.query(COLLECTIONS)).rejects.toMatchObject({ category: "unreachable" });
    await s.ssh.restart();
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
