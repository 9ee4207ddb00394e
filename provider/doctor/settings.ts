/**
 * The connection doctor checks: the same `hyperv-replica:*` keys the stack gives the provider, read from the stack
 * file, with command-line flags over them, and the password only from the environment (HYPERV_REPLICA_PASSWORD), the
 * stack's secret (decrypted by the Pulumi CLI) or a prompt: never from the command line, where other processes could
 * read it.
 */
import * as path from "node:path";
import type { ConnectionInputs } from "../cim/connection";
import type { ProviderConfig } from "../runtime/connection";
import { CONFIG_NAMESPACE, readProviderConfig, resolveConnection } from "../runtime/connection";
import { checkConnectionRules } from "../runtime/connectionRules";
import type { CheckFailure } from "../runtime/rules";
import type { StackSettings } from "./stackFile";
import type { CheckResult } from "./types";
import { notPassed, pass } from "./types";

export const PASSWORD_ENV = "HYPERV_REPLICA_PASSWORD";

export interface SettingsSources {
  /** The stack file's keys, and where it is (simulator state files are relative to its folder, the project). */
  readonly stack?: StackSettings & { readonly file: string };
  /** Keys from flags, without the namespace (`host`, `useSsl`), as text. */
  readonly flags: Readonly<Record<string, string>>;
  /** HYPERV_REPLICA_PASSWORD, or what the prompt read. */
  readonly password?: string;
}

export interface Settings {
  readonly connection: ConnectionInputs;
  readonly config: ProviderConfig;
  readonly failures: readonly CheckFailure[];
  /** Where the password came from, for the report (never the password). */
  readonly passwordFrom: string;
}

const key = (name: string) => `${CONFIG_NAMESPACE}:${name}`;

export function resolveSettings(sources: SettingsSources): Settings {
  const stackValues = sources.stack?.values ?? {};
  const flagValues = Object.fromEntries(Object.entries(sources.flags).map(([k, v]) => [key(k), v]));
  const values: Record<string, string> = { ...stackValues, ...flagValues };
  if (sources.password !== undefined) values[key("password")] = sources.password;
  const config = readProviderConfig((k) => values[k], Object.keys(values));
  let connection = resolveConnection(undefined, config);
  const stateFile = connection.simulatorStateFile;
  if (stateFile !== undefined && sources.stack && flagValues[key("simulatorStateFile")] === undefined) {
    connection = {
      ...connection,
      simulatorStateFile: path.resolve(path.dirname(sources.stack.file), stateFile),
    };
  }
  const failures = [...config.failures, ...checkConnectionRules(connection, `${CONFIG_NAMESPACE}:`)];
  const passwordFrom =
    sources.password !== undefined
      ? `${PASSWORD_ENV}, the stack's secret or the prompt`
      : stackValues[key("password")] !== undefined
        ? "the stack file"
        : "none";
  return { connection, config, failures, passwordFrom };
}

/** Whether the connection will want a password that no source gave: then doctor prompts, where it can. */
export function wantsPassword(sources: SettingsSources): boolean {
  if (sources.password !== undefined) return false;
  const values = {
    ...sources.stack?.values,
    ...Object.fromEntries(Object.entries(sources.flags).map(([k, v]) => [key(k), v])),
  };
  if (values[key("password")] !== undefined) return false;
  const transport = values[key("transport")] ?? "local";
  const secret = sources.stack?.secrets.includes(key("password")) ?? false;
  const username = values[key("username")] !== undefined;
  return (
    secret ||
    (username &&
      transport !== "simulator" &&
      !(transport === "ssh" && values[key("sshKeyFile")] !== undefined))
  );
}

/** The first check: the settings are complete and consistent, as `pulumi preview` would find them. */
export function settingsCheck(settings: Settings): CheckResult {
  const id = "settings";
  const title = "Connection settings";
  if (settings.failures.length > 0) {
    const detail = settings.failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
    const password = settings.failures.some((f) => f.property.endsWith(":password"));
    const advice = password
      ? `Set the password in ${PASSWORD_ENV} (doctor never takes it on the command line), or run doctor in a terminal to be asked`
      : "Fix the keys named, in the stack file or on the command line";
    return notPassed("fail", id, title, detail, advice);
  }
  const c = settings.connection;
  const shown = [
    `transport ${c.transport ?? "local"}`,
    ...(c.host !== undefined ? [`host ${c.host}${c.port !== undefined ? `:${c.port}` : ""}`] : []),
    ...(c.useSsl ? ["HTTPS"] : []),
    ...(c.authentication !== undefined ? [`${c.authentication} authentication`] : []),
    ...(c.username !== undefined ? [`user ${c.username}`, `password from ${settings.passwordFrom}`] : []),
    ...(c.simulatorStateFile !== undefined ? [`state file ${c.simulatorStateFile}`] : []),
  ];
  return pass(id, title, shown.join(", "));
}
