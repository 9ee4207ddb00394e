/**
 * A relationship made outside the stack (an operator's script called CreateReplicationRelationship and
 * StartReplication), then declared with CollectionReplication: Create refuses to take it over, calling nothing and
 * saying how to import it; the import (Read with the id and nothing stored) reads it with no call, and a program
 * that declares what the host holds finds nothing to change.
 */
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tokenOf } from "../../provider/doors/native/provider";
import { HyperVSimulator } from "../../provider/simulator";
import type { NativePlugin, RpcError } from "../harness/nativePlugin";
import { urnOf } from "../harness/nativePlugin";
import { useNativePlugins } from "./fixtures";

const GROUP = "3b4c5d6e-7f80-4a91-b2c3-d4e5f6071829";
const TYPE = tokenOf("CollectionReplication");
const DIFF_NONE = 1;
const SERVICE = "Msvm_CollectionReplicationService";
const f = useNativePlugins();

/** Settings as an operator's script sends them: the recovery broker and a 30 s interval. */
const OPERATOR_SETTINGS =
  '<INSTANCE CLASSNAME="Msvm_CollectionReplicationSettingData">' +
  '<PROPERTY NAME="RecoveryConnectionPoint" TYPE="string"><VALUE>hvr-broker-west</VALUE></PROPERTY>' +
  '<PROPERTY NAME="ReplicationInterval" TYPE="uint16"><VALUE>30</VALUE></PROPERTY></INSTANCE>';

describe("a CollectionReplication whose relationship already exists on the host", () => {
  const urn = urnOf(TYPE, "payroll-replication");
  let sim: HyperVSimulator;
  let plugin: NativePlugin;
  let program: Record<string, unknown>;
  const serviceCalls = async () =>
    (await sim.calls()).filter((c) => c.className === SERVICE && c.method !== "GetReplicationStatistics");

  beforeAll(async () => {
    const file = path.join(f.dir, "adopt-replication.json");
    sim = new HyperVSimulator({ stateFile: file, hostName: "hv-east" });
    await sim.init();
    await sim.addCollection({
      id: GROUP,
      name: "payroll",
      members: ["payroll-db"],
      replicationState: 0,
      replicationMode: 0,
      recoveryPoints: 0,
    });
    for (const method of ["CreateReplicationRelationship", "StartReplication"])
      await sim.setJobDuration(method, 0);
    const session = sim.session();
    const ref = {
      className: SERVICE,
      keys: {
        CreationClassName: SERVICE,
        Name: "vmms",
        SystemCreationClassName: "Msvm_ComputerSystem",
        SystemName: "hv-east",
      },
    };
    const collection = { className: "Msvm_VirtualSystemCollection", keys: { CollectionID: GROUP } };
    await session.invoke(ref, "CreateReplicationRelationship", {
      Collection: collection,
      CollectionReplicationSettingData: OPERATOR_SETTINGS,
    });
    await session.invoke(ref, "StartReplication", { Collection: collection, InitialReplicationType: 1 });
    plugin = await f.pluginFor("adopt-replication.json");
    program = {
      collectionId: GROUP,
      recoveryConnectionPoint: "hvr-broker-west",
      replicationIntervalSeconds: 30,
    };
  });

  it("Create refuses to take it over: no call, and the error says how to import it", async () => {
    const before = (await serviceCalls()).length;
    const checked = await plugin.check(urn, {}, program);
    const error = (await plugin.create(urn, checked.inputs).catch((e: unknown) => e)) as RpcError;
    expect(error.message).toContain(
      `VM group 'payroll' (${GROUP}) already replicates: ReplicationState 3 (Replicating), ReplicationMode 1, so CreateReplicationRelationship was not called`,
    );
    expect(error.message).toContain(`import: "${GROUP}"`);
    expect((await serviceCalls()).length).toBe(before);
  });

  it("the import reads the relationship with no call, and a program declaring what the host holds sees no change", async () => {
    const before = (await serviceCalls()).length;
    const read = await plugin.read(urn, GROUP, {}, {});
    expect(read.id).toBe(GROUP);
    expect(read.props).toMatchObject({
      collectionId: GROUP,
      collectionName: "payroll",
      recoveryConnectionPoint: "hvr-broker-west",
      replicationIntervalSeconds: 30,
      replicationState: 3,
      replicationStateName: "Replicating",
    });
    // The inputs `pulumi import` writes into the program: the id and the settings as the host holds them.
    expect(read.inputs).toMatchObject({
      collectionId: GROUP,
      recoveryConnectionPoint: "hvr-broker-west",
      replicationIntervalSeconds: 30,
    });
    const checked = await plugin.check(urn, read.inputs, program);
    expect(checked.failures).toEqual([]);
    const diff = await plugin.diff(urn, GROUP, read.props, checked.inputs, read.inputs);
    expect(diff).toMatchObject({ changes: DIFF_NONE, replaces: [] });
    expect((await serviceCalls()).length).toBe(before);
  });
});
