/**
 * A pair through each host's session on one state file: each host answers only for its own cluster, a partner whose
 * host is down gets 32777, and a removed relationship unlinks the two.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CimRef, CimSession } from "../../provider/cim";
import { FakeClock } from "../../provider/clock";
import { HyperVSimulator } from "../../provider/simulator";
import { collectionRef, T0 } from "./fixtures";

const EAST = "6B0C1F4E-2A52-4C8E-9D41-0A7F3E1B9C10";
const WEST = "0D9E8F7A-6B5C-4D3E-2F1A-0B9C8D7E6F5A";
/** The settings of a reverse on west: replicating to east's Replica Broker. */
const SETTINGS =
  '<INSTANCE CLASSNAME="Msvm_CollectionReplicationSettingData">' +
  '<PROPERTY NAME="RecoveryConnectionPoint" TYPE="string"><VALUE>east-broker</VALUE></PROPERTY></INSTANCE>';

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
let clock: FakeClock;
let admin: HyperVSimulator;
let sessions: Record<string, CimSession>;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-pair-outage-"));
  const stateFile = path.join(dir, "pair.json");
  clock = new FakeClock(T0);
  admin = new HyperVSimulator({ stateFile, clock, hostName: "east" });
  await admin.init();
  await admin.addPair({
    name: "sql",
    members: ["sql-a"],
    primary: { host: "east", id: EAST },
    replica: { host: "west", id: WEST },
  });
  sessions = {
    east: admin.session(),
    west: new HyperVSimulator({ stateFile, clock, hostName: "west" }).session(),
  };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** One call on a host, then long enough for its job to finish; the return value. */
async function call(host: string, method: string, id: string, extra = {}): Promise<number> {
  const result = await sessions[host]!.invoke(service(host), method, {
    Collection: collectionRef(id),
    ...extra,
  });
  clock.advance(10_000);
  return result.returnValue;
}

async function stopEastVms(): Promise<void> {
  for (const vm of (await admin.collection(EAST))!.members) {
    const ref = { className: "Msvm_ComputerSystem", keys: { Name: vm.id } };
    expect((await sessions.east!.invoke(ref, "RequestStateChange", { RequestedState: 3 })).returnValue).toBe(
      4096,
    );
  }
  clock.advance(2000);
}

const stateOf = async (id: string) => {
  const c = (await admin.collection(id))!;
  return [c.replicationMode, c.replicationState, c.failedOverReplicationType];
};

describe("each host answers only for its own cluster", () => {
  it("shows its own collection, points, VMs and jobs, and treats the other site's collection as unknown", async () => {
    const names = async (host: string, className: string, key: string) =>
      (await sessions[host]!.query(className)).map((i) => i.properties[key]);
    expect(await names("east", "Msvm_VirtualSystemCollection", "CollectionID")).toEqual([EAST]);
    expect(await names("west", "Msvm_VirtualSystemCollection", "CollectionID")).toEqual([WEST]);
    expect(await names("east", "Msvm_CollectionRecoveryPoint", "CollectionID")).toEqual([]);
    expect(await names("west", "Msvm_CollectionRecoveryPoint", "CollectionID")).toEqual([WEST, WEST]);
    const westVm = (await admin.collection(WEST))!.members[0]!.id;
    expect(await names("east", "Msvm_ComputerSystem", "Name")).toEqual([
      (await admin.collection(EAST))!.members[0]!.id,
    ]);
    const vmRef = { className: "Msvm_ComputerSystem", keys: { Name: westVm } };
    await expect(sessions.east!.invoke(vmRef, "RequestStateChange", { RequestedState: 2 })).rejects.toThrow(
      "Not found: no Msvm_ComputerSystem instance matches the REF",
    );
    expect(await call("east", "InitiateFailover", WEST)).toBe(32773);
    expect(await call("west", "InitiateFailover", WEST)).toBe(4096);
    expect(await names("east", "Msvm_ConcreteJob", "JobType")).toEqual([]);
    expect(await names("west", "Msvm_ConcreteJob", "JobType")).toEqual([97]);
    expect(await admin.collections()).toHaveLength(2);
  });
});

describe("a pair with one host down", () => {
  it("answers 32777 to the calls that must reach the partner, and works again once it is back", async () => {
    await stopEastVms();
    await admin.injectFault({ kind: "unreachable", host: "west", times: "always" });
    expect(await call("east", "InitiatePlannedFailover", EAST)).toBe(32777);
    expect(await stateOf(EAST)).toEqual([1, 3, 0]);
    await admin.clearFaults();
    expect(await call("east", "InitiatePlannedFailover", EAST)).toBe(4096);
    expect(await stateOf(EAST)).toEqual([1, 11, 2]);
  });

  it("answers 32777 to reprotect while the partner is down, and 32775 once it answers but is not prepared", async () => {
    expect(await call("west", "InitiateFailover", WEST)).toBe(4096);
    expect(await call("west", "CommitFailover", WEST)).toBe(4096);
    await admin.injectFault({ kind: "unreachable", host: "east", times: "always" });
    const reverse = { CollectionReplicationSettingData: SETTINGS };
    expect(await call("west", "ReverseReplicationRelationship", WEST, reverse)).toBe(32777);
    await admin.clearFaults();
    expect(await call("west", "ReverseReplicationRelationship", WEST, reverse)).toBe(32775);
    await stopEastVms();
    expect(await call("east", "PrepareForReverseReplication", EAST)).toBe(4096);
    expect(await call("west", "ReverseReplicationRelationship", WEST, reverse)).toBe(4096);
    expect([await stateOf(EAST), await stateOf(WEST)]).toEqual([
      [2, 3, 0],
      [1, 3, 0],
    ]);
  });

  it("does not count a fault that fires a number of times as the host being down", async () => {
    await stopEastVms();
    await admin.injectFault({ kind: "unreachable", host: "west", times: 3 });
    expect(await call("east", "InitiatePlannedFailover", EAST)).toBe(4096);
  });
});

describe("RemoveReplicationRelationship on a pair", () => {
  it("leaves the partner as it is but unlinked, so its calls no longer look across", async () => {
    expect(await call("east", "RemoveReplicationRelationship", EAST)).toBe(4096);
    expect([await stateOf(EAST), await stateOf(WEST)]).toEqual([
      [0, 0, 0],
      [2, 3, 0],
    ]);
    await admin.setCollection(WEST, { replicationState: 6, failedOverReplicationType: 1 });
    // Linked, the reverse would need the old primary prepared; unlinked, the table alone decides.
    const reverse = { CollectionReplicationSettingData: SETTINGS };
    expect(await call("west", "ReverseReplicationRelationship", WEST, reverse)).toBe(4096);
    expect(await stateOf(WEST)).toEqual([1, 3, 0]);
  });
});
