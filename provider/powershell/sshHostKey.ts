import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CimError } from "../cim";

/** The SHA256 fingerprint of a public key blob, as ssh-keygen -l prints it. */
export function fingerprintOf(base64Blob: string): string {
  const digest = createHash("sha256").update(Buffer.from(base64Blob, "base64")).digest("base64");
  return `SHA256:${digest.replace(/=+$/, "")}`;
}

/**
 * Pins a host key: asks the host for its keys (ssh-keyscan), keeps the one whose fingerprint is the expected one, and
 * writes it as the only entry of a known_hosts file of its own. ssh then checks strictly against that file, so a host
 * that shows another key at connection time is refused, even if it showed the right one to ssh-keyscan.
 * Returns the folder holding the file; the caller removes it.
 */
export async function pinHostKey(host: string, port: number | undefined, expected: string): Promise<string> {
  const args = ["-T", "10", ...(port ? ["-p", String(port)] : []), host];
  const scanned = await new Promise<string>((resolve) =>
    execFile("ssh-keyscan", args, { windowsHide: true }, (_error, stdout) => resolve(String(stdout ?? ""))),
  );
  // Lines of `host type key`; comments start with #.
  const keys = scanned
    .split("\n")
    .filter((l) => !l.startsWith("#"))
    .map((l) => l.trim().split(/\s+/))
    .flatMap(([, type, blob]) => (type && blob ? [{ type, blob }] : []));
  const match = keys.find((k) => fingerprintOf(k.blob) === expected);
  if (!match) {
    const seen =
      keys.map((k) => `${k.type} ${fingerprintOf(k.blob)}`).join(", ") || "no key (is sshd listening?)";
    throw new CimError(
      keys.length === 0 ? "unreachable" : "accessDenied",
      `the SSH host key of ${host} is not the pinned one: expected ${expected}, the host showed ${seen}. ` +
        "Check sshHostKeyFingerprint against `ssh-keygen -l -E sha256 -f` of the node's host key",
      undefined,
      { advised: true },
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-ssh-"));
  const name = port && port !== 22 ? `[${host}]:${port}` : host;
  fs.writeFileSync(path.join(dir, "known_hosts"), `${name} ${match.type} ${match.blob}\n`, { mode: 0o600 });
  return dir;
}
