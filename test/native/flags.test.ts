/** The plugin's bin answers --help and --version and exits, instead of starting a server and waiting. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PLUGIN_BIN } from "../harness/nativePlugin";

const run = (flag: string) =>
  spawnSync(process.execPath, [PLUGIN_BIN, flag], { encoding: "utf8", timeout: 30_000 });

describe("pulumi-resource-hyperv-replica run by hand", () => {
  it("prints its version for --version and exits 0", () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, "../../package.json"), "utf8"));
    expect(run("--version")).toMatchObject({ status: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("says what it is for --help and exits 0", () => {
    const result = run("--help");
    expect(result).toMatchObject({ status: 0, stderr: "" });
    expect(result.stdout.split("\n")[0]).toBe(
      "pulumi-resource-hyperv-replica: the Pulumi resource provider plugin for Hyper-V Replica VM collections.",
    );
  });

  it("is built with its run bit", () => {
    expect(fs.statSync(PLUGIN_BIN).mode & 0o111).toBe(0o111);
  });
});
