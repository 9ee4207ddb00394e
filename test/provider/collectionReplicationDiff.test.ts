/**
 * CollectionReplication's diff, as a pure function of the recorded outputs and the program's inputs: a password in
 * the recovery side's connection is neither a change nor kept, settings change in place, the initial-copy inputs
 * are only recorded, and only another collection replaces the resource.
 */
import { describe, expect, it } from "vitest";
import { diffReplication, planUpdate } from "../../provider/resources/collectionReplication/preview";

const GROUP = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const REPLICA = "8d2e3f4a-5b6c-4d7e-9f0a-1b2c3d4e5f60";
const west = { transport: "wsman", host: "hv-west01", username: "CONTOSO\\dr" };

/** Outputs as a create records them. */
const recorded = {
  collectionId: GROUP,
  collectionName: "payroll",
  recoveryConnectionPoint: "broker-west",
  recoveryServerPort: 80,
  authentication: "kerberos",
  certificateThumbprint: null,
  compressionEnabled: true,
  bypassProxyServer: false,
  replicationIntervalSeconds: 300,
  recoveryHistory: 0,
  applicationConsistentSnapshotIntervalHours: null,
  autoResynchronize: true,
  autoResynchronizeWindowStart: "18:30",
  autoResynchronizeWindowEnd: "06:00",
  includedDisks: null,
  initialReplication: "network",
  initialReplicationStartTime: null,
  initialReplicationExportPath: null,
  paused: false,
  resynchronize: "never",
  recoverySide: { collectionId: REPLICA, connection: west },
  removeRecoverySideOnDelete: false,
  jobTimeoutSeconds: 1800,
  initialReplicationTimeoutSeconds: 604800,
  connection: null,
  replicationState: 3,
};
const program = {
  collectionId: GROUP,
  recoveryConnectionPoint: "broker-west",
  recoverySide: { collectionId: REPLICA, connection: { ...west, password: "s3cret!" } },
};

describe("CollectionReplication's diff", () => {
  it("finds no change when only the recovery side's password is in the program", () => {
    const lines: string[] = [];
    expect(diffReplication(recorded, program, (l) => lines.push(l))).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(lines).toEqual([]);
  });

  it("plans settings in place, pause, and records the initial-copy inputs without a call", () => {
    const news = { ...program, recoveryHistory: 4, paused: true, initialReplication: "seeded" };
    expect(planUpdate(recorded, news)).toEqual({
      modify: ["recoveryHistory"],
      pause: "SuspendReplication",
      resynchronize: false,
      startInitialCopy: false,
      recorded: ["initialReplication"],
    });
    const lines: string[] = [];
    expect(diffReplication(recorded, news, (l) => lines.push(l)).replaces).toEqual([]);
    expect(lines).toEqual([
      "[payroll] will call ModifyReplicationSettings in place for recoveryHistory; no replacement",
      "[payroll] will call SuspendReplication",
      "[payroll] initialReplication: only the initial copy reads it, and that is done; recorded, nothing is called",
    ]);
  });

  it("replaces the resource only for another collection, and says so", () => {
    const lines: string[] = [];
    const other = "5e6f7a8b-0000-4000-8000-0000000000a2";
    expect(diffReplication(recorded, { ...program, collectionId: other }, (l) => lines.push(l))).toEqual({
      changes: true,
      replaces: ["collectionId"],
      deleteBeforeReplace: false,
    });
    expect(lines).toEqual([
      `[payroll] collectionId changes to ${other}: another VM group, so this relationship is replaced (a new one is created and replicated first, then RemoveReplicationRelationship ends this one)`,
    ]);
  });
});
