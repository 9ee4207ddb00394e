/**
 * The gRPC ResourceProvider service the engine drives. Each handler unpacks the request, calls the native provider
 * inside the resource's URN (so the runtime's log lines reach that resource), and packs the answer. RPCs not
 * listed here (Construct, Call, List, GetMapping, Handshake, Parameterize) answer UNIMPLEMENTED, which the engine
 * accepts from a provider of custom resources.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type * as GrpcModule from "@grpc/grpc-js";
import type * as ProviderGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import { ArgumentsError } from "../../runtime/argumentsError";
import {
  checkResponse,
  configDiffResponse,
  diffResponse,
  grpcError,
  invokeFailures,
  invokeResponse,
} from "./messages";
import type { NativeProvider } from "./provider";
import { Empty, fromStruct, pb, pluginPb, toSecretStruct } from "./rpc";

const urns = new AsyncLocalStorage<string>();

/** The URN of the resource whose RPC is running, for the log lines it causes. */
export const currentUrn = (): string | undefined => urns.getStore();

export interface ServerOptions {
  readonly provider: NativeProvider;
  readonly schema: string;
  readonly version: string;
  /** Called on Cancel: from then on, every wait ends. */
  readonly cancel: () => void;
}

type Handler<Req, Res> = (
  call: GrpcModule.ServerUnaryCall<Req, Res>,
  done: GrpcModule.sendUnaryData<Res>,
) => void;

/** One RPC: runs `fn`, then answers with its result or its error. */
function unary<Req, Res>(fn: (req: Req) => Promise<Res> | Res): Handler<Req, Res> {
  return (call, done) => {
    Promise.resolve()
      .then(() => fn(call.request))
      .then(
        (response) => done(null, response),
        (error: unknown) => done(grpcError(error)),
      );
  };
}

/** An RPC about one resource: runs within its URN, so the log lines it causes are attached to it. */
function onResource<Req extends { getUrn(): string }, Res>(
  fn: (req: Req) => Promise<Res>,
): Handler<Req, Res> {
  return unary((req: Req) => urns.run(req.getUrn(), () => fn(req)));
}

type Served = Pick<
  ProviderGrpc.IResourceProviderServer,
  | "getPluginInfo"
  | "getSchema"
  | "checkConfig"
  | "diffConfig"
  | "configure"
  | "check"
  | "diff"
  | "create"
  | "read"
  | "update"
  | "delete"
  | "invoke"
  | "cancel"
>;

export function providerService(options: ServerOptions): Served {
  const { provider } = options;
  return {
    getPluginInfo: unary(() => new pluginPb.PluginInfo().setVersion(options.version)),
    getSchema: unary((req) => {
      if (req.getVersion() !== 0) throw new Error(`unsupported schema version ${req.getVersion()}`);
      return new pb.GetSchemaResponse().setSchema(options.schema);
    }),
    checkConfig: unary((req) =>
      checkResponse(provider.checkConfig(fromStruct(req.getNews())), req.getNews()),
    ),
    diffConfig: unary((req) => configDiffResponse(fromStruct(req.getOlds()), fromStruct(req.getNews()))),
    configure: unary((req) => {
      const args = req.getArgs();
      provider.configure(args ? fromStruct(args) : Object.fromEntries(req.getVariablesMap().toArray()));
      // Secrets arrive marked, and every response marks passwords and what came secret (toSecretStruct), so a
      // literal password in any language is kept secret in the state. Without preview support, the engine does
      // not call Create or Update during a preview, so a preview never touches the host.
      return new pb.ConfigureResponse()
        .setAcceptsecrets(true)
        .setAcceptresources(false)
        .setAcceptoutputs(false)
        .setSupportspreview(false);
    }),
    check: onResource(async (req) =>
      checkResponse(
        await provider.check(req.getUrn(), fromStruct(req.getOlds()), fromStruct(req.getNews())),
        req.getNews(),
      ),
    ),
    diff: onResource(async (req) => {
      const oldInputs = req.getOldInputs();
      const olds = fromStruct(req.getOlds());
      const news = fromStruct(req.getNews());
      const old = oldInputs ? fromStruct(oldInputs) : undefined;
      const ignored = req.getIgnorechangesList();
      return diffResponse(await provider.diff(req.getUrn(), req.getId(), olds, news, old, ignored));
    }),
    create: onResource(async (req) => {
      const props = fromStruct(req.getProperties());
      const { id, outs } = await provider.create(req.getUrn(), props, req.getTimeout());
      return new pb.CreateResponse().setId(id).setProperties(toSecretStruct(outs, req.getProperties()));
    }),
    read: onResource(async (req) => {
      const props = fromStruct(req.getProperties());
      const result = await provider.read(req.getUrn(), req.getId(), props, fromStruct(req.getInputs()));
      const response = new pb.ReadResponse();
      if (result.id === undefined) return response;
      response.setId(result.id).setProperties(toSecretStruct(result.props, req.getProperties()));
      return result.inputs ? response.setInputs(toSecretStruct(result.inputs, req.getInputs())) : response;
    }),
    update: onResource(async (req) => {
      const outs = await provider.update(
        req.getUrn(),
        req.getId(),
        fromStruct(req.getOlds()),
        fromStruct(req.getNews()),
        req.getIgnorechangesList(),
        req.getTimeout(),
      );
      return new pb.UpdateResponse().setProperties(toSecretStruct(outs, req.getNews()));
    }),
    delete: onResource(async (req) => {
      await provider.delete(req.getUrn(), req.getId(), fromStruct(req.getProperties()), req.getTimeout());
      return new Empty();
    }),
    invoke: unary(async (req) => {
      try {
        return invokeResponse(await provider.invoke(req.getTok(), fromStruct(req.getArgs())), req.getArgs());
      } catch (error) {
        if (error instanceof ArgumentsError) return invokeFailures(error.failures);
        throw error;
      }
    }),
    cancel: unary(() => {
      options.cancel();
      return new Empty();
    }),
  };
}
