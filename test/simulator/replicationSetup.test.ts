/**
 * The simulator's CreateReplicationRelationship, ModifyReplicationSettings and StartReplication beyond the state
 * table: settings outside the documented ranges, or not one well-formed instance of the class, are refused with
 * 32773 and change nothing; accepted settings are kept as sent; the initial copy lasts longer the more data the
 * group holds.
 */
import { describe, expect, it } from "vitest";
import { formatEmbeddedInstance } from "../../provider/cim";
import { FakeClock } from "../../provider/clock";
import { HyperVSimulator } from "../../provider/simulator";
import {
  INITIAL_COPY_BYTES_PER_SECOND,
  INITIAL_COPY_FIXED_MS,
  settingsProblem,
} from "../../provider/simulator/methods/transitions/replicationSetup";
import { collectionRef, PAYROLL_ID, SERVICE } from "./fixtures";

const CLASS = "Msvm_CollectionReplicationSettingData";
const settings = (...properties: [string, string, string][]) =>
  formatEmbeddedInstance({
    className: CLASS,
    properties: properties.map(([name, type, value]) => ({ name, type, value })),
  });

async function unreplicated(dataSizeBytes?: number) {
  const clock = new FakeClock();
  const sim = new HyperVSimulator({ clock });
  await sim.addCollection({
    id: PAYROLL_ID,
    name: "payroll",
    members: ["payroll-db"],
    replicationState: 0,
    replicationMode: 0,
    ...(dataSizeBytes !== undefined ? { dataSizeBytes } : {}),
  });
  return { clock, sim, session: sim.session() };
}

const create = (text: string) => ({
  Collection: collectionRef(PAYROLL_ID),
  CollectionReplicationSettingData: text,
});

describe("the settings CreateReplicationRelationship takes", () => {
  it.each<[string, string]>([
    ["ReplicationInterval 60 (documented: 30, 300, 900)", settings(["ReplicationInterval", "uint16", "60"])],
    ["RecoveryHistory 17 (documented: 0 to 16)", settings(["RecoveryHistory", "uint16", "17"])],
    [
      "ApplicationConsistentSnapshotInterval 0 (documented: 1 to 12 hours)",
      settings(["ApplicationConsistentSnapshotInterval", "uint16", "0"]),
    ],
    ["AuthenticationType 3 (documented: 1 or 2)", settings(["AuthenticationType", "uint16", "3"])],
    ["certificate authentication with no thumbprint", settings(["AuthenticationType", "uint16", "2"])],
    [
      "a RecoveryConnectionPoint over its Maxlen (256)",
      settings(["RecoveryConnectionPoint", "string", "b".repeat(257)]),
    ],
    ["text that is not XML", "<INSTANCE CLASSNAME="],
    ["an instance of another class", '<INSTANCE CLASSNAME="Msvm_ReplicationSettingData"></INSTANCE>'],
  ])("refuses %s with 32773 and changes nothing", async (_, text) => {
    const { sim, session } = await unreplicated();
    expect(await session.invoke(SERVICE, "CreateReplicationRelationship", create(text))).toEqual({
      returnValue: 32773,
      outParameters: {},
    });
    expect(await sim.collection(PAYROLL_ID)).toMatchObject({ replicationState: 0, replicationMode: 0 });
    expect(await sim.jobs()).toEqual([]);
  });

  it("says why it refuses, naming the property", () => {
    expect(settingsProblem(settings(["RecoveryHistory", "uint16", "17"]))).toBe(
      "RecoveryHistory 17 is outside its documented range",
    );
    expect(settingsProblem(settings())).toBeUndefined();
  });

  it("keeps what accepted settings say, awkward text included", async () => {
    const { clock, session } = await unreplicated();
    const broker = `broker "west" <&> 'Zürich' ✓`;
    const text = settings(
      ["RecoveryConnectionPoint", "string", broker],
      ["ReplicationInterval", "uint16", "30"],
      ["RecoveryHistory", "uint16", "16"],
    );
    expect((await session.invoke(SERVICE, "CreateReplicationRelationship", create(text))).returnValue).toBe(
      4096,
    );
    clock.advance(60_000);
    const [held] = await session.associators(collectionRef(PAYROLL_ID), {
      association: "Msvm_ElementSettingData",
      resultClass: CLASS,
    });
    expect(held?.properties).toMatchObject({
      RecoveryConnectionPoint: broker,
      ReplicationInterval: 30,
      RecoveryHistory: 16,
    });
  });
});

describe("the initial copy", () => {
  it.each([0, 4 * 1024 ** 3])(
    "with %i bytes of data lasts the fixed part plus the data at the copy rate",
    async (bytes) => {
      const { clock, sim, session } = await unreplicated(bytes);
      await session.invoke(SERVICE, "CreateReplicationRelationship", create(settings()));
      clock.advance(60_000);
      await session.invoke(SERVICE, "StartReplication", {
        Collection: collectionRef(PAYROLL_ID),
        InitialReplicationType: 1,
      });
      const expectedMs = INITIAL_COPY_FIXED_MS + (bytes / INITIAL_COPY_BYTES_PER_SECOND) * 1000;
      clock.advance(expectedMs - 1);
      expect(await sim.collection(PAYROLL_ID)).toMatchObject({ replicationState: 2 });
      clock.advance(1);
      expect(await sim.collection(PAYROLL_ID)).toMatchObject({ replicationState: 3 });
    },
  );
});
