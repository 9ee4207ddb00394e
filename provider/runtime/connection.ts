/**
 * Where calls go: the resource's `connection`, completed from stack config (`hyperv-replica:*`), else the local
 * machine. Also the one place that opens a CIM session for a connection.
 */
import * as path from "node:path";
import type { CimSession } from "../cim";
import { PowerShellCimSession } from "../powershell";
import { HyperVSimulator } from "../simulator";
import type { ConnectionInputs, PublicConnection } from "./types";
import type { CheckFailure } from "./rules";
import { mergeConnection, withoutPassword } from "./mergeConnection";
import { checkConnectionFields } from "./connectionRules";

export const CONFIG_NAMESPACE = "hyperv-replica";

/** Settings read once from stack config by `configure`. */
export interface ProviderConfig {
  /** Connection fields from `hyperv-replica:transport`, `:host`, `:port`, ... */
  readonly connection: ConnectionInputs;
  /** `hyperv-replica:powershell`: pwsh, powershell.exe, or a path. */
  readonly powershell?: string;
  /** `hyperv-replica:maxSessions`: how many PowerShell processes may run calls in parallel per connection. */
  readonly maxSessions?: number;
  /** `hyperv-replica:jobPollInitialMs` and `:jobPollMaxMs`: the first and the longest pause between job polls. */
  readonly polling?: { readonly initialMs?: number; readonly maxMs?: number };
  /** Problems found in the config, reported by `check` against the resources that use it. */
  readonly failures: readonly CheckFailure[];
}

export const EMPTY_CONFIG: ProviderConfig = { connection: {}, failures: [] };

const STRING_KEYS = [
  "transport",
  "host",
  "authentication",
  "username",
  "password",
  "sshKeyFile",
  "sshHostKeyFingerprint",
  "simulatorStateFile",
  "simulatorHost",
] as const;
const BOOLEAN_KEYS = ["useSsl", "skipCACheck", "skipCNCheck", "skipRevocationCheck"] as const;

const asNumber = (v: unknown) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v);
const asBoolean = (v: unknown) => (v === "true" ? true : v === "false" ? false : v);

/** A whole-number setting within bounds, or a failure that names the key. */
function readInteger(
  get: (key: string) => unknown,
  key: string,
  [min, max]: readonly [number, number],
  failures: CheckFailure[],
): number | undefined {
  const raw = get(`${CONFIG_NAMESPACE}:${key}`);
  if (raw === undefined) return undefined;
  const value = asNumber(raw);
  if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return value;
  failures.push({
    property: `${CONFIG_NAMESPACE}:${key}`,
    reason: `${JSON.stringify(raw)} is not a whole number from ${min} to ${max}`,
  });
  return undefined;
}

/** Reads the provider's keys from stack config. Values arrive as strings; numbers and booleans are parsed here. */
export function readProviderConfig(get: (key: string) => unknown): ProviderConfig {
  const connection: Record<string, unknown> = {};
  const failures: CheckFailure[] = [];
  for (const key of STRING_KEYS) {
    const value = get(`${CONFIG_NAMESPACE}:${key}`);
    if (value !== undefined) connection[key] = value;
  }
  const port = get(`${CONFIG_NAMESPACE}:port`);
  if (port !== undefined) connection.port = asNumber(port);
  for (const key of BOOLEAN_KEYS) {
    const value = get(`${CONFIG_NAMESPACE}:${key}`);
    if (value !== undefined) connection[key] = asBoolean(value);
  }
  failures.push(...checkConnectionFields(connection, `${CONFIG_NAMESPACE}:`));
  const powershell = get(`${CONFIG_NAMESPACE}:powershell`);
  if (powershell !== undefined && (typeof powershell !== "string" || powershell.trim() === "")) {
    failures.push({
      property: `${CONFIG_NAMESPACE}:powershell`,
      reason: "must be pwsh, powershell.exe, or a path",
    });
  }
  const maxSessions = readInteger(get, "maxSessions", [1, 32], failures);
  const initialMs = readInteger(get, "jobPollInitialMs", [10, 600_000], failures);
  const maxMs = readInteger(get, "jobPollMaxMs", [10, 3_600_000], failures);
  if (initialMs !== undefined && maxMs !== undefined && maxMs < initialMs) {
    failures.push({
      property: `${CONFIG_NAMESPACE}:jobPollMaxMs`,
      reason: `${maxMs} is less than jobPollInitialMs (${initialMs}); the cap must be at least the first interval`,
    });
  }
  return {
    connection: connection as ConnectionInputs,
    ...(typeof powershell === "string" && powershell.trim() !== "" ? { powershell } : {}),
    ...(maxSessions !== undefined ? { maxSessions } : {}),
    ...(initialMs !== undefined || maxMs !== undefined
      ? {
          polling: {
            ...(initialMs !== undefined ? { initialMs } : {}),
            ...(maxMs !== undefined ? { maxMs } : {}),
          },
        }
      : {}),
    failures,
  };
}

/** The effective connection: the resource's fields, completed from stack config, else the local machine. */
export function resolveConnection(
  input: ConnectionInputs | null | undefined,
  config: ProviderConfig,
): ConnectionInputs {
  return mergeConnection(input, config.connection);
}

/** The connection as stored in the outputs: the password never leaves the provider. */
export function publicConnection(input: ConnectionInputs | null | undefined): PublicConnection | null {
  return input === undefined || input === null ? null : withoutPassword(input);
}

/** Opens a CIM session for a resolved connection. */
export type SessionFactory = (connection: ConnectionInputs, config: ProviderConfig) => Promise<CimSession>;

export const openSession: SessionFactory = async (connection, config) => {
  if ((connection.transport ?? "local") === "simulator") {
    return new HyperVSimulator({
      stateFile: path.resolve(connection.simulatorStateFile ?? ""),
      hostName: connection.simulatorHost ?? path.basename(connection.simulatorStateFile ?? "simulator"),
    }).session();
  }
  return new PowerShellCimSession(connection, {
    ...(config.powershell !== undefined ? { executable: config.powershell } : {}),
    ...(config.maxSessions !== undefined ? { maxSessions: config.maxSessions } : {}),
  });
};
