/** What the ssh transport prepares on the agent before the bridge connects, and how it explains a failed connect. */
import * as fs from "node:fs";
import * as path from "node:path";
import { CimError } from "../cim";
import type { ConnectionInputs } from "../cim/connection";
import type { AskpassRequest, PasswordChannel } from "./sshPassword";
import { openPasswordChannel, passwordFailure } from "./sshPassword";
import { pinHostKey } from "./sshHostKey";

export interface SshPreparation {
  /** The known_hosts file holding only the pinned key, when a fingerprint is pinned. */
  readonly knownHostsFile: string | undefined;
  /** The askpass program and its paths, for password login. */
  readonly askpass: AskpassRequest | undefined;
  /** Turns a failed connect into the error to report. */
  explain(error: unknown): unknown;
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
  return {
    knownHostsFile: pinned && path.join(pinned, "known_hosts"),
    askpass: channel?.askpass,
    explain: (error) =>
      (channel && passwordFailure(channel, connection.host ?? "", connection.username, error)) ??
      explainSshFailure(error, connection, channel),
    close,
  };
}

// PowerShell keeps ssh's own reason (an unknown host key, a refused key) to itself: the advice covers each.
function explainSshFailure(
  error: unknown,
  c: ConnectionInputs,
  channel: PasswordChannel | undefined,
): unknown {
  if (c.transport !== "ssh" || !(error instanceof CimError) || error.category !== "unreachable") return error;
  const login =
    channel === undefined
      ? "that the node accepts sshKeyFile for the user"
      : channel.asked() === 0
        ? "that the node takes a password from the user (PasswordAuthentication yes in its sshd_config; ssh was never asked for one)"
        : "that the account may open the powershell subsystem";
  return new CimError(
    error.category,
    `${error.message.replace(/\.?$/, ".")} Check that the node's host key is in the agent's known_hosts (host keys ` +
      `are checked strictly) or pinned with sshHostKeyFingerprint, ${login}, and that its sshd_config has the ` +
      "powershell subsystem",
    error.code,
    { cause: error },
  );
}
