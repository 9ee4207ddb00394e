/**
 * The gRPC pieces the native plugin speaks: grpc-js, protobuf's Struct and Pulumi's generated provider and engine
 * stubs, all taken from @pulumi/pulumi's own dependency tree so that the messages and the server share one copy of
 * each library. Also the two conversions every RPC needs: Struct to plain values and back.
 */
import { createRequire } from "node:module";
import type * as GrpcModule from "@grpc/grpc-js";
import type * as StructModule from "google-protobuf/google/protobuf/struct_pb";
import type * as EmptyModule from "google-protobuf/google/protobuf/empty_pb";
import type * as AnyModule from "google-protobuf/google/protobuf/any_pb";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type * as ProviderGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as PluginPb from "@pulumi/pulumi/proto/plugin_pb";
import type * as EnginePb from "@pulumi/pulumi/proto/engine_pb";
import type * as EngineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as StatusPb from "@pulumi/pulumi/proto/status_pb";

const fromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));

export const grpc = fromPulumi("@grpc/grpc-js") as typeof GrpcModule;
export const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb") as typeof StructModule;
export const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb") as typeof EmptyModule;
export const { Any } = fromPulumi("google-protobuf/google/protobuf/any_pb") as typeof AnyModule;
export const pb = fromPulumi("./proto/provider_pb") as typeof ProviderPb;
export const providerGrpc = fromPulumi("./proto/provider_grpc_pb") as typeof ProviderGrpc;
export const pluginPb = fromPulumi("./proto/plugin_pb") as typeof PluginPb;
export const enginePb = fromPulumi("./proto/engine_pb") as typeof EnginePb;
export const engineGrpc = fromPulumi("./proto/engine_grpc_pb") as typeof EngineGrpc;
export const statusPb = fromPulumi("./proto/status_pb") as typeof StatusPb;

export type Props = Record<string, unknown>;
export type StructMessage = StructModule.Struct;

/** Pulumi's marker for a secret value (`pulumi.runtime` calls it the special signature key). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/**
 * A request's properties as plain values. The plugin tells the engine it does not accept secrets, so the engine
 * sends plain values and keeps outputs secret where their inputs were; a secret wrapper that arrives anyway (from
 * an older engine) is unwrapped here rather than reaching the runtime as an object.
 */
export function fromStruct(struct: StructMessage | undefined): Props {
  return unwrapSecrets(struct?.toJavaScript() ?? {}) as Props;
}

function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  const object = value as Props;
  if (object[SECRET_SIG] === SECRET_VALUE) return unwrapSecrets(object.value);
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/** Plain values as a Struct; `undefined` members are left out, as JSON would. */
export function toStruct(props: Props | undefined): StructMessage {
  return Struct.fromJavaScript(
    JSON.parse(JSON.stringify(props ?? {})) as Record<string, StructModule.JavaScriptValue>,
  );
}
