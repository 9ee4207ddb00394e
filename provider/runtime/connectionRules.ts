/** The rules for a connection, whether it comes from a resource's inputs or from stack config. */
import { mergeConnection } from "./mergeConnection";
import type { CheckFailure, Rule } from "./rules";
import { boolean, checkObject, integer, isUnknown, oneOf, present, text } from "./rules";
import type { ConnectionInputs } from "./types";
import { AUTHENTICATIONS, TRANSPORTS } from "./types";

const CONNECTION_KEYS = [
  "transport",
  "host",
  "port",
  "useSsl",
  "authentication",
  "username",
  "password",
  "simulatorStateFile",
  "simulatorHost",
] as const;

const CONNECTION_RULES: Readonly<Record<string, Rule>> = {
  transport: oneOf(TRANSPORTS),
  host: text("the DNS name or address of a node of the replica cluster", 255),
  port: integer(1, 65535, "WinRM listens on 5985 (HTTP) and 5986 (HTTPS) by default"),
  useSsl: boolean,
  authentication: oneOf(AUTHENTICATIONS),
  username: text("a user name such as CONTOSO\\dr-operator", 256),
  password: (v) =>
    typeof v === "string" && v !== "" ? undefined : "must be a non-empty string (keep it secret)",
  simulatorStateFile: text("the path of a simulator state file", 4096),
  simulatorHost: text("the name of a simulated host in the state file, such as site-a", 255),
};

/** Checks each connection field on its own; from inputs, or from stack config (then `prefix` names the keys). */
export function checkConnectionFields(connection: unknown, prefix = "connection."): CheckFailure[] {
  if (!present(connection) || isUnknown(connection)) return [];
  if (typeof connection !== "object" || Array.isArray(connection)) {
    return [
      {
        property: prefix.replace(/\.$/, ""),
        reason: 'must be an object such as { transport: "wsman", host: "hv01" }',
      },
    ];
  }
  return checkObject(connection as Record<string, unknown>, CONNECTION_RULES, CONNECTION_KEYS, prefix);
}

/** Checks how the fields of a complete connection (inputs merged with stack config) fit together. */
export function checkConnectionRules(c: ConnectionInputs, prefix = "connection."): CheckFailure[] {
  if (Object.values(c).some(isUnknown)) return [];
  const failures: CheckFailure[] = [];
  const need = (key: string, reason: string) => failures.push({ property: `${prefix}${key}`, reason });
  const transport = c.transport ?? "local";
  if (transport === "wsman" && !present(c.host))
    need("host", "missing: the wsman transport needs the host to connect to");
  if (transport === "simulator" && !present(c.simulatorStateFile)) {
    need("simulatorStateFile", "missing: the simulator transport needs the path of its state file");
  }
  if (transport !== "wsman") {
    for (const key of ["host", "port", "useSsl", "authentication"] as const) {
      if (present(c[key])) {
        need(
          key,
          `only applies to the wsman transport, but transport is '${transport}'; remove it or set transport 'wsman'`,
        );
      }
    }
  }
  for (const key of ["simulatorStateFile", "simulatorHost"] as const) {
    if (transport !== "simulator" && present(c[key])) {
      need(key, `only applies to the simulator transport, but transport is '${transport}'`);
    }
  }
  if (present(c.password) && !present(c.username))
    need("username", "missing: a password needs the username it belongs to");
  if (present(c.username) && !present(c.password) && transport !== "simulator") {
    need(
      "password",
      "missing: a username needs its password (set hyperv-replica:password as secret config), or leave the username out to connect as the current identity",
    );
  }
  if (c.authentication === "CredSSP" && !present(c.username)) {
    need("username", "missing: CredSSP needs explicit credentials (username and password)");
  }
  return failures;
}

/**
 * The connection's failures: its own fields, then, when those are sound, how they fit together once completed from
 * stack config (`fromConfig`), then the problems already found in that config.
 */
export function checkConnection(
  connection: unknown,
  fromConfig: ConnectionInputs,
  configFailures: readonly CheckFailure[],
): CheckFailure[] {
  const failures = checkConnectionFields(connection);
  if (failures.length === 0 && !isUnknown(connection) && configFailures.length === 0) {
    failures.push(
      ...checkConnectionRules(mergeConnection(connection as ConnectionInputs | undefined, fromConfig)),
    );
  }
  return [...failures, ...configFailures];
}
