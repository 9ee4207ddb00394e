/**
 * GetReplicationStatistics answered with a job (4096, JobType 111), held to the same contract by every CIM seam:
 * the Job REF comes back as an out parameter beside the statistics, and the provider's health read waits for the job
 * and then reads the statistics from the reply or from a second call.
 */
import { expect, it } from "vitest";
import type { CimRef } from "../../provider/cim";
import type { Collection } from "../../provider/hyperv";
import { DEFAULT_READ_RETRIES, readReplicationHealth } from "../../provider/hyperv";
import type { ContractWorld } from "./contract";

const SERVICE: CimRef = { className: "Msvm_CollectionReplicationService", keys: {} };
const ISSUE = "'sql-b' replication is in a critical state.";

export function statisticsJobContract(world: () => Promise<ContractWorld>): void {
  it("returns the statistics job's REF as an out parameter beside the statistics (4096)", async () => {
    const { sim, session } = await world();
    const sql = await sim.addCollection({ name: "sql-cluster" });
    await sim.setHealth(sql.id, { answer: "jobWithStatistics", replicationHealth: 3, issues: [ISSUE] });

    const result = await session.invoke(SERVICE, "GetReplicationStatistics", {
      Collection: { className: "Msvm_VirtualSystemCollection", keys: { CollectionID: sql.id } },
    });

    expect(result).toEqual({
      returnValue: 4096,
      outParameters: {
        Job: { className: "Msvm_ConcreteJob", keys: { InstanceID: expect.any(String) } },
        ReplicationStatistics: expect.stringContaining('<PROPERTY NAME="ReplicationHealth" TYPE="uint32">'),
        ReplicationHealthIssues: [ISSUE],
      },
    });
    expect((await session.get(result.outParameters.Job as CimRef))?.properties).toMatchObject({
      JobType: 111,
      Name: "Get Replica statistics",
    });
  });

  it.each(["jobWithStatistics", "jobThenCallAgain"] as const)(
    "reads the health through a statistics job (%s): waits for it, then reads what it gathered",
    async (answer) => {
      const { sim, session, clock } = await world();
      const sql = await sim.addCollection({ name: "sql-cluster" });
      await sim.setHealth(sql.id, { answer, replicationHealth: 3, issues: [ISSUE] });
      const collection: Collection = {
        id: sql.id,
        name: "sql-cluster",
        replicationState: 3,
        replicationMode: 2,
        failedOverReplicationType: 0,
      };

      const report = await readReplicationHealth(session, collection, {
        clock,
        readRetries: DEFAULT_READ_RETRIES,
        progress: () => undefined,
      });

      expect(report).toEqual({
        health: 3,
        healthName: "Critical",
        issues: [ISSUE],
        lastReplicationTime: null,
      });
      expect((await sim.calls()).map((c) => [c.method, c.returnValue])).toEqual(
        answer === "jobWithStatistics"
          ? [["GetReplicationStatistics", 4096]]
          : [
              ["GetReplicationStatistics", 4096],
              ["GetReplicationStatistics", 0],
            ],
      );
      expect((await sim.jobs()).map((j) => [j.jobType, j.jobState])).toEqual([[111, 7]]);
    },
  );
}
