/**
 * The plugin tarball `npm run plugin:package` builds, unpacked as `pulumi plugin install resource hyperv-replica
 * <version> --file <tgz>` unpacks it, and its launcher started as the engine starts a plugin. Building the tarball
 * installs the package's dependencies with npm, so `.ci/run` builds it once and names it in HVR_PLUGIN_TARBALL;
 * without that variable this test reports itself skipped.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FakeEngine, NativePlugin } from "../harness/nativePlugin";
import { REPO_ROOT } from "../harness/plugin";

const TARBALL = process.env.HVR_PLUGIN_TARBALL;
const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  version: string;
};
const MAIN = "node_modules/pulumi-hyperv-replica/dist/doors/native/main.js";

describe.skipIf(TARBALL === undefined)(
  `the plugin tarball${TARBALL === undefined ? " (skipped: HVR_PLUGIN_TARBALL is not set; .ci/run builds the tarball and sets it)" : ""}`,
  () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-plugin-install-"));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("is named for the version and unpacks to the two launchers beside node_modules", () => {
      expect(path.basename(TARBALL!)).toMatch(
        new RegExp(`^pulumi-resource-hyperv-replica-v${version}-\\w+-\\w+\\.tar\\.gz$`),
      );
      execFileSync("tar", ["-xzf", TARBALL!, "-C", dir]);
      expect(fs.readdirSync(dir).sort()).toEqual([
        "node_modules",
        "package-lock.json",
        "package.json",
        "pulumi-resource-hyperv-replica",
        "pulumi-resource-hyperv-replica.cmd",
      ]);
      expect(fs.readFileSync(path.join(dir, "pulumi-resource-hyperv-replica.cmd"), "utf8")).toBe(
        `@echo off\r\nnode "%~dp0${MAIN.replaceAll("/", "\\")}" %*\r\n`,
      );
      expect(fs.existsSync(path.join(dir, MAIN))).toBe(true);
    });

    it("starts from its launcher as the engine starts it, and serves its version and schema.json", async () => {
      const engine = await FakeEngine.start();
      const plugin = await NativePlugin.start({
        engine,
        cwd: dir,
        executable: path.join(dir, "pulumi-resource-hyperv-replica"),
      });
      try {
        expect(await plugin.getPluginVersion()).toBe(version);
        expect(await plugin.getSchema()).toBe(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8"));
      } finally {
        await plugin.stop();
        await engine.stop();
      }
    });
  },
);
