/** Plain shapes every resource shares: how to reach the host, and Pulumi's marker for a value not known yet. */
export type { Authentication, ConnectionInputs, PublicConnection, Transport } from "../cim/connection";
export { AUTHENTICATIONS, CONNECTION_FIELDS, TRANSPORTS } from "../cim/connection";

/** Pulumi's marker for a value not known yet during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
