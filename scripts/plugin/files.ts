/**
 * The native plugin as Pulumi installs it: one JavaScript bundle (scripts/bundle/esbuild.ts) with the files it reads
 * at run time, and the launchers the engine starts. The bundle holds only what the plugin loads: our runtime,
 * @grpc/grpc-js, google-protobuf and the few generated stubs of @pulumi/pulumi it speaks, none of the SDK's other
 * dependencies.
 *
 * Layout, from the plugin's directory:
 *   pulumi-resource-hyperv-replica        the launcher for Linux and macOS (mode 0755)
 *   pulumi-resource-hyperv-replica.cmd    the launcher for Windows
 *   package.json, schema.json             the version and the schema the plugin serves
 *   LICENSE, THIRD-PARTY-NOTICES          ours, and those of the bundled packages
 *   dist/plugin.js                        what the launchers start: the bundle, with Node's compile cache
 *   dist/bundle.js                        the bundle
 *   dist/powershell/*.ps1, sshAskpass.cjs the bridge's scripts and the ssh askpass helper, where the bundle finds them
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { bundle, launcherSource, NEVER_LOADED, notices, ROOT } from "../bundle/esbuild";
import type { TarFile } from "./tar";

export const PLUGIN_NAME = "pulumi-resource-hyperv-replica";
/** What the launchers start: it enables Node's compile cache, then runs the bundle (see launcherSource). */
export const ENTRY = "dist/plugin.js";
export const BUNDLE = "dist/bundle.js";

/** The name `pulumi plugin install` expects of a tarball: pulumi-resource-<name>-v<version>-<os>-<arch>.tar.gz. */
export const tarballName = (version: string, os: string, arch: string) =>
  `${PLUGIN_NAME}-v${version}-${os}-${arch}.tar.gz`;

/** Every file of the plugin, with its mode: what the tarball holds, and what a test unpacks. */
export async function pluginFiles(): Promise<TarFile[]> {
  const built = await bundle({ entry: "doors/native/main.ts", external: NEVER_LOADED });
  const pkg = JSON.parse(read("package.json").toString("utf8")) as Record<string, unknown>;
  return [
    file(PLUGIN_NAME, `#!/bin/sh\nexec node "$(dirname "$0")/${ENTRY}" "$@"\n`, 0o755),
    file(`${PLUGIN_NAME}.cmd`, `@echo off\r\nnode "%~dp0${ENTRY.replaceAll("/", "\\")}" %*\r\n`),
    file("package.json", `${JSON.stringify(pluginPackage(pkg), null, 2)}\n`),
    { path: "schema.json", mode: 0o644, content: read("schema.json") },
    { path: "LICENSE", mode: 0o644, content: read("LICENSE") },
    file("THIRD-PARTY-NOTICES", notices(`The plugin's bundle (${BUNDLE})`, built.packages)),
    file(ENTRY, launcherSource(path.basename(BUNDLE))),
    { path: BUNDLE, mode: 0o644, content: built.code },
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
  const dir = path.join(ROOT, "provider", "powershell");
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".ps1") || name === "sshAskpass.cjs")
    .map((name) => ({
      path: `dist/powershell/${name}`,
      mode: 0o644,
      content: fs.readFileSync(path.join(dir, name)),
    }));
}

const read = (name: string) => fs.readFileSync(path.join(ROOT, name));
const file = (name: string, text: string, mode = 0o644): TarFile => ({
  path: name,
  mode,
  content: Buffer.from(text, "utf8"),
});
