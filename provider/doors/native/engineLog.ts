/**
 * Lines for the user, sent to the Pulumi engine's Log service and attached to the resource they are about, so
 * `pulumi up` shows them under that resource: a job's progress as an ephemeral status line (each replaces the
 * last; at most one a second, statusPacing.ts), everything else as info. Without an engine address (a plugin started
 * by hand) the lines go to stderr.
 */
import type * as EngineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import { enginePb, engineGrpc, grpc } from "./rpc";
import { paceStatusLines, type Send } from "./statusPacing";

export type LineKind = "info" | "status" | "warning";

export interface EngineLog {
  /** Sends one line; never throws, and never waits for the engine. */
  log(urn: string | undefined, line: string, kind: LineKind): void;
  close(): void;
}

export function connectEngineLog(address: string | undefined): EngineLog {
  if (address === undefined) {
    return {
      log: (urn, line) => process.stderr.write(`${urn ? `${urn}: ` : ""}${line}\n`),
      close: () => undefined,
    };
  }
  // The channel is made with the first line, not at start: a plugin answers its first Check sooner without it.
  let client: EngineGrpc.EngineClient | undefined;
  const connected = () =>
    (client ??= new engineGrpc.EngineClient(address, grpc.credentials.createInsecure()));
  const send: Send = (urn, line, kind) => {
    const request = new enginePb.LogRequest();
    request.setSeverity(kind === "warning" ? enginePb.LogSeverity.WARNING : enginePb.LogSeverity.INFO);
    request.setMessage(line);
    request.setUrn(urn ?? "");
    request.setEphemeral(kind === "status");
    // A line the engine cannot take is not worth failing an operation for; stderr keeps it.
    connected().log(request, (error) => {
      if (error) process.stderr.write(`${line}\n`);
    });
  };
  return { log: paceStatusLines(send), close: () => client?.close() };
}
