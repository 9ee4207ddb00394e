/**
 * The native plugin in a deployment: explicit providers with their own connections, Cancel, Invoke, and a Pulumi
 * YAML program's resources, each plugin started as the engine starts it and driven over gRPC.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { createRuntime } from "../../provider/doors/dynamic";
import { tokenOf } from "../../provider/doors/native/provider";
import { parseYaml } from "../examples/support";
import type { RpcError } from "../harness/nativePlugin";
import { urnOf } from "../harness/nativePlugin";
import { SQL, TYPE, useNativePlugins, WEB } from "./fixtures";

/** The failover calls; the GetReplicationStatistics read for the health outputs and VM starts are left out. */
const failoverCall = (c: { className: string; method: string }) =>
  c.className === "Msvm_CollectionReplicationService" && c.method !== "GetReplicationStatistics";

const f = useNativePlugins();

describe("explicit providers, each with its own connection", () => {
  it("send each resource to its own provider's cluster", async () => {
    const a = await f.simulator("east.json", [{ id: SQL, name: "sql-cluster" }], 50);
    const b = await f.simulator("west.json", [{ id: WEB, name: "web-tier" }], 50);
    const [east, west] = await Promise.all([f.pluginFor("east.json"), f.pluginFor("west.json")]);
    await east.create(urnOf(TYPE, "east-sql"), { collectionId: SQL, failoverState: "failedOver" });
    await west.create(urnOf(TYPE, "west-web"), { collectionId: WEB, failoverState: "failedOver" });
    expect((await a.calls()).filter(failoverCall).map((c) => c.method)).toEqual(["InitiateFailover"]);
    expect((await b.calls()).filter(failoverCall).map((c) => c.method)).toEqual(["InitiateFailover"]);
    const wrong = await east
      .create(urnOf(TYPE, "east-web"), { collectionId: WEB, failoverState: "failedOver" })
      .catch((e: RpcError) => e);
    expect((wrong as RpcError).message).toContain("no collection has CollectionID");
  });
});

describe("DiffConfig", () => {
  it("lists each key whose value differs, as an update in place", async () => {
    const plugin = await f.start();
    const diff = await plugin.diffConfig(
      { transport: "wsman", host: "hv-a", port: "5986" },
      { transport: "wsman", host: "hv-b", useSsl: "true" },
    );
    expect(diff).toEqual({
      changes: 2,
      diffs: ["host", "port", "useSsl"],
      detailedDiff: {
        host: { kind: "UPDATE", inputDiff: true },
        port: { kind: "DELETE", inputDiff: true },
        useSsl: { kind: "ADD", inputDiff: true },
      },
    });
    expect((await plugin.diffConfig({ host: "hv-a" }, { host: "hv-a" })).changes).toBe(1);
  });
});

describe("an older engine's Configure", () => {
  it("reads the provider config from the variables map when there are no args, keyed as the engine keys it", async () => {
    const sim = await f.simulator("variables.json", [{ id: SQL, name: "sql-cluster" }], 50);
    const plugin = await f.start();
    await plugin.configureVariables({
      "hyperv-replica:config:transport": "simulator",
      "hyperv-replica:config:simulatorStateFile": path.join(f.dir, "variables.json"),
    });
    const created = await plugin.create(urnOf(TYPE, "sql"), {
      collectionId: SQL,
      failoverState: "failedOver",
    });
    expect(created.id).toBe(SQL);
    expect((await sim.calls()).filter(failoverCall).map((c) => c.method)).toEqual(["InitiateFailover"]);
  });
});

describe("Cancel", () => {
  it("stops waiting for the job at once, and the failure records what the host shows", async () => {
    const sim = await f.simulator("slow.json", [{ id: SQL, name: "sql-cluster" }], 3_600_000);
    const plugin = await f.pluginFor("slow.json");
    const urn = urnOf(TYPE, "slow");
    const creating = plugin
      .create(urn, {
        collectionId: SQL,
        failoverState: "failedOver",
        recoveryPoint: "latest",
        jobTimeoutSeconds: 7200,
        cancelJobOnTimeout: false,
      })
      .catch((e: RpcError) => e);
    while (!f.engine.lines.some((l) => l.urn === urn && l.ephemeral))
      await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await plugin.cancel();
    const error = (await creating) as RpcError;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.message).toContain("cancelled (pulumi cancel or Ctrl-C) while waiting");
    expect(error.partial).toMatchObject({
      id: SQL,
      properties: { collectionId: SQL, failoverState: "failoverInProgress" },
    });
    // The job goes on on the host: Cancel stops the waiting, never Hyper-V.
    expect((await sim.jobs()).map((j) => ({ method: j.method, finished: j.jobState >= 7 }))).toEqual([
      { method: "InitiateFailover", finished: false },
    ]);
  });
});

describe("functions", () => {
  it("Invoke serves getRecoveryPoints from the provider's cluster, as the in-process runtime answers it", async () => {
    const sim = await f.simulator("points.json", [{ id: SQL, name: "sql-cluster" }], 50);
    const plugin = await f.pluginFor("points.json");

    const served = await plugin.invoke("hyperv-replica:index:getRecoveryPoints", { collectionId: SQL });

    const runtime = createRuntime();
    runtime.configure(() => undefined);
    const direct = await runtime.functions.getRecoveryPoints!({
      collectionId: SQL,
      connection: { transport: "simulator", simulatorStateFile: path.join(f.dir, "points.json") },
    });
    expect(served).toEqual(direct);
    const times = (served.recoveryPoints as { creationTime: string }[]).map((p) =>
      Date.parse(p.creationTime),
    );
    expect(times.length).toBeGreaterThan(0);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect((await sim.calls()).filter((c) => c.method !== "GetReplicationStatistics")).toEqual([]);
  });

  it("Invoke answers refused arguments as failures, one per argument, and calls nothing", async () => {
    const sim = await f.simulator("args.json", [{ id: SQL, name: "sql-cluster" }], 50);
    const plugin = await f.pluginFor("args.json");
    expect(
      await plugin.invokeFailures("hyperv-replica:index:getRecoveryPoints", { collectionId: "sql" }),
    ).toEqual([
      { property: "collectionId", reason: "'sql' is not a GUID; use the collection's CollectionID" },
    ]);
    expect(await sim.calls()).toEqual([]);
  });

  it("Invoke refuses a function the runtime does not register, naming what it serves", async () => {
    const plugin = await f.start();
    const served = Object.keys(createRuntime().functions).map(tokenOf);
    const error = (await plugin
      .invoke("hyperv-replica:index:getNothing", {})
      .catch((e: RpcError) => e)) as RpcError;
    expect(error.message).toBe(
      `hyperv-replica has no function 'hyperv-replica:index:getNothing'; ${served.length > 0 ? `it serves ${served.join(", ")}` : "it serves none yet"}`,
    );
  });
});

describe("a Pulumi YAML program", () => {
  const PROGRAM = `
name: dr
runtime: yaml
resources:
  siteB:
    type: pulumi:providers:hyperv-replica
    properties:
      transport: simulator
      simulatorStateFile: \${stateFile}
  sql:
    type: hyperv-replica:index:CollectionFailover
    properties:
      collectionName: sql-cluster
      failoverState: failedOver
      jobTimeoutSeconds: 3600
    options:
      provider: \${siteB}
`;

  it("goes through CheckConfig, Configure, Check and Create with its type tokens and properties", async () => {
    const sim = await f.simulator("yaml.json", [{ id: SQL, name: "sql-cluster" }], 50);
    const stateFile = path.join(f.dir, "yaml.json");
    const program = parseYaml(PROGRAM.replace("${stateFile}", stateFile)) as {
      resources: Record<string, { type: string; properties: Record<string, unknown> }>;
    };
    const { siteB, sql } = program.resources;
    expect(siteB?.type).toBe("pulumi:providers:hyperv-replica");
    const plugin = await f.start();
    expect(await plugin.checkConfig(siteB!.properties)).toEqual([]);
    await plugin.configure(siteB!.properties);
    const checked = await plugin.check(urnOf(sql!.type, "sql"), {}, sql!.properties);
    expect(checked.failures).toEqual([]);
    const created = await plugin.create(urnOf(sql!.type, "sql"), checked.inputs);
    expect(created.id).toBe(SQL);
    expect(created.outs).toMatchObject({
      collectionName: "sql-cluster",
      failoverState: "failedOver",
      jobTimeoutSeconds: 3600,
    });
    expect((await sim.calls()).filter(failoverCall).map((c) => c.method)).toEqual(["InitiateFailover"]);
  });
});
