/**
 * The simulated Msvm_CollectionManagementService, call by call: the return codes and jobs the rows of
 * provider/simulator/methods/transitions/collectionManagement.ts promise (each quoting its ClusHyperV page or saying what is
 * inferred), and what a completed job changes.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { CimRef, CimSession } from "../../provider/cim";
import type { FakeClock } from "../../provider/clock";
import type { HyperVSimulator, SimMember } from "../../provider/simulator";
import { collectionRef, jobIdOf, PAYROLL_ID, setup } from "./fixtures";

const MANAGER: CimRef = {
  className: "Msvm_CollectionManagementService",
  keys: {
    CreationClassName: "Msvm_CollectionManagementService",
    Name: "vmms",
    SystemCreationClassName: "Msvm_ComputerSystem",
    SystemName: "hv-sim",
  },
};
const GROUP = "11111111-2222-4333-8444-555555555555";
const vmRef = (id: string): CimRef => ({ className: "Msvm_ComputerSystem", keys: { Name: id } });

describe("the simulated Msvm_CollectionManagementService", () => {
  let sim: HyperVSimulator;
  let session: CimSession;
  let clock: FakeClock;
  let vms: SimMember[];

  beforeEach(async () => {
    ({ sim, session, clock } = setup());
    vms = await sim.addVirtualMachines(["app-a", "app-b"]);
  });

  const define = (args: Record<string, string | number>) => session.invoke(MANAGER, "DefineCollection", args);
  const member = (method: string, vmId: string, group = GROUP) =>
    session.invoke(MANAGER, method, { Member: vmRef(vmId), Collection: collectionRef(group) });

  it("lists the singleton, and the host's VMs outside any group among Msvm_ComputerSystem", async () => {
    expect((await session.query("Msvm_CollectionManagementService")).map((i) => i.properties.Name)).toEqual([
      "vmms",
    ]);
    const listed = await session.query("Msvm_ComputerSystem");
    expect(listed.map((i) => [i.properties.ElementName, i.properties.ReplicationMode])).toEqual([
      ["app-a", 0],
      ["app-b", 0],
    ]);
  });

  it("DefineCollection: type 0 answers 0 with DefinedCollection, a group with no members that does not replicate", async () => {
    expect(await define({ Name: "app", Id: GROUP, Type: 0 })).toEqual({
      returnValue: 0,
      outParameters: { DefinedCollection: collectionRef(GROUP) },
    });
    expect(await sim.collection(GROUP)).toMatchObject({
      name: "app",
      replicationState: 0,
      replicationMode: 0,
      members: [],
    });
  });

  it.each([
    ["a used Id (the docs: 'The GUID must be unique, or the call will fail')", { Id: GROUP, Type: 0 }, 32768],
    ["an Id that is not a GUID", { Id: "not-a-guid", Type: 0 }, 32773],
    ["Type 1 (Collection of Collections), not modelled", { Type: 1 }, 32770],
    ["no Type", {}, 32773],
  ])("DefineCollection refuses %s", async (_, args, code) => {
    await define({ Name: "first", Id: GROUP, Type: 0 });
    expect((await define({ Name: "second", ...args })).returnValue).toBe(code);
    expect((await sim.collections()).map((c) => c.name)).toEqual(["first"]);
  });

  it("AddMember starts a job (193); the VM joins when it completes; RemoveMember (194) gives it back to the host", async () => {
    await define({ Name: "app", Id: GROUP, Type: 0 });
    const added = await member("AddMember", vms[0]!.id);
    expect(added.returnValue).toBe(4096);
    expect((await sim.jobs()).find((j) => j.instanceId === jobIdOf(added))?.jobType).toBe(193);
    const job = await session.get({ className: "Msvm_ConcreteJob", keys: { InstanceID: jobIdOf(added) } });
    expect(job?.properties).toMatchObject({ Name: "Add Member", JobType: 193, JobState: 3 });
    expect((await sim.collection(GROUP))?.members).toEqual([]);
    clock.advance(500);
    expect((await sim.collection(GROUP))?.members.map((m) => m.name)).toEqual(["app-a"]);
    const removed = await member("RemoveMember", vms[0]!.id);
    expect((await sim.jobs()).find((j) => j.instanceId === jobIdOf(removed))?.jobType).toBe(194);
    clock.advance(500);
    expect((await sim.collection(GROUP))?.members).toEqual([]);
    expect((await session.query("Msvm_ComputerSystem")).map((i) => i.properties.ElementName)).toEqual([
      "app-b",
      "app-a",
    ]);
  });

  it("membership refusals: a VM in a group already 32775, an unknown VM or a non-member 32773, busy 32774", async () => {
    await define({ Name: "app", Id: GROUP, Type: 0 });
    await member("AddMember", vms[0]!.id);
    expect((await member("AddMember", vms[1]!.id)).returnValue).toBe(32774);
    clock.advance(500);
    expect((await member("AddMember", vms[0]!.id)).returnValue).toBe(32775);
    expect((await member("AddMember", "00000000-0000-4000-8000-000000000000")).returnValue).toBe(32773);
    expect((await member("RemoveMember", vms[1]!.id)).returnValue).toBe(32773);
    expect((await member("AddMember", vms[1]!.id, "00000000-0000-4000-8000-000000000001")).returnValue).toBe(
      32773,
    );
  });

  it("a group that replicates keeps its members and is not destroyed (32775); it may be renamed", async () => {
    await sim.addCollection({ id: PAYROLL_ID, name: "payroll", members: ["pay-a"] });
    const [payA] = (await sim.collection(PAYROLL_ID))!.members;
    expect((await member("AddMember", vms[0]!.id, PAYROLL_ID)).returnValue).toBe(32775);
    expect((await member("RemoveMember", payA!.id, PAYROLL_ID)).returnValue).toBe(32775);
    const destroy = await session.invoke(MANAGER, "DestroyCollection", {
      Collection: collectionRef(PAYROLL_ID),
    });
    expect(destroy.returnValue).toBe(32775);
    const rename = { Collection: collectionRef(PAYROLL_ID), NewName: "payroll-2" };
    expect((await session.invoke(MANAGER, "RenameCollection", rename)).returnValue).toBe(4096);
    clock.advance(500);
    expect((await sim.collection(PAYROLL_ID))?.name).toBe("payroll-2");
  });

  it("RenameCollection refuses an empty NewName (32773) and changes nothing", async () => {
    await define({ Name: "app", Id: GROUP, Type: 0 });
    const args = { Collection: collectionRef(GROUP), NewName: "" };
    expect((await session.invoke(MANAGER, "RenameCollection", args)).returnValue).toBe(32773);
    expect((await sim.collection(GROUP))?.name).toBe("app");
  });

  it("DestroyCollection refuses a group with members (32775: Remove-VMGroup needs it empty); an empty one answers 0", async () => {
    await define({ Name: "app", Id: GROUP, Type: 0 });
    await member("AddMember", vms[0]!.id);
    clock.advance(500);
    const destroy = () => session.invoke(MANAGER, "DestroyCollection", { Collection: collectionRef(GROUP) });
    expect((await destroy()).returnValue).toBe(32775);
    await member("RemoveMember", vms[0]!.id);
    clock.advance(500);
    expect(await destroy()).toEqual({ returnValue: 0, outParameters: {} });
    expect(await sim.collection(GROUP)).toBeUndefined();
    expect((await session.query("Msvm_ComputerSystem")).map((i) => i.properties.ElementName).sort()).toEqual([
      "app-a",
      "app-b",
    ]);
  });

  it("a failed AddMember job leaves the VM outside the group", async () => {
    await define({ Name: "app", Id: GROUP, Type: 0 });
    await sim.injectFault({
      kind: "jobFails",
      method: "AddMember",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "The VM could not be added.",
    });
    await member("AddMember", vms[0]!.id);
    clock.advance(500);
    expect((await sim.collection(GROUP))?.members).toEqual([]);
  });
});
