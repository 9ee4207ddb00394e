/**
 * Password login for the ssh transport. PowerShell's SSH remoting has no -Credential: ssh itself asks for the
 * password. With SSH_ASKPASS_REQUIRE=force (OpenSSH 8.4 or later) ssh asks a program instead of a terminal; that
 * program fetches the password from a unix socket this process serves, in a fresh folder only this account may enter,
 * and this process answers one fetch only, then removes the folder. The password is never in any process's arguments
 * or environment, in PowerShell's script text or memory, or on disk.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { CimError } from "../cim";

/** The askpass program, shipped beside this module. */
export const ASKPASS_SCRIPT = path.join(__dirname, "sshAskpass.cjs");

/**
 * ssh runs SSH_ASKPASS with execlp and no arguments of ours, so the program is this fixed wrapper, written into the
 * channel's folder: it finds the socket beside itself, and node and the program through the environment.
 */
const WRAPPER = '#!/bin/sh\nexec "$HVR_ASKPASS_NODE" "$HVR_ASKPASS_SCRIPT" "${0%/*}/socket"\n';

/** What the bridge sets in ssh's environment while it connects: paths only, never the password. */
export interface AskpassRequest {
  readonly program: string;
  readonly node: string;
  readonly script: string;
}

export interface PasswordChannel {
  readonly askpass: AskpassRequest;
  /** How many times ssh asked: 0 when the node never asked for a password, 2 when it refused the first one. */
  asked(): number;
  /** Stops answering and removes the folder with the socket and the wrapper. */
  close(): Promise<void>;
}

/** Opens the one-shot channel for one connection attempt; the caller closes it once connected or failed. */
export async function openPasswordChannel(password: string): Promise<PasswordChannel> {
  if (process.platform === "win32") {
    throw new CimError(
      "environment",
      "password login over ssh needs a Linux or macOS agent (it gives ssh the password through SSH_ASKPASS); on Windows set sshKeyFile instead",
    );
  }
  // mkdtemp makes the folder 0700: only this account (and root) can reach the socket inside it.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-askpass-"));
  let asked = 0;
  const server = net.createServer((socket) => {
    asked += 1;
    socket.on("error", () => socket.destroy());
    // Closed once written: the data stays readable after the close, and no client can keep the server open.
    socket.end(asked === 1 ? `${password}\n` : "", () => socket.destroy());
  });
  try {
    fs.writeFileSync(path.join(dir, "askpass"), WRAPPER, { mode: 0o700 });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(path.join(dir, "socket"), resolve);
    });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    askpass: { program: path.join(dir, "askpass"), node: process.execPath, script: ASKPASS_SCRIPT },
    asked: () => asked,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Says why a password login failed, from what the channel saw; undefined when it saw nothing telling. */
export function passwordFailure(
  channel: PasswordChannel,
  host: string,
  username: string | undefined,
  cause: unknown,
): CimError | undefined {
  if (channel.asked() < 2) return undefined;
  return new CimError(
    "accessDenied",
    `the SSH server on ${host} refused the password for ${username ?? "the user"}: set the right one with ` +
      "`pulumi config set --secret hyperv-replica:password`, and check that the account may log in over SSH " +
      "(not locked, not denied by AllowUsers, AllowGroups or DenyUsers in the node's sshd_config)",
    undefined,
    { cause, advised: true },
  );
}
