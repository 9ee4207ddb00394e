/**
 * The replication service's REF: read once per session for a minute, shared by runs that ask at once, and never
 * kept when the read fails or finds no service.
 */
import { describe, expect, it } from "vitest";
import type { CimInstance, CimSession } from "../../provider/cim";
import { CimError } from "../../provider/cim";
import { FakeClock } from "../../provider/clock";
import { NotFoundError, replicationService, SERVICE_REUSE_MS } from "../../provider/hyperv";
import { HyperVSimulator } from "../../provider/simulator";

/** No second try: a failed read fails the call. */
const RETRIES = { attempts: 0, initialDelayMs: 1000, maxDelayMs: 1000 };
const options = (clock: FakeClock) => ({ clock, readRetries: RETRIES, progress: () => undefined });
const context = (collection: string) => ({ collection, host: "hv01" });

/** A session whose only call is a query of the service, answered by `answer` (the nth read, from 1). */
function serviceHost(answer: (read: number) => CimInstance[]) {
  let reads = 0;
  const session = {
    target: "hv01 (test)",
    query: async (): Promise<CimInstance[]> => answer(++reads),
  } as unknown as CimSession;
  return { session, reads: () => reads };
}

async function world() {
  const clock = new FakeClock(Date.UTC(2026, 10, 27, 21, 0, 0));
  const sim = new HyperVSimulator({ clock, hostName: "hv01" });
  await sim.addCollection({ name: "sql-cluster" });
  const session = sim.session();
  const serviceReads = async () =>
    (await sim.reads()).filter((r) => r.className === "Msvm_CollectionReplicationService").length;
  return { clock, sim, session, serviceReads };
}

describe("the replication service's REF", () => {
  it("is read once for runs that ask at once, reused for a minute, then read again", async () => {
    const { clock, session, serviceReads } = await world();
    const refs = await Promise.all(
      ["a", "b", "c"].map((name) => replicationService(session, context(name), options(clock))),
    );
    expect(new Set(refs.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(refs[0]?.keys.SystemName).toBe("hv01");
    expect(await serviceReads()).toBe(1);

    clock.advance(SERVICE_REUSE_MS - 1);
    await replicationService(session, context("a"), options(clock));
    expect(await serviceReads()).toBe(1);

    clock.advance(1);
    await replicationService(session, context("a"), options(clock));
    expect(await serviceReads()).toBe(2);
  });

  it("is read by each session for itself", async () => {
    const { clock, sim, session, serviceReads } = await world();
    await replicationService(session, context("a"), options(clock));
    await replicationService(sim.session(), context("a"), options(clock));
    expect(await serviceReads()).toBe(2);
  });

  it("names each caller's collection when the host has no service, and reads again next time", async () => {
    const clock = new FakeClock(0);
    const { session: empty, reads } = serviceHost(() => []);
    const [a, b] = await Promise.allSettled([
      replicationService(empty, context("sql-cluster"), options(clock)),
      replicationService(empty, context("app-tier"), options(clock)),
    ]);
    expect(a).toMatchObject({ status: "rejected", reason: expect.any(NotFoundError) });
    expect(String((a as PromiseRejectedResult).reason.message)).toContain("sql-cluster");
    expect(String((b as PromiseRejectedResult).reason.message)).toContain("app-tier");
    expect(reads()).toBe(1);
    await expect(replicationService(empty, context("sql-cluster"), options(clock))).rejects.toThrow(
      NotFoundError,
    );
    expect(reads()).toBe(2);
  });

  it("does not keep a read that failed", async () => {
    const clock = new FakeClock(0);
    const { session: flaky, reads } = serviceHost((read) => {
      if (read === 1) throw new CimError("unreachable", "hv01 did not answer");
      return [{ className: "Msvm_CollectionReplicationService", properties: { Name: "svc" } }];
    });
    await expect(replicationService(flaky, context("a"), options(clock))).rejects.toThrow("did not answer");
    expect(await replicationService(flaky, context("a"), options(clock))).toEqual({
      className: "Msvm_CollectionReplicationService",
      keys: { Name: "svc" },
    });
    expect(reads()).toBe(2);
  });
});
