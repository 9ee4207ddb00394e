/**
 * Which host a connection reaches, as a key: what decides whether two connections name the same cluster. Only the
 * fields that choose the host count; how the call gets there (transport, port, TLS, credentials) does not, so
 * `hv-east01` over WinRM and over SSH are one host. Host names compare case-insensitively, as Windows computer
 * names do. Two different nodes of one cluster are two keys: nothing in a connection says they share a cluster.
 */
import * as path from "node:path";
import type { ConnectionInputs } from "./types";

export function connectionIdentity(connection: ConnectionInputs): string {
  switch (connection.transport ?? "local") {
    case "local":
      return "local";
    case "simulator": {
      const file = connection.simulatorStateFile ?? "";
      // The simulator's own default for a missing simulatorHost (runtime/connection.ts openSession).
      return `simulator:${file}#${(connection.simulatorHost ?? path.basename(file || "simulator")).toLowerCase()}`;
    }
    default:
      return `host:${(connection.host ?? "").toLowerCase()}`;
  }
}
