/**
 * The ssh transport's test setup, shared by the files that split its tests so that they run in parallel: Debian's
 * OpenSSH server in front of the bridge fixture's CIM endpoint, and for password login a throw-away account.
 */
import { afterAll, beforeAll } from "vitest";
import type { ConnectionInputs } from "../../provider/cim/connection";
import { closeAllPools, PowerShellCimSession } from "../../provider/powershell";
import type { BridgeFixture } from "./fixture";
import type { Pwsh } from "./pwsh";
import type { SshServer } from "./sshServer";
import { sshUnavailable, startSshServer } from "./sshServer";
import type { Reachable, SshUser } from "./sshUser";
import { createSshUser, reachableByOthers, sshUserUnavailable } from "./sshUser";

/** Why the key login's tests cannot run here, or undefined when they can. */
export const sshKeyUnavailable = (pwsh: Pwsh): string | undefined => pwsh.reason ?? sshUnavailable();

/** Why the password login's tests cannot run here, or undefined when they can. */
export const sshPasswordUnavailable = (pwsh: Pwsh): string | undefined =>
  sshKeyUnavailable(pwsh) ?? sshUserUnavailable();

export interface SshKeyFixture {
  readonly ssh: SshServer;
  /** The connection as root with the server's client key and its pinned host key, changed by `extra`. */
  connection(extra?: Partial<ConnectionInputs>): ConnectionInputs;
  over(extra?: Partial<ConnectionInputs>, maxSessions?: number): PowerShellCimSession;
}

/** Call inside a describe, after useBridgeFixture: one server for the file's tests, as root with a key. */
export function useSshKeyServer(f: BridgeFixture): SshKeyFixture {
  const fixture = {
    ssh: undefined as unknown as SshServer,
    connection: (extra: Partial<ConnectionInputs> = {}): ConnectionInputs => ({
      transport: "ssh",
      host: "127.0.0.1",
      port: fixture.ssh.port,
      username: "root",
      sshKeyFile: fixture.ssh.keyFile,
      sshHostKeyFingerprint: fixture.ssh.fingerprint,
      ...extra,
    }),
    over: (extra: Partial<ConnectionInputs> = {}, maxSessions = 1): PowerShellCimSession =>
      new PowerShellCimSession(fixture.connection(extra), { executable: f.executable, maxSessions }),
  };
  beforeAll(async () => {
    fixture.ssh = await startSshServer(f.dir, f.executable, { HVR_FAKE_CIM_URL: f.server.url });
  });
  afterAll(async () => {
    await closeAllPools();
    await fixture.ssh?.stop();
  });
  return fixture;
}

export interface SshPasswordFixture {
  readonly ssh: SshServer;
  readonly user: SshUser;
  /** A session that logs in as `username` with `password`, the host key pinned. */
  over(password: string, username?: string): PowerShellCimSession;
}

/** Call inside a describe, after useBridgeFixture: one server and one test account for the file's tests. */
export function useSshPasswordServer(f: BridgeFixture): SshPasswordFixture {
  let reachable: Reachable | undefined;
  const fixture = {
    ssh: undefined as unknown as SshServer,
    user: undefined as unknown as SshUser,
    over: (password: string, username?: string): PowerShellCimSession =>
      new PowerShellCimSession(
        {
          transport: "ssh",
          host: "127.0.0.1",
          port: fixture.ssh.port,
          username: username ?? fixture.user.name,
          password,
          sshHostKeyFingerprint: fixture.ssh.fingerprint,
        } satisfies ConnectionInputs,
        { executable: f.executable, maxSessions: 1 },
      ),
  };
  beforeAll(async () => {
    fixture.user = createSshUser();
    reachable = reachableByOthers(f.executable);
    fixture.ssh = await startSshServer(f.dir, reachable.pwsh, {
      PSModulePath: reachable.modules,
      HVR_FAKE_CIM_URL: f.server.url,
    });
  });
  afterAll(async () => {
    await closeAllPools();
    await fixture.ssh?.stop();
    await fixture.user?.remove();
    reachable?.remove();
  });
  return fixture;
}
