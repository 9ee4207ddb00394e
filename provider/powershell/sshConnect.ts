/** What the ssh transport prepares on the agent before the bridge connects, and how it explains a failed connect. */
import * as fs from "node:fs";
import * as path from "node:path";
import type { CimErrorCategory } from "../cim";
import { CimError } from "../cim";
import type { ConnectionInputs } from "../cim/connection";
import type { AskpassRequest, PasswordChannel } from "./sshPassword";
import { openPasswordChannel, passwordFailure } from "./sshPassword";
import { pinHostKey } from "./sshHostKey";
import type { SshDiagnosis } from "./sshDiagnose";
import { diagnoseSsh } from "./sshDiagnose";

export interface SshPreparation {
  /** The known_hosts file holding only the pinned key, when a fingerprint is pinned. */
  readonly knownHostsFile: string | undefined;
  /** The askpass program and its paths, for password login. */
  readonly askpass: AskpassRequest | undefined;
  /** Turns a failed connect into the error to report; call before close(), which removes the pinned key. */
  explain(error: unknown): Promise<unknown>;
  /** Removes what was prepared: ssh reads the pinned key and the password while it connects, not afterwards. */
  close(): Promise<void>;
}

/** Pins the host key and opens the password channel, as the connection asks; nothing for other transports. */
export async function prepareSsh(connection: ConnectionInputs): Promise<SshPreparation> {
  let pinned: string | undefined;
  let channel: PasswordChannel | undefined;
  const close = async () => {
    if (pinned) fs.rmSync(pinned, { recursive: true, force: true });
    await channel?.close();
  };
  try {
    if (connection.transport === "ssh" && connection.sshHostKeyFingerprint) {
      pinned = await pinHostKey(connection.host ?? "", connection.port, connection.sshHostKeyFingerprint);
    }
    if (connection.transport === "ssh" && connection.password !== undefined) {
      channel = await openPasswordChannel(connection.password);
    }
  } catch (error) {
    await close();
    throw error;
  }
  const knownHostsFile = pinned && path.join(pinned, "known_hosts");
  return {
    knownHostsFile,
    askpass: channel?.askpass,
    explain: async (error) =>
      (channel && passwordFailure(channel, connection.host ?? "", connection.username, error)) ??
      (await explainSshFailure(error, connection, channel, knownHostsFile)),
    close,
  };
}

const CATEGORY: Readonly<Record<SshDiagnosis["kind"], CimErrorCategory>> = {
  unreachable: "unreachable",
  unknownHostKey: "accessDenied",
  changedHostKey: "accessDenied",
  loginRefused: "accessDenied",
  noSubsystem: "environment",
};

/**
 * PowerShell keeps ssh's own reason (an unknown host key, a refused key, a missing subsystem) to itself: ssh is run
 * once more to learn it (sshDiagnose.ts). What that cannot tell keeps the advice that covers each.
 */
async function explainSshFailure(
  error: unknown,
  c: ConnectionInputs,
  channel: PasswordChannel | undefined,
  knownHostsFile: string | undefined,
): Promise<unknown> {
  if (c.transport !== "ssh" || !(error instanceof CimError) || error.category !== "unreachable") return error;
  const diagnosis = await diagnoseSsh({
    host: c.host ?? "",
    port: c.port,
    username: c.username,
    sshKeyFile: c.sshKeyFile,
    knownHostsFile,
    passwordLogin: channel !== undefined,
  });
  if (diagnosis) {
    const options = { cause: error, advised: true };
    return new CimError(CATEGORY[diagnosis.kind], diagnosis.message, error.code, options);
  }
  if (channel?.asked() === 1) {
    return new CimError(
      "environment",
      `the node ${c.host ?? ""} accepted the password for ${c.username ?? "the user"}, but PowerShell remoting did not start there (${error.message.replace(/\.$/, "")}). Check that its sshd_config has \`Subsystem powershell c:/progra~1/powershell/7/pwsh.exe -sshs -NoLogo -NoProfile\` (the path of its PowerShell 7, in 8.3 form) and that sshd was restarted since`,
      error.code,
      { cause: error, advised: true },
    );
  }
  // A password asked for twice was refused (passwordFailure), once was taken (above): here it was never asked for.
  const login =
    channel === undefined
      ? "that the node accepts sshKeyFile for the user"
      : "that the node takes a password from the user (PasswordAuthentication yes in its sshd_config; ssh was never asked for one)";
  return new CimError(
    error.category,
    `${error.message.replace(/\.?$/, ".")} Check that the node's host key is in the agent's known_hosts (host keys ` +
      `are checked strictly) or pinned with sshHostKeyFingerprint, ${login}, and that its sshd_config has the ` +
      "powershell subsystem",
    error.code,
    { cause: error },
  );
}
