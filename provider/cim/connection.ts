/**
 * How to reach a host: the transports and their fields, shared by the resources' inputs, the PowerShell bridge and
 * the simulator. Nothing here holds behaviour beyond naming a target in messages.
 */
import * as path from "node:path";

export const TRANSPORTS = ["local", "wsman", "ssh", "simulator"] as const;
export type Transport = (typeof TRANSPORTS)[number];

export const AUTHENTICATIONS = ["Default", "Negotiate", "Kerberos", "CredSSP"] as const;
export type Authentication = (typeof AUTHENTICATIONS)[number];

export interface ConnectionInputs {
  transport?: Transport;
  host?: string;
  port?: number;
  useSsl?: boolean;
  skipCACheck?: boolean;
  skipCNCheck?: boolean;
  skipRevocationCheck?: boolean;
  authentication?: Authentication;
  username?: string;
  password?: string;
  sshKeyFile?: string;
  sshHostKeyFingerprint?: string;
  simulatorStateFile?: string;
  /** Which simulated host of the state file to talk to; a two-site state file holds two. */
  simulatorHost?: string;
}

/** Every field of {@link ConnectionInputs}, in the order messages and the schema list them. */
export const CONNECTION_FIELDS = [
  "transport",
  "host",
  "port",
  "useSsl",
  "skipCACheck",
  "skipCNCheck",
  "skipRevocationCheck",
  "authentication",
  "username",
  "password",
  "sshKeyFile",
  "sshHostKeyFingerprint",
  "simulatorStateFile",
  "simulatorHost",
] as const satisfies readonly (keyof ConnectionInputs)[];

/** A connection as stored in the outputs: everything but the password. */
export type PublicConnection = Omit<ConnectionInputs, "password">;

/** Where a connection's calls go, in the words of the CIM sessions' `target`, for messages. Never holds a secret. */
export function describeTarget(connection: ConnectionInputs): string {
  switch (connection.transport ?? "local") {
    case "wsman":
      return `${connection.host ?? "?"} (wsman)`;
    case "ssh":
      return `${connection.host ?? "?"} (ssh)`;
    case "simulator":
      return `${connection.simulatorHost ?? path.basename(connection.simulatorStateFile ?? "simulator")} (simulator)`;
    default:
      return "this machine (local)";
  }
}
