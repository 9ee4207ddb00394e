/**
 * Drives the real Pulumi dynamic-provider plugin (`@pulumi/pulumi/cmd/dynamic-provider`) over gRPC, the way the
 * Pulumi engine does, without the Pulumi CLI. Used by the end-to-end tests and by `npm run demo`.
 */
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { killEngine, launch } from "./orphan";

/* eslint-disable @typescript-eslint/no-explicit-any -- the generated gRPC stubs are untyped JavaScript */
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
// Take grpc-js and google-protobuf from @pulumi/pulumi's own resolution: the same instances its stubs use.
const fromPulumi = (m: string) => require(require.resolve(m, { paths: [pulumiDir] }));
const grpc = fromPulumi("@grpc/grpc-js");
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");
const pb = require("@pulumi/pulumi/proto/provider_pb");
const { Status } = require("@pulumi/pulumi/proto/status_pb");
const { ResourceProviderClient } = require("@pulumi/pulumi/proto/provider_grpc_pb");

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const REPO_ROOT = path.resolve(__dirname, "../..");

/** The provider text exactly as `pulumi.dynamic.Resource` stores it in `__provider`. */
export async function serializeProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  return (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
}

/**
 * A Pulumi project directory whose node_modules holds this package, as a user's project would: the plugin
 * resolves `require("pulumi-hyperv-replica/...")` from its working directory.
 */
export function makeProjectDir(prefix = "hvr-project-", packageRoot = REPO_ROOT): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(packageRoot, path.join(dir, "node_modules", "pulumi-hyperv-replica"), "dir");
  return dir;
}

/** A gRPC error from the plugin, with the partial-failure outputs when the engine would record some. */
export interface PluginError extends Error {
  code: number;
  details: string;
  partial?: { id: string; properties: Record<string, unknown>; reasons: string[] };
}

export interface PluginOptions {
  /** The Pulumi project directory (the plugin's working directory). */
  cwd: string;
  project?: string;
  env?: NodeJS.ProcessEnv;
  /** Options for the plugin's Node.js, before its entry point (a benchmark's --cpu-prof, for instance). */
  nodeArgs?: readonly string[];
  /** Called for each line the plugin prints after its port (what `pulumi up` shows as diagnostics). */
  onLine?: (line: string) => void;
  /** Start it under a shell that `abandon()` kills, as a killed engine leaves its plugin. */
  orphanable?: boolean;
}

export class Plugin {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    /** The plugin's own pid (the child is a shell in between when the plugin was started `orphanable`). */
    readonly pid: number,
    private readonly client: any,
  ) {}

  static async start(options: PluginOptions): Promise<Plugin> {
    const entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
    const stderr: string[] = [];
    const { child, pid, port, lines } = await launch(
      process.execPath,
      [...(options.nodeArgs ?? []), entry, "127.0.0.1:0"],
      {
        cwd: options.cwd,
        env: { ...process.env, PULUMI_NODEJS_PROJECT: options.project ?? "dr", ...options.env },
        stdio: ["ignore", "pipe", "pipe"],
        orphanable: options.orphanable,
        stderr,
      },
    );
    const plugin = new Plugin(
      child,
      pid,
      new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()),
    );
    plugin.stderr.push(...stderr);
    child.stderr!.on("data", (d) => plugin.stderr.push(String(d)));
    lines.on("line", (l) => {
      plugin.stdout.push(l);
      options.onLine?.(l);
    });
    return plugin;
  }

  private rpc(method: string, request: unknown): Promise<any> {
    return new Promise((resolve, reject) =>
      this.client[method](request, (error: any, response: any) =>
        error ? reject(decodeError(error)) : resolve(response),
      ),
    );
  }

  private message(Class: any, fields: Record<string, unknown>): any {
    const m = new Class();
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      m[`set${k[0]!.toUpperCase()}${k.slice(1)}`](
        typeof v === "object" && v !== null && !(v instanceof Struct) ? Struct.fromJavaScript(v) : v,
      );
    }
    return m;
  }

  /** Configure with the whole stack config, keys as `namespace:key`. */
  async configure(config: Record<string, unknown>): Promise<void> {
    await this.rpc("configure", this.message(pb.ConfigureRequest, { args: config, acceptsecrets: true }));
  }

  async check(olds: object, news: object) {
    const r = await this.rpc("check", this.message(pb.CheckRequest, { olds, news }));
    return {
      inputs: r.getInputs()?.toJavaScript() as Record<string, unknown>,
      failures: r
        .getFailuresList()
        .map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })) as {
        property: string;
        reason: string;
      }[],
    };
  }

  /** `ignoreChanges`: sent as the engine sends it; the dynamic-provider plugin does not pass it to the provider. */
  async diff(id: string, oldOutputs: object, newInputs: object, ignoreChanges?: string[]) {
    const request = this.message(pb.DiffRequest, { id, olds: oldOutputs, news: newInputs });
    if (ignoreChanges) request.setIgnorechangesList(ignoreChanges);
    const r = await this.rpc("diff", request);
    const C = pb.DiffResponse.DiffChanges;
    const changes = r.getChanges();
    return {
      changes: changes === C.DIFF_SOME ? true : changes === C.DIFF_NONE ? false : undefined,
      replaces: r.getReplacesList() as string[],
      deleteBeforeReplace: r.getDeletebeforereplace() as boolean,
    };
  }

  async create(inputs: object) {
    const r = await this.rpc("create", this.message(pb.CreateRequest, { properties: inputs, timeout: 0 }));
    return { id: r.getId() as string, outs: r.getProperties().toJavaScript() as Record<string, unknown> };
  }

  async read(id: string, outputs: object, inputs?: object) {
    const r = await this.rpc("read", this.message(pb.ReadRequest, { id, properties: outputs, inputs }));
    return {
      id: r.getId() as string,
      props: r.getProperties()?.toJavaScript() as Record<string, unknown> | undefined,
      /** The inputs the engine stores from now on, when the provider returned any. */
      inputs: r.getInputs()?.toJavaScript() as Record<string, unknown> | undefined,
    };
  }

  async update(id: string, oldOutputs: object, newInputs: object) {
    const r = await this.rpc(
      "update",
      this.message(pb.UpdateRequest, { id, olds: oldOutputs, news: newInputs, timeout: 0 }),
    );
    return { outs: r.getProperties().toJavaScript() as Record<string, unknown> };
  }

  /**
   * Check and Update with the properties kept as the protobuf Structs the plugin sent, as the engine passes them on
   * without turning them into objects: a benchmark's stand-in engine then leaves the CPU to the plugin it measures.
   */
  async checkStructs(olds: unknown, news: unknown): Promise<unknown> {
    return (await this.rpc("check", this.message(pb.CheckRequest, { olds, news }))).getInputs();
  }

  async updateStructs(id: string, olds: unknown, news: unknown): Promise<unknown> {
    const request = this.message(pb.UpdateRequest, { id, olds, news, timeout: 0 });
    return (await this.rpc("update", request)).getProperties();
  }

  /** A plain object as the Struct a request carries, for {@link checkStructs} and {@link updateStructs}. */
  static struct(value: object): unknown {
    return Struct.fromJavaScript(value);
  }

  async delete(id: string, outputs: object): Promise<void> {
    await this.rpc("delete", this.message(pb.DeleteRequest, { id, properties: outputs }));
  }

  /** Kills the "engine" (the shell) and closes the plugin's pipes; the plugin itself is left to notice. */
  abandon(): void {
    this.client.close();
    killEngine(this.child);
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGINT");
    await exited;
  }
}

function decodeError(error: any): PluginError {
  const result = new Error(error.details ?? error.message) as PluginError;
  result.code = error.code;
  result.details = error.details;
  const raw = error.metadata?.get?.("grpc-status-details-bin")?.[0];
  const any = raw ? Status.deserializeBinary(raw).getDetailsList()[0] : undefined;
  if (any?.getTypeUrl() === "type.googleapis.com/pulumirpc.ErrorResourceInitFailed") {
    const detail = pb.ErrorResourceInitFailed.deserializeBinary(any.getValue());
    result.partial = {
      id: detail.getId(),
      properties: detail.getProperties().toJavaScript(),
      reasons: detail.getReasonsList(),
    };
  }
  return result;
}

/** Outputs without the provider text, for assertions and printing. */
export function withoutProvider(props: Record<string, unknown> | undefined): Record<string, unknown> {
  const { __provider, ...rest } = props ?? {};
  return rest;
}
