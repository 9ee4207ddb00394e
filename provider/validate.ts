/**
 * The one validator behind `check`, reused by create, update and the tests. It says which property is wrong, what
 * was wrong, and what to do; it lets Pulumi's unknown value through, because previews see it for values that
 * other resources will produce.
 */
import { DESIRED_STATES } from "./failover/states";
import { mergeConnection } from "./mergeConnection";
import type { ConnectionInputs } from "./types";
import { AUTHENTICATIONS, TRANSPORTS, UNKNOWN } from "./types";

export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;
const INPUT_KEYS = [
  "collectionId",
  "collectionName",
  "failoverState",
  "recoveryPoint",
  "jobTimeoutSeconds",
  "cancelJobOnTimeout",
  "connection",
] as const;
const CONNECTION_KEYS = [
  "transport",
  "host",
  "port",
  "useSsl",
  "authentication",
  "username",
  "password",
  "simulatorStateFile",
] as const;
/** Keys the engine or an older state may carry that are not user input. */
const IGNORED_KEYS = new Set(["__provider"]);

const isUnknown = (v: unknown) => v === UNKNOWN;
const show = (v: unknown) => (typeof v === "string" ? `'${v}'` : JSON.stringify(v));

type Rule = (value: unknown, path: string) => string | undefined;

const oneOf =
  (allowed: readonly string[]): Rule =>
  (v) =>
    typeof v === "string" && allowed.includes(v)
      ? undefined
      : `${show(v)} is not one of ${allowed.map((a) => `'${a}'`).join(", ")}; use one of those (they are case-sensitive)`;

const text =
  (what: string, max: number): Rule =>
  (v) => {
    if (typeof v !== "string") return `must be a string (${what}), got ${show(v)}`;
    if (v.trim() === "") return `must not be empty; set it to ${what}`;
    if (v.length > max) return `is ${v.length} characters long; ${what} has at most ${max}`;
    return undefined;
  };

const integer =
  (min: number, max: number, hint: string): Rule =>
  (v) =>
    typeof v === "number" && Number.isInteger(v) && v >= min && v <= max
      ? undefined
      : `${show(v)} is not a whole number from ${min} to ${max}; ${hint}`;

const boolean: Rule = (v) => (typeof v === "boolean" ? undefined : `must be true or false, got ${show(v)}`);

const TOP_RULES: Readonly<Record<string, Rule>> = {
  collectionId: (v) =>
    typeof v === "string" && GUID.test(v)
      ? undefined
      : `${show(v)} is not a GUID; use the collection's CollectionID, such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301 (Get-VMGroup shows it as Id), or set collectionName instead`,
  collectionName: text("the collection's name (its ElementName)", 256),
  failoverState: oneOf(DESIRED_STATES),
  recoveryPoint: (v) =>
    text("'latest' or the InstanceID of a Msvm_CollectionRecoveryPoint", 1024)(v, "recoveryPoint"),
  jobTimeoutSeconds: integer(
    1,
    MAX_TIMEOUT_SECONDS,
    "it bounds the wait for each Hyper-V job (default 1800)",
  ),
  cancelJobOnTimeout: boolean,
  // Checked on its own by validateConnection.
  connection: () => undefined,
};

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
};

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/** The closest known key, to suggest for a misspelt one. */
function suggest(key: string, known: readonly string[]): string {
  const lower = key.toLowerCase();
  const near = (k: string) =>
    editDistance(lower, k.toLowerCase()) <= 2 ||
    lower.includes(k.toLowerCase()) ||
    k.toLowerCase().includes(lower);
  const hit = known.find(near);
  return hit ? `; did you mean '${hit}'?` : `; known properties are ${known.join(", ")}`;
}

function checkObject(
  value: Record<string, unknown>,
  rules: Readonly<Record<string, Rule>>,
  known: readonly string[],
  prefix: string,
): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const [key, v] of Object.entries(value)) {
    const path = `${prefix}${key}`;
    if (IGNORED_KEYS.has(key) || v === undefined || v === null || isUnknown(v)) continue;
    const rule = rules[key];
    if (!rule) {
      failures.push({ property: path, reason: `unknown property${suggest(key, known)}` });
      continue;
    }
    const reason = rule(v, path);
    if (reason) failures.push({ property: path, reason });
  }
  return failures;
}

const present = (v: unknown) => v !== undefined && v !== null;

function checkSelector(news: Record<string, unknown>): CheckFailure[] {
  const hasId = present(news.collectionId);
  const hasName = present(news.collectionName);
  if (hasId && hasName) {
    return [
      {
        property: "collectionName",
        reason:
          "set either collectionId or collectionName, not both; collectionId is safer, because names need not be unique",
      },
    ];
  }
  if (!hasId && !hasName) {
    return [
      {
        property: "collectionId",
        reason:
          "missing: set collectionId (the collection's CollectionID GUID) or collectionName (its ElementName)",
      },
    ];
  }
  return [];
}

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
  if (transport !== "simulator" && present(c.simulatorStateFile)) {
    need("simulatorStateFile", `only applies to the simulator transport, but transport is '${transport}'`);
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
 * All the reasons these inputs cannot be applied, or none. `fromConfig` is the connection from stack config, which
 * completes the resource's own; `configFailures` are the problems already found in that config.
 */
export function validateInputs(
  news: Record<string, unknown>,
  fromConfig: ConnectionInputs = {},
  configFailures: readonly CheckFailure[] = [],
): CheckFailure[] {
  const failures = checkObject(news, TOP_RULES, [...INPUT_KEYS], "");
  failures.push(...checkSelector(news));
  if (!present(news.failoverState)) {
    failures.push({
      property: "failoverState",
      reason: "missing: set it to 'normal', 'failedOver' or 'committed'",
    });
  }
  const fieldFailures = checkConnectionFields(news.connection);
  failures.push(...fieldFailures);
  const connection = news.connection;
  if (fieldFailures.length === 0 && !isUnknown(connection) && configFailures.length === 0) {
    failures.push(
      ...checkConnectionRules(mergeConnection(connection as ConnectionInputs | undefined, fromConfig)),
    );
  }
  failures.push(...configFailures);
  return failures;
}
