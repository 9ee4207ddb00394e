/**
 * What `require("pulumi-hyperv-replica/runtime")` loads inside @pulumi/pulumi's plugin: the bundle `npm run build`
 * writes (dist/runtime.js), which loads the simulator and the PowerShell bridge from dist/ beside it, and neither
 * until a session needs one (shown here in tsc's dist/, whose modules can be counted), so that Check answers at once. Each case runs
 * in a fresh node, on the built package (`npm run build` first).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../harness/plugin";

const INPUTS = { collectionId: "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10", failoverState: "normal" };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-runtime-loading-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `script` in a fresh node in the repository (so that the package resolves itself by name); its stdout. */
function inNode(script: string, env: NodeJS.ProcessEnv = {}, nodeArgs: readonly string[] = []): string {
  const plain = { ...process.env, ...env };
  delete plain.NODE_POWERSHELL;
  return execFileSync(process.execPath, [...nodeArgs, "-e", script], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: plain,
    maxBuffer: 16 * 1024 * 1024,
  });
}

/**
 * The heap growing factors V8 applied, from its `--trace-gc-verbose` lines: V8 12 (Node.js 22) ends each "Limit:"
 * line with the factor it applied (its "factor" line comes before `--heap-growing-percent` is applied), V8 13
 * (Node.js 24) gives it in the "factor" line alone.
 */
function appliedFactors(trace: string): string[] {
  const limits = [...trace.matchAll(/\] Limit: .*\((\d+\.\d+)\)$/gm)].map((m) => m[1]!);
  return limits.length > 0
    ? limits
    : [...trace.matchAll(/\] factor (\d+\.\d+) based on/gm)].map((m) => m[1]!);
}

describe("the dynamic provider's runtime", () => {
  it("is the bundle that npm run build writes", () => {
    expect(inNode(`console.log(require.resolve("pulumi-hyperv-replica/runtime"))`).trim()).toBe(
      path.join(REPO_ROOT, "dist", "runtime.js"),
    );
  });

  it("answers Check without loading the simulator or the PowerShell bridge", () => {
    const loaded = inNode(`
      const { runtime } = require("./dist/doors/dynamic.js");
      runtime.resources.CollectionFailover.check({}, ${JSON.stringify(INPUTS)}).then((result) => {
        const ours = Object.keys(require.cache).filter((f) => f.includes("/dist/")).map((f) => f.split("/dist/")[1]);
        console.log(JSON.stringify({ failures: result.failures ?? [], folders: [...new Set(ours.map((f) => f.split("/")[0]))] }));
      });
    `);
    const { failures, folders } = JSON.parse(loaded) as { failures: unknown[]; folders: string[] };
    expect(failures).toEqual([]);
    expect(folders).toContain("runtime");
    expect(folders.filter((f) => f === "simulator" || f === "powershell")).toEqual([]);
  });

  it("fixes V8's heap growing factor at 1.5 once the plugin configures it, and not before", () => {
    const trace = inNode(
      `
      const { runtime } = require("pulumi-hyperv-replica/runtime");
      gc();
      console.log("-- configuring");
      runtime.configureFrom({ get: () => undefined });
      gc();
      gc();
      process.exit(0);
    `,
      {},
      ["--expose-gc", "--trace-gc-verbose"],
    );
    const [before, after] = trace.split("-- configuring\n");
    expect(appliedFactors(before!).filter((f) => f !== "1.5")).not.toEqual([]);
    const applied = appliedFactors(after!);
    expect(applied.length).toBeGreaterThan(0);
    expect(new Set(applied)).toEqual(new Set(["1.5"]));
  });

  it("holds no CimError of its own: it and the simulator it loads from dist/ throw and check one class", () => {
    const state = path.join(dir, "outage.json");
    const outcome = inNode(`
      const { HyperVSimulator } = require("pulumi-hyperv-replica/simulator");
      const { runtime } = require("pulumi-hyperv-replica/runtime");
      const { CimError } = require("./dist/cim/index.js");
      (async () => {
        const sim = new HyperVSimulator({ stateFile: ${JSON.stringify(state)} });
        await sim.init();
        await sim.injectFault({ kind: "unreachable", times: "always" });
        const session = await require("./dist/runtime/connection.js").openSession(
          { transport: "simulator", simulatorStateFile: ${JSON.stringify(state)} }, {});
        const error = await session.query("Msvm_VirtualSystemCollection").catch((e) => e);
        console.log(JSON.stringify({ cimError: error instanceof CimError, category: error.category, runtime: typeof runtime }));
      })();
    `);
    expect(JSON.parse(outcome)).toEqual({ cimError: true, category: "unreachable", runtime: "object" });
    expect(fs.readFileSync(path.join(REPO_ROOT, "dist", "runtime.js"), "utf8")).not.toMatch(
      /class CimError\b/,
    );
  });

  it.skipIf(process.platform === "win32")(
    "loads the bridge from dist/powershell, beside the bundle (skipped on Windows: the stand-in PowerShell is a sh script)",
    () => {
      const seen = path.join(dir, "bridge-script-seen");
      const pwsh = path.join(dir, "stand-in-pwsh");
      fs.writeFileSync(pwsh, `#!/bin/sh\nprintf '%s' "$HVR_BRIDGE_SCRIPT" > '${seen}'\nexit 3\n`, {
        mode: 0o755,
      });
      const outcome = inNode(
        `
        const { runtime } = require("pulumi-hyperv-replica/runtime");
        runtime.configureFrom({ get: (key) => (key === "hyperv-replica:powershell" ? process.env.STAND_IN : undefined) });
        runtime.resources.CollectionFailover.read(${JSON.stringify(INPUTS.collectionId)}, ${JSON.stringify(INPUTS)})
          .then(() => console.log("read"), (error) => console.log("refused: " + error.message))
          .finally(() => process.exit(0));
      `,
        { STAND_IN: pwsh },
      );
      expect(outcome).toMatch(/^refused: .*PowerShell/);
      expect(fs.readFileSync(seen, "utf8")).toBe(path.join(REPO_ROOT, "dist", "powershell", "bridge.ps1"));
    },
  );
});
