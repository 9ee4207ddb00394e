/**
 * Where calls go: the resource's `connection`, completed from stack config (`hyperv-replica:*`), else the local
 * machine. Also the one place that opens a CIM session for a connection.
 */
import * as path from "node:path";
import type { CimSession } from "../cim";
import type { ConnectionInputs, PublicConnection } from "./types";
import type { CheckFailure } from "./rules";
import { closest, show } from "./rules";
import { mergeConnection, withoutPassword } from "./mergeConnection";
import { checkConnectionFields } from "./connectionRules";

export const CONFIG_NAMESPACE = "hyperv-replica";

/** Settings read once from stack config by `configure`. */
export interface ProviderConfig {
  /** Connection fields from `hyperv-replica:transport`, `:host`, `:port`, ... */
  readonly connection: ConnectionInputs;
  /** `hyperv-replica:powershell`: pwsh, powershell.exe, or a path. */
  readonly powershell?: string;
  /**
   * `hyperv-replica:maxSessions`: how many PowerShell processes may run calls in parallel per connection (default:
   * the agent's CPUs, at most 4).
   */
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
const INTEGER_KEYS = {
  port: [1, 65535],
  maxSessions: [1, 32],
  jobPollInitialMs: [10, 600_000],
  jobPollMaxMs: [10, 3_600_000],
} as const;

/** Every key of the `hyperv-replica:` namespace this provider reads, without the namespace. */
export const CONFIG_KEYS: readonly string[] = [
  ...STRING_KEYS,
  "port",
  ...BOOLEAN_KEYS,
  "powershell",
  ...Object.keys(INTEGER_KEYS).filter((k) => k !== "port"),
];

/** Keys the engine itself puts in a provider's configuration (`version` of the plugin, and where to get it). */
const ENGINE_KEYS = new Set(["version", "pluginDownloadURL", "__internal"]);

/** A value to show in the fix, per key: `pulumi config set hyperv-replica:<key> <example>`. */
const EXAMPLES: Readonly<Record<string, string>> = {
  transport: "wsman",
  host: "hv-replica01.contoso.com",
  port: "5986",
  authentication: "Kerberos",
  username: "'CONTOSO\\svc-dr-pulumi'",
  password: "--secret",
  sshKeyFile: "/home/agent/.ssh/id_ed25519",
  sshHostKeyFingerprint: "SHA256:...",
  simulatorStateFile: ".rehearsal/cluster.json",
  simulatorHost: "site-a",
  powershell: "pwsh",
  maxSessions: "4",
  jobPollInitialMs: "250",
  jobPollMaxMs: "500",
  ...Object.fromEntries(BOOLEAN_KEYS.map((k) => [k, "true"])),
};

const keyOf = (key: string) => `${CONFIG_NAMESPACE}:${key}`;
const fixFor = (key: string) =>
  key === "password"
    ? `set it with: pulumi config set --secret ${keyOf(key)}`
    : `set it with: pulumi config set ${keyOf(key)} ${EXAMPLES[key] ?? "<value>"}`;

const asNumber = (v: unknown) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v);
const asBoolean = (v: unknown) => (v === "true" ? true : v === "false" ? false : v);

/**
 * A structured value where one value is expected. Stack config holds objects and lists as JSON text (set with
 * `--path`, or as a YAML map), so they arrive here as strings that parse to an object or an array.
 */
function structured(v: unknown): string | undefined {
  const parsed = (() => {
    if (typeof v !== "string" || !/^\s*[[{]/.test(v)) return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  })();
  if (Array.isArray(parsed)) return "a list";
  if (typeof parsed === "object" && parsed !== null) return "an object";
  return undefined;
}

/** Config text in double quotes, as `pulumi config` shows it; a typed value (a Provider resource's) as it is. */
const shownNumber = (raw: unknown) => (typeof raw === "string" ? JSON.stringify(raw) : show(raw));

/** A whole-number setting within bounds, or a failure that names the key. `get` takes the key without namespace. */
function readInteger(
  get: (key: string) => unknown,
  key: keyof typeof INTEGER_KEYS,
  failures: CheckFailure[],
): number | undefined {
  const [min, max] = INTEGER_KEYS[key];
  const raw = get(key);
  if (raw === undefined) return undefined;
  const value = asNumber(raw);
  if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return value;
  failures.push({
    property: keyOf(key),
    reason: `${shownNumber(raw)} is not a whole number from ${min} to ${max}`,
  });
  return undefined;
}

/** Keys of the namespace that this provider does not know, each with the closest known key. */
function unknownKeys(keys: readonly string[]): CheckFailure[] {
  const prefix = `${CONFIG_NAMESPACE}:`;
  return keys
    .filter((k) => k.startsWith(prefix) && !ENGINE_KEYS.has(k.slice(prefix.length)))
    .filter((k) => !CONFIG_KEYS.includes(k.slice(prefix.length)))
    .map((k) => {
      const near = closest(k.slice(prefix.length), CONFIG_KEYS);
      const fix = near
        ? `did you mean ${keyOf(near)}? Rename it: pulumi config rm ${k}, then pulumi config set ${keyOf(near)} <value>`
        : `remove it (pulumi config rm ${k}); the keys are ${CONFIG_KEYS.map(keyOf).join(", ")}`;
      return {
        property: k,
        reason: `unknown key: ${CONFIG_NAMESPACE} has no setting '${k.slice(prefix.length)}'; ${fix}`,
      };
    });
}

/**
 * Reads the provider's keys from stack config. Values arrive as strings; numbers and booleans are parsed here.
 * `keys`, when the door knows them, are every key of the stack config (namespaced): a key of this namespace that
 * the provider does not read is a failure, with the closest known key, so that a typo never falls back silently.
 */
export function readProviderConfig(
  get: (key: string) => unknown,
  keys: readonly string[] = [],
): ProviderConfig {
  const connection: Record<string, unknown> = {};
  const failures: CheckFailure[] = [...unknownKeys(keys)];
  const typeFailures: CheckFailure[] = [];
  const structuredKeys = new Set<string>();
  for (const key of CONFIG_KEYS) {
    const value = get(keyOf(key));
    const what = structured(value);
    if (what === undefined) continue;
    structuredKeys.add(key);
    const shown = key === "password" ? "the value" : show(value);
    typeFailures.push({ property: keyOf(key), reason: `${shown} is ${what}, but this key takes one value` });
  }
  const read = (key: string) => (structuredKeys.has(key) ? undefined : get(keyOf(key)));
  for (const key of STRING_KEYS) {
    const value = read(key);
    if (value !== undefined) connection[key] = value;
  }
  const port = read("port");
  if (port !== undefined) connection.port = asNumber(port);
  for (const key of BOOLEAN_KEYS) {
    const value = read(key);
    if (value !== undefined) connection[key] = asBoolean(value);
  }
  typeFailures.push(...checkConnectionFields(connection, `${CONFIG_NAMESPACE}:`));
  const powershell = read("powershell");
  if (powershell !== undefined && (typeof powershell !== "string" || powershell.trim() === "")) {
    typeFailures.push({
      property: keyOf("powershell"),
      reason: `${show(powershell)} is not pwsh, powershell.exe, or a path`,
    });
  }
  const maxSessions = readInteger(read, "maxSessions", typeFailures);
  const initialMs = readInteger(read, "jobPollInitialMs", typeFailures);
  const maxMs = readInteger(read, "jobPollMaxMs", typeFailures);
  failures.push(...typeFailures.map(withFix));
  if (initialMs !== undefined && maxMs !== undefined && maxMs < initialMs) {
    failures.push({
      property: keyOf("jobPollMaxMs"),
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

/** A failure about one key's own value ends with how to set it. */
function withFix(failure: CheckFailure): CheckFailure {
  const key = failure.property.slice(CONFIG_NAMESPACE.length + 1);
  return { property: failure.property, reason: `${failure.reason}; ${fixFor(key)}` };
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

/**
 * The simulator and the PowerShell bridge load with the first session that needs them, not with the runtime: a
 * plugin answers Check (and a preview that reads nothing) without either, and a stack uses one of the two.
 */
export const openSession: SessionFactory = async (connection, config) => {
  if ((connection.transport ?? "local") === "simulator") {
    const { HyperVSimulator } = await import("../simulator/index.js");
    return new HyperVSimulator({
      stateFile: path.resolve(connection.simulatorStateFile ?? ""),
      hostName: connection.simulatorHost ?? path.basename(connection.simulatorStateFile ?? "simulator"),
    }).session();
  }
  const { PowerShellCimSession } = await import("../powershell/index.js");
  return new PowerShellCimSession(connection, {
    ...(config.powershell !== undefined ? { executable: config.powershell } : {}),
    ...(config.maxSessions !== undefined ? { maxSessions: config.maxSessions } : {}),
  });
};
