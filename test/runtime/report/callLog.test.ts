/**
 * Which calls a run keeps: only its own, also when several runs share one session at once; reads are not kept as
 * calls, and the same session is always tapped by the same object (so the session's job watcher stays shared). A
 * run's reads of its collections and their VMs are kept for it alone, until its first change.
 */
import { describe, expect, it } from "vitest";
import type { CimSession } from "../../../provider/cim";
import { systemClock } from "../../../provider/clock";
import { keepingCalls, runReads, tapSession } from "../../../provider/runtime/report/callLog";

function fakeSession(): CimSession {
  let jobs = 0;
  const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
  return {
    target: "hv-replica01 (wsman)",
    query: async () => [],
    get: async () => undefined,
    getMany: async (refs) => refs.map(() => undefined),
    associators: async () => [],
    close: async () => undefined,
    invoke: async () => {
      await pause();
      jobs += 1;
      return {
        returnValue: 4096,
        outParameters: { Job: { className: "Msvm_ConcreteJob", keys: { InstanceID: `job-${jobs}` } } },
      };
    },
  };
}

const vm = (name: string) => ({ className: "Msvm_ComputerSystem", keys: { Name: name } });

describe("keepingCalls", () => {
  it("keeps each run's own calls when two runs share a session at once, with the job each call returned", async () => {
    const inner = fakeSession();
    const session = tapSession(inner);
    expect(tapSession(inner)).toBe(session);
    const run = (name: string) =>
      keepingCalls(systemClock, async () => {
        await session.query("Msvm_ComputerSystem");
        await session.invoke(vm(name), "RequestStateChange", { RequestedState: 2 });
        await session.invoke(vm(name), "RequestStateChange", { RequestedState: 3 });
        return name;
      });
    const [a, b] = await Promise.all([run("vm-a"), run("vm-b")]);
    await session.invoke(vm("outside"), "RequestStateChange", { RequestedState: 2 });
    for (const [kept, name] of [
      [a, "vm-a"],
      [b, "vm-b"],
    ] as const) {
      expect(kept.result).toEqual({ ok: true, value: name });
      expect(
        kept.made.calls.map((c) => [c.keys.Name, c.method, c.arguments.RequestedState, c.returnValue]),
      ).toEqual([
        [name, "RequestStateChange", 2, 4096],
        [name, "RequestStateChange", 3, 4096],
      ]);
      expect(kept.made.sessions).toEqual([inner, inner]);
    }
    const jobs = [...a.made.calls, ...b.made.calls].map((c) => c.jobId).sort();
    expect(jobs).toEqual(["job-1", "job-2", "job-3", "job-4"]);
  });

  it("keeps a call that failed, with the seam's message, and hands the run's error back", async () => {
    const inner = { ...fakeSession(), invoke: async () => Promise.reject(new Error("transport closed")) };
    const kept = await keepingCalls(systemClock, () =>
      tapSession(inner).invoke(vm("vm-a"), "RequestStateChange", {}),
    );
    expect(kept.result.ok).toBe(false);
    expect(kept.made.calls.map((c) => [c.returnValue, c.jobId, c.error])).toEqual([
      [null, null, "transport closed"],
    ]);
  });

  it("keeps what each run read of its collection and VMs until its first change, and only that run sees it", async () => {
    const collection = (id: string) => ({
      className: "Msvm_VirtualSystemCollection",
      keys: { CollectionID: id },
    });
    const instance = (id: string, state: number) => ({
      ...collection(id),
      properties: { CollectionID: id, ReplicationState: state },
    });
    let state = 1;
    const inner: CimSession = {
      ...fakeSession(),
      get: async (ref) => instance(String(ref.keys.CollectionID), state),
      associators: async () => [{ className: "Msvm_ComputerSystem", keys: {}, properties: { Name: "vm-a" } }],
    };
    const session = tapSession(inner);
    const members = { association: "Msvm_CollectedVirtualSystems", resultClass: "Msvm_ComputerSystem" };
    const seenBefore: Record<string, unknown> = {};
    const run = (name: string, reads: boolean) => {
      const before = async () => {
        seenBefore[name] =
          runReads(inner.target, "ID-A")?.collection.properties.ReplicationState ?? "nothing";
      };
      return keepingCalls(
        systemClock,
        async () => {
          if (reads) {
            await session.get(collection("id-a"));
            await session.associators(collection("id-a"), members);
          }
          await session.invoke(vm(name), "RequestStateChange", { RequestedState: 2 });
          // After its first change a run's reads are the host's answer to that change, not the picture before it.
          state = 2;
          await session.get(collection("id-a"));
          return runReads(inner.target, "id-a")?.collection.properties.ReplicationState;
        },
        before,
      );
    };
    const [a, b] = await Promise.all([run("vm-a", true), run("vm-b", false)]);
    expect(seenBefore).toEqual({ "vm-a": 1, "vm-b": "nothing" });
    expect(a.result).toEqual({ ok: true, value: 1 });
    expect(b.result).toEqual({ ok: true, value: undefined });
    expect(runReads(inner.target, "id-a")).toBeUndefined();
  });
});
