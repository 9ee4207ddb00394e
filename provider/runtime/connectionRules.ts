/** The rules for a connection, whether it comes from a resource's inputs or from stack config. */
import { mergeConnection } from "./mergeConnection";
import type { CheckFailure, Rule } from "./rules";
import { boolean, checkObject, integer, isUnknown, oneOf, present, text } from "./rules";
import type { ConnectionInputs } from "./types";
import { AUTHENTICATIONS, CONNECTION_FIELDS, TRANSPORTS } from "./types";

const TLS_CHECKS = ["skipCACheck", "skipCNCheck", "skipRevocationCheck"] as const;
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

const CONNECTION_RULES: Readonly<Record<string, Rule>> = {
  transport: oneOf(TRANSPORTS),
  host: text("the DNS name or address of a node of the replica cluster", 255),
  port: integer(1, 65535, "WinRM listens on 5985 (HTTP) and 5986 (HTTPS), SSH on 22, by default"),
  useSsl: boolean,
  skipCACheck: boolean,
  skipCNCheck: boolean,
  skipRevocationCheck: boolean,
  authentication: oneOf(AUTHENTICATIONS),
  username: text("a user name such as CONTOSO\\dr-operator", 256),
  password: (v) =>
    typeof v === "string" && v !== "" ? undefined : "must be a non-empty string (keep it secret)",
  sshKeyFile: text("the path of the SSH private key file", 4096),
  sshHostKeyFingerprint: (v) =>
    typeof v === "string" && FINGERPRINT.test(v)
      ? undefined
      : "must be a SHA256 host key fingerprint as `ssh-keygen -l -E sha256 -f <host key>.pub` prints it, such as SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s",
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
  return checkObject(connection as Record<string, unknown>, CONNECTION_RULES, CONNECTION_FIELDS, prefix);
}

/** Checks how the fields of a complete connection (inputs merged with stack config) fit together. */
export function checkConnectionRules(c: ConnectionInputs, prefix = "connection."): CheckFailure[] {
  if (Object.values(c).some(isUnknown)) return [];
  const failures: CheckFailure[] = [];
  const need = (key: string, reason: string) => failures.push({ property: `${prefix}${key}`, reason });
  const transport = c.transport ?? "local";
  const remote = transport === "wsman" || transport === "ssh";
  if (remote && !present(c.host))
    need("host", `missing: the ${transport} transport needs the host to connect to`);
  if (transport === "simulator" && !present(c.simulatorStateFile)) {
    need("simulatorStateFile", "missing: the simulator transport needs the path of its state file");
  }
  const onlyFor = (keys: readonly (keyof ConnectionInputs)[], allowed: readonly string[], what: string) => {
    if (allowed.includes(transport)) return;
    for (const key of keys.filter((k) => present(c[k]))) {
      need(
        key,
        `only applies to ${what}, but transport is '${transport}'; remove it or set transport '${allowed[0]}'`,
      );
    }
  };
  onlyFor(["host", "port"], ["wsman", "ssh"], "the wsman and ssh transports");
  onlyFor(["useSsl", "authentication", ...TLS_CHECKS], ["wsman"], "the wsman transport");
  onlyFor(["sshKeyFile", "sshHostKeyFingerprint"], ["ssh"], "the ssh transport");
  if (transport === "wsman" && c.useSsl !== true) {
    for (const key of TLS_CHECKS.filter((k) => c[k] === true)) {
      need(key, "only applies with useSsl true: over HTTP there is no certificate to check");
    }
  }
  for (const key of ["simulatorStateFile", "simulatorHost"] as const) {
    if (transport !== "simulator" && present(c[key])) {
      need(key, `only applies to the simulator transport, but transport is '${transport}'`);
    }
  }
  if (transport === "ssh" && present(c.password)) failures.push(...sshPasswordRules(c, prefix));
  if (present(c.password) && !present(c.username))
    need("username", "missing: a password needs the username it belongs to");
  if (present(c.username) && !present(c.password) && transport !== "simulator" && transport !== "ssh") {
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
 * Password login over ssh: one way to log in per connection, so that a connection never falls back from a key to a
 * password (or the reverse) without saying so; and one line, because ssh reads the password as one line from its
 * askpass program.
 */
function sshPasswordRules(c: ConnectionInputs, prefix: string): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (present(c.sshKeyFile)) {
    failures.push({
      property: `${prefix}password`,
      reason:
        "the ssh transport logs in with a key or with a password, not both: remove sshKeyFile to log in with the password, or remove the password to log in with the key",
    });
  }
  if (typeof c.password === "string" && /[\r\n]/.test(c.password)) {
    failures.push({
      property: `${prefix}password`,
      reason:
        "must be one line for the ssh transport (ssh reads the password up to the first line break); change the account's password, or log in with sshKeyFile",
    });
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
