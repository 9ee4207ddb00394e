/**
 * The dr-failover example under `pulumi.runtime.setMocks`: which resources it registers, with which inputs, for which
 * stack config; and the errors a wrong config gets.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { requireBuild } from "../cli/run";
import { DR_FAILOVER, linkPackageIntoExample, runProgram, stackConfig } from "./support";

const TYPE = "pulumi-nodejs:dynamic/hyperv-replica:CollectionFailover";
const provider = expect.stringContaining('require("pulumi-hyperv-replica/runtime")');

beforeAll(() => {
  requireBuild();
  linkPackageIntoExample(DR_FAILOVER);
});

describe("examples/dr-failover under setMocks", () => {
  it("registers the SQL cluster, then the app tier depending on it, with no connection on either", async () => {
    const { registered, outputs } = await runProgram(stackConfig("rehearsal", DR_FAILOVER), DR_FAILOVER);

    expect(registered.map(({ type, name, inputs }) => ({ type, name, inputs }))).toEqual([
      {
        type: TYPE,
        name: "sql-cluster",
        inputs: {
          collectionName: "sql-cluster",
          failoverState: "normal",
          recoveryPoint: "latest",
          jobTimeoutSeconds: 3600,
          reportDirectory: "dr-reports",
          __provider: provider,
        },
      },
      {
        type: TYPE,
        name: "app-tier",
        inputs: {
          collectionName: "app-tier",
          failoverState: "normal",
          jobTimeoutSeconds: 1800,
          reportDirectory: "dr-reports",
          __provider: provider,
        },
      },
    ]);
    const [sql, app] = registered;
    expect(sql!.dependencies).toEqual([]);
    expect(app!.dependencies).toEqual([expect.stringMatching(/::sql-cluster$/)]);
    expect(outputs).toEqual({
      collections: {
        "sql-cluster": { failoverState: "normal", replicationState: "Replicating", lastOperation: null },
        "app-tier": { failoverState: "normal", replicationState: "Replicating", lastOperation: null },
      },
      replicaCluster: "simulator",
    });
  });

  it("takes failoverState from stack config for every collection", async () => {
    const { registered } = await runProgram(
      {
        ...stackConfig("rehearsal", DR_FAILOVER),
        "dr-failover:failoverState": "failedOver",
      },
      DR_FAILOVER,
    );
    expect(registered.map((r) => [r.name, r.inputs.failoverState])).toEqual([
      ["sql-cluster", "failedOver"],
      ["app-tier", "failedOver"],
    ]);
  });

  it("lets one collection be overridden by name", async () => {
    const { registered } = await runProgram(
      {
        "dr-failover:failoverState": "failedOver",
        "dr-failover:collectionStates": JSON.stringify({ "app-tier": "normal" }),
      },
      DR_FAILOVER,
    );
    expect(registered.map((r) => [r.name, r.inputs.failoverState])).toEqual([
      ["sql-cluster", "failedOver"],
      ["app-tier", "normal"],
    ]);
  });

  it("runs the production stack's program the same way; only the provider reads the connection", async () => {
    const { registered, outputs } = await runProgram(stackConfig("production", DR_FAILOVER), DR_FAILOVER);
    expect(registered.map((r) => Object.keys(r.inputs).sort())).toEqual([
      [
        "__provider",
        "collectionName",
        "failoverState",
        "jobTimeoutSeconds",
        "recoveryPoint",
        "reportDirectory",
      ],
      ["__provider", "collectionName", "failoverState", "jobTimeoutSeconds", "reportDirectory"],
    ]);
    expect(outputs.replicaCluster).toBe("hv-replica01.contoso.com");
  });

  it.each([
    [
      { "dr-failover:failoverState": "failed-over" },
      'dr-failover:failoverState is "failed-over"; it must be one of normal, failedOver, committed (case-sensitive), for example: pulumi config set dr-failover:failoverState failedOver',
    ],
    [
      { "dr-failover:collectionStates": JSON.stringify({ "app-tier": "FailedOver" }) },
      `dr-failover:collectionStates.app-tier is "FailedOver"; it must be one of normal, failedOver, committed (case-sensitive), for example: pulumi config set --path 'dr-failover:collectionStates.app-tier' failedOver`,
    ],
    [
      { "dr-failover:collectionStates": JSON.stringify({ sql: "normal" }) },
      "dr-failover:collectionStates names 'sql', which this program does not declare; its collections are sql-cluster, app-tier",
    ],
    [
      { "dr-failover:collectionStates": JSON.stringify(["normal"]) },
      'dr-failover:collectionStates must map collection names to states, such as {"app-tier": "normal"}',
    ],
  ])("stops with a RunError that says what to set when the config is wrong: %j", async (config, message) => {
    const error = await runProgram(config, DR_FAILOVER).catch((e: unknown) => e);
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(message);
  });
});
