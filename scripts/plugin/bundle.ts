/**
 * The native plugin as Pulumi installs it: one JavaScript bundle (esbuild) with the files it reads at run time, and
 * the launchers the engine starts. The bundle holds only what the plugin loads: our runtime, @grpc/grpc-js,
 * google-protobuf and the few generated stubs of @pulumi/pulumi it speaks, none of the SDK's other dependencies.
 *
 * Layout, from the plugin's directory:
 *   pulumi-resource-hyperv-replica       the launcher for Linux and macOS (mode 0755)
 *   pulumi-resource-hyperv-replica.cmd   the launcher for Windows
 *   package.json, schema.json, LICENSE   the version and schema the plugin serves
 *   dist/plugin.js                       the bundle
 *   dist/powershell/*.ps1, sshAskpass.cjs the bridge scripts and the ssh askpass helper, where dist/ has them
 *
 * Each module of the bundle keeps the `__dirname` it has in dist/ (dist/powershell for the bridge's modules), so the
 * runtime finds those files beside the bundle exactly as it finds them in the npm package.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as esbuild from "esbuild";
import type { TarFile } from "./tar";

export const PLUGIN_NAME = "pulumi-resource-hyperv-replica";
export const BUNDLE = "dist/plugin.js";

/** The name `pulumi plugin install` expects of a tarball: pulumi-resource-<name>-v<version>-<os>-<arch>.tar.gz. */
export const tarballName = (version: string, os: string, arch: string) =>
  `${PLUGIN_NAME}-v${version}-${os}-${arch}.tar.gz`;

const ROOT = path.resolve(__dirname, "..", "..");
const SOURCE = path.join(ROOT, "provider");
const ENTRY = path.join(SOURCE, "doors", "native", "main.ts");
const RPC = path.join(SOURCE, "doors", "native", "rpc.ts");

/**
 * Loaded by @grpc/grpc-js only to serve channelz or ORCA, which the plugin never does (grpc-js requires it inside
 * those functions, so that it is not loaded otherwise).
 */
const NEVER_LOADED = ["@grpc/proto-loader"];

/** Every file of the plugin, with its mode: what the tarball holds, and what a test unpacks. */
export async function pluginFiles(): Promise<TarFile[]> {
  const built = await bundle();
  const pkg = JSON.parse(read("package.json").toString("utf8")) as Record<string, unknown>;
  return [
    file(PLUGIN_NAME, `#!/bin/sh\nexec node "$(dirname "$0")/${BUNDLE}" "$@"\n`, 0o755),
    file(`${PLUGIN_NAME}.cmd`, `@echo off\r\nnode "%~dp0${BUNDLE.replaceAll("/", "\\")}" %*\r\n`),
    file("package.json", `${JSON.stringify(pluginPackage(pkg), null, 2)}\n`),
    { path: "schema.json", mode: 0o644, content: read("schema.json") },
    { path: "LICENSE", mode: 0o644, content: read("LICENSE") },
    { path: BUNDLE, mode: 0o644, content: built.code },
    file("THIRD-PARTY-NOTICES", notices(built.packages)),
    ...powershellAssets(),
  ];
}

/** The plugin's package.json: its version, which the plugin serves, and what identifies it; no dependencies. */
function pluginPackage(pkg: Record<string, unknown>) {
  const { name, version, description, license, repository, homepage } = pkg;
  return { name, version, description, license, repository, homepage, private: true };
}

/** The files the bridge loads beside its modules: every script of provider/powershell, and the askpass helper. */
function powershellAssets(): TarFile[] {
  const dir = path.join(SOURCE, "powershell");
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".ps1") || name === "sshAskpass.cjs")
    .map((name) => ({
      path: `dist/powershell/${name}`,
      mode: 0o644,
      content: fs.readFileSync(path.join(dir, name)),
    }));
}

async function bundle(): Promise<{ code: Buffer; packages: string[] }> {
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    legalComments: "eof",
    external: NEVER_LOADED,
    write: false,
    metafile: true,
    outfile: BUNDLE,
    logLevel: "error",
    plugins: [distDirname, pulumiTree],
  });
  const packages = Object.keys(result.metafile.inputs)
    .map((input) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1])
    .filter((dir): dir is string => dir !== undefined);
  return { code: Buffer.from(result.outputFiles[0]!.contents), packages: [...new Set(packages)].sort() };
}

/** The name, version and licence text of each package the bundle holds code of, as their licences ask. */
function notices(packageDirs: readonly string[]): string {
  const sections = packageDirs.map((dir) => {
    const full = path.resolve(ROOT, dir);
    const { name, version, license } = JSON.parse(
      fs.readFileSync(path.join(full, "package.json"), "utf8"),
    ) as {
      name: string;
      version: string;
      license?: string;
    };
    const licenseFile = fs.readdirSync(full).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
    const text = licenseFile
      ? fs.readFileSync(path.join(full, licenseFile), "utf8").trim()
      : `License: ${license}`;
    return `== ${name} ${version}, ${license ?? "licence below"}\n\n${text}\n`;
  });
  return `The plugin's bundle (${BUNDLE}) holds code of these packages.\n\n${sections.join(`\n${"-".repeat(72)}\n\n`)}`;
}

/** `__dirname` in a module of provider/<dir>/ is <bundle's directory>/<dir>, as in dist/. */
const distDirname: esbuild.Plugin = {
  name: "dist-dirname",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = fs.readFileSync(args.path, "utf8");
      const dir = path.relative(SOURCE, path.dirname(args.path)).split(path.sep).join("/");
      if (dir.startsWith("..") || dir === "" || !source.includes("__dirname")) return undefined;
      const moduleDir = `require("node:path").join(__dirname, ${JSON.stringify(dir)})`;
      return { contents: source.replaceAll(/\b__dirname\b/g, moduleDir), loader: "ts" };
    });
  },
};

/**
 * rpc.ts takes grpc-js, google-protobuf and the generated stubs from @pulumi/pulumi's own dependency tree with a
 * `createRequire`, which a bundler cannot follow: here the same names are plain requires resolved from that tree.
 */
const pulumiTree: esbuild.Plugin = {
  name: "pulumi-tree",
  setup(build) {
    const pulumiDir = path.dirname(createRequire(RPC).resolve("@pulumi/pulumi/package.json"));
    build.onLoad({ filter: /[\\/]doors[\\/]native[\\/]rpc\.ts$/ }, (args) => {
      const source = fs.readFileSync(args.path, "utf8");
      const declaration = /^const fromPulumi = createRequire\(.*\);$/m;
      if (!declaration.test(source))
        throw new Error(`${args.path}: no 'const fromPulumi = createRequire(...)' line`);
      const contents = source.replace(declaration, "").replaceAll("fromPulumi(", "require(");
      return { contents, loader: "ts", resolveDir: pulumiDir };
    });
  },
};

const read = (name: string) => fs.readFileSync(path.join(ROOT, name));
const file = (name: string, text: string, mode = 0o644): TarFile => ({
  path: name,
  mode,
  content: Buffer.from(text, "utf8"),
});
