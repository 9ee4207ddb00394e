/**
 * The native plugin, `pulumi-resource-hyperv-replica`, started as the engine starts it and driven over gRPC: the
 * schema it serves, provider configuration, and every resource RPC on the simulator, with the log lines a fake engine
 * receives for each URN. Generating SDKs from the schema needs the Pulumi CLI, which is not here: these tests prove
 * that the schema the plugin serves is schema.json, a valid package schema, with a token for everything it serves.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createRuntime } from "../../provider/doors/dynamic";
import { tokenOf } from "../../provider/doors/native/provider";
import type { HyperVSimulator } from "../../provider/simulator";
import { FakeEngine, NativePlugin, urnOf } from "../harness/nativePlugin";
import { REPO_ROOT } from "../harness/plugin";
import { metaschemaErrors } from "../schema/metaschema";
import { SQL, TYPE, useNativePlugins, WEB } from "./fixtures";

/** The failover calls; the GetReplicationStatistics read for the health outputs and VM starts are left out. */
const failoverCall = (c: { className: string; method: string }) =>
  c.className === "Msvm_CollectionReplicationService" && c.method !== "GetReplicationStatistics";

const SCHEMA_TEXT = fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8");
const f = useNativePlugins();

describe("the plugin executable", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    bin: Record<string, string>;
    files: string[];
    version: string;
  };
  const bin = pkg.bin["pulumi-resource-hyperv-replica"]!;

  it("is the package's bin pulumi-resource-hyperv-replica, a script for node in dist/", () => {
    expect(bin).toBe("dist/plugin.js");
    expect(pkg.files).toContain("dist");
    expect(fs.readFileSync(path.join(REPO_ROOT, bin), "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
  });

  it("starts the plugin's bundle as the engine starts it, with Node's compile cache in its own folder", async () => {
    const cache = path.join(REPO_ROOT, "dist", ".compile-cache");
    fs.rmSync(cache, { recursive: true, force: true });
    const engine = await FakeEngine.start();
    const plugin = await NativePlugin.start({
      engine,
      cwd: os.tmpdir(),
      executable: path.join(REPO_ROOT, bin),
    });
    try {
      expect(await plugin.getPluginVersion()).toBe(pkg.version);
      const checked = await plugin.check(
        urnOf(TYPE, "sql"),
        {},
        { collectionName: "sql", failoverState: "sideways" },
      );
      expect(checked.failures.map((failure) => failure.property)).toEqual(["failoverState"]);
      expect(fs.readdirSync(cache, { recursive: true }).length).toBeGreaterThan(0);
    } finally {
      await plugin.stop();
      await engine.stop();
    }
  });
});

describe("the schema the plugin serves", () => {
  let served: string;
  beforeAll(async () => {
    const plugin = await f.start();
    served = await plugin.getSchema();
  });

  it("is schema.json, byte for byte", () => {
    expect(served).toBe(SCHEMA_TEXT);
  });

  it("is a valid Pulumi package schema", () => {
    expect(metaschemaErrors(JSON.parse(served))).toEqual([]);
  });

  it("has a token for every resource and function the runtime registers, and no others", () => {
    const schema = JSON.parse(served) as { resources?: object; functions?: object };
    const runtime = createRuntime();
    expect({
      resources: Object.keys(schema.resources ?? {}).sort(),
      functions: Object.keys(schema.functions ?? {}).sort(),
    }).toEqual({
      resources: Object.keys(runtime.resources).map(tokenOf).sort(),
      functions: Object.keys(runtime.functions).map(tokenOf).sort(),
    });
  });
});

describe("provider configuration", () => {
  let plugin: NativePlugin;
  beforeAll(async () => {
    plugin = await f.start();
  });

  it("CheckConfig names each bad key, what is wrong, and what is allowed", async () => {
    expect(
      await plugin.checkConfig({
        transport: "telnet",
        maxSessions: "0",
        jobPollInitialMs: "500",
        jobPollMaxMs: "100",
      }),
    ).toEqual([
      {
        property: "hyperv-replica:transport",
        reason: expect.stringContaining("'telnet' is not one of 'local', 'wsman', 'ssh', 'simulator'"),
      },
      {
        property: "hyperv-replica:maxSessions",
        reason:
          '"0" is not a whole number from 1 to 32; set it with: pulumi config set hyperv-replica:maxSessions 4',
      },
      {
        property: "hyperv-replica:jobPollMaxMs",
        reason: "100 is less than jobPollInitialMs (500); the cap must be at least the first interval",
      },
    ]);
  });

  it("CheckConfig refuses an unknown key with the closest one, and takes the engine's own version key", async () => {
    expect(await plugin.checkConfig({ tranport: "simulator", version: "0.1.0", maxsessions: "2" })).toEqual([
      {
        property: "hyperv-replica:maxsessions",
        reason:
          "unknown key: hyperv-replica has no setting 'maxsessions'; did you mean hyperv-replica:maxSessions? Rename it: pulumi config rm hyperv-replica:maxsessions, then pulumi config set hyperv-replica:maxSessions <value>",
      },
      {
        property: "hyperv-replica:tranport",
        reason:
          "unknown key: hyperv-replica has no setting 'tranport'; did you mean hyperv-replica:transport? Rename it: pulumi config rm hyperv-replica:tranport, then pulumi config set hyperv-replica:transport <value>",
      },
    ]);
    expect(await plugin.checkConfig({ transport: "local", version: "0.1.0" })).toEqual([]);
  });

  it("CheckConfig names a value of the wrong type from a typed Provider resource", async () => {
    expect(
      await plugin.checkConfig({ maxSessions: 2.5, useSsl: "yes", transport: "wsman", host: "h" }),
    ).toEqual([
      {
        property: "hyperv-replica:useSsl",
        reason: "must be true or false, got 'yes'; set it with: pulumi config set hyperv-replica:useSsl true",
      },
      {
        property: "hyperv-replica:maxSessions",
        reason:
          "2.5 is not a whole number from 1 to 32; set it with: pulumi config set hyperv-replica:maxSessions 4",
      },
    ]);
  });

  it("Configure accepts secrets and leaves previews to the engine", async () => {
    expect(await plugin.configure({ transport: "local" })).toEqual({
      acceptsecrets: true,
      supportspreview: false,
      acceptresources: false,
      acceptoutputs: false,
      supportsAutonamingConfiguration: false,
    });
  });
});

describe("a CollectionFailover through every resource RPC", () => {
  const urn = urnOf(TYPE, "sql");
  let sim: HyperVSimulator;
  let plugin: NativePlugin;
  let inputs: Record<string, unknown>;
  let outs: Record<string, unknown>;

  beforeAll(async () => {
    sim = await f.simulator("site-a.json", [{ id: SQL, name: "sql-cluster" }], 600);
    plugin = await f.pluginFor("site-a.json");
  });

  it("Check applies the defaults, and refuses a bad failoverState by name", async () => {
    const checked = await plugin.check(urn, {}, { collectionId: SQL, failoverState: "failedOver" });
    expect(checked).toEqual({
      inputs: {
        collectionId: SQL,
        failoverState: "failedOver",
        recoveryPoint: "latest",
        requireHealthy: false,
        startVirtualMachines: true,
        jobTimeoutSeconds: 1800,
        cancelJobOnTimeout: false,
      },
      failures: [],
    });
    inputs = checked.inputs;
    const bad = await plugin.check(urn, {}, { collectionId: SQL, failoverState: "FailedOver" });
    expect(bad.failures.map((f) => f.property)).toEqual(["failoverState"]);
  });

  it("Create fails the collection over with one InitiateFailover and returns what the host shows", async () => {
    ({ outs } = await plugin.create(urn, inputs).then((r) => {
      expect(r.id).toBe(SQL);
      return r;
    }));
    expect(outs).toMatchObject({
      collectionId: SQL,
      collectionName: "sql-cluster",
      failoverState: "failedOver",
      replicationState: 5,
    });
    expect((await sim.calls()).filter(failoverCall).map((c) => c.method)).toEqual(["InitiateFailover"]);
  });

  it("attaches the job's progress to the resource as ephemeral status, and the outcome as info", () => {
    const mine = f.engine.lines.filter((l) => l.urn === urn);
    const status = mine.filter((l) => l.ephemeral);
    expect(status.length).toBeGreaterThan(0);
    // The failover's job, then the VM start's RequestStateChange job: every job's progress is ephemeral.
    expect(
      status.every((l) =>
        /^\[sql-cluster\] (InitiateFailover|VM 'sql-cluster-vm', start: RequestStateChange) job \S+: \d+% /.test(
          l.message,
        ),
      ),
    ).toBe(true);
    expect(mine.filter((l) => !l.ephemeral).map((l) => l.message)).toContainEqual(
      expect.stringMatching(/^\[sql-cluster\] InitiateFailover done: Replicating \(3\) -> Recovered \(5\)$/),
    );
    expect(mine.every((l) => l.severity === "info")).toBe(true);
    expect(f.engine.lines.filter((l) => l.urn === "").map((l) => l.message)).toEqual([]);
  });

  it("Diff names the changed property, against the old inputs, in a detailed diff", async () => {
    const news = { ...inputs, failoverState: "normal" };
    expect(await plugin.diff(urn, SQL, outs, news, inputs)).toEqual({
      changes: 2,
      replaces: [],
      diffs: ["failoverState"],
      hasDetailedDiff: true,
      detailedDiff: { failoverState: { kind: "UPDATE", inputDiff: true } },
    });
    const moved = { ...inputs, collectionId: WEB };
    expect(await plugin.diff(urn, SQL, outs, moved, inputs)).toMatchObject({
      replaces: ["collectionId"],
      detailedDiff: { collectionId: { kind: "UPDATE_REPLACE", inputDiff: true } },
    });
    expect(await plugin.diff(urn, SQL, outs, inputs, inputs)).toMatchObject({
      changes: 1,
      diffs: [],
      detailedDiff: {},
    });
  });

  it("Update reverts with one RevertFailover", async () => {
    const news = { ...inputs, failoverState: "normal" };
    outs = await plugin.update(urn, SQL, outs, news);
    expect(outs).toMatchObject({ failoverState: "normal", replicationState: 3 });
    expect((await sim.calls()).filter(failoverCall).map((c) => c.method)).toEqual([
      "InitiateFailover",
      "RevertFailover",
    ]);
  });

  it("Read with nothing stored (pulumi import) returns the inputs a program would declare", async () => {
    const read = await plugin.read(urnOf(TYPE, "imported"), SQL, {});
    expect(read.id).toBe(SQL);
    expect(read.inputs).toEqual({ collectionId: SQL, failoverState: "normal" });
    expect(read.props).toMatchObject({
      collectionId: SQL,
      collectionName: "sql-cluster",
      failoverState: "normal",
    });
  });

  it("Delete calls nothing on the host and says so on the resource", async () => {
    await plugin.delete(urn, SQL, outs);
    expect((await sim.calls()).filter(failoverCall).length).toBe(2);
    expect(f.engine.lines.filter((l) => l.urn === urn).at(-1)?.message).toMatch(
      /^\[sql-cluster\] removed from the stack/,
    );
  });
});
