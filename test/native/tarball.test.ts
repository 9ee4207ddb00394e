/**
 * The plugin tarball `npm run plugin:package` builds, unpacked by Pulumi's own rules (see pulumiExtract.ts) and
 * started from its launcher as the engine starts a plugin. `.ci/run` names the tarball it built in
 * HVR_PLUGIN_TARBALL; without that variable the test builds the tarball itself (esbuild takes about a second).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE, ENTRY, pluginFiles, tarballName } from "../../scripts/plugin/files";
import { tarGz } from "../../scripts/plugin/tar";
import { FakeEngine, NativePlugin, urnOf } from "../harness/nativePlugin";
import { REPO_ROOT } from "../harness/plugin";
import { tokenOf } from "../../provider/doors/native/provider";
import { SQL } from "./fixtures";
import { entriesOf, extractLikePulumi } from "./pulumiExtract";

const LAUNCHER = "pulumi-resource-hyperv-replica";
const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  version: string;
};
const SHIPPED_POWERSHELL = fs
  .readdirSync(path.join(REPO_ROOT, "provider", "powershell"))
  .filter((name) => name.endsWith(".ps1") || name === "sshAskpass.cjs")
  .map((name) => `dist/powershell/${name}`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-plugin-install-"));
let tarballPath: string;
let tarball: Buffer;

beforeAll(async () => {
  tarballPath = process.env.HVR_PLUGIN_TARBALL ?? path.join(dir, tarballName(version, "linux", "amd64"));
  if (process.env.HVR_PLUGIN_TARBALL === undefined) fs.writeFileSync(tarballPath, tarGz(await pluginFiles()));
  tarball = fs.readFileSync(tarballPath);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every path under `root`, with what lstat says it is. */
function walk(root: string, relative = ""): { path: string; kind: string; mode: number }[] {
  return fs.readdirSync(path.join(root, relative)).flatMap((name) => {
    const rel = relative ? `${relative}/${name}` : name;
    const stat = fs.lstatSync(path.join(root, rel));
    if (stat.isDirectory()) return walk(root, rel);
    const kind = stat.isFile() ? "file" : stat.isSymbolicLink() ? "symlink" : "other";
    return [{ path: rel, kind, mode: stat.mode & 0o777 }];
  });
}

delete process.env.NODE_POWERSHELL;

describe("the plugin tarball", () => {
  const unpacked = path.join(dir, "plugin");

  it("is named for the version, holds only directories and regular files, and unpacks by Pulumi's rules", () => {
    expect(path.basename(tarballPath)).toMatch(new RegExp(`^${LAUNCHER}-v${version}-\\w+-\\w+\\.tar\\.gz$`));
    expect(entriesOf(tarball).filter(({ entry }) => !["0", "5"].includes(entry.type))).toEqual([]);
    extractLikePulumi(tarball, unpacked);
    const files = walk(unpacked);
    expect(files.filter((f) => f.kind !== "file")).toEqual([]);
    expect(files.map((f) => f.path).sort()).toEqual(
      [
        "LICENSE",
        ENTRY,
        BUNDLE,
        "package.json",
        LAUNCHER,
        `${LAUNCHER}.cmd`,
        "schema.json",
        "THIRD-PARTY-NOTICES",
        ...SHIPPED_POWERSHELL,
      ].sort(),
    );
  });

  it("has an executable launcher for Linux and macOS and a .cmd launcher for Windows, both starting the bundle", () => {
    const mode = (name: string) => fs.statSync(path.join(unpacked, name)).mode & 0o111;
    expect(mode(LAUNCHER)).toBe(0o111);
    expect(fs.readFileSync(path.join(unpacked, LAUNCHER), "utf8")).toBe(
      `#!/bin/sh\nexec node "$(dirname "$0")/${ENTRY}" "$@"\n`,
    );
    expect(fs.readFileSync(path.join(unpacked, `${LAUNCHER}.cmd`), "utf8")).toBe(
      `@echo off\r\nnode "%~dp0${ENTRY.replaceAll("/", "\\")}" %*\r\n`,
    );
  });

  it("bundles only what the plugin loads: grpc-js, google-protobuf and Pulumi's generated stubs", () => {
    const notices = fs.readFileSync(path.join(unpacked, "THIRD-PARTY-NOTICES"), "utf8");
    expect([...notices.matchAll(/^== (\S+) /gm)].map((m) => m[1])).toEqual([
      "@grpc/grpc-js",
      "@js-sdsl/ordered-map",
      "@pulumi/pulumi",
      "google-protobuf",
    ]);
    expect(fs.statSync(path.join(unpacked, BUNDLE)).size).toBeLessThan(1_500_000);
  });

  it.skipIf(process.platform === "win32")("answers --version and --help from its launcher and exits", () => {
    const run = (flag: string) => execFileSync(path.join(unpacked, LAUNCHER), [flag], { encoding: "utf8" });
    expect(run("--version")).toBe(`${version}\n`);
    expect(run("--help")).toMatch(/^pulumi-resource-hyperv-replica: the Pulumi resource provider plugin/);
  });

  it.skipIf(process.platform === "win32")(
    "starts from its launcher as the engine starts it, answers GetPluginInfo, GetSchema and Check, and keeps its compiled code",
    async () => {
      const engine = await FakeEngine.start();
      const plugin = await NativePlugin.start({
        engine,
        cwd: dir,
        executable: path.join(unpacked, LAUNCHER),
      });
      try {
        expect(await plugin.getPluginVersion()).toBe(version);
        expect(await plugin.getSchema()).toBe(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8"));
        const urn = urnOf(tokenOf("CollectionFailover"), "sql");
        const checked = await plugin.check(urn, {}, { collectionName: "sql", failoverState: "sideways" });
        expect(checked.failures.map((f) => f.property)).toEqual(["failoverState"]);
        const cache = path.join(unpacked, "dist", ".compile-cache");
        expect(fs.readdirSync(cache, { recursive: true }).length).toBeGreaterThan(0);
      } finally {
        await plugin.stop();
        await engine.stop();
      }
    },
  );

  it.skipIf(process.platform === "win32")(
    "finds the bridge script beside its bundle (a stand-in PowerShell records the path it is given)",
    async () => {
      const seen = path.join(dir, "bridge-script-seen");
      const pwsh = path.join(dir, "stand-in-pwsh");
      fs.writeFileSync(pwsh, `#!/bin/sh\nprintf '%s' "$HVR_BRIDGE_SCRIPT" > '${seen}'\nexit 3\n`, {
        mode: 0o755,
      });
      const engine = await FakeEngine.start();
      const plugin = await NativePlugin.start({
        engine,
        cwd: dir,
        executable: path.join(unpacked, LAUNCHER),
      });
      try {
        await plugin.configure({ transport: "local", powershell: pwsh });
        const urn = urnOf(tokenOf("CollectionFailover"), "sql");
        await expect(plugin.read(urn, SQL, { collectionId: SQL })).rejects.toThrow(/PowerShell/);
        expect(fs.readFileSync(seen, "utf8")).toBe(path.join(unpacked, "dist", "powershell", "bridge.ps1"));
      } finally {
        await plugin.stop();
        await engine.stop();
      }
    },
  );
});
