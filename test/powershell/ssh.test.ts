import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConnectionInputs } from "../../provider/cim/connection";
import { closeAllPools, PowerShellCimSession } from "../../provider/powershell";
import { HyperVSimulator } from "../../provider/simulator";
import { cimContract } from "../cim/contract";
import { COLLECTIONS, sharePools, useBridgeFixture } from "./fixture";
import { findPwsh } from "./pwsh";
import type { SshServer } from "./sshServer";
import { sshUnavailable, startSshServer } from "./sshServer";

const pwsh = findPwsh();
const why = pwsh.reason ?? sshUnavailable();
const title = "the ssh transport: real pwsh on both ends of Debian's OpenSSH server";

describe.skipIf(why !== undefined)(why ? `${title} (skipped: ${why})` : title, () => {
  const f = useBridgeFixture(pwsh);
  let ssh: SshServer;

  beforeAll(async () => {
    ssh = await startSshServer(f.dir, f.executable, { HVR_FAKE_CIM_URL: f.server.url });
  });

  afterAll(async () => {
    await closeAllPools();
    await ssh?.stop();
  });

  const connection = (extra: Partial<ConnectionInputs> = {}): ConnectionInputs => ({
    transport: "ssh",
    host: "127.0.0.1",
    port: ssh.port,
    username: "root",
    sshKeyFile: ssh.keyFile,
    sshHostKeyFingerprint: ssh.fingerprint,
    ...extra,
  });
  const over = (extra: Partial<ConnectionInputs> = {}, maxSessions = 1) =>
    new PowerShellCimSession(connection(extra), { executable: f.executable, maxSessions });

  it("refuses a host whose key is not known, by default", async () => {
    const { sshHostKeyFingerprint: _pin, ...unpinned } = connection();
    const session = new PowerShellCimSession(unpinned, { executable: f.executable });
    const before = ssh.connections();
    await expect(session.query(COLLECTIONS)).rejects.toMatchObject({
      category: "unreachable",
      message:
        "The SSH client session has ended with error message: The SSH transport process has abruptly terminated causing this remote session to break. Check that the node's host key is in the agent's known_hosts (host keys are checked strictly) or pinned with sshHostKeyFingerprint, that the node accepts sshKeyFile for the user, and that its sshd_config has the powershell subsystem",
    });
    // ssh hung up before authenticating: no session was accepted.
    expect(ssh.connections()).toBe(before);
  });

  it("refuses a host whose key is not the pinned one, before connecting", async () => {
    const wrong = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s";
    const before = ssh.connections();
    await expect(over({ sshHostKeyFingerprint: wrong }).query(COLLECTIONS)).rejects.toMatchObject({
      category: "accessDenied",
      message: `the SSH host key of 127.0.0.1 is not the pinned one: expected ${wrong}, the host showed ssh-ed25519 ${ssh.fingerprint}. Check sshHostKeyFingerprint against \`ssh-keygen -l -E sha256 -f\` of the node's host key`,
    });
    expect(ssh.connections()).toBe(before);
  });

  it("runs the CIM calls in the remote session and reuses it; a dropped connection is unreachable, then reconnects", async () => {
    f.sim = new HyperVSimulator();
    await f.sim.addCollection({ name: "sql-cluster" });
    const session = over();
    expect(session.target).toBe("127.0.0.1 (ssh)");
    const before = ssh.connections();
    for (let i = 0; i < 3; i++) {
      expect((await session.query(COLLECTIONS)).map((c) => c.properties.ElementName)).toEqual([
        "sql-cluster",
      ]);
    }
    expect(ssh.connections()).toBe(before + 1);

    await ssh.stop();
    await expect(session.query(COLLECTIONS)).rejects.toMatchObject({ category: "unreachable" });
    await ssh.restart();
    expect((await session.query(COLLECTIONS)).map((c) => c.properties.ElementName)).toEqual(["sql-cluster"]);
    expect(ssh.connections()).toBe(before + 2);
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

  // One ssh connection and one remote PowerShell for the whole contract, as the local contract shares its process:
  // each test still has its own simulator. Connecting, reconnecting and refusing are the tests above.
  describe("one remote session for the whole contract", () => {
    sharePools();
    cimContract("the bridge in a remote session over SSH", async (sim) => {
      // The endpoint behind the remote CimCmdlets serves this test's simulator.
      f.sim = sim;
      return over();
    });
  });
});
