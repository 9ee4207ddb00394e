/**
 * The report model: steps timed by the host's own jobs where it kept them, the RPO and RTO measured from the first
 * step, one bar per recovered VM, and a summary that says all of it in one line.
 */
import { describe, expect, it } from "vitest";
import { buildReport } from "../../../provider/runtime/report/model";
import { sampleInput, snapshot, T, VM_A } from "./sample";

const SECOND = 1000;
const input = sampleInput;

describe("buildReport", () => {
  it("times each step by its host job, and measures RPO and RTO from the first job's start", () => {
    const report = buildReport(input());
    expect(
      report.steps.map((s) => [s.title, s.vm, s.startedAt, s.finishedAt, s.timesFrom, s.jobState]),
    ).toEqual([
      [
        "fail over (InitiateFailover)",
        null,
        iso(T + 1 * SECOND),
        iso(T + 61 * SECOND),
        "host job",
        "Completed",
      ],
      [
        "start VM 'sql-a' (RequestStateChange 2)",
        "sql-a",
        iso(T + 62 * SECOND),
        iso(T + 70 * SECOND),
        "host job",
        "Completed",
      ],
      [
        "start VM 'sql-b' (RequestStateChange 2)",
        "sql-b",
        iso(T + 71 * SECOND),
        iso(T + 80 * SECOND),
        "host job",
        "Completed",
      ],
    ]);
    expect(report.startedAt).toBe(iso(T + 1 * SECOND));
    expect(report.rpoSeconds).toBe(301);
    expect(report.rtoSeconds).toBe(79);
    expect(report.rtoNote).toBeNull();
    expect(report.virtualMachines).toEqual([
      { name: "sql-a", startedAt: iso(T + 62 * SECOND), runningAt: iso(T + 70 * SECOND) },
      { name: "sql-b", startedAt: iso(T + 71 * SECOND), runningAt: iso(T + 80 * SECOND) },
    ]);
    expect(report.summary).toBe(
      "CollectionFailover 'sql-cluster': failover succeeded in 3 steps; RTO 1 min 19 s; RPO 5 min 1 s; before: sql-cluster Replicating/Ok; after: sql-cluster FailedOver/Ok",
    );
  });

  it("keeps the exact call: class, keys, method and arguments", () => {
    const [, first] = buildReport(input()).steps;
    expect(first!.call).toEqual({
      namespace: "root/HyperVCluster/v2",
      className: "Msvm_ComputerSystem",
      keys: { CreationClassName: "Msvm_ComputerSystem", Name: VM_A },
      method: "RequestStateChange",
      arguments: { RequestedState: 2 },
    });
  });

  it("falls back to the agent's clock for a job the host no longer keeps, and says so", () => {
    const report = buildReport(input({ jobs: new Map() }));
    expect(report.steps[0]).toMatchObject({
      startedAt: iso(T),
      finishedAt: iso(T + 50),
      timesFrom: "agent clock",
    });
    expect(report.startedAt).toBe(iso(T));
    expect(report.rtoSeconds).toBe(80);
  });

  it("has no RTO while a recovered VM is not running, and names it", () => {
    const report = buildReport(
      input({ after: [snapshot(true, { "sql-a": T + 70 * SECOND, "sql-b": null })] }),
    );
    expect(report.rtoSeconds).toBeNull();
    expect(report.rtoNote).toBe("not every VM was running at the end: 'sql-b' (Off)");
    expect(report.virtualMachines.map((vm) => vm.name)).toEqual(["sql-a"]);
  });

  it("has no RTO when the run brings no VM up, and no RPO without a recovery point", () => {
    const report = buildReport(
      input({ recoveryPoint: null, after: [snapshot(false, { "sql-a": null, "sql-b": null })] }),
    );
    expect([report.rtoSeconds, report.rtoNote, report.rpoSeconds]).toEqual([
      null,
      "this run brings no VM up, so there is no recovery time to measure",
      null,
    ]);
  });

  it("records a failure with its error, and the summary gives its first sentence only", () => {
    const error =
      "Hyper-V job failed: job 1 ended Exception (10) with ErrorCode 32768. Refresh the stack to see the collection's state";
    const report = buildReport(input({ error }));
    expect(report.outcome).toBe("failed");
    expect(report.error).toBe(error);
    expect(report.summary).toContain(
      "failover FAILED (Hyper-V job failed: job 1 ended Exception (10) with ErrorCode 32768) in 3 steps",
    );
  });
});

const iso = (ms: number) => new Date(ms).toISOString();
