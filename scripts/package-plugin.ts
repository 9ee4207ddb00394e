/**
 * `npm run plugin:package`: the native plugin's tarball, which `pulumi plugin install resource hyperv-replica
 * <version> --file <tgz>` accepts (see scripts/plugin/files.ts for what it holds). The plugin is JavaScript, so one
 * tarball serves every OS and architecture; it needs Node.js 22 or later on PATH. Prints the tarball's path.
 *
 * Usage: tsx scripts/package-plugin.ts [--out <dir>] [--os <os>] [--arch <arch>]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { pluginFiles, tarballName } from "./plugin/files";
import { tarGz } from "./plugin/tar";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: "." },
    os: { type: "string", default: { win32: "windows" }[process.platform as string] ?? process.platform },
    arch: { type: "string", default: { x64: "amd64" }[process.arch as string] ?? process.arch },
  },
});

async function main(): Promise<void> {
  const { version } = JSON.parse(fs.readFileSync("package.json", "utf8")) as { version: string };
  const tarball = path.resolve(values.out, tarballName(version, values.os, values.arch));
  fs.mkdirSync(values.out, { recursive: true });
  fs.writeFileSync(tarball, tarGz(await pluginFiles()));
  console.log(tarball);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
