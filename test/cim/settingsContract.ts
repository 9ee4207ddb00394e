/**
 * Replication settings held to the same contract by every CIM seam: the embedded-instance string the provider
 * builds travels as one argument and reaches the host unchanged, the host keeps what it says, and reading the
 * settings back gives the program's values again, for names with quotes, XML metacharacters, PowerShell syntax and
 * non-ASCII text. A malformed string is refused with 32773 (Invalid parameter; that code is inferred).
 */
import { expect, it } from "vitest";
import type { CimRef } from "../../provider/cim";
import type { ReplicationSettings } from "../../provider/hyperv";
import { readReplicationSettings, settingsFromHost, settingsText } from "../../provider/hyperv";
import type { ContractWorld } from "./contract";
import { AWKWARD_NAMES } from "./contract";

const SERVICE: CimRef = { className: "Msvm_CollectionReplicationService", keys: {} };
const collectionRef = (id: string): CimRef => ({
  className: "Msvm_VirtualSystemCollection",
  keys: { CollectionID: id },
});

const settingsFor = (name: string): ReplicationSettings => ({
  recoveryConnectionPoint: name,
  recoveryServerPort: 443,
  authentication: "certificate",
  certificateThumbprint: "0123456789ABCDEF0123456789ABCDEF01234567",
  compressionEnabled: false,
  bypassProxyServer: true,
  replicationIntervalSeconds: 30,
  recoveryHistory: 16,
  applicationConsistentSnapshotIntervalHours: 12,
  autoResynchronize: false,
  autoResynchronizeWindowStart: "22:15",
  autoResynchronizeWindowEnd: "05:45",
  includedDisks: [`Microsoft:${name}\\disk-0`, "Microsoft:plain\\disk-1"],
});

export function settingsContract(world: () => Promise<ContractWorld>): void {
  it("carries replication settings with awkward names to the host unchanged, and reads them back", async () => {
    const { sim, clock, session } = await world();
    for (const name of AWKWARD_NAMES) {
      const group = await sim.addCollection({ name, replicationState: 0, replicationMode: 0 });
      const text = settingsText(settingsFor(name));
      const result = await session.invoke(SERVICE, "CreateReplicationRelationship", {
        Collection: collectionRef(group.id),
        CollectionReplicationSettingData: text,
      });
      expect(result.returnValue).toBe(4096);
      const call = (await sim.calls()).at(-1);
      expect(call?.arguments.CollectionReplicationSettingData).toBe(text);
      clock.advance(60_000);
      const held = await readReplicationSettings(session, { ...group, lastApplyTime: null });
      expect(held && settingsFromHost(held)).toEqual(settingsFor(name));
    }
  });

  it("gets 32773 for a settings string that is not one instance, and changes nothing", async () => {
    const { sim, session } = await world();
    const group = await sim.addCollection({ name: "payroll", replicationState: 0, replicationMode: 0 });
    const result = await session.invoke(SERVICE, "CreateReplicationRelationship", {
      Collection: collectionRef(group.id),
      CollectionReplicationSettingData:
        '<INSTANCE CLASSNAME="Msvm_CollectionReplicationSettingData"><PROPERTY',
    });
    expect(result).toEqual({ returnValue: 32773, outParameters: {} });
    expect((await sim.collection(group.id))?.replicationState).toBe(0);
  });
}
