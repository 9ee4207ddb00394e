/**
 * The dr-drill example under `pulumi.runtime.setMocks`: which resources it registers, with which inputs, for which
 * stack config; and the errors a wrong config gets.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { requireBuild } from "../cli/run";
import { linkPackageIntoExample, runProgram, stackConfig } from "./support";

const TYPE = "pulumi-nodejs:dynamic/hyperv-replica:CollectionFailover";
const provider = expect.stringContaining('require("pulumi-hyperv-replica/runtime")');

beforeAll(() => {
  requireBuild();
  linkPackageIntoExample();
});

describe("examples/dr-drill under setMocks", () => {
  it("registers the SQL cluster, then the app tier depending on it, with no connection on either", async () => {
    const { registered, outputs } = await runProgram(stackConfig("rehearsal"));

    expect(registered.map(({ type, name, inputs }) => ({ type, name, inputs }))).toEqual([
      {
        type: TYPE,
        name: "sql-cluster",
        inputs: {
          collectionName: "sql-cluster",
          failoverState: "normal",
          recoveryPoint: "latest",
          jobTimeoutSeconds: 3600,
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
    const { registered } = await runProgram({
      ...stackConfig("rehearsal"),
      "dr-drill:failoverState": "failedOver",
    });
    expect(registered.map((r) => [r.name, r.inputs.failoverState])).toEqual([
      ["sql-cluster", "failedOver"],
      ["app-tier", "failedOver"],
    ]);
  });

  it("lets one collection be overridden by name", async () => {
    const { registered } = await runProgram({
      "dr-drill:failoverState": "failedOver",
      "dr-drill:collectionStates": JSON.stringify({ "app-tier": "normal" }),
    });
    expect(registered.map((r) => [r.name, r.inputs.failoverState])).toEqual([
      ["sql-cluster", "failedOver"],
      ["app-tier", "normal"],
    ]);
  });

  it("runs the production stack's program the same way; only the provider reads the connection", async () => {
    const { registered, outputs } = await runProgram(stackConfig("production"));
    expect(registered.map((r) => Object.keys(r.inputs).sort())).toEqual([
      ["__provider", "collectionName", "failoverState", "jobTimeoutSeconds", "recoveryPoint"],
      ["__provider", "collectionName", "failoverState", "jobTimeoutSeconds"],
    ]);
    expect(outputs.replicaCluster).toBe("hv-replica01.contoso.com");
  });

  it.each([
    [
      { "dr-drill:failoverState": "failed-over" },
      'dr-drill:failoverState is "failed-over"; it must be one of normal, failedOver, committed (case-sensitive), for example: pulumi config set dr-drill:failoverState failedOver',
    ],
    [
      { "dr-drill:collectionStates": JSON.stringify({ "app-tier": "FailedOver" }) },
      `dr-drill:collectionStates.app-tier is "FailedOver"; it must be one of normal, failedOver, committed (case-sensitive), for example: pulumi config set --path 'dr-drill:collectionStates.app-tier' failedOver`,
    ],
    [
      { "dr-drill:collectionStates": JSON.stringify({ sql: "normal" }) },
      "dr-drill:collectionStates names 'sql', which this program does not declare; its collections are sql-cluster, app-tier",
    ],
    [
      { "dr-drill:collectionStates": JSON.stringify(["normal"]) },
      'dr-drill:collectionStates must map collection names to states, such as {"app-tier": "normal"}',
    ],
  ])("stops with a RunError that says what to set when the config is wrong: %j", async (config, message) => {
    const error = await runProgram(config).catch((e: unknown) => e);
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(message);
  });
});
