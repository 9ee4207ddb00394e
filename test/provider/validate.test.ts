import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../provider/runtime/types";
import { validateInputs } from "../../provider/resources/collectionFailover/validate";

const ID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
const valid = { collectionId: ID, failoverState: "failedOver" };

describe("validateInputs", () => {
  it.each([
    ["by id", { collectionId: ID, failoverState: "normal" }],
    ["by name", { collectionName: "sql-cluster", failoverState: "committed" }],
    ["an upper-case GUID", { collectionId: ID.toUpperCase(), failoverState: "normal" }],
    [
      "every optional input",
      {
        ...valid,
        recoveryPoint: "Microsoft:5E7A3C21-9B8D-4F6E-A1B2-C3D4E5F60718",
        requireHealthy: true,
        startVirtualMachines: false,
        jobTimeoutSeconds: 7200,
        cancelJobOnTimeout: true,
      },
    ],
    ["the newest application-consistent point", { ...valid, recoveryPoint: "latest-application-consistent" }],
    ["the newest point before a time", { ...valid, recoveryPoint: "before:2026-11-27T08:00:00+01:00" }],
    [
      "a wsman connection",
      {
        ...valid,
        connection: {
          transport: "wsman",
          host: "hv01",
          port: 5986,
          useSsl: true,
          authentication: "Kerberos",
        },
      },
    ],
    [
      "credentials",
      { ...valid, connection: { transport: "wsman", host: "hv01", username: "CONTOSO\\dr", password: "pw" } },
    ],
    [
      "an ssh connection with a key",
      { ...valid, connection: { transport: "ssh", host: "hv01", username: "dr", sshKeyFile: "/k" } },
    ],
    [
      "an ssh connection with a password",
      { ...valid, connection: { transport: "ssh", host: "hv01", port: 22, username: "dr", password: "pw" } },
    ],
    [
      "a simulator connection",
      { ...valid, connection: { transport: "simulator", simulatorStateFile: "cluster.json" } },
    ],
    ["a local connection", { ...valid, connection: { transport: "local" } }],
    ["the engine's __provider", { ...valid, __provider: "exports.handler = ..." }],
    ["unknown values during preview", { collectionId: UNKNOWN, failoverState: UNKNOWN, connection: UNKNOWN }],
    ["an unknown host during preview", { ...valid, connection: { transport: "wsman", host: UNKNOWN } }],
  ])("accepts %s", (_, inputs) => {
    expect(validateInputs(inputs)).toEqual([]);
  });

  it.each([
    [
      "neither collectionId nor collectionName",
      { failoverState: "normal" },
      "collectionId",
      "missing: set collectionId (the collection's CollectionID GUID) or collectionName (its ElementName)",
    ],
    [
      "both collectionId and collectionName",
      { ...valid, collectionName: "sql" },
      "collectionName",
      "set either collectionId or collectionName, not both; collectionId is safer, because names need not be unique",
    ],
    [
      "a collectionId that is not a GUID",
      { collectionId: "sql-cluster", failoverState: "normal" },
      "collectionId",
      "'sql-cluster' is not a GUID; use the collection's CollectionID, such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301 (Get-VMGroup shows it as Id), or set collectionName instead",
    ],
    [
      "an empty collectionName",
      { collectionName: "  ", failoverState: "normal" },
      "collectionName",
      "must not be empty; set it to the collection's name (its ElementName)",
    ],
    [
      "a collectionName longer than ElementName allows",
      { collectionName: "x".repeat(257), failoverState: "normal" },
      "collectionName",
      "is 257 characters long; the collection's name (its ElementName) has at most 256",
    ],
    [
      "no failoverState",
      { collectionId: ID },
      "failoverState",
      "missing: set it to 'normal', 'failedOver' or 'committed'",
    ],
    [
      "a misspelt failoverState",
      { collectionId: ID, failoverState: "failedover" },
      "failoverState",
      "'failedover' is not one of 'normal', 'failedOver', 'committed'; use one of those (they are case-sensitive)",
    ],
    [
      "a numeric failoverState",
      { collectionId: ID, failoverState: 5 },
      "failoverState",
      expect.stringContaining("5 is not one of"),
    ],
    [
      "an empty recoveryPoint",
      { ...valid, recoveryPoint: "" },
      "recoveryPoint",
      "must not be empty; set it to 'latest', 'latest-application-consistent', 'before:<ISO 8601 time>' (such as 'before:2026-11-27T08:00:00Z') or a recovery point InstanceID ('Microsoft:<GUID>', as getRecoveryPoints lists them)",
    ],
    [
      "a recoveryPoint in the wrong case",
      { ...valid, recoveryPoint: "Latest" },
      "recoveryPoint",
      "'Latest' is not a recovery point selector; did you mean 'latest'? (selectors are case-sensitive); use 'latest', 'latest-application-consistent', 'before:<ISO 8601 time>' (such as 'before:2026-11-27T08:00:00Z') or a recovery point InstanceID ('Microsoft:<GUID>', as getRecoveryPoints lists them)",
    ],
    [
      "a recoveryPoint that is no selector",
      { ...valid, recoveryPoint: "yesterday" },
      "recoveryPoint",
      "'yesterday' is not a recovery point selector; use 'latest', 'latest-application-consistent', 'before:<ISO 8601 time>' (such as 'before:2026-11-27T08:00:00Z') or a recovery point InstanceID ('Microsoft:<GUID>', as getRecoveryPoints lists them)",
    ],
    [
      "a before: time without its zone",
      { ...valid, recoveryPoint: "before:2026-11-27T08:00" },
      "recoveryPoint",
      "'2026-11-27T08:00' after 'before:' is not an ISO 8601 time; write a date (2026-11-27) or a date and time with its zone (2026-11-27T08:00:00Z)",
    ],
    [
      "a requireHealthy that is not a boolean",
      { ...valid, requireHealthy: "yes" },
      "requireHealthy",
      "must be true or false, got 'yes'",
    ],
    [
      "a zero jobTimeoutSeconds",
      { ...valid, jobTimeoutSeconds: 0 },
      "jobTimeoutSeconds",
      "0 is not a whole number from 1 to 604800; it bounds the wait for each Hyper-V job (default 1800)",
    ],
    [
      "a fractional jobTimeoutSeconds",
      { ...valid, jobTimeoutSeconds: 1.5 },
      "jobTimeoutSeconds",
      expect.stringContaining("1.5 is not a whole number"),
    ],
    [
      "a string cancelJobOnTimeout",
      { ...valid, cancelJobOnTimeout: "yes" },
      "cancelJobOnTimeout",
      "must be true or false, got 'yes'",
    ],
    [
      "a misspelt input",
      { ...valid, colectionName: "x" },
      "colectionName",
      "unknown property; did you mean 'collectionName'?",
    ],
    [
      "a connection that is not an object",
      { ...valid, connection: "hv01" },
      "connection",
      expect.stringContaining("must be an object"),
    ],
    [
      "an unknown transport",
      { ...valid, connection: { transport: "telnet" } },
      "connection.transport",
      "'telnet' is not one of 'local', 'wsman', 'ssh', 'simulator'; use one of those (they are case-sensitive)",
    ],
    [
      "ssh without a host",
      { ...valid, connection: { transport: "ssh", sshKeyFile: "/home/agent/.ssh/id_ed25519" } },
      "connection.host",
      "missing: the ssh transport needs the host to connect to",
    ],
    [
      "ssh with both a key file and a password",
      {
        ...valid,
        connection: { transport: "ssh", host: "h", username: "dr", password: "pw", sshKeyFile: "/k" },
      },
      "connection.password",
      "the ssh transport logs in with a key or with a password, not both: remove sshKeyFile to log in with the password, or remove the password to log in with the key",
    ],
    [
      "ssh with a password of two lines",
      { ...valid, connection: { transport: "ssh", host: "h", username: "dr", password: "pw\nmore" } },
      "connection.password",
      "must be one line for the ssh transport (ssh reads the password up to the first line break); change the account's password, or log in with sshKeyFile",
    ],
    [
      "ssh with a password but no username",
      { ...valid, connection: { transport: "ssh", host: "h", password: "pw" } },
      "connection.username",
      "missing: a password needs the username it belongs to",
    ],
    [
      "a malformed host key fingerprint",
      { ...valid, connection: { transport: "ssh", host: "h", sshHostKeyFingerprint: "MD5:aa:bb" } },
      "connection.sshHostKeyFingerprint",
      expect.stringContaining(
        "must be a SHA256 host key fingerprint as `ssh-keygen -l -E sha256 -f <host key>.pub` prints it",
      ),
    ],
    [
      "an SSH key file with wsman",
      { ...valid, connection: { transport: "wsman", host: "h", sshKeyFile: "/k" } },
      "connection.sshKeyFile",
      "only applies to the ssh transport, but transport is 'wsman'; remove it or set transport 'ssh'",
    ],
    [
      "skipping the CA check without HTTPS",
      { ...valid, connection: { transport: "wsman", host: "h", skipCACheck: true } },
      "connection.skipCACheck",
      "only applies with useSsl true: over HTTP there is no certificate to check",
    ],
    [
      "skipping the name check over ssh",
      { ...valid, connection: { transport: "ssh", host: "h", skipCNCheck: true } },
      "connection.skipCNCheck",
      "only applies to the wsman transport, but transport is 'ssh'; remove it or set transport 'wsman'",
    ],
    [
      "skipping the revocation check with a word",
      { ...valid, connection: { transport: "wsman", host: "h", useSsl: true, skipRevocationCheck: "yes" } },
      "connection.skipRevocationCheck",
      "must be true or false, got 'yes'",
    ],
    [
      "wsman without a host",
      { ...valid, connection: { transport: "wsman" } },
      "connection.host",
      "missing: the wsman transport needs the host to connect to",
    ],
    [
      "a host with the local transport",
      { ...valid, connection: { host: "hv01" } },
      "connection.host",
      "only applies to the wsman and ssh transports, but transport is 'local'; remove it or set transport 'wsman'",
    ],
    [
      "a port out of range",
      { ...valid, connection: { transport: "wsman", host: "h", port: 70000 } },
      "connection.port",
      expect.stringContaining("70000 is not a whole number from 1 to 65535"),
    ],
    [
      "an unknown authentication",
      { ...valid, connection: { transport: "wsman", host: "h", authentication: "kerberos" } },
      "connection.authentication",
      "'kerberos' is not one of 'Default', 'Negotiate', 'Kerberos', 'CredSSP'; use one of those (they are case-sensitive)",
    ],
    [
      "a password without a username",
      { ...valid, connection: { transport: "wsman", host: "h", password: "pw" } },
      "connection.username",
      "missing: a password needs the username it belongs to",
    ],
    [
      "CredSSP without credentials",
      { ...valid, connection: { transport: "wsman", host: "h", authentication: "CredSSP" } },
      "connection.username",
      "missing: CredSSP needs explicit credentials (username and password)",
    ],
    [
      "a username without its password",
      { ...valid, connection: { transport: "wsman", host: "h", username: "CONTOSO\\dr" } },
      "connection.password",
      "missing: a username needs its password (set hyperv-replica:password as secret config), or leave the username out to connect as the current identity",
    ],
    [
      "the simulator without a state file",
      { ...valid, connection: { transport: "simulator" } },
      "connection.simulatorStateFile",
      "missing: the simulator transport needs the path of its state file",
    ],
    [
      "a state file without the simulator",
      { ...valid, connection: { simulatorStateFile: "x.json" } },
      "connection.simulatorStateFile",
      "only applies to the simulator transport, but transport is 'local'",
    ],
    [
      "a misspelt connection key",
      { ...valid, connection: { transport: "wsman", hostname: "h", host: "h" } },
      "connection.hostname",
      "unknown property; did you mean 'host'?",
    ],
  ])("rejects %s", (_, inputs, property, reason) => {
    expect(validateInputs(inputs)).toEqual([{ property, reason }]);
  });

  it("never repeats the password in a reason", () => {
    const failures = validateInputs({
      ...valid,
      connection: { transport: "local", password: "s3cr3t-value" },
    });
    expect(failures).toEqual([
      { property: "connection.username", reason: "missing: a password needs the username it belongs to" },
    ]);
    expect(JSON.stringify(failures)).not.toContain("s3cr3t-value");
  });
});
