/**
 * CollectionReplication through the native plugin, on a simulated cluster in a state file: Check refuses settings
 * outside the documented ranges with no call, Create enables replication and waits for the initial copy, Update
 * changes settings in place and pauses and resumes, a resynchronization the host needs is started when allowed, and
 * Delete removes the relationship (and, on opt-in, the recovery side's). Each step asserts the exact calls the host
 * received and the outputs.
 */
import * as path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parseEmbeddedInstance } from "../../provider/cim";
import { tokenOf } from "../../provider/doors/native/provider";
import { HyperVSimulator } from "../../provider/simulator";
import type { NativePlugin, RpcError } from "../harness/nativePlugin";
import { urnOf } from "../harness/nativePlugin";
import { useNativePlugins } from "./fixtures";

const GROUP = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const REPLICA = "8d2e3f4a-5b6c-4d7e-9f0a-1b2c3d4e5f60";
const BILLING = "9e3f4a5b-6c7d-4e8f-a0b1-2c3d4e5f6071";
const LEDGER = "af4a5b6c-7d8e-4f9a-b1c2-3d4e5f607182";
const BROKER = `hvr-broker "west" <&> Zürich`;
const TYPE = tokenOf("CollectionReplication");
const METHODS = [
  "CreateReplicationRelationship",
  "StartReplication",
  "ModifyReplicationSettings",
  "SuspendReplication",
  "ResumeReplication",
  "Resynchronize",
  "RemoveReplicationRelationship",
];

const f = useNativePlugins();

describe("CollectionReplication through the native plugin", () => {
  const urn = urnOf(TYPE, "payroll-replication");
  let sim: HyperVSimulator;
  let plugin: NativePlugin;
  let connection: Record<string, string>;
  let inputs: Record<string, unknown>;
  let outs: Record<string, unknown>;
  let seen = 0;
  /** The service calls since the last look, as [method, CollectionID, return value]. */
  const newCalls = async () => {
    const calls = (await sim.calls()).filter((c) => c.className === "Msvm_CollectionReplicationService");
    const fresh = calls.slice(seen);
    seen = calls.length;
    return fresh.map((c) => [c.method, c.collectionId, c.returnValue]);
  };

  beforeAll(async () => {
    const file = path.join(f.dir, "replication.json");
    sim = new HyperVSimulator({ stateFile: file, hostName: "hv-east" });
    await sim.init();
    const group = { members: ["payroll-db", "payroll-app"], replicationState: 0, replicationMode: 0 };
    await sim.addCollection({ id: GROUP, name: "payroll", recoveryPoints: 0, ...group });
    await sim.addCollection({ id: REPLICA, name: "payroll", members: ["payroll-db", "payroll-app"] });
    await sim.addCollection({ id: BILLING, name: "billing", recoveryPoints: 0, ...group });
    await sim.addCollection({ id: LEDGER, name: "ledger", recoveryPoints: 0, ...group });
    for (const method of METHODS) await sim.setJobDuration(method, 300);
    plugin = await f.pluginFor("replication.json");
    connection = { transport: "simulator", simulatorStateFile: file };
  });

  it("Check refuses settings outside the documented ranges, naming each range, and calls nothing", async () => {
    const bad = await plugin.check(
      urn,
      {},
      {
        collectionId: GROUP,
        recoveryConnectionPoint: BROKER,
        replicationIntervalSeconds: 60,
        recoveryHistory: 17,
        applicationConsistentSnapshotIntervalHours: 13,
        autoResynchronizeWindowStart: "25:00",
        authentication: "certificate",
        initialReplication: "export",
      },
    );
    // In the order Check reads them (the engine sends the properties sorted), then how they fit together.
    expect(bad.failures).toEqual([
      {
        property: "applicationConsistentSnapshotIntervalHours",
        reason:
          '13 is not a whole number from 1 to 12; Msvm_CollectionReplicationSettingData (ClusHyperV docs): ApplicationConsistentSnapshotInterval "can contain values from 1 hour to 12 hours"; leave it out for none',
      },
      {
        property: "autoResynchronizeWindowStart",
        reason:
          "'25:00' is not a time of day; write it as HH:MM on the 24-hour clock, such as 18:30 (the documented default start) or 06:00 (the default end)",
      },
      {
        property: "recoveryHistory",
        reason:
          '17 is not a whole number from 0 to 16; Msvm_CollectionReplicationSettingData (ClusHyperV docs): RecoveryHistory "can contain values from "0" to "16""',
      },
      {
        property: "replicationIntervalSeconds",
        reason:
          '60 is not 30, 300 or 900, the only values Msvm_CollectionReplicationSettingData (ClusHyperV docs) allows for ReplicationInterval ("Valid values ... are "30", "300", "900"")',
      },
      {
        property: "certificateThumbprint",
        reason:
          'missing: certificate authentication (AuthenticationType 2) needs "The certificate thumb print to use"; set it, or use authentication: "kerberos"',
      },
      {
        property: "initialReplicationExportPath",
        reason:
          'missing: initialReplication "export" writes the copy to a directory; set the fully-qualified path',
      },
    ]);
    expect(await sim.calls()).toEqual([]);
  });

  it("Check fills in the run's defaults", async () => {
    const checked = await plugin.check(
      urn,
      {},
      {
        collectionId: GROUP,
        recoveryConnectionPoint: BROKER,
        recoverySide: { collectionId: REPLICA, connection },
        connection,
      },
    );
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).toEqual({
      collectionId: GROUP,
      recoveryConnectionPoint: BROKER,
      recoverySide: { collectionId: REPLICA, connection },
      connection,
      initialReplication: "network",
      paused: false,
      resynchronize: "never",
      removeRecoverySideOnDelete: false,
      jobTimeoutSeconds: 1800,
      initialReplicationTimeoutSeconds: 604800,
    });
    inputs = checked.inputs;
  });

  it("Create calls CreateReplicationRelationship then StartReplication, and waits for the initial copy", async () => {
    const created = await plugin.create(urn, inputs);
    expect(created.id).toBe(GROUP);
    outs = created.outs;
    expect(await newCalls()).toEqual([
      ["CreateReplicationRelationship", GROUP, 4096],
      ["StartReplication", GROUP, 4096],
      ["GetReplicationStatistics", GROUP, 0],
    ]);
    const [create, start] = (await sim.calls()).filter((c) => METHODS.includes(c.method));
    expect(start?.arguments).toMatchObject({ InitialReplicationType: 1 });
    expect(start?.arguments).not.toHaveProperty("StartTime");
    const sent = parseEmbeddedInstance(String(create?.arguments.CollectionReplicationSettingData));
    expect(sent?.className).toBe("Msvm_CollectionReplicationSettingData");
    expect(Object.fromEntries(sent!.properties.map((p) => [p.name, p.value]))).toEqual({
      RecoveryConnectionPoint: BROKER,
      RecoveryServerPortNumber: "80",
      AuthenticationType: "1",
      CompressionEnabled: "true",
      BypassProxyServer: "false",
      ReplicationInterval: "300",
      RecoveryHistory: "0",
      AutoResynchronizeEnabled: "true",
      AutoResynchronizeIntervalStart: "00000000183000.000000:000",
      AutoResynchronizeIntervalEnd: "00000000060000.000000:000",
    });
    expect(outs).toEqual({
      ...inputs,
      recoverySide: { collectionId: REPLICA, connection },
      collectionName: "payroll",
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
      initialReplicationStartTime: null,
      initialReplicationExportPath: null,
      replicationState: 3,
      replicationStateName: "Replicating",
      replicationHealth: "Ok",
      healthIssues: [],
      initialReplicationProgress: { jobId: expect.any(String), percentComplete: 100, jobState: "Completed" },
      lastReplicationTime: null,
      newestRecoveryPointAgeSeconds: expect.any(Number),
      lastOperation: expect.objectContaining({
        method: "StartReplication",
        jobState: "Completed",
        errorCode: 0,
      }),
      observedAt: expect.any(String),
      // A simulated host answers as its state file's name.
      hostSystemName: "replication.json",
    });
    // The plugin sends log lines without waiting for the engine, so they may arrive just after the reply.
    await vi.waitFor(() => {
      const progress = f.engine.lines.filter((l) => l.urn === urn && l.ephemeral).map((l) => l.message);
      expect(progress).toContainEqual(
        expect.stringMatching(/^\[payroll\] StartReplication job \S+: 100% completed after \d+ s$/),
      );
    });
  });

  it("Diff plans a settings change in place, with no replacement", async () => {
    const news = { ...inputs, replicationIntervalSeconds: 30, recoveryHistory: 4 };
    expect(await plugin.diff(urn, GROUP, outs, news, inputs)).toMatchObject({ replaces: [] });
    outs = await plugin.update(urn, GROUP, outs, news);
    inputs = news;
    expect(await newCalls()).toEqual([
      ["ModifyReplicationSettings", GROUP, 4096],
      ["GetReplicationStatistics", GROUP, 0],
    ]);
    expect(outs).toMatchObject({
      replicationIntervalSeconds: 30,
      recoveryHistory: 4,
      recoveryConnectionPoint: BROKER,
      replicationState: 3,
      lastOperation: expect.objectContaining({ method: "ModifyReplicationSettings", jobState: "Completed" }),
    });
  });

  it("paused suspends replication, and clearing it resumes", async () => {
    outs = await plugin.update(urn, GROUP, outs, { ...inputs, paused: true });
    expect(await newCalls()).toEqual([
      ["SuspendReplication", GROUP, 4096],
      ["GetReplicationStatistics", GROUP, 0],
    ]);
    expect(outs).toMatchObject({ paused: true, replicationState: 7, replicationStateName: "Suspended" });
    outs = await plugin.update(urn, GROUP, outs, { ...inputs, paused: false });
    expect(await newCalls()).toEqual([
      ["ResumeReplication", GROUP, 4096],
      ["GetReplicationStatistics", GROUP, 0],
    ]);
    expect(outs).toMatchObject({ paused: false, replicationState: 3, replicationStateName: "Replicating" });
  });

  it("starts Resynchronize when the host needs one and the program allows it", async () => {
    await sim.setCollection(GROUP, { replicationState: 9 });
    const read = await plugin.read(urn, GROUP, outs);
    expect(read.props).toMatchObject({ replicationState: 9 });
    await newCalls();
    const news = { ...inputs, resynchronize: "whenNeeded" };
    expect(await plugin.diff(urn, GROUP, read.props, news, inputs)).toMatchObject({ replaces: [] });
    outs = await plugin.update(urn, GROUP, read.props, news);
    inputs = news;
    expect(await newCalls()).toEqual([
      ["Resynchronize", GROUP, 4096],
      ["GetReplicationStatistics", GROUP, 0],
    ]);
    expect(outs).toMatchObject({ replicationState: 3, resynchronize: "whenNeeded" });
  });

  it("Delete removes the relationship on the primary, and on the recovery side when asked", async () => {
    const optIn = { ...outs, removeRecoverySideOnDelete: true };
    await plugin.delete(urn, GROUP, optIn);
    expect(await newCalls()).toEqual([
      ["RemoveReplicationRelationship", GROUP, 4096],
      ["RemoveReplicationRelationship", REPLICA, 4096],
    ]);
    const both = (await sim.collections()).filter((c) => c.id === GROUP || c.id === REPLICA);
    expect(both.map((c) => [c.id, c.replicationState, c.replicationMode])).toEqual([
      [GROUP, 0, 0],
      [REPLICA, 0, 0],
    ]);
    const said = f.engine.lines.filter((l) => l.urn === urn && !l.ephemeral).map((l) => l.message);
    expect(said).toContainEqual(
      `[payroll] removed the replication relationship of recovery-side VM group ${REPLICA}; its VM group and replica VMs, with their virtual disks, stay on the recovery cluster (inferred: as per-VM Remove-VMReplication leaves the replica VM)`,
    );
  });

  it("Delete without the opt-in removes only the primary's relationship, and says what the recovery side keeps", async () => {
    const billingUrn = urnOf(TYPE, "billing-replication");
    const billing = { ...inputs, collectionId: BILLING, recoverySide: { collectionId: REPLICA, connection } };
    const { outs: created } = await plugin.create(billingUrn, billing);
    await newCalls();
    await plugin.delete(billingUrn, BILLING, created);
    expect(await newCalls()).toEqual([["RemoveReplicationRelationship", BILLING, 4096]]);
    const said = f.engine.lines.filter((l) => l.urn === billingUrn && !l.ephemeral).map((l) => l.message);
    expect(said).toContainEqual(
      `[billing] left on the recovery side (RemoveReplicationRelationship "does not clean up the recovery server collection"): VM group ${REPLICA} with its replica VMs, their virtual disks and recovery points, and its end of the relationship. Set recoverySide and removeRecoverySideOnDelete: true to have this resource remove that relationship too`,
    );
  });

  it("records a relationship whose initial copy failed as a partial failure, and the next update copies again", async () => {
    const ledgerUrn = urnOf(TYPE, "ledger-replication");
    const ledger = { ...inputs, collectionId: LEDGER, recoverySide: undefined, resynchronize: "never" };
    await sim.injectFault({
      kind: "jobFails",
      method: "StartReplication",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "The replica server refused the connection.",
    });
    await newCalls();
    const failed = await plugin.create(ledgerUrn, ledger).then(
      () => undefined,
      (error: RpcError) => error,
    );
    expect(failed?.partial).toMatchObject({
      id: LEDGER,
      properties: {
        replicationState: 1,
        replicationStateName: expect.any(String),
        initialReplicationProgress: { percentComplete: expect.any(Number), jobState: "Exception" },
        lastOperation: expect.objectContaining({ method: "StartReplication", jobState: "Exception" }),
      },
    });
    expect(await newCalls()).toEqual([
      ["CreateReplicationRelationship", LEDGER, 4096],
      ["StartReplication", LEDGER, 4096],
      ["GetReplicationStatistics", LEDGER, 0],
    ]);
    const recorded = failed!.partial!.properties;
    expect(await plugin.diff(ledgerUrn, LEDGER, recorded, ledger, ledger)).toMatchObject({ replaces: [] });
    const outs = await plugin.update(ledgerUrn, LEDGER, recorded, ledger);
    expect(await newCalls()).toEqual([
      ["StartReplication", LEDGER, 4096],
      ["GetReplicationStatistics", LEDGER, 0],
    ]);
    expect(outs).toMatchObject({
      replicationState: 3,
      initialReplicationProgress: { percentComplete: 100, jobState: "Completed" },
    });
  });
});
