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
 * A request's properties as plain values: the plugin accepts secrets, and the runtime sees their plain values (it
 * keeps passwords out of its outputs, logs and errors itself). {@link toSecretStruct} marks them again on the way
 * back.
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

const isSecret = (value: unknown): value is { value: unknown } =>
  typeof value === "object" && value !== null && (value as Props)[SECRET_SIG] === SECRET_VALUE;

/** A connection's `password`, or the provider's own `password` config key (`hyperv-replica:password`). */
const isPasswordKey = (key: string | undefined) =>
  key !== undefined && (key === "password" || key.endsWith(":password"));

/**
 * Properties going back to the engine, which stores them in the stack's state: every password is secret however
 * it arrived (a literal in a Python or YAML program included), and a value whose input arrived secret stays
 * secret, as the engine itself would keep it for a plugin that does not accept secrets. `sent` is the request's
 * properties as they arrived, wrappers and all.
 */
export function toSecretStruct(props: Props | undefined, sent: StructMessage | undefined): StructMessage {
  const plain = JSON.parse(JSON.stringify(props ?? {})) as unknown;
  return Struct.fromJavaScript(
    markSecrets(plain, sent?.toJavaScript()) as Record<string, StructModule.JavaScriptValue>,
  );
}

function markSecrets(value: unknown, sent: unknown, key?: string): unknown {
  if (value === null || value === undefined) return value;
  if (isSecret(sent) || isPasswordKey(key)) return { [SECRET_SIG]: SECRET_VALUE, value };
  if (Array.isArray(value)) {
    return value.map((v, i) => markSecrets(v, Array.isArray(sent) ? sent[i] : undefined));
  }
  if (typeof value !== "object") return value;
  const fields = typeof sent === "object" && sent !== null ? (sent as Props) : {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markSecrets(v, fields[k], k)]));
}

/** Plain values as a Struct; `undefined` members are left out, as JSON would. */
export function toStruct(props: Props | undefined): StructMessage {
  return Struct.fromJavaScript(
    JSON.parse(JSON.stringify(props ?? {})) as Record<string, StructModule.JavaScriptValue>,
  );
}
