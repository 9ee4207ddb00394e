/**
 * The two plugins `npm run bench:scale` drives, behind one shape: @pulumi/pulumi's dynamic-provider plugin, which
 * loads our runtime from the program's serialized provider, and our native plugin (the npm package's bin, a bundle).
 * Both host the same runtime; what differs is the host process and what each request carries.
 */
import * as path from "node:path";
import { collectionFailoverProvider } from "../../provider/resources/collectionFailover/provider";
import { tokenOf } from "../../provider/doors/native/provider";
import { Struct, type StructMessage } from "../../provider/doors/native/rpc";
import { FakeEngine, NativePlugin, urnOf } from "../../test/harness/nativePlugin";
import { makeProjectDir, Plugin, REPO_ROOT, serializeProvider } from "../../test/harness/plugin";

export type PluginKind = "dynamic" | "native";

/** A CollectionFailover's inputs as a program declares them: the provider adds what its door needs. */
export interface FailoverInputs {
  readonly collectionName: string;
  readonly failoverState: string;
  readonly startVirtualMachines: boolean;
}

export interface BenchPlugin {
  /** The plugin's process id, for its CPU time and RSS. */
  readonly pid: number;
  /** The program's inputs as this plugin receives them. */
  inputs(program: FailoverInputs): object;
  /** `hyperv-replica:<key>` settings. */
  configure(config: Record<string, string>): Promise<void>;
  check(name: string, olds: object, news: object): Promise<object>;
  create(name: string, inputs: object): Promise<{ id: string; outs: object }>;
  /** Check and Update on Structs passed through unchanged, as the engine passes bytes. */
  checkStructs(name: string, olds: unknown, news: unknown): Promise<unknown>;
  updateStructs(name: string, id: string, olds: unknown, news: unknown): Promise<unknown>;
  struct(value: object): unknown;
  stop(): Promise<void>;
}

export interface PluginStart {
  /** The project directory: the plugin's working directory. */
  readonly cwd: string;
  /** The package's root (this checkout, or an older build's with `--before`). */
  readonly root: string;
  readonly nodeArgs: readonly string[];
}

/** A project directory whose node_modules holds the package at `root`, from which the dynamic plugin loads it. */
export function projectDir(root = REPO_ROOT): string {
  return makeProjectDir("hvr-bench-", root);
}

export async function startPlugin(kind: PluginKind, options: PluginStart): Promise<BenchPlugin> {
  return kind === "dynamic" ? startDynamic(options) : startNative(options);
}

async function startDynamic(options: PluginStart): Promise<BenchPlugin> {
  const plugin = await Plugin.start({ cwd: options.cwd, nodeArgs: options.nodeArgs });
  const provider = await serializeProvider(collectionFailoverProvider);
  return {
    pid: plugin.pid,
    inputs: (program) => ({ ...program, __provider: provider }),
    configure: (config) => plugin.configure(config),
    check: async (_name, olds, news) => (await plugin.check(olds, news)).inputs,
    create: (_name, inputs) => plugin.create(inputs),
    checkStructs: (_name, olds, news) => plugin.checkStructs(olds, news),
    updateStructs: (_name, id, olds, news) => plugin.updateStructs(id, olds, news),
    struct: (value) => Plugin.struct(value),
    stop: () => plugin.stop(),
  };
}

async function startNative(options: PluginStart): Promise<BenchPlugin> {
  const engine = await FakeEngine.start();
  const plugin = await NativePlugin.start({
    engine,
    cwd: options.cwd,
    main: path.join(options.root, "dist", "plugin.js"),
    nodeArgs: options.nodeArgs,
  });
  const urn = (name: string) => urnOf(tokenOf("CollectionFailover"), name);
  return {
    pid: plugin.pid,
    inputs: (program) => program,
    configure: async (config) => {
      const keys = Object.entries(config).map(([k, v]) => [k.replace(/^hyperv-replica:/, ""), v]);
      await plugin.configure(Object.fromEntries(keys) as Record<string, string>);
    },
    check: async (name, olds, news) => (await plugin.check(urn(name), olds as never, news as never)).inputs,
    create: (name, inputs) => plugin.create(urn(name), inputs as never),
    checkStructs: (name, olds, news) =>
      plugin.checkStructs(urn(name), olds as StructMessage, news as StructMessage),
    updateStructs: (name, id, olds, news) =>
      plugin.updateStructs(urn(name), id, olds as StructMessage, news as StructMessage),
    struct: (value) => Struct.fromJavaScript(value as never),
    stop: async () => {
      await plugin.stop();
      await engine.stop();
    },
  };
}
