/**
 * One contract for every implementation of the CIM seam. The same tests run against the simulator directly and
 * against the PowerShell bridge in front of the same simulator, so the bridge is held to the simulator's answers.
 */
import { describe, expect, it } from "vitest";
import type { CimRef, CimSession } from "../../provider/cim";
import { CimError } from "../../provider/cim";
import { FakeClock } from "../../provider/clock";
import { HyperVSimulator } from "../../provider/simulator";
import { networksContract } from "./networksContract";
import { settingsContract } from "./settingsContract";
import { statisticsJobContract } from "./statisticsContract";
import { vmGroupContract } from "./vmGroupContract";

export interface ContractWorld {
  readonly sim: HyperVSimulator;
  readonly clock: FakeClock;
  readonly session: CimSession;
}

/** Gives each test a fresh simulator on a fake clock, and the session under test in front of it. */
export type WorldFactory = (sim: HyperVSimulator) => Promise<CimSession>;

const NS_COLLECTION = "Msvm_VirtualSystemCollection";
const SHUTDOWN = "Msvm_ShutdownComponent";
const SERVICE: CimRef = { className: "Msvm_CollectionReplicationService", keys: {} };
const collection = (id: string): CimRef => ({ className: NS_COLLECTION, keys: { CollectionID: id } });

export const AWKWARD_NAMES = [
  "it's quoted",
  'say "cheese"',
  "back`tick",
  "$env:PATH and $(whoami)",
  "semi; Remove-Item -Recurse /",
  "line one\nline two",
  "Ünïcødé Ωmega ✓ 日本",
  "back\\slash\\'",
];

export function cimContract(title: string, makeSession: WorldFactory): void {
  async function world(): Promise<ContractWorld> {
    const clock = new FakeClock(Date.UTC(2026, 10, 23, 21, 0, 0));
    const sim = new HyperVSimulator({ clock, hostName: "hv-replica01" });
    return { sim, clock, session: await makeSession(sim) };
  }

  describe(`the CIM contract: ${title}`, () => {
    it("queries instances, filtered by a property, and finds nothing for an unknown value", async () => {
      const { sim, session } = await world();
      const sql = await sim.addCollection({ name: "sql-cluster" });
      await sim.addCollection({ name: "app-tier" });
      const found = await session.query(NS_COLLECTION, { ElementName: "sql-cluster" });
      expect(found).toEqual([
        {
          className: NS_COLLECTION,
          properties: expect.objectContaining({
            CollectionID: sql.id,
            ElementName: "sql-cluster",
            ReplicationState: 3,
            ReplicationMode: 2,
          }),
        },
      ]);
      expect(await session.query(NS_COLLECTION, { ElementName: "none" })).toEqual([]);
      expect((await session.query(NS_COLLECTION)).map((c) => c.properties.ElementName).sort()).toEqual([
        "app-tier",
        "sql-cluster",
      ]);
    });

    it("gets an instance by its key, and undefined when there is none", async () => {
      const { sim, session } = await world();
      const sql = await sim.addCollection({ name: "sql-cluster" });
      expect((await session.get(collection(sql.id)))?.properties.ElementName).toBe("sql-cluster");
      expect(await session.get(collection("00000000-0000-0000-0000-000000000000"))).toBeUndefined();
    });

    it("gets several instances by key in one request, in order, undefined where there is none", async () => {
      const { sim, session } = await world();
      const sql = await sim.addCollection({ name: "sql-cluster" });
      const app = await sim.addCollection({ name: "app-tier" });
      const missing = collection("00000000-0000-0000-0000-000000000000");
      const found = await session.getMany([collection(app.id), missing, collection(sql.id)]);
      expect(found).toEqual([
        await session.get(collection(app.id)),
        undefined,
        await session.get(collection(sql.id)),
      ]);
      expect(found.map((i) => i?.properties.ElementName)).toEqual(["app-tier", undefined, "sql-cluster"]);
      expect(await session.getMany([])).toEqual([]);
    });

    it("gets many instances of several classes in one request: awkward keys, any case, gaps and repeats", async () => {
      const { sim, session } = await world();
      const seeded = [
        ...AWKWARD_NAMES.map((id, i) => ({ id, name: `awkward-${i}` })),
        ...Array.from({ length: 30 }, (_, i) => ({ name: `group-${i}`, recoveryPoints: 1 })),
      ];
      const ids: string[] = [];
      for (const seed of seeded) ids.push((await sim.addCollection(seed)).id);
      const points = await sim.session().query("Msvm_CollectionRecoveryPoint");
      const pointRefs = points.slice(0, 3).map((p) => ({
        className: "Msvm_CollectionRecoveryPoint",
        keys: {
          InstanceID: String(p.properties.InstanceID),
          CollectionID: String(p.properties.CollectionID),
        },
      }));
      const refs: CimRef[] = [
        ...ids.map((id, i) => collection(i >= AWKWARD_NAMES.length && i % 2 === 0 ? id.toLowerCase() : id)),
        collection("00000000-0000-0000-0000-000000000000"),
        SERVICE,
        collection(ids[AWKWARD_NAMES.length]!),
        ...pointRefs,
        { className: "Msvm_ConcreteJob", keys: {} },
      ];
      const one = await Promise.all(refs.map((ref) => session.get(ref)));
      const many = await session.getMany(refs);
      expect(many).toEqual(one);
      expect(many.slice(0, ids.length).map((c) => c?.properties.ElementName)).toEqual(
        seeded.map((s) => s.name),
      );
      expect(many[ids.length]).toBeUndefined();
      expect(many.at(-1)).toBeUndefined();
      expect(many.at(-2)?.className).toBe("Msvm_CollectionRecoveryPoint");
    });

    it("never resolves a reference without its keys to some instance", async () => {
      const { sim, session } = await world();
      await sim.addCollection({ name: "sql-cluster" });
      await sim.addCollection({ name: "app-tier" });
      expect(await session.get({ className: NS_COLLECTION, keys: {} })).toBeUndefined();
      expect(await session.get({ className: "Msvm_ConcreteJob", keys: {} })).toBeUndefined();
    });

    it("returns the same instances as the simulator itself, value for value", async () => {
      const { sim, session } = await world();
      await sim.addCollection({ name: "sql-cluster", members: ["a", "b"] });
      const direct = await sim.session().query("Msvm_CollectionRecoveryPoint");
      expect(await session.query("Msvm_CollectionRecoveryPoint")).toEqual(direct);
      expect(await session.query(NS_COLLECTION)).toEqual(await sim.session().query(NS_COLLECTION));
    });

    it("invokes a method with a REF argument, leaves a NULL REF out, and returns the Job reference", async () => {
      const { sim, session } = await world();
      const sql = await sim.addCollection({ name: "sql-cluster" });
      const result = await session.invoke(SERVICE, "InitiateFailover", { Collection: collection(sql.id) });
      expect(result).toEqual({
        returnValue: 4096,
        outParameters: { Job: { className: "Msvm_ConcreteJob", keys: { InstanceID: expect.any(String) } } },
      });
      const [call] = await sim.calls();
      expect(call).toMatchObject({ method: "InitiateFailover", collectionId: sql.id, returnValue: 4096 });
      expect(call?.arguments).not.toHaveProperty("CollectionRecoveryPoint");
    });

    it("passes a recovery point by reference", async () => {
      const { sim, session } = await world();
      const sql = await sim.addCollection({ name: "sql-cluster", recoveryPoints: 3 });
      const [oldest] = await sim.recoveryPoints(sql.id);
      const point: CimRef = {
        className: "Msvm_CollectionRecoveryPoint",
        keys: { InstanceID: oldest!.instanceId, CollectionID: sql.id },
      };
      const result = await session.invoke(SERVICE, "InitiateFailover", {
        Collection: collection(sql.id),
        CollectionRecoveryPoint: point,
      });
      expect(result.returnValue).toBe(4096);
      expect((await sim.calls())[0]?.arguments).toMatchObject({
        CollectionRecoveryPoint: { keys: { InstanceID: oldest!.instanceId } },
      });
    });

    it("answers an error return value with no out parameters", async () => {
      const { sim, session } = await world();
      const sql = await sim.addCollection({ name: "sql-cluster" });
      expect(await session.invoke(SERVICE, "RevertFailover", { Collection: collection(sql.id) })).toEqual({
        returnValue: 32775,
        outParameters: {},
      });
    });

    it("reads a job as it progresses, and its error messages when it fails", async () => {
      const { sim, clock, session } = await world();
      const sql = await sim.addCollection({ name: "sql-cluster" });
      await sim.injectFault({
        kind: "jobFails",
        method: "InitiateFailover",
        jobState: 10,
        errorCode: 32768,
        errorDescription: "Disk 'x' missing.",
      });
      const { outParameters } = await session.invoke(SERVICE, "InitiateFailover", {
        Collection: collection(sql.id),
      });
      const job = outParameters.Job as CimRef;
      expect((await session.get(job))?.properties).toMatchObject({ JobType: 97, Cancellable: true });
      clock.advance(60_000);
      const done = await session.get(job);
      expect(done?.properties).toMatchObject({
        JobState: 10,
        ErrorCode: 32768,
        ErrorDescription: "Disk 'x' missing.",
        PercentComplete: expect.any(Number),
      });
      expect(done?.properties.TimeBeforeRemoval).toBe("00000000000500.000000:000");
      const errors = await session.invoke(job, "GetErrorEx", {});
      expect(errors.returnValue).toBe(0);
      expect(errors.outParameters.Errors).toEqual([expect.stringContaining("Disk &apos;x&apos; missing.")]);
    });

    it("follows associations from a collection to its jobs and members", async () => {
      const { sim, session } = await world();
      const sql = await sim.addCollection({ name: "sql-cluster", members: ["sql-a", "sql-b"] });
      await session.invoke(SERVICE, "InitiateFailover", { Collection: collection(sql.id) });
      const jobs = await session.associators(collection(sql.id), {
        association: "Msvm_AffectedJobElement",
        resultClass: "Msvm_ConcreteJob",
      });
      expect(jobs.map((j) => j.properties.JobType)).toEqual([97]);
      const members = await session.associators(collection(sql.id), {
        association: "Msvm_CollectedVirtualSystems",
      });
      expect(members.map((m) => m.properties.ElementName).sort()).toEqual(["sql-a", "sql-b"]);
    });

    it("round-trips awkward names unchanged, as data", async () => {
      const { sim, session } = await world();
      for (const name of AWKWARD_NAMES) await sim.addCollection({ name });
      for (const name of AWKWARD_NAMES) {
        const found = await session.query(NS_COLLECTION, { ElementName: name });
        expect(found.map((c) => c.properties.ElementName)).toEqual([name]);
      }
    });

    it("reaches Msvm_ShutdownComponent in root/virtualization/v2 only, and shuts a guest down there", async () => {
      const { sim, clock, session } = await world();
      const sql = await sim.addCollection({ name: "sql-cluster", members: ["sql-a", "sql-b"] });
      for (const vm of ["sql-a", "sql-b"]) await sim.setVmState(sql.id, vm, 2);
      await sim.setGuestShutdown(sql.id, "sql-b", "noComponent");
      const [a, b] = sql.members.map((m) => m.id);
      const host = { namespace: "root/virtualization/v2" } as const;
      const [component, ...more] = await session.query(SHUTDOWN, { SystemName: a! }, host);
      expect(more).toEqual([]);
      expect(component).toEqual({
        className: SHUTDOWN,
        properties: {
          InstanceID: `Microsoft:${a!}\\9F8233AC-BE49-4C79-8EE3-E7E1985B2077`,
          DeviceID: `Microsoft:${a!}\\9F8233AC-BE49-4C79-8EE3-E7E1985B2077`,
          SystemName: a,
          SystemCreationClassName: "Msvm_ComputerSystem",
          CreationClassName: SHUTDOWN,
          ElementName: "Shutdown",
          Name: "Shutdown",
          EnabledState: 2,
          OperationalStatus: [2],
        },
      });
      expect(await session.query(SHUTDOWN, { SystemName: b! }, host)).toEqual([]);
      expect(await session.query(SHUTDOWN, { SystemName: a! })).toEqual([]);
      expect(await session.query(NS_COLLECTION, {}, host)).toEqual([]);
      const ref: CimRef = {
        className: SHUTDOWN,
        keys: { InstanceID: String(component!.properties.InstanceID) },
      };
      const reason = AWKWARD_NAMES[3]!;
      expect(await session.invoke(ref, "InitiateShutdown", { Force: false, Reason: reason }, host)).toEqual({
        returnValue: 0,
        outParameters: {},
      });
      expect(await sim.calls()).toEqual([
        {
          at: clock.now(),
          namespace: "root/virtualization/v2",
          className: SHUTDOWN,
          method: "InitiateShutdown",
          arguments: { Force: false, Reason: reason },
          returnValue: 0,
          collectionId: sql.id,
          vmId: a,
        },
      ]);
      const vm: CimRef = {
        className: "Msvm_ComputerSystem",
        keys: { CreationClassName: "Msvm_ComputerSystem", Name: a! },
      };
      expect((await session.get(vm))?.properties.EnabledState).toBe(2);
      clock.advance(5000);
      expect((await session.get(vm))?.properties.EnabledState).toBe(3);
    });

    it("turns a CIM failure without a return value into a wbem CimError", async () => {
      const { sim, session } = await world();
      const sql = await sim.addCollection({ name: "sql-cluster" });
      await sim.injectFault({
        kind: "wbemError",
        method: "InitiateFailover",
        message: "The method call failed.",
      });
      const error = await session
        .invoke(SERVICE, "InitiateFailover", { Collection: collection(sql.id) })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CimError);
      expect(error).toMatchObject({
        category: "wbem",
        message: expect.stringContaining("The method call failed."),
      });
    });

    statisticsJobContract(world);
    settingsContract(world);
    vmGroupContract(world);
    networksContract(world);

    it("turns an unreachable host into an unreachable CimError, then works again", async () => {
      const { sim, session } = await world();
      await sim.addCollection({ name: "sql-cluster" });
      await sim.injectFault({ kind: "unreachable", times: 1 });
      const error = await session.query(NS_COLLECTION).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CimError);
      expect(error).toMatchObject({ category: "unreachable" });
      expect(await session.query(NS_COLLECTION)).toHaveLength(1);
    });
  });
}
