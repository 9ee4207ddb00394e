/** The provider's results as Pulumi's protobuf messages, and errors as gRPC statuses. */
import type * as GrpcModule from "@grpc/grpc-js";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type { CheckFailure } from "../../runtime/rules";
import type { DiffKind } from "./detailedDiff";
import type { CheckResult, DiffResult } from "./provider";
import type { Props, StructMessage } from "./rpc";
import { Any, grpc, pb, statusPb, toSecretStruct } from "./rpc";

const KINDS: Readonly<Record<DiffKind, ProviderPb.PropertyDiff.Kind>> = {
  add: pb.PropertyDiff.Kind.ADD,
  addReplace: pb.PropertyDiff.Kind.ADD_REPLACE,
  delete: pb.PropertyDiff.Kind.DELETE,
  deleteReplace: pb.PropertyDiff.Kind.DELETE_REPLACE,
  update: pb.PropertyDiff.Kind.UPDATE,
  updateReplace: pb.PropertyDiff.Kind.UPDATE_REPLACE,
};

function failureList(failures: readonly CheckFailure[]): ProviderPb.CheckFailure[] {
  return failures.map((f) => new pb.CheckFailure().setProperty(f.property).setReason(f.reason));
}

/** `sent`: the news as they arrived, so that what came secret goes back secret. */
export function checkResponse(
  result: CheckResult,
  sent: StructMessage | undefined,
): ProviderPb.CheckResponse {
  return new pb.CheckResponse()
    .setInputs(toSecretStruct(result.inputs, sent))
    .setFailuresList(failureList(result.failures));
}

export function diffResponse(result: DiffResult): ProviderPb.DiffResponse {
  const response = new pb.DiffResponse()
    .setChanges(
      result.changes ? pb.DiffResponse.DiffChanges.DIFF_SOME : pb.DiffResponse.DiffChanges.DIFF_NONE,
    )
    .setReplacesList([...result.replaces])
    .setDeletebeforereplace(result.deleteBeforeReplace)
    .setDiffsList(Object.keys(result.detailedDiff))
    .setHasdetaileddiff(true);
  const map = response.getDetaileddiffMap();
  for (const [key, diff] of Object.entries(result.detailedDiff)) {
    map.set(key, new pb.PropertyDiff().setKind(KINDS[diff.kind]).setInputdiff(diff.inputDiff));
  }
  return response;
}

/**
 * DiffConfig: the keys whose values differ, each an update. A provider's new configuration takes effect in place
 * (Configure), so nothing is replaced.
 */
export function configDiffResponse(olds: Props, news: Props): ProviderPb.DiffResponse {
  const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].sort();
  const differ = keys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
  const { DIFF_SOME, DIFF_NONE } = pb.DiffResponse.DiffChanges;
  const response = new pb.DiffResponse()
    .setChanges(differ.length > 0 ? DIFF_SOME : DIFF_NONE)
    .setDiffsList(differ)
    .setHasdetaileddiff(true);
  const map = response.getDetaileddiffMap();
  for (const key of differ) {
    const kind = !(key in olds) ? KINDS.add : !(key in news) ? KINDS.delete : KINDS.update;
    map.set(key, new pb.PropertyDiff().setKind(kind).setInputdiff(true));
  }
  return response;
}

export function invokeResponse(
  outputs: Record<string, unknown>,
  sent: StructMessage | undefined,
): ProviderPb.InvokeResponse {
  return new pb.InvokeResponse().setReturn(toSecretStruct(outputs, sent));
}

/** Refused arguments, as the engine expects them from Invoke: one failure per argument, not a gRPC error. */
export function invokeFailures(failures: readonly CheckFailure[]): ProviderPb.InvokeResponse {
  return new pb.InvokeResponse().setFailuresList(failureList(failures));
}

/** A partial failure from the runtime: the operation failed, and these are the outputs the host really shows. */
interface PartialFailure extends Error {
  readonly id: string;
  readonly properties?: Record<string, unknown>;
  readonly reasons?: readonly string[];
}

const isPartialFailure = (e: unknown): e is PartialFailure =>
  e instanceof Error && typeof (e as Partial<PartialFailure>).id === "string";

/**
 * An error as the engine reads it. A partial failure carries ErrorResourceInitFailed in the status details, so the
 * engine records the host's real state for the resource, as it does for the dynamic provider.
 */
export function grpcError(error: unknown): Partial<GrpcModule.StatusObject> {
  const message = error instanceof Error ? error.message : String(error);
  const metadata = new grpc.Metadata();
  if (isPartialFailure(error)) {
    const { __provider: _, ...properties } = error.properties ?? {};
    const detail = new pb.ErrorResourceInitFailed()
      .setId(error.id)
      .setProperties(toSecretStruct(properties, undefined))
      .setReasonsList([...(error.reasons ?? [message])]);
    const any = new Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusPb.Status().setCode(grpc.status.UNKNOWN).setMessage(message);
    status.addDetails(any);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return { code: grpc.status.UNKNOWN, details: message, metadata };
}
