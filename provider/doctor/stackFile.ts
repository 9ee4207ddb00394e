/**
 * Reads the `hyperv-replica:*` keys of a stack file (`Pulumi.<stack>.yaml`), the same keys `pulumi up` gives the
 * provider. Only the `config:` block's one-line `key: value` entries are read (plain, 'single' or "double" quoted);
 * a secret (`key: { secure: ... }` or a nested `secure:` line) is encrypted by Pulumi and cannot be read here, so
 * it is reported as such and the password comes from HYPERV_REPLICA_PASSWORD or a prompt instead.
 */
import * as fs from "node:fs";
import { CONFIG_NAMESPACE } from "../runtime/connection";

export interface StackSettings {
  /** Namespaced keys (`hyperv-replica:host`) to their values, as text. */
  readonly values: Readonly<Record<string, string>>;
  /** Namespaced keys whose value is a Pulumi secret. */
  readonly secrets: readonly string[];
}

function scalar(text: string): string {
  const value = text.replace(/\s+#.*$/, "").trim();
  if (value.startsWith('"')) return JSON.parse(value) as string;
  if (value.startsWith("'")) return value.slice(1, -1).replace(/''/g, "'");
  return value;
}

export function parseStackFile(text: string): StackSettings {
  const values: Record<string, string> = {};
  const secrets: string[] = [];
  let inConfig = false;
  let pending: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^\S/.test(line)) inConfig = /^config:\s*(#.*)?$/.test(line);
    const entry = /^ {2}([\w.-]+:[\w.-]+):(.*)$/.exec(line);
    if (!inConfig || line.trim().startsWith("#")) continue;
    if (entry) {
      const [, key = "", rest = ""] = entry;
      pending = undefined;
      if (!key.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
      if (/^\s*\{\s*secure:/.test(rest)) secrets.push(key);
      else if (rest.trim() === "" || rest.trim().startsWith("#")) pending = key;
      else values[key] = scalar(rest);
    } else if (pending !== undefined && /^\s+secure:/.test(line)) {
      secrets.push(pending);
      pending = undefined;
    }
  }
  return { values, secrets };
}

export function readStackFile(file: string): StackSettings {
  return parseStackFile(fs.readFileSync(file, "utf8"));
}
