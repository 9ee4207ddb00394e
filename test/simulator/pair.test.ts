/**
 * Two clusters in one state file: the pair checks and effects of pair.ts, through the seam of each host's session,
 * with every job finishing at once (duration 0) so that each call's result is read on the next call.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CimRef, CimSession } from "../../provider/cim";
import { FakeClock } from "../../provider/clock";
import { HyperVSimulator } from "../../provider/simulator";
import { collectionRef } from "./fixtures";

const EAST = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
const WEST = "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a";
const METHODS = [
  "InitiatePlannedFailover",
  "RevertPlannedFailover",
  "InitiateFailover",
  "RevertFailover",
  "CommitFailover",
  "PrepareForReverseReplication",
  "ReverseReplicationRelationship",
  "StartReplication",
  "RequestStateChange",
];

/** Settings for a reverse on west: the seeded ones with the connection points swapped, as the provider sends them. */
const toEast = (extra = "") =>
  '<INSTANCE CLASSNAME="Msvm_CollectionReplicationSettingData">' +
  '<PROPERTY NAME="RecoveryConnectionPoint" TYPE="string"><VALUE>east-broker</VALUE></PROPERTY>' +
  '<PROPERTY NAME="PrimaryConnectionPoint" TYPE="string"><VALUE>west-broker</VALUE></PROPERTY>' +
  `${extra}</INSTANCE>`;

const service = (host: string): CimRef => ({
  className: "Msvm_CollectionReplicationService",
  keys: {
    CreationClassName: "Msvm_CollectionReplicationService",
    Name: "vmms",
    SystemCreationClassName: "Msvm_ComputerSystem",
    SystemName: host,
  },
});

let dir: string;
let admin: HyperVSimulator;
let east: CimSession;
let west: CimSession;
let vms: Record<string, string[]>;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-pair-"));
  const stateFile = path.join(dir, "pair.json");
  const clock = new FakeClock();
  admin = new HyperVSimulator({ stateFile, clock, hostName: "east" });
  await admin.init();
  const { primary, replica } = await admin.addPair({
    name: "sql-cluster",
    members: ["sql-a", "sql-b"],
    primary: { host: "east", id: EAST },
    replica: { host: "west", id: WEST },
  });
  vms = { east: primary.members.map((m) => m.id), west: replica.members.map((m) => m.id) };
  for (const method of METHODS) await admin.setJobDuration(method, 0);
  east = admin.session();
  west = new HyperVSimulator({ stateFile, clock, hostName: "west" }).session();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function call(session: CimSession, host: string, method: string, id: string, extra = {}) {
  return (await session.invoke(service(host), method, { Collection: collectionRef(id), ...extra }))
    .returnValue;
}
async function vmsTo(session: CimSession, host: string, state: number) {
  for (const id of vms[host] ?? []) {
    const ref = {
      className: "Msvm_ComputerSystem",
      keys: { CreationClassName: "Msvm_ComputerSystem", Name: id },
    };
    expect((await session.invoke(ref, "RequestStateChange", { RequestedState: state })).returnValue).toBe(
      4096,
    );
  }
}
async function modes() {
  const all = await admin.collections();
  return Object.fromEntries(
    all.map((c) => [
      c.id === EAST ? "east" : "west",
      `${c.replicationMode}/${c.replicationState}/${c.failedOverReplicationType} ${c.members.map((m) => m.enabledState).join(",")}`,
    ]),
  );
}
async function settingsOf(session: CimSession, id: string) {
  return session.associators(collectionRef(id), {
    association: "Msvm_ElementSettingData",
    resultClass: "Msvm_CollectionReplicationSettingData",
  });
}

describe("a seeded pair", () => {
  it("is a running primary on east and a replica with VMs off on west, both holding the same settings", async () => {
    expect(await modes()).toEqual({ east: "1/3/0 2,2", west: "2/3/0 3,3" });
    const [settings] = await settingsOf(west, WEST);
    expect(settings).toEqual({
      className: "Msvm_CollectionReplicationSettingData",
      properties: {
        ReplicationInterval: 300,
        RecoveryConnectionPoint: "west-broker",
        PrimaryConnectionPoint: "east-broker",
        RecoveryServerPortNumber: 80,
        AuthenticationType: 1,
        CompressionEnabled: true,
        InstanceID: `Microsoft:${WEST}\\Replication`,
      },
    });
    expect((await settingsOf(east, EAST))[0]?.properties.ReplicationInterval).toBe(300);
  });

  it("refuses a pair on one host, naming the mistake", async () => {
    await expect(
      admin.addPair({ name: "x", primary: { host: "east" }, replica: { host: "EAST" } }),
    ).rejects.toThrow("the two sides of a pair live on different hosts");
  });
});

describe("the planned move moves both clusters together", () => {
  it("Prepare, failover, commit, reverse: east ends a Replicating replica, west a Replicating primary", async () => {
    await vmsTo(east, "east", 3);
    expect(await call(east, "east", "InitiatePlannedFailover", EAST)).toBe(4096);
    const pointsBefore = (await admin.recoveryPoints(WEST)).length;
    expect(await call(west, "west", "InitiateFailover", WEST)).toBe(4096);
    expect((await admin.recoveryPoints(WEST)).length).toBe(pointsBefore);
    expect(await modes()).toEqual({ east: "1/11/2 3,3", west: "2/5/2 3,3" });
    expect(await call(west, "west", "CommitFailover", WEST)).toBe(4096);
    expect(
      await call(west, "west", "ReverseReplicationRelationship", WEST, {
        CollectionReplicationSettingData: toEast(),
      }),
    ).toBe(4096);
    await vmsTo(west, "west", 2);
    expect(await modes()).toEqual({ east: "2/3/0 3,3", west: "1/3/0 2,2" });
    expect((await admin.recoveryPoints(EAST)).length).toBe(1);
  });

  it("InitiatePlannedFailover sends a last recovery point to the replica", async () => {
    await vmsTo(east, "east", 3);
    const before = (await admin.recoveryPoints(WEST)).length;
    await call(east, "east", "InitiatePlannedFailover", EAST);
    await admin.collections(); // settles the job
    expect((await admin.recoveryPoints(WEST)).length).toBe(before + 1);
  });
});

describe("what the partner must show (32775 otherwise)", () => {
  it("ReverseReplicationRelationship needs the old primary prepared", async () => {
    await call(west, "west", "InitiateFailover", WEST);
    await call(west, "west", "CommitFailover", WEST);
    expect(
      await call(west, "west", "ReverseReplicationRelationship", WEST, {
        CollectionReplicationSettingData: toEast(),
      }),
    ).toBe(32775);
  });

  it("PrepareForReverseReplication needs the partner failed over, and then makes way for the reverse", async () => {
    await vmsTo(east, "east", 3);
    expect(await call(east, "east", "PrepareForReverseReplication", EAST)).toBe(32775);
    await call(west, "west", "InitiateFailover", WEST);
    await call(west, "west", "CommitFailover", WEST);
    expect(await call(east, "east", "PrepareForReverseReplication", EAST)).toBe(4096);
    expect(
      await call(west, "west", "ReverseReplicationRelationship", WEST, {
        CollectionReplicationSettingData: toEast(),
      }),
    ).toBe(4096);
    expect(await modes()).toEqual({ east: "2/3/0 3,3", west: "1/3/0 3,3" });
  });

  it("RevertPlannedFailover is refused once the replica failed over, and allowed after RevertFailover", async () => {
    await vmsTo(east, "east", 3);
    await call(east, "east", "InitiatePlannedFailover", EAST);
    await call(west, "west", "InitiateFailover", WEST);
    expect(await call(east, "east", "RevertPlannedFailover", EAST)).toBe(32775);
    expect(await call(west, "west", "RevertFailover", WEST)).toBe(4096);
    expect(await call(east, "east", "RevertPlannedFailover", EAST)).toBe(4096);
    expect(await modes()).toEqual({ east: "1/3/0 3,3", west: "2/3/0 3,3" });
  });
});

describe("one site can be made unreachable", () => {
  it("an unreachable fault for east leaves west answering", async () => {
    await admin.injectFault({ kind: "unreachable", host: "east", times: "always" });
    await expect(east.get(collectionRef(EAST))).rejects.toThrow(
      "east (simulator) did not answer (simulated outage)",
    );
    expect((await west.get(collectionRef(WEST)))?.properties.ReplicationMode).toBe(2);
  });
});
