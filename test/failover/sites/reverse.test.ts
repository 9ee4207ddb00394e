/** The two-site driver's reversed settings: read from the reversing site, or refused with what to do. */
import { describe, expect, it } from "vitest";
import type { CimInstance, CimSession } from "../../../provider/cim";
import { reversedSettings } from "../../../provider/failover/sites/reverse";

const COLLECTION = {
  id: "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a",
  name: "sql-cluster",
  replicationState: 6,
  replicationMode: 2,
  failedOverReplicationType: 2,
};

/** A session that answers the settings association with `found` and records what was asked. */
function sessionWith(found: CimInstance[]) {
  const asked: string[] = [];
  const session = {
    target: "hv-west01 (wsman)",
    associators: async (_ref: unknown, options: { association?: string; resultClass?: string }) => {
      asked.push(`${options.association} -> ${options.resultClass}`);
      return found;
    },
  } as unknown as CimSession;
  return { session, asked };
}

const site = (session: CimSession, certificateThumbprint?: string) => ({
  name: "west",
  session,
  collection: COLLECTION as never,
  certificateThumbprint,
});

const STOP =
  "A reverse that fails comes after the irreversible CommitFailover and leaves the VMs off on both sites, so the run stops here, before its next call";
const WHERE = "[collection 'east+west', host hv-west01 (wsman)]";

describe("reversedSettings", () => {
  it("reads the settings over Msvm_ElementSettingData and turns them around", async () => {
    const { session, asked } = sessionWith([
      {
        className: "Msvm_CollectionReplicationSettingData",
        properties: {
          PrimaryConnectionPoint: "east-broker",
          RecoveryConnectionPoint: "west-broker",
          AuthenticationType: 1,
        },
      },
    ]);
    expect(await reversedSettings(site(session), "east+west")).toEqual({
      text:
        '<INSTANCE CLASSNAME="Msvm_CollectionReplicationSettingData">' +
        '<PROPERTY NAME="PrimaryConnectionPoint" TYPE="string"><VALUE>west-broker</VALUE></PROPERTY>' +
        '<PROPERTY NAME="RecoveryConnectionPoint" TYPE="string"><VALUE>east-broker</VALUE></PROPERTY>' +
        '<PROPERTY NAME="AuthenticationType" TYPE="uint16"><VALUE>1</VALUE></PROPERTY>' +
        "</INSTANCE>",
      recoveryConnectionPoint: "east-broker",
      primaryConnectionPoint: "west-broker",
      authenticationType: 1,
    });
    expect(asked).toEqual(["Msvm_ElementSettingData -> Msvm_CollectionReplicationSettingData"]);
  });

  it("refuses a site that shows no settings, saying where to look", async () => {
    const { session } = sessionWith([]);
    await expect(reversedSettings(site(session), "east+west")).rejects.toThrow(
      `Invalid state: site west shows no Msvm_CollectionReplicationSettingData for the collection, so the settings ReverseReplicationRelationship needs cannot be built. ${STOP} ${WHERE}. ` +
        "Check the VM group's replication settings on that cluster (Msvm_CollectionReplicationSettingData; per VM, Get-VMReplication on its nodes), then run again",
    );
  });

  it("refuses settings that name one connection point for both sides, saying how to correct them", async () => {
    const { session } = sessionWith([
      {
        className: "Msvm_CollectionReplicationSettingData",
        properties: {
          PrimaryConnectionPoint: "west-broker",
          RecoveryConnectionPoint: "west-broker",
          AuthenticationType: 1,
        },
      },
    ]);
    await expect(reversedSettings(site(session), "east+west")).rejects.toThrow(
      `Invalid state: site west: the replication settings name west-broker as both PrimaryConnectionPoint and RecoveryConnectionPoint, so which side is the other cannot be told. ${STOP} ${WHERE}. ` +
        "Correct the group's replication settings on the primary (ModifyReplicationSettings of Msvm_CollectionReplicationService) so that PrimaryConnectionPoint names the primary's Replica Broker and RecoveryConnectionPoint the replica's, then run again",
    );
  });
});
