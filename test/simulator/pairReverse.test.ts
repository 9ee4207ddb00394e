/**
 * ReverseReplicationRelationship on a simulated pair: it takes only settings that replicate to the other site (with
 * the reversing site's own certificate under certificate authentication), answering 32773 otherwise, and the new
 * primary then sends its first copy (a StartReplication job, state 2) before it replicates (3).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CimRef, CimSession } from "../../provider/cim";
import { FakeClock } from "../../provider/clock";
import { HyperVSimulator } from "../../provider/simulator";
import type { SeedPair } from "../../provider/simulator";
import { collectionRef } from "./fixtures";

const EAST = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
const WEST = "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a";
const EAST_CERT = "1E2A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C";
const WEST_CERT = "A909502DD82AE41433E6F83886B00D4277A32A7B";
const service = (host: string): CimRef => ({
  className: "Msvm_CollectionReplicationService",
  keys: {
    CreationClassName: "Msvm_CollectionReplicationService",
    Name: "vmms",
    SystemCreationClassName: "Msvm_ComputerSystem",
    SystemName: host,
  },
});

/** Every pair's folder: a test may make more than one. */
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A pair with west committed (the state a reverse needs), east planned-prepared, and a 1 s first copy. */
async function committedPair(seed: Partial<SeedPair> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-reverse-"));
  dirs.push(dir);
  const stateFile = path.join(dir, "pair.json");
  const clock = new FakeClock();
  const admin = new HyperVSimulator({ stateFile, clock, hostName: "east" });
  await admin.init();
  await admin.addPair({
    name: "sql-cluster",
    members: ["sql-a"],
    primary: { host: "east", id: EAST },
    replica: { host: "west", id: WEST },
    ...seed,
  });
  await admin.setCollection(EAST, { replicationState: 11, failedOverReplicationType: 2 });
  await admin.setCollection(WEST, { replicationState: 6, failedOverReplicationType: 2 });
  await admin.setJobDuration("ReverseReplicationRelationship", 0);
  await admin.setJobDuration("StartReplication", 1000);
  const west = new HyperVSimulator({ stateFile, clock, hostName: "west" }).session();
  return { admin, west, clock };
}

async function reverse(west: CimSession, settings: string): Promise<number> {
  const args = { Collection: collectionRef(WEST), CollectionReplicationSettingData: settings };
  return (await west.invoke(service("west"), "ReverseReplicationRelationship", args)).returnValue;
}

const settings = (recovery: string | null, primary = "west-broker", extra = "") =>
  '<INSTANCE CLASSNAME="Msvm_CollectionReplicationSettingData">' +
  (recovery === null
    ? ""
    : `<PROPERTY NAME="RecoveryConnectionPoint" TYPE="string"><VALUE>${recovery}</VALUE></PROPERTY>`) +
  `<PROPERTY NAME="PrimaryConnectionPoint" TYPE="string"><VALUE>${primary}</VALUE></PROPERTY>` +
  `${extra}</INSTANCE>`;
const auth = (type: number, thumbprint?: string) =>
  `<PROPERTY NAME="AuthenticationType" TYPE="uint16"><VALUE>${type}</VALUE></PROPERTY>` +
  (thumbprint
    ? `<PROPERTY NAME="CertificateThumbPrint" TYPE="string"><VALUE>${thumbprint}</VALUE></PROPERTY>`
    : "");

async function states(admin: HyperVSimulator) {
  const all = await admin.collections();
  return all.map((c) => `${c.id === EAST ? "east" : "west"} ${c.replicationMode}/${c.replicationState}`);
}

describe("ReverseReplicationRelationship checks the settings it is given (32773, inferred)", () => {
  it.each([
    ["the settings as read (west replicating to itself)", settings("west-broker", "east-broker")],
    ["no RecoveryConnectionPoint", settings(null)],
    ["another host", settings("north-broker")],
    ["text that is not an instance", "RecoveryConnectionPoint=east-broker"],
  ])("refuses %s and changes nothing", async (_name, text) => {
    const { admin, west } = await committedPair();
    expect(await reverse(west, text)).toBe(32773);
    expect(await states(admin)).toEqual(["east 1/11", "west 2/6"]);
    expect(await admin.jobs()).toEqual([]);
  });

  it("takes them swapped, in any case, or with PrimaryConnectionPoint left as the sample leaves it", async () => {
    for (const text of [settings("EAST-Broker"), settings("east-broker", "east-broker")]) {
      const { west } = await committedPair();
      expect(await reverse(west, text)).toBe(4096);
    }
  });

  it("under certificate authentication takes only west's own certificate", async () => {
    const seed = {
      primary: { host: "east", id: EAST, certificateThumbprint: EAST_CERT },
      replica: { host: "west", id: WEST, certificateThumbprint: WEST_CERT },
    };
    const { west } = await committedPair(seed);
    expect(await reverse(west, settings("east-broker", "west-broker", auth(2, EAST_CERT)))).toBe(32773);
    expect(await reverse(west, settings("east-broker", "west-broker", auth(2)))).toBe(32773);
    expect(
      await reverse(west, settings("east-broker", "west-broker", auth(2, WEST_CERT.toLowerCase()))),
    ).toBe(4096);
  });
});

describe("after ReverseReplicationRelationship", () => {
  it("west sends its first copy (StartReplication, 2) while east waits for it (2), then both replicate (3)", async () => {
    const { admin, west, clock } = await committedPair();
    expect(await reverse(west, settings("east-broker", "east-broker", auth(1)))).toBe(4096);
    expect(await states(admin)).toEqual(["east 2/2", "west 1/2"]);
    const copy = (await admin.jobs()).filter((j) => j.jobState === 4 || j.jobState === 3);
    expect(copy.map((j) => [j.method, j.jobType, j.collectionId])).toEqual([["StartReplication", 94, WEST]]);
    clock.advance(1000);
    expect(await states(admin)).toEqual(["east 2/3", "west 1/3"]);
  });

  it("both sides hold the settings as sent, with PrimaryConnectionPoint west's own", async () => {
    const { admin, west } = await committedPair();
    await reverse(west, settings("east-broker", "east-broker", auth(1)));
    const held = await Promise.all(
      [EAST, WEST].map(async (id) => {
        const session = id === EAST ? admin.session() : west;
        const [found] = await session.associators(collectionRef(id), {
          association: "Msvm_ElementSettingData",
          resultClass: "Msvm_CollectionReplicationSettingData",
        });
        return found?.properties;
      }),
    );
    expect(held).toEqual([
      {
        RecoveryConnectionPoint: "east-broker",
        PrimaryConnectionPoint: "west-broker",
        AuthenticationType: 1,
        InstanceID: `Microsoft:${EAST}\\Replication`,
      },
      {
        RecoveryConnectionPoint: "east-broker",
        PrimaryConnectionPoint: "west-broker",
        AuthenticationType: 1,
        InstanceID: `Microsoft:${WEST}\\Replication`,
      },
    ]);
  });
});
