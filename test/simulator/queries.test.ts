import { describe, expect, it } from "vitest";
import { CimError } from "../../provider/cim";
import { HyperVSimulator } from "../../provider/simulator";
import { anyGuid, BILLING_ID, collectionRef, PAYROLL_ID, SERVICE, setup, T0_CIM } from "./fixtures";

const HOUR_BEFORE_T0_CIM = "20251231230000.000000+000";

async function seeded() {
  const fixture = setup();
  const payroll = await fixture.sim.addCollection({
    id: PAYROLL_ID,
    name: "payroll",
    members: ["pay-db", "pay-web"],
  });
  await fixture.sim.addCollection({
    id: BILLING_ID,
    name: "billing",
    replicationState: 5,
    recoveryPoints: 0,
  });
  return { ...fixture, payroll };
}

const POINT_ID = /^Microsoft:[0-9A-F-]{36}$/;

describe("seeding", () => {
  it("fills in the defaults: Replicating, Replica mode, member VMs with GUIDs, two recovery points an hour apart", async () => {
    const { sim, payroll } = await seeded();

    expect(payroll).toEqual({
      id: PAYROLL_ID,
      name: "payroll",
      replicationState: 3,
      replicationMode: 2,
      failedOverReplicationType: 0,
      members: [
        { id: anyGuid(), name: "pay-db", enabledState: 3, replicationHealth: 1 },
        { id: anyGuid(), name: "pay-web", enabledState: 3, replicationHealth: 1 },
      ],
    });
    const vmIds = payroll.members.map((m) => m.id);
    const pointIds = [expect.stringMatching(POINT_ID), expect.stringMatching(POINT_ID)];
    expect(await sim.recoveryPoints(PAYROLL_ID)).toEqual([
      {
        instanceId: expect.stringMatching(POINT_ID),
        collectionId: PAYROLL_ID,
        creationTime: HOUR_BEFORE_T0_CIM,
        consistencyLevel: 2,
        virtualMachineIds: vmIds,
        recoveryPointIds: pointIds,
      },
      {
        instanceId: expect.stringMatching(POINT_ID),
        collectionId: PAYROLL_ID,
        creationTime: T0_CIM,
        consistencyLevel: 2,
        virtualMachineIds: vmIds,
        recoveryPointIds: pointIds,
      },
    ]);
  });

  it("generates a GUID when no id is given", async () => {
    const { sim } = setup();
    expect((await sim.addCollection({ name: "hr" })).id).toMatch(/^[0-9A-F-]{36}$/);
  });

  it("finds a collection by id in any case, else by exact name, and refuses an ambiguous name", async () => {
    const { sim } = await seeded();
    expect((await sim.collection(PAYROLL_ID.toLowerCase()))?.name).toBe("payroll");
    expect((await sim.collection("billing"))?.id).toBe(BILLING_ID);
    expect(await sim.collection("Billing")).toBeUndefined();

    await sim.addCollection({ name: "billing" });
    await expect(sim.collection("billing")).rejects.toThrow('2 simulated collections are named "billing"');
  });

  it("refuses a second collection with the same id and malformed seeds", async () => {
    const { sim } = await seeded();
    await expect(sim.addCollection({ id: PAYROLL_ID, name: "again" })).rejects.toThrow(
      `a collection with id ${PAYROLL_ID} exists`,
    );
    await expect(sim.addCollection({ name: "" })).rejects.toThrow("a collection needs a non-empty name");
    await expect(sim.addCollection({ name: "x", replicationState: 70000 })).rejects.toThrow(
      "replicationState must be an integer from 0 to 65535, got 70000",
    );
  });

  it("changes and removes collections out of band", async () => {
    const { sim } = await seeded();
    expect(
      await sim.setCollection("payroll", { replicationState: 8, failedOverReplicationType: 1 }),
    ).toMatchObject({
      replicationState: 8,
      replicationMode: 2,
      failedOverReplicationType: 1,
    });
    await sim.removeCollection(PAYROLL_ID);

    expect((await sim.collections()).map((c) => c.name)).toEqual(["billing"]);
    expect(await sim.recoveryPoints(PAYROLL_ID)).toEqual([]);
    await expect(sim.removeCollection("payroll")).rejects.toThrow(
      'no simulated collection has the CollectionID or name "payroll"',
    );
  });
});

describe("query", () => {
  it("returns collections with their WMI properties", async () => {
    const { session, payroll } = await seeded();

    expect(await session.query("Msvm_VirtualSystemCollection", { CollectionID: PAYROLL_ID })).toEqual([
      {
        className: "Msvm_VirtualSystemCollection",
        properties: {
          CollectionID: PAYROLL_ID,
          ElementName: "payroll",
          InstanceID: `Microsoft:${PAYROLL_ID}`,
          ReplicationState: 3,
          ReplicationMode: 2,
          FailedOverReplicationType: 0,
          LastApplyTime: T0_CIM,
          LastApplyVirtualMachineIds: payroll.members.map((m) => m.id),
          LastApplyConsistencyLevel: 2,
        },
      },
    ]);
  });

  it("compares property names and string values without regard to case, and ANDs the conditions", async () => {
    const { session } = await seeded();
    const names = async (filter: Record<string, string | number>) =>
      (await session.query("msvm_virtualsystemcollection", filter)).map((i) => i.properties["ElementName"]);

    expect(await names({ elementname: "PAYROLL" })).toEqual(["payroll"]);
    expect(await names({ collectionid: BILLING_ID.toLowerCase(), ReplicationState: 5 })).toEqual(["billing"]);
    expect(await names({ ElementName: "billing", ReplicationState: 3 })).toEqual([]);
    expect(await names({})).toEqual(["payroll", "billing"]);
  });

  it("returns recovery points, member VMs and the service", async () => {
    const { session, sim, payroll } = await seeded();
    const [older] = await sim.recoveryPoints(PAYROLL_ID);

    expect(await session.query("Msvm_CollectionRecoveryPoint", { InstanceID: older!.instanceId })).toEqual([
      {
        className: "Msvm_CollectionRecoveryPoint",
        properties: {
          InstanceID: older!.instanceId,
          CollectionID: PAYROLL_ID,
          CreationTime: HOUR_BEFORE_T0_CIM,
          ConsistencyLevel: 2,
          ElementName: "Recovery point 2025-12-31T23:00:00.000Z",
          VirtualMachineIds: payroll.members.map((m) => m.id),
          RecoveryPointIds: older!.recoveryPointIds,
        },
      },
    ]);
    expect(await session.query("Msvm_ComputerSystem", { ElementName: "pay-db" })).toEqual([
      {
        className: "Msvm_ComputerSystem",
        properties: {
          CreationClassName: "Msvm_ComputerSystem",
          Name: payroll.members[0]!.id,
          ElementName: "pay-db",
          Caption: "Virtual Machine",
          EnabledState: 3,
          // Off since it was seeded; a VM that is not running reports no time on (inferred: the docs say nothing).
          TimeOfLastStateChange: T0_CIM,
          OnTimeInMilliseconds: "0",
          ReplicationState: 3,
          ReplicationHealth: 1,
          ReplicationMode: 2,
        },
      },
    ]);
    expect(await session.query("Msvm_CollectionReplicationService")).toEqual([
      {
        className: "Msvm_CollectionReplicationService",
        properties: {
          ...SERVICE.keys,
          ElementName: "Hyper-V Collection Replication Service",
          EnabledState: 5,
        },
      },
    ]);
  });

  it("serves a superclass query with the subclass instances", async () => {
    const { session } = await seeded();
    const classes = (await session.query("CIM_CollectionOfMSEs")).map((i) => i.className);
    expect(classes).toEqual(["Msvm_VirtualSystemCollection", "Msvm_VirtualSystemCollection"]);
  });

  it("returns nothing for an unknown class and rejects an unknown property as an invalid query", async () => {
    const { session } = await seeded();
    expect(await session.query("Msvm_CollectionReplicationRelationship")).toEqual([]);

    const misspelt = session.query("Msvm_VirtualSystemCollection", { ReplicatonState: 3 });
    await expect(misspelt).rejects.toEqual(
      new CimError("wbem", "Invalid query: Msvm_VirtualSystemCollection has no property ReplicatonState"),
    );
  });
});

describe("get", () => {
  it("finds each class by its keys, in any case", async () => {
    const { session, sim, payroll } = await seeded();
    const [point] = await sim.recoveryPoints(PAYROLL_ID);
    const vm = payroll.members[0]!;

    expect((await session.get(collectionRef(PAYROLL_ID.toLowerCase())))?.properties["ElementName"]).toBe(
      "payroll",
    );
    expect(
      (
        await session.get({
          className: "Msvm_CollectionRecoveryPoint",
          keys: { InstanceID: point!.instanceId, CollectionID: PAYROLL_ID },
        })
      )?.properties["CreationTime"],
    ).toBe(HOUR_BEFORE_T0_CIM);
    expect(
      (await session.get({ className: "msvm_computersystem", keys: { name: vm.id } }))?.properties[
        "ElementName"
      ],
    ).toBe("pay-db");
    expect((await session.get(SERVICE))?.className).toBe("Msvm_CollectionReplicationService");
  });

  it("returns undefined for a missing instance, a missing key or an unknown class", async () => {
    const { session, sim } = await seeded();
    const [point] = await sim.recoveryPoints(PAYROLL_ID);

    expect(await session.get(collectionRef("00000000-0000-0000-0000-000000000000"))).toBeUndefined();
    expect(
      await session.get({
        className: "Msvm_CollectionRecoveryPoint",
        keys: { InstanceID: point!.instanceId },
      }),
    ).toBeUndefined();
    expect(
      await session.get({
        className: "Msvm_CollectionRecoveryPoint",
        keys: { InstanceID: point!.instanceId, CollectionID: BILLING_ID },
      }),
    ).toBeUndefined();
    expect(await session.get({ className: "Msvm_Nothing", keys: {} })).toBeUndefined();
  });
});

describe("the session", () => {
  it("names the simulated host and the namespace", async () => {
    const { sim } = setup({ hostName: "dr-lab" });
    const session = sim.session();

    expect(session.target).toBe("dr-lab (simulator)");
    expect(HyperVSimulator.namespace).toBe("root/HyperVCluster/v2");
    expect((await session.query("Msvm_CollectionReplicationService"))[0]?.properties["SystemName"]).toBe(
      "dr-lab",
    );
  });

  it("refuses calls after close and calls whose signal has already aborted", async () => {
    const { session } = setup();
    await expect(
      session.query("Msvm_ConcreteJob", {}, { signal: AbortSignal.abort(new Error("stop")) }),
    ).rejects.toThrow("stop");

    await session.close();
    await expect(session.query("Msvm_ConcreteJob")).rejects.toEqual(
      new CimError("protocol", "the session to hv-sim (simulator) is closed"),
    );
  });
});
