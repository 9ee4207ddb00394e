/**
 * The dr-drill example (a test failover) under `pulumi.runtime.setMocks`: which resources it registers, with which
 * inputs, for which stack config. Listing recovery points reads the cluster, so these runs turn it off; the
 * rehearsal through the plugin (dr-drill.plugin.test.ts) lists them from the simulator.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { requireBuild } from "../cli/run";
import { linkPackageIntoExample, runProgram, stackConfig } from "./support";

const TYPE = "pulumi-nodejs:dynamic/hyperv-replica:CollectionTestFailover";
const provider = expect.stringContaining('require("pulumi-hyperv-replica/runtime")');
const NO_LISTING = { "dr-drill:listRecoveryPoints": "false" };

beforeAll(() => {
  requireBuild();
  linkPackageIntoExample();
});

describe("examples/dr-drill under setMocks", () => {
  it("registers a test failover of the SQL cluster, then of the app tier depending on it, with no connection", async () => {
    const { registered, outputs } = await runProgram({ ...stackConfig("rehearsal"), ...NO_LISTING });

    const drill = (collectionName: string, extra: Record<string, unknown>) => ({
      type: TYPE,
      name: collectionName,
      inputs: {
        collectionName,
        recoveryPoint: "latest",
        requireHealthy: true,
        startVirtualMachines: true,
        reportDirectory: "dr-reports",
        ...extra,
        __provider: provider,
      },
    });
    expect(registered.map(({ type, name, inputs }) => ({ type, name, inputs }))).toEqual([
      drill("sql-cluster", { jobTimeoutSeconds: 3600 }),
      drill("app-tier", {}),
    ]);
    const [sql, app] = registered;
    expect(sql!.dependencies).toEqual([]);
    expect(app!.dependencies).toEqual([expect.stringMatching(/::sql-cluster$/)]);
    expect(outputs).toEqual({
      testFailovers: {
        "sql-cluster": { testCollection: "sql-cluster - Test", recoveryPointUsed: null, virtualMachines: [] },
        "app-tier": { testCollection: "app-tier - Test", recoveryPointUsed: null, virtualMachines: [] },
      },
    });
  });

  it("takes the recovery point selector and requireHealthy from stack config for both collections", async () => {
    const { registered } = await runProgram({
      ...stackConfig("rehearsal"),
      ...NO_LISTING,
      "dr-drill:recoveryPoint": "before:2026-11-27T08:00:00Z",
      "dr-drill:requireHealthy": "false",
    });
    expect(registered.map((r) => [r.name, r.inputs.recoveryPoint, r.inputs.requireHealthy])).toEqual([
      ["sql-cluster", "before:2026-11-27T08:00:00Z", false],
      ["app-tier", "before:2026-11-27T08:00:00Z", false],
    ]);
  });

  it("runs the production stack's program the same way; only the provider reads the connection", async () => {
    const { registered } = await runProgram({ ...stackConfig("production"), ...NO_LISTING });
    expect(registered.map((r) => Object.keys(r.inputs).sort())).toEqual([
      [
        "__provider",
        "collectionName",
        "jobTimeoutSeconds",
        "recoveryPoint",
        "reportDirectory",
        "requireHealthy",
        "startVirtualMachines",
      ],
      [
        "__provider",
        "collectionName",
        "recoveryPoint",
        "reportDirectory",
        "requireHealthy",
        "startVirtualMachines",
      ],
    ]);
  });
});
