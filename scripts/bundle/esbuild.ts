/**
 * One esbuild bundle of an entry point of provider/, for the doors that start cold in a process of their own: the
 * native plugin (the tarball's, scripts/plugin/files.ts, and the npm package's bin) and the dynamic provider's runtime
 * (both in dist/: scripts/bundle-dist.ts). A process then reads and compiles one file instead of a hundred.
 * Identifiers are kept, so that a stack trace still names our functions.
 *
 * Each module of a bundle keeps the `__dirname` it has in dist/ (dist/powershell for the bridge's modules), so a
 * bundle written to <dir>/plugin.js finds the files that ship beside the modules in <dir>/powershell, as in dist/.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as esbuild from "esbuild";

export const ROOT = path.resolve(__dirname, "..", "..");
const SOURCE = path.join(ROOT, "provider");

/**
 * Loaded by @grpc/grpc-js only to serve channelz or ORCA, which the plugin never does (grpc-js requires it inside
 * those functions, so that it is not loaded otherwise): left out of a plugin's bundle.
 */
export const NEVER_LOADED = ["@grpc/proto-loader"];

export interface BundleOptions {
  /** An entry point, relative to provider/. */
  readonly entry: string;
  /**
   * Packages left to `require` at run time: all of them, or the names given (never loaded, or not bundled). With all
   * of them, the native plugin's rpc.ts keeps taking grpc-js, google-protobuf and the stubs from @pulumi/pulumi's
   * own tree at run time, as in dist/; otherwise they are bundled from that tree.
   */
  readonly external: "packages" | readonly string[];
  /**
   * Folders of provider/ that the bundle, written into dist/, loads from tsc's output beside it rather than holding
   * a copy: each is imported lazily, so it costs nothing until used, and every module of the process that loads it
   * shares that one copy.
   */
  readonly fromDist?: readonly string[];
  /**
   * Folders of provider/ that the bundle loads from dist/ at once, because the `fromDist` folders import them too:
   * one copy in the process, so that a class the code checks with `instanceof` (CimError, which the simulator and
   * the bridge throw and the runtime classifies) is one class.
   */
  readonly sharedFromDist?: readonly string[];
}

export interface Bundle {
  readonly code: Buffer;
  /** The folder (relative to the repository) of each package the bundle holds code of. */
  readonly packages: readonly string[];
}

export async function bundle(options: BundleOptions): Promise<Bundle> {
  const result = await esbuild.build({
    entryPoints: [path.join(SOURCE, options.entry)],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "eof",
    ...(options.external === "packages" ? { packages: "external" } : { external: [...options.external] }),
    write: false,
    metafile: true,
    outfile: "bundle.js",
    logLevel: "error",
    plugins: [
      distDirname,
      ...(options.external === "packages" ? [] : [pulumiTree]),
      fromDist(options.fromDist ?? [], options.sharedFromDist ?? []),
    ],
  });
  const packages = Object.keys(result.metafile.inputs)
    .map((input) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1])
    .filter((dir): dir is string => dir !== undefined);
  return { code: Buffer.from(result.outputFiles[0]!.contents), packages: [...new Set(packages)].sort() };
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

/** Imports of provider/<folder>/... left to load from dist/<folder>/... at run time. */
function fromDist(folders: readonly string[], shared: readonly string[]): esbuild.Plugin {
  return {
    name: "from-dist",
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = path
          .relative(SOURCE, path.resolve(args.resolveDir, args.path))
          .split(path.sep)
          .join("/");
        if (shared.includes(target.split("/")[0]!)) return { path: `./${distFile(target)}`, external: true };
        if (!folders.includes(target.split("/")[0]!)) return undefined;
        if (!target.endsWith(".js"))
          throw new Error(`${args.importer}: import ${args.path} as <path>/index.js`);
        return { path: `./${target}`, external: true };
      });
    },
  };
}

/** The file tsc writes for an import of provider/<target>: <target>.js, or <target>/index.js for a folder. */
function distFile(target: string): string {
  if (target.endsWith(".js")) return target;
  return fs.existsSync(path.join(SOURCE, `${target}.ts`)) ? `${target}.js` : `${target}/index.js`;
}

/**
 * rpc.ts takes grpc-js, google-protobuf and the generated stubs from @pulumi/pulumi's own dependency tree with a
 * `createRequire`, which a bundler cannot follow: here the same names are plain requires resolved from that tree.
 */
const pulumiTree: esbuild.Plugin = {
  name: "pulumi-tree",
  setup(build) {
    build.onLoad({ filter: /[\\/]doors[\\/]native[\\/]rpc\.ts$/ }, (args) => {
      const pulumiDir = path.dirname(createRequire(args.path).resolve("@pulumi/pulumi/package.json"));
      const source = fs.readFileSync(args.path, "utf8");
      const declaration = /^const fromPulumi = createRequire\(.*\);$/m;
      if (!declaration.test(source))
        throw new Error(`${args.path}: no 'const fromPulumi = createRequire(...)' line`);
      const contents = source.replace(declaration, "").replaceAll("fromPulumi(", "require(");
      return { contents, loader: "ts", resolveDir: pulumiDir };
    });
  },
};

/**
 * The file a native plugin's bundle is started from: it enables Node's compile cache (Node 22.1 and later) in
 * `.compile-cache` beside it, then runs the bundle. V8 would otherwise compile the bundle at every start; with the
 * cache, a start after the first reads the code it compiled, checked against the source. The folder is inside the
 * plugin's own install folder, so only whoever can write the bundle can write the cache (a shared folder such as the
 * temp directory would let another account plant compiled code). Where it cannot be written, Node starts without it.
 */
export function launcherSource(bundleFile: string): string {
  return `#!/usr/bin/env node
"use strict";
// Starts the plugin (${bundleFile}) with Node's compile cache in .compile-cache beside it, so that a start after the
// first reads the compiled code instead of compiling the bundle again.
require("node:module").enableCompileCache?.(require("node:path").join(__dirname, ".compile-cache"));
require("./${bundleFile}").run();
`;
}

/** The name, version and licence text of each package a bundle holds code of, as their licences ask. */
export function notices(bundleName: string, packageDirs: readonly string[]): string {
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
  return `${bundleName} holds code of these packages.\n\n${sections.join(`\n${"-".repeat(72)}\n\n`)}`;
}
