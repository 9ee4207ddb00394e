/**
 * Two sites in one state file, and a group made on east (DefineCollection, AddMember) that east then replicates to
 * west: what appears on west when the relationship is created (provider/simulator/methods/recoverySide.ts), what the
 * initial copy does to both sides, and what RemoveReplicationRelationship leaves there.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CimRef, CimSession } from "../../provider/cim";
import { FakeClock } from "../../provider/clock";
import { HyperVSimulator } from "../../provider/simulator";
import { collectionRef } from "./fixtures";

const GROUP = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
const settings = (recovery: string) =>
  '<INSTANCE CLASSNAME="Msvm_CollectionReplicationSettingData">' +
  `<PROPERTY NAME="RecoveryConnectionPoint" TYPE="string"><VALUE>${recovery}</VALUE></PROPERTY>` +
  '<PROPERTY NAME="ReplicationInterval" TYPE="uint16"><VALUE>300</VALUE></PROPERTY></INSTANCE>';

const service = (className: string, host: string): CimRef => ({
  className,
  keys: {
    CreationClassName: className,
    Name: "vmms",
    SystemCreationClassName: "Msvm_ComputerSystem",
    SystemName: host,
  },
});

let dir: string;
let clock: FakeClock;
let admin: HyperVSimulator;
let east: CimSession;
let west: CimSession;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-recovery-side-"));
  const stateFile = path.join(dir, "sites.json");
  clock = new FakeClock();
  admin = new HyperVSimulator({ stateFile, clock, hostName: "east" });
  await admin.init();
  await admin.addSite({ host: "east" });
  await admin.addSite({ host: "west" });
  const vms = await admin.addVirtualMachines(["sql-a", "sql-b"], "east");
  await admin.setJobDuration("AddMember", 0);
  await admin.setJobDuration("CreateReplicationRelationship", 0);
  east = admin.session();
  west = new HyperVSimulator({ stateFile, clock, hostName: "west" }).session();
  const manager = service("Msvm_CollectionManagementService", "east");
  await east.invoke(manager, "DefineCollection", { Name: "sql-cluster", Id: GROUP, Type: 0 });
  for (const vm of vms) {
    const member = { className: "Msvm_ComputerSystem", keys: { Name: vm.id } };
    await east.invoke(manager, "AddMember", { Member: member, Collection: collectionRef(GROUP) });
  }
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const call = async (session: CimSession, host: string, method: string, extra = {}) =>
  (
    await session.invoke(service("Msvm_CollectionReplicationService", host), method, {
      Collection: collectionRef(GROUP),
      ...extra,
    })
  ).returnValue;

/** The collections a host lists, reduced to what the tests compare. */
async function listed(session: CimSession) {
  return (await session.query("Msvm_VirtualSystemCollection")).map((c) => ({
    id: c.properties.CollectionID,
    name: c.properties.ElementName,
    mode: c.properties.ReplicationMode,
    state: c.properties.ReplicationState,
  }));
}

const pointsOn = async (session: CimSession) => (await session.query("Msvm_CollectionRecoveryPoint")).length;

describe("creating a relationship towards another site of the state file", () => {
  it("makes the recovery-side group on that site, with the primary's CollectionID and name, waiting for its copy", async () => {
    expect(await listed(west)).toEqual([]);
    expect(
      await call(east, "east", "CreateReplicationRelationship", {
        CollectionReplicationSettingData: settings("west-broker"),
      }),
    ).toBe(4096);
    expect(await listed(east)).toEqual([{ id: GROUP, name: "sql-cluster", mode: 1, state: 1 }]);
    expect(await listed(west)).toEqual([{ id: GROUP, name: "sql-cluster", mode: 2, state: 2 }]);
    const replicaVms = await west.query("Msvm_ComputerSystem");
    expect(replicaVms.map((vm) => [vm.properties.ElementName, vm.properties.EnabledState])).toEqual([
      ["sql-a", 3],
      ["sql-b", 3],
    ]);
    const primaryVms = (await east.query("Msvm_ComputerSystem")).map((vm) => vm.properties.Name);
    expect(replicaVms.some((vm) => primaryVms.includes(vm.properties.Name))).toBe(false);
    // The primary holds its own connection point as PrimaryConnectionPoint, which a reverse reads.
    const held = await east.query("Msvm_CollectionReplicationSettingData");
    expect(
      held.map((s) => [s.properties.PrimaryConnectionPoint, s.properties.RecoveryConnectionPoint]),
    ).toEqual([["east-broker", "west-broker"]]);
    expect(await pointsOn(west)).toBe(0);
  });

  it("the initial copy ends with both sides Replicating and the replica's first recovery point", async () => {
    await call(east, "east", "CreateReplicationRelationship", {
      CollectionReplicationSettingData: settings("west-broker"),
    });
    expect(await call(east, "east", "StartReplication", { InitialReplicationType: 1 })).toBe(4096);
    expect((await listed(east))[0]?.state).toBe(2);
    clock.advance(5000);
    expect((await listed(east))[0]?.state).toBe(3);
    expect((await listed(west))[0]?.state).toBe(3);
    expect(await pointsOn(west)).toBe(1);
    expect(await pointsOn(east)).toBe(0);
    // The same CollectionID on both hosts: each host's calls reach its own side, and the log names the host.
    expect(await call(west, "west", "TestReplicaCollection")).toBe(4096);
    const calls = await admin.calls();
    expect(calls.map((c) => `${c.host ?? "?"}: ${c.method}`).slice(-3)).toEqual([
      "east: CreateReplicationRelationship",
      "east: StartReplication",
      "west: TestReplicaCollection",
    ]);
  });

  it("an export leaves both sides waiting for the import", async () => {
    await call(east, "east", "CreateReplicationRelationship", {
      CollectionReplicationSettingData: settings("west-broker"),
    });
    await call(east, "east", "StartReplication", {
      InitialReplicationType: 2,
      InitialReplicationExportLocation: "D:\\export",
    });
    clock.advance(5000);
    expect([(await listed(east))[0]?.state, (await listed(west))[0]?.state]).toEqual([2, 2]);
  });

  it("a connection point that names no site of the file creates nothing on the other host", async () => {
    await call(east, "east", "CreateReplicationRelationship", {
      CollectionReplicationSettingData: settings("dr-elsewhere"),
    });
    expect(await listed(west)).toEqual([]);
  });
});

describe("RemoveReplicationRelationship", () => {
  beforeEach(async () => {
    await admin.setJobDuration("RemoveReplicationRelationship", 0);
    await call(east, "east", "CreateReplicationRelationship", {
      CollectionReplicationSettingData: settings("west-broker"),
    });
    await call(east, "east", "StartReplication", { InitialReplicationType: 1 });
    clock.advance(5000);
  });

  it('on the primary "does not clean up the recovery server collection": west keeps its replica and its point', async () => {
    expect(await call(east, "east", "RemoveReplicationRelationship")).toBe(4096);
    expect(await listed(east)).toEqual([{ id: GROUP, name: "sql-cluster", mode: 0, state: 0 }]);
    expect(await listed(west)).toEqual([{ id: GROUP, name: "sql-cluster", mode: 2, state: 3 }]);
    expect(await pointsOn(west)).toBe(1);
  });

  it("then on the recovery side removes its end too, leaving the group and its VMs there", async () => {
    await call(east, "east", "RemoveReplicationRelationship");
    expect(await call(west, "west", "RemoveReplicationRelationship")).toBe(4096);
    expect(await listed(west)).toEqual([{ id: GROUP, name: "sql-cluster", mode: 0, state: 0 }]);
    expect((await west.query("Msvm_ComputerSystem")).length).toBe(2);
  });

  it("a new relationship towards a site that still holds the old replica is refused (32775), changing nothing", async () => {
    await call(east, "east", "RemoveReplicationRelationship");
    const before = await listed(west);
    expect(
      await call(east, "east", "CreateReplicationRelationship", {
        CollectionReplicationSettingData: settings("west-broker"),
      }),
    ).toBe(32775);
    expect(await listed(east)).toEqual([{ id: GROUP, name: "sql-cluster", mode: 0, state: 0 }]);
    expect(await listed(west)).toEqual(before);
  });
});
