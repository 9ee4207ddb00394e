/**
 * Drives the native plugin (`pulumi-resource-hyperv-replica`) as the Pulumi engine does, without the Pulumi CLI:
 * the plugin is started with the engine's flags and the address of a fake engine, its port is read from its first
 * line of stdout, and every RPC goes over gRPC. The fake engine implements the Log service and records which line
 * reached which URN, and whether it was ephemeral.
 */
import type { ChildProcess } from "node:child_process";
import * as path from "node:path";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type * as EnginePb from "@pulumi/pulumi/proto/engine_pb";
import type * as PluginPb from "@pulumi/pulumi/proto/plugin_pb";
import type * as ProviderGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import {
  Empty,
  engineGrpc,
  fromStruct,
  grpc,
  pb,
  providerGrpc,
  statusPb,
  toStruct,
} from "../../provider/doors/native/rpc";
import type { Props, StructMessage } from "../../provider/doors/native/rpc";
import { killEngine, launch } from "./orphan";
import { REPO_ROOT } from "./plugin";

export const PLUGIN_MAIN = path.join(REPO_ROOT, "dist", "doors", "native", "main.js");
/** The npm package's bin: the same plugin, bundled, started with Node's compile cache (scripts/bundle-dist.ts). */
export const PLUGIN_BIN = path.join(REPO_ROOT, "dist", "plugin.js");

export interface LoggedLine {
  readonly urn: string;
  readonly message: string;
  readonly ephemeral: boolean;
  readonly severity: "debug" | "info" | "warning" | "error";
}

const SEVERITIES = ["debug", "info", "warning", "error"] as const;

/** The engine's Log service, recording every line. */
export class FakeEngine {
  private constructor(
    private readonly server: InstanceType<typeof grpc.Server>,
    readonly address: string,
    readonly lines: LoggedLine[],
  ) {}

  static async start(): Promise<FakeEngine> {
    const server = new grpc.Server();
    const lines: LoggedLine[] = [];
    server.addService(engineGrpc.EngineService, {
      log(call: { request: EnginePb.LogRequest }, done: (e: null, r: InstanceType<typeof Empty>) => void) {
        const r = call.request;
        lines.push({
          urn: r.getUrn(),
          message: r.getMessage(),
          ephemeral: r.getEphemeral(),
          severity: SEVERITIES[r.getSeverity()] ?? "error",
        });
        done(null, new Empty());
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    return new FakeEngine(server, `127.0.0.1:${port}`, lines);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }
}

/** A gRPC error from the plugin, with the outputs of a partial failure when the engine would record some. */
export interface RpcError extends Error {
  code: number;
  partial?: { id: string; properties: Props; reasons: string[] };
}

export const urnOf = (type: string, name: string, stack = "dev", project = "dr") =>
  `urn:pulumi:${stack}::${project}::${type}::${name}`;

export class NativePlugin {
  readonly stderr: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    /** The plugin's own pid (the child is a shell in between when the plugin was started `orphanable`). */
    readonly pid: number,
    private readonly client: ProviderGrpc.ResourceProviderClient,
  ) {}

  /**
   * Starts the plugin as the engine does: `--logtostderr -v=9 <engine address>`, in the project directory. By
   * default from dist/; `executable` runs an installed plugin's launcher instead.
   */
  static async start(options: {
    engine: FakeEngine;
    cwd: string;
    executable?: string;
    /** The script Node.js runs when no `executable` is given: by default tsc's files in dist/. */
    main?: string;
    /** Options for the plugin's Node.js, before its script (a benchmark's --cpu-prof, for instance). */
    nodeArgs?: readonly string[];
    /** Start it under a shell that `abandon()` kills, as a killed engine leaves its plugin. */
    orphanable?: boolean;
  }): Promise<NativePlugin> {
    const flags = ["--logtostderr", "-v=9", options.engine.address];
    const [command, args] = options.executable
      ? [options.executable, flags]
      : [process.execPath, [...(options.nodeArgs ?? []), options.main ?? PLUGIN_MAIN, ...flags]];
    const stderr: string[] = [];
    // The engine gives the plugin the user's environment, not the suite's compile cache (vitest.config.mts): the
    // launcher keeps one of its own, which the tests look at.
    const { NODE_COMPILE_CACHE: _suiteCache, ...env } = process.env;
    const { child, pid, port } = await launch(command, args, {
      cwd: options.cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      orphanable: options.orphanable,
      stderr,
    });
    const client = new providerGrpc.ResourceProviderClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
    const plugin = new NativePlugin(child, pid, client);
    plugin.stderr.push(...stderr);
    return plugin;
  }

  rpc<Res>(method: string, request: unknown): Promise<Res> {
    const client = this.client as unknown as Record<
      string,
      (r: unknown, cb: (e: unknown, r: Res) => void) => void
    >;
    return new Promise((resolve, reject) =>
      client[method]!.call(this.client, request, (error, response) =>
        error ? reject(decodeError(error)) : resolve(response),
      ),
    );
  }

  async getPluginVersion(): Promise<string> {
    return (await this.rpc<PluginPb.PluginInfo>("getPluginInfo", new Empty())).getVersion();
  }

  async getSchema(): Promise<string> {
    return (await this.rpc<ProviderPb.GetSchemaResponse>("getSchema", new pb.GetSchemaRequest())).getSchema();
  }

  async checkConfig(news: Props) {
    const r = await this.rpc<ProviderPb.CheckResponse>(
      "checkConfig",
      new pb.CheckRequest()
        .setUrn(urnOf("pulumi:providers:hyperv-replica", "default"))
        .setNews(toStruct(news)),
    );
    return failuresOf(r);
  }

  async configure(args: Props): Promise<Props> {
    const r = await this.rpc<ProviderPb.ConfigureResponse>(
      "configure",
      new pb.ConfigureRequest().setArgs(toStruct(args)),
    );
    return r.toObject() as unknown as Props;
  }

  /** Configure as older engines send it: only the variables map (`hyperv-replica:config:<key>`), no args. */
  async configureVariables(variables: Record<string, string>): Promise<void> {
    const request = new pb.ConfigureRequest();
    for (const [key, value] of Object.entries(variables)) request.getVariablesMap().set(key, value);
    await this.rpc("configure", request);
  }

  async check(urn: string, olds: Props, news: Props) {
    const r = await this.rpc<ProviderPb.CheckResponse>(
      "check",
      new pb.CheckRequest().setUrn(urn).setOlds(toStruct(olds)).setNews(toStruct(news)),
    );
    return { inputs: fromStruct(r.getInputs()), failures: failuresOf(r) };
  }

  /** `ignoreChanges`: the resource option, which the engine sends in DiffRequest. */
  async diff(urn: string, id: string, olds: Props, news: Props, oldInputs?: Props, ignoreChanges?: string[]) {
    const request = new pb.DiffRequest()
      .setUrn(urn)
      .setId(id)
      .setOlds(toStruct(olds))
      .setNews(toStruct(news));
    if (oldInputs) request.setOldInputs(toStruct(oldInputs));
    if (ignoreChanges) request.setIgnorechangesList(ignoreChanges);
    const r = await this.rpc<ProviderPb.DiffResponse>("diff", request);
    return {
      changes: r.getChanges(),
      replaces: r.getReplacesList(),
      diffs: r.getDiffsList(),
      hasDetailedDiff: r.getHasdetaileddiff(),
      detailedDiff: detailedDiffOf(r),
    };
  }

  /** `timeout`: the resource's customTimeouts.create in seconds, as the engine sends it (0: none). */
  async create(urn: string, inputs: Props, timeout = 0) {
    const r = await this.rpc<ProviderPb.CreateResponse>(
      "create",
      new pb.CreateRequest().setUrn(urn).setProperties(toStruct(inputs)).setTimeout(timeout),
    );
    return { id: r.getId(), outs: fromStruct(r.getProperties()) };
  }

  async read(urn: string, id: string, props: Props, inputs: Props = {}) {
    const r = await this.rpc<ProviderPb.ReadResponse>(
      "read",
      new pb.ReadRequest().setUrn(urn).setId(id).setProperties(toStruct(props)).setInputs(toStruct(inputs)),
    );
    return { id: r.getId(), props: fromStruct(r.getProperties()), inputs: fromStruct(r.getInputs()) };
  }

  /** `timeout`: the resource's customTimeouts.update in seconds, as the engine sends it (0: none). */
  async update(urn: string, id: string, olds: Props, news: Props, ignoreChanges?: string[], timeout = 0) {
    const request = new pb.UpdateRequest()
      .setUrn(urn)
      .setId(id)
      .setOlds(toStruct(olds))
      .setNews(toStruct(news))
      .setTimeout(timeout);
    if (ignoreChanges) request.setIgnorechangesList(ignoreChanges);
    const r = await this.rpc<ProviderPb.UpdateResponse>("update", request);
    return fromStruct(r.getProperties());
  }

  /**
   * Check and Update with the properties as Structs, passed on as the engine passes bytes, so that a benchmark's
   * process (the engine's stand-in, on the same CPUs) does no conversions of its own: Check's inputs as returned.
   */
  async checkStructs(urn: string, olds: StructMessage, news: StructMessage): Promise<StructMessage> {
    const request = new pb.CheckRequest().setUrn(urn).setOlds(olds).setNews(news);
    return (await this.rpc<ProviderPb.CheckResponse>("check", request)).getInputs()!;
  }

  async updateStructs(
    urn: string,
    id: string,
    olds: StructMessage,
    news: StructMessage,
  ): Promise<StructMessage> {
    const request = new pb.UpdateRequest().setUrn(urn).setId(id).setOlds(olds).setNews(news);
    return (await this.rpc<ProviderPb.UpdateResponse>("update", request)).getProperties()!;
  }

  async delete(urn: string, id: string, props: Props): Promise<void> {
    await this.rpc("delete", new pb.DeleteRequest().setUrn(urn).setId(id).setProperties(toStruct(props)));
  }

  async invoke(token: string, args: Props) {
    const r = await this.rpc<ProviderPb.InvokeResponse>(
      "invoke",
      new pb.InvokeRequest().setTok(token).setArgs(toStruct(args)),
    );
    return fromStruct(r.getReturn());
  }

  /** An Invoke's refused arguments, as the engine reads them from the response. */
  async invokeFailures(token: string, args: Props) {
    const r = await this.rpc<ProviderPb.InvokeResponse>(
      "invoke",
      new pb.InvokeRequest().setTok(token).setArgs(toStruct(args)),
    );
    return failuresOf(r);
  }

  /** DiffConfig of two provider configurations: what changed, and each key's kind of change. */
  async diffConfig(olds: Props, news: Props) {
    const r = await this.rpc<ProviderPb.DiffResponse>(
      "diffConfig",
      new pb.DiffRequest()
        .setUrn(urnOf("pulumi:providers:hyperv-replica", "default"))
        .setOlds(toStruct(olds))
        .setNews(toStruct(news)),
    );
    return { changes: r.getChanges(), diffs: r.getDiffsList(), detailedDiff: detailedDiffOf(r) };
  }

  async cancel(): Promise<void> {
    await this.rpc("cancel", new Empty());
  }

  /** Kills the "engine" (the shell) and closes the plugin's pipes; the plugin itself is left to notice. */
  abandon(): void {
    this.client.close();
    killEngine(this.child);
  }

  /** Settles once the plugin's process has exited, however it ended. */
  exited(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => this.child.once("exit", () => resolve()));
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGINT");
    await exited;
  }
}

function detailedDiffOf(r: ProviderPb.DiffResponse) {
  const kinds = Object.fromEntries(Object.entries(pb.PropertyDiff.Kind).map(([k, v]) => [v, k]));
  const diffs: Record<string, { kind: string | undefined; inputDiff: boolean }> = {};
  r.getDetaileddiffMap().forEach((d, key) => {
    diffs[key] = { kind: kinds[d.getKind()], inputDiff: d.getInputdiff() };
  });
  return diffs;
}

function failuresOf(r: ProviderPb.CheckResponse | ProviderPb.InvokeResponse) {
  return r.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() }));
}

function decodeError(error: unknown): RpcError {
  const e = error as {
    code: number;
    details?: string;
    message: string;
    metadata?: { get(k: string): unknown[] };
  };
  const result = Object.assign(new Error(e.details ?? e.message), { code: e.code }) as RpcError;
  const raw = e.metadata?.get("grpc-status-details-bin")[0] as Uint8Array | undefined;
  const any = raw ? statusPb.Status.deserializeBinary(raw).getDetailsList()[0] : undefined;
  if (any?.getTypeUrl() === "type.googleapis.com/pulumirpc.ErrorResourceInitFailed") {
    const detail = pb.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
    result.partial = {
      id: detail.getId(),
      properties: fromStruct(detail.getProperties()),
      reasons: detail.getReasonsList(),
    };
  }
  return result;
}

/**
 * A request whose every U+0800 travels as the bytes of a lone U+D800 (ED A0 80, as WTF-8 writes it). An engine or
 * language host may send such bytes; google-protobuf would drop a lone surrogate when encoding, so a test cannot
 * send one otherwise. The plugin's decoder turns the bytes back into "\ud800".
 */
export function withLoneSurrogates<T extends { serializeBinary(): Uint8Array }>(message: T): T {
  const encode = message.serializeBinary.bind(message);
  message.serializeBinary = () => {
    const bytes = Buffer.from(encode());
    for (let at = bytes.indexOf("e0a080", 0, "hex"); at >= 0; at = bytes.indexOf("e0a080", at, "hex"))
      bytes[at] = 0xed;
    return bytes;
  };
  return message;
}
