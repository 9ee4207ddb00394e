/**
 * doctor against the simulator: every check, in order, and nothing changed on the host (the simulated host's call
 * log stays empty: doctor reads, it never invokes a method).
 */
import { describe, expect, it } from "vitest";
import type { CimClassDefinition } from "../../provider/cim";
import { FakeClock } from "../../provider/clock";
import type { DoctorRequest } from "../../provider/doctor/run";
import { runDoctor } from "../../provider/doctor/run";
import { classProblems } from "../../provider/doctor/signatures";
import { PROVIDER_CONTRACT } from "../../provider/hyperv/contract";
import { HyperVSimulator } from "../../provider/simulator";

const T0 = Date.UTC(2026, 10, 23, 21, 0, 0);
const ID = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";

async function host() {
  const sim = new HyperVSimulator({ clock: new FakeClock(T0), hostName: "hv-replica01" });
  await sim.addCollection({ id: ID, name: "sql-cluster", members: ["sql-a", "sql-b"], recoveryPoints: 3 });
  return sim;
}

const request = (extra: Partial<DoctorRequest> = {}): DoctorRequest => ({
  collections: [{ name: "sql-cluster" }],
  now: () => T0,
  maxPointAgeMs: 3_600_000,
  ...extra,
});

const statuses = (checks: readonly { id: string; status: string }[]) =>
  Object.fromEntries(checks.map((c) => [c.id, c.status]));

describe("doctor on the simulator", () => {
  it("passes every check on a healthy replica, and calls no method", async () => {
    const sim = await host();
    const run = await runDoctor(
      sim.session(),
      request({ collections: [{ name: "sql-cluster" }, { id: ID }] }),
    );
    expect(run.report.ok).toBe(true);
    expect(run.report.checks.map((c) => [c.id, c.status])).toEqual([
      ["transport", "pass"],
      ["powershell", "pass"],
      ["namespace", "pass"],
      ...PROVIDER_CONTRACT.map((c) => [`class:${c.className}`, "pass"]),
      ["collection:sql-cluster", "pass"],
      ["recoveryPoints:sql-cluster", "pass"],
      [`collection:${ID}`, "pass"],
      ["recoveryPoints:sql-cluster", "pass"],
      ["clock", "pass"],
      ["rights", "pass"],
    ]);
    expect(run.report.checks.find((c) => c.id === "collection:sql-cluster")?.detail).toBe(
      `${ID}: Replica, Replicating (3), health Ok (1)`,
    );
    expect(await sim.calls()).toEqual([]);
    const reads = await sim.reads();
    expect(new Set(reads.map((r) => r.op))).toEqual(new Set(["query", "get", "associators", "classes"]));
  });

  it("fails a collection that is missing or named twice, and warns of one on the primary", async () => {
    const sim = await host();
    await sim.addCollection({ name: "web", members: ["w1"] });
    await sim.addCollection({ name: "web", members: ["w2"] });
    await sim.addCollection({ name: "erp", replicationMode: 1, members: ["e1"] });
    const run = await runDoctor(
      sim.session(),
      request({ collections: [{ name: "nosuch" }, { name: "web" }, { name: "erp" }] }),
    );
    const checks = run.report.checks;
    expect(statuses(checks)).toMatchObject({
      "collection:nosuch": "fail",
      "collection:web": "fail",
      "collection:erp": "warn",
    });
    expect(checks.find((c) => c.id === "collection:web")?.detail).toMatch(/^found 2 times: /);
    expect(checks.find((c) => c.id === "collection:erp")?.advice).toMatch(/replica cluster/);
    expect(run.report.ok).toBe(false);
    expect(await sim.calls()).toEqual([]);
  });

  it("warns of an old newest recovery point, and fails a collection with none", async () => {
    const sim = await host();
    await sim.addCollection({ name: "empty", recoveryPoints: 0 });
    const later = T0 + 3 * 3_600_000;
    const run = await runDoctor(
      sim.session(),
      request({ collections: [{ name: "sql-cluster" }, { name: "empty" }], now: () => later }),
    );
    const points = run.report.checks.filter((c) => c.id.startsWith("recoveryPoints:"));
    expect(points.map((c) => [c.id, c.status, c.detail])).toEqual([
      ["recoveryPoints:sql-cluster", "warn", "3; the newest (CrashConsistent) is 180 min old"],
      ["recoveryPoints:empty", "fail", "none"],
    ]);
  });

  it("measures the clock difference: a warning past 30 s, a failure past Kerberos' 5 minutes", async () => {
    const sim = await host();
    const clockOf = async (skewMs: number) =>
      (await runDoctor(sim.session(), request({ now: () => T0 - skewMs }))).report.checks.find(
        (c) => c.id === "clock",
      );
    expect(await clockOf(10_000)).toMatchObject({
      status: "pass",
      detail: "the host is 10 s ahead of the agent",
    });
    expect(await clockOf(-90_000)).toMatchObject({
      status: "warn",
      detail: "the host is 90 s behind the agent",
    });
    expect((await clockOf(400_000))?.status).toBe("fail");
  });

  it("reports an unreachable host once, and skips what needs the connection", async () => {
    const sim = await host();
    await sim.injectFault({ kind: "unreachable", times: "always" });
    const run = await runDoctor(sim.session(), request());
    expect(run.report.checks.map((c) => [c.id, c.status])).toEqual([
      ["transport", "fail"],
      ["powershell", "skip"],
      ["namespace", "skip"],
      ["collection:sql-cluster", "skip"],
      ["clock", "skip"],
      ["rights", "skip"],
    ]);
    expect(run.report.checks[0]?.advice).toMatch(/Test-WSMan/);
  });
});

describe("class signatures", () => {
  const service = PROVIDER_CONTRACT[0]!;
  const definition = async () => {
    const sim = await host();
    const [found] = await sim.session().classes([service.className], service.namespace);
    return found as CimClassDefinition;
  };

  it("the simulator's documented classes serve every call the provider makes", async () => {
    const sim = await host();
    for (const need of PROVIDER_CONTRACT) {
      const [found] = await sim.session().classes([need.className], need.namespace);
      expect({ className: need.className, problems: classProblems(need, found) }).toEqual({
        className: need.className,
        problems: [],
      });
    }
  });

  it("names a missing method, a missing parameter, a wrong direction and a wrong type", async () => {
    const real = await definition();
    const changed: CimClassDefinition = {
      ...real,
      methods: real.methods
        .filter((m) => m.name !== "CommitFailover")
        .map((m) => {
          if (m.name === "InitiateFailover")
            return { ...m, parameters: m.parameters.filter((p) => p.name !== "CollectionRecoveryPoint") };
          if (m.name === "TestReplicaCollection") {
            return {
              ...m,
              parameters: m.parameters.map((p) =>
                p.name === "ResultingCollection" ? { ...p, out: false, in: true } : p,
              ),
            };
          }
          if (m.name === "ReverseReplicationRelationship") {
            return {
              ...m,
              parameters: m.parameters.map((p) =>
                p.name === "CollectionReplicationSettingData" ? { ...p, type: "Instance" } : p,
              ),
            };
          }
          return m;
        }),
    };
    expect(classProblems(service, changed)).toEqual([
      "CommitFailover: the host has no such method",
      "InitiateFailover(CollectionRecoveryPoint): the host has no such parameter",
      "TestReplicaCollection(ResultingCollection): the host does not return it",
      "ReverseReplicationRelationship(CollectionReplicationSettingData): the host declares Instance, the provider uses String",
    ]);
    expect(classProblems(service, undefined)).toEqual([
      "the host has no class Msvm_CollectionReplicationService in root/HyperVCluster/v2",
    ]);
  });
});
