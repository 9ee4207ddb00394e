// Builds the native plugin's tarball, which `pulumi plugin install resource hyperv-replica <version> --file <tgz>`
// accepts: the launchers pulumi-resource-hyperv-replica (sh) and pulumi-resource-hyperv-replica.cmd (Windows) at
// its root, beside node_modules/ with this package and its production dependencies. The plugin is JavaScript, so
// one tarball serves every OS and architecture; it needs Node.js 22 or later on PATH.
//
// Usage: node scripts/package-plugin.mjs [--from <npm pack tarball>] [--out <dir>] [--os <os>] [--arch <arch>]
// Without --from, `npm pack` makes the package first (prepack builds dist/).
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    from: { type: "string" },
    out: { type: "string", default: "." },
    os: { type: "string", default: { win32: "windows" }[process.platform] ?? process.platform },
    arch: { type: "string", default: { x64: "amd64" }[process.arch] ?? process.arch },
  },
});

const NAME = "pulumi-resource-hyperv-replica";
const MAIN = "node_modules/pulumi-hyperv-replica/dist/doors/native/main.js";
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const { version } = JSON.parse(readFileSync("package.json", "utf8"));
const stage = mkdtempSync(join(tmpdir(), "hvr-plugin-"));

try {
  const packed = values.from ? resolve(values.from) : pack(stage);
  const root = join(stage, "plugin");
  mkdirSync(root);
  copyFileSync(packed, join(stage, basename(packed)));
  writeFileSync(
    join(root, "package.json"),
    JSON.stringify({
      private: true,
      dependencies: { "pulumi-hyperv-replica": `file:../${basename(packed)}` },
    }),
  );
  execFileSync(npm, ["install", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  writeFileSync(join(root, NAME), `#!/bin/sh\nexec node "$(dirname "$0")/${MAIN}" "$@"\n`);
  chmodSync(join(root, NAME), 0o755);
  writeFileSync(join(root, `${NAME}.cmd`), `@echo off\r\nnode "%~dp0${MAIN.replaceAll("/", "\\")}" %*\r\n`);
  const tarball = resolve(values.out, `${NAME}-v${version}-${values.os}-${values.arch}.tar.gz`);
  mkdirSync(values.out, { recursive: true });
  execFileSync("tar", ["-czf", tarball, "-C", root, "."]);
  console.log(tarball);
} finally {
  rmSync(stage, { recursive: true, force: true });
}

function pack(dir) {
  const out = execFileSync(npm, ["pack", "--json", "--pack-destination", dir], { encoding: "utf8" });
  return join(dir, JSON.parse(out)[0].filename);
}
