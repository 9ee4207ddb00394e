/**
 * The dr-lifecycle example under `pulumi.runtime.setMocks`: the resources each stage of the life registers (the
 * stages scripts/lifecycle/program.ts plays through the plugin), every one of them addressing the VmGroup's
 * collectionId output on both sites.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { requireBuild } from "../cli/run";
import { DR_LIFECYCLE, linkPackageIntoExample, mockCollectionId, runProgram, stackConfig } from "./support";

const ID = mockCollectionId("sql-cluster");
const on = (host: string) => ({
  transport: "simulator",
  simulatorStateFile: ".rehearsal/sites.json",
  simulatorHost: host,
});
const run = (extra: Record<string, string> = {}) =>
  runProgram({ ...stackConfig("rehearsal", DR_LIFECYCLE), ...extra }, DR_LIFECYCLE);
const names = (registered: { type: string; name: string }[]) =>
  registered.map((r) => `${r.type.replace(/.*:/, "")} ${r.name}`);

beforeAll(() => {
  requireBuild();
  linkPackageIntoExample(DR_LIFECYCLE);
});

describe("examples/dr-lifecycle under setMocks", () => {
  it("at first: the group on east, its replication to west, the pair of sites and west's replica networks, all by the group's CollectionID", async () => {
    const { registered, outputs } = await run();
    expect(names(registered)).toEqual([
      "VmGroup sql-cluster",
      "CollectionReplication sql-cluster-replication",
      "ReplicatedCollection sql-cluster-sites",
      "ReplicaNetworks sql-cluster-networks",
    ]);
    const [group, replication, sites, networks] = registered;
    expect(group?.inputs).toMatchObject({
      name: "sql-cluster",
      members: ["sql-a", "sql-b"],
      connection: on("east"),
    });
    expect(replication?.inputs).toMatchObject({
      collectionId: ID,
      recoveryConnectionPoint: "west-broker",
      recoverySide: { collectionId: ID, connection: on("west") },
      removeRecoverySideOnDelete: true,
      connection: on("east"),
    });
    expect(sites?.inputs).toMatchObject({
      sites: {
        east: { collectionId: ID, connection: on("east") },
        west: { collectionId: ID, connection: on("west") },
      },
      activeSite: "east",
    });
    expect(sites?.dependencies).toContainEqual(expect.stringMatching(/::sql-cluster-replication$/));
    expect(networks?.inputs).toMatchObject({
      collectionId: ID,
      connection: on("west"),
      defaults: { testFailoverSwitch: "Isolated" },
      virtualMachines: [
        { vm: "sql-a", failoverIp: { ipv4Address: "10.2.0.11" } },
        { vm: "sql-b", failoverIp: { ipv4Address: "10.2.0.12" } },
      ],
    });
    expect(outputs.collectionId).toBe(ID);
  });

  it("drill true adds the test failover on west; activeSite west asks the pair to move", async () => {
    const drilled = await run({ "dr-lifecycle:drill": "true" });
    expect(names(drilled.registered).at(-1)).toBe("CollectionTestFailover sql-cluster-drill");
    expect(drilled.registered.at(-1)?.inputs).toMatchObject({ collectionId: ID, connection: on("west") });
    // The drill waits for the isolated switch to be set: its test copies never come up on production.
    expect(drilled.registered.at(-1)?.dependencies).toContainEqual(
      expect.stringMatching(/::sql-cluster-networks$/),
    );
    const moved = await run({ "dr-lifecycle:activeSite": "west" });
    expect(moved.registered.find((r) => r.name === "sql-cluster-sites")?.inputs.activeSite).toBe("west");
  });

  it("replicate false leaves only the group: the replication, the pair, the networks and any drill are removed", async () => {
    const { registered } = await run({ "dr-lifecycle:replicate": "false", "dr-lifecycle:drill": "true" });
    expect(names(registered)).toEqual(["VmGroup sql-cluster"]);
  });

  it("refuses an activeSite other than east or west, naming the fix", async () => {
    await expect(run({ "dr-lifecycle:activeSite": "north" })).rejects.toThrow(
      "dr-lifecycle:activeSite is 'north'; set it to east or west: pulumi config set dr-lifecycle:activeSite west",
    );
  });
});
