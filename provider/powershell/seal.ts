import { createCipheriv, randomBytes } from "node:crypto";

/** A secret encrypted for one PowerShell process, whose key reached it through its environment. */
export interface Sealed {
  readonly iv: string;
  readonly data: string;
}

/** A fresh AES-256 key for one PowerShell process. */
export function newProcessKey(): Buffer {
  return randomBytes(32);
}

/**
 * Encrypts a secret with the process's key (AES-256-CBC, PKCS#7), so that request payloads, and anything that may
 * record them (debug output, a capture of stdin, PowerShell's transcripts and logging), hold only ciphertext.
 */
export function seal(secret: string, key: Buffer): Sealed {
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  const data = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return { iv: iv.toString("base64"), data: data.toString("base64") };
}
