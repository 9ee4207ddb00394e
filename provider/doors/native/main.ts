#!/usr/bin/env node
/**
 * `pulumi-resource-hyperv-replica`: the native provider plugin, for Pulumi programs in any language. The engine
 * starts it with its own address as the last argument (after flags such as `--logtostderr`, `-v=9` and
 * `--tracing <endpoint>`) and reads the port it listens on from its first line of stdout, so nothing else may be
 * written to stdout: the runtime's lines go to the engine's Log service instead.
 */
import * as fs from "node:fs";
import { flushCompileCache } from "node:module";
import * as path from "node:path";
import { systemClock } from "../../clock";
import { createRuntime } from "../dynamic";
import { settlePluginProcess } from "../pluginProcess";
import { cancellableClock } from "./cancel";
import { connectEngineLog } from "./engineLog";
import { createNativeProvider } from "./provider";
import { grpc, providerGrpc } from "./rpc";
import { currentUrn, providerService } from "./server";

/** The engine's address: the first argument that is not one of the engine's flags. */
export function engineAddress(args: readonly string[]): string | undefined {
  let skipNext = false;
  for (const arg of args) {
    if (skipNext) skipNext = false;
    else if (arg === "--tracing") skipNext = true;
    else if (arg !== "--logtostderr" && !arg.startsWith("-v=")) return arg;
  }
  return undefined;
}

/** schema.json and package.json sit at the package root, three levels above this file in dist/ and in provider/. */
const PACKAGE_ROOT = path.resolve(__dirname, "..", "..", "..");

const HELP = `pulumi-resource-hyperv-replica: the Pulumi resource provider plugin for Hyper-V Replica VM collections.

The Pulumi engine starts it; it is not run by hand. Install it with
  pulumi plugin install resource hyperv-replica <version> --file <tarball>
and use it from a Pulumi program in any language (see schema.json and the README).

Options: --help, --version`;

function readVersion(): string {
  const pkg = path.join(PACKAGE_ROOT, "package.json");
  return (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version: string }).version;
}

/** `--help` and `--version` answer and exit; the engine never passes either. */
function answerFlag(args: readonly string[]): boolean {
  if (args.includes("--help") || args.includes("-h")) process.stdout.write(`${HELP}\n`);
  else if (args.includes("--version")) process.stdout.write(`${readVersion()}\n`);
  else return false;
  return true;
}

async function main(args: readonly string[]): Promise<void> {
  if (answerFlag(args)) return;
  const engineLog = connectEngineLog(engineAddress(args));
  const cancellable = cancellableClock(systemClock);
  const runtime = createRuntime({
    clock: cancellable.clock,
    log: (line, kind) => engineLog.log(currentUrn(), line, kind ?? "info"),
    // Progress is ephemeral here, each line in place of the last: every change is worth showing.
    progressCadence: null,
  });
  const version = readVersion();
  const server = new grpc.Server();
  server.addService(
    providerGrpc.ResourceProviderService,
    providerService({
      provider: createNativeProvider(runtime, cancellable.clock),
      schema: fs.readFileSync(path.join(PACKAGE_ROOT, "schema.json"), "utf8"),
      version,
      cancel: () => cancellable.cancel(),
    }),
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  process.stdout.write(`${port}\n`);
  settlePluginProcess();
  // Where the launcher enabled Node's compile cache, the code compiled so far is written now: the engine ends a
  // plugin with a kill, which leaves no exit for Node to write it at. (Node 22.10 and later.)
  flushCompileCache?.();
}

/** Starts the plugin with this process's arguments: `node main.js`, or the tarball's launcher through its bundle. */
export function run(): void {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(
      `pulumi-resource-hyperv-replica: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}

if (require.main === module) run();
