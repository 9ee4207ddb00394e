import { describe, expect, it } from "vitest";
import type { CimInstance, CimValue } from "../../provider/cim";
import { parseEmbeddedInstance } from "../../provider/cim";
import { reverseSettings } from "../../provider/hyperv";

const THUMB_WEST = "a909502dd82ae41433e6f83886b00d4277a32a7b";

/** The settings a committed replica on west holds: replicated from east to west. */
function westSettings(extra: Record<string, CimValue> = {}): CimInstance {
  return {
    className: "Msvm_CollectionReplicationSettingData",
    properties: {
      InstanceID: "Microsoft:0D9E8F7A\\Replication",
      ElementName: `R&D "sql" <ü>`,
      AuthenticationType: 1,
      CertificateThumbPrint: null,
      CompressionEnabled: true,
      PrimaryConnectionPoint: "east-broker.contoso.com",
      RecoveryConnectionPoint: "west-broker.contoso.com",
      RecoveryServerPortNumber: 80,
      ReplicationInterval: 300,
      AutoResynchronizeIntervalStart: "00000000183000.000000:000",
      IncludedDisks: ["Microsoft:disk1", "Microsoft:disk2"],
      NewerProperty: 7,
      ...extra,
    },
  };
}

describe("reverseSettings", () => {
  it("swaps the connection points, keeps every other property with its documented type, and escapes text", () => {
    const reversed = reverseSettings(westSettings(), undefined);
    expect(reversed).toMatchObject({
      recoveryConnectionPoint: "east-broker.contoso.com",
      primaryConnectionPoint: "west-broker.contoso.com",
      authenticationType: 1,
    });
    const text = "text" in reversed ? reversed.text : "";
    expect(text).toBe(
      '<INSTANCE CLASSNAME="Msvm_CollectionReplicationSettingData">' +
        '<PROPERTY NAME="InstanceID" TYPE="string"><VALUE>Microsoft:0D9E8F7A\\Replication</VALUE></PROPERTY>' +
        '<PROPERTY NAME="ElementName" TYPE="string"><VALUE>R&amp;D &quot;sql&quot; &lt;ü&gt;</VALUE></PROPERTY>' +
        '<PROPERTY NAME="AuthenticationType" TYPE="uint16"><VALUE>1</VALUE></PROPERTY>' +
        '<PROPERTY NAME="CertificateThumbPrint" TYPE="string"></PROPERTY>' +
        '<PROPERTY NAME="CompressionEnabled" TYPE="boolean"><VALUE>true</VALUE></PROPERTY>' +
        '<PROPERTY NAME="PrimaryConnectionPoint" TYPE="string"><VALUE>west-broker.contoso.com</VALUE></PROPERTY>' +
        '<PROPERTY NAME="RecoveryConnectionPoint" TYPE="string"><VALUE>east-broker.contoso.com</VALUE></PROPERTY>' +
        '<PROPERTY NAME="RecoveryServerPortNumber" TYPE="uint16"><VALUE>80</VALUE></PROPERTY>' +
        '<PROPERTY NAME="ReplicationInterval" TYPE="uint16"><VALUE>300</VALUE></PROPERTY>' +
        '<PROPERTY NAME="AutoResynchronizeIntervalStart" TYPE="datetime"><VALUE>00000000183000.000000:000</VALUE></PROPERTY>' +
        '<PROPERTY.ARRAY NAME="IncludedDisks" TYPE="string"><VALUE.ARRAY><VALUE>Microsoft:disk1</VALUE><VALUE>Microsoft:disk2</VALUE></VALUE.ARRAY></PROPERTY.ARRAY>' +
        '<PROPERTY NAME="NewerProperty" TYPE="uint32"><VALUE>7</VALUE></PROPERTY>' +
        "</INSTANCE>",
    );
    expect(parseEmbeddedInstance(text)?.properties.find((p) => p.name === "ElementName")?.value).toBe(
      `R&D "sql" <ü>`,
    );
  });

  it("under certificate authentication sends the new primary's own thumbprint, upper-cased", () => {
    const reversed = reverseSettings(
      westSettings({
        AuthenticationType: 2,
        CertificateThumbPrint: "1111111111111111111111111111111111111111",
      }),
      THUMB_WEST,
    );
    const sent = parseEmbeddedInstance("text" in reversed ? reversed.text : "")?.properties;
    expect(sent?.find((p) => p.name === "CertificateThumbPrint")).toEqual({
      name: "CertificateThumbPrint",
      type: "string",
      value: THUMB_WEST.toUpperCase(),
    });
    expect(reversed).toMatchObject({ authenticationType: 2 });
  });

  it("under Kerberos leaves CertificateThumbPrint as read, even when a thumbprint is declared", () => {
    const reversed = reverseSettings(westSettings(), THUMB_WEST);
    expect("text" in reversed && reversed.text).toContain(
      '<PROPERTY NAME="CertificateThumbPrint" TYPE="string"></PROPERTY>',
    );
  });

  it.each([
    [
      "certificate authentication without the new primary's thumbprint",
      westSettings({
        AuthenticationType: 2,
        CertificateThumbPrint: "1111111111111111111111111111111111111111",
      }),
      {
        problem: "thumbprint",
        detail:
          "the pair uses certificate authentication (AuthenticationType 2), and the reversed settings need the new primary's own certificate thumbprint, which the old settings do not hold",
      },
    ],
    [
      "no PrimaryConnectionPoint",
      westSettings({ PrimaryConnectionPoint: null }),
      {
        problem: "connectionPoint",
        detail:
          "the replication settings name no PrimaryConnectionPoint, so the reversed settings cannot say where to replicate",
      },
    ],
    [
      "blank connection points",
      westSettings({ PrimaryConnectionPoint: " ", RecoveryConnectionPoint: "" }),
      {
        problem: "connectionPoint",
        detail:
          "the replication settings name no PrimaryConnectionPoint and no RecoveryConnectionPoint, so the reversed settings cannot say where to replicate",
      },
    ],
    [
      "one connection point for both sides (an earlier reverse sent the settings unchanged)",
      westSettings({ PrimaryConnectionPoint: "WEST-broker.contoso.com" }),
      {
        problem: "connectionPoint",
        detail:
          "the replication settings name WEST-broker.contoso.com as both PrimaryConnectionPoint and RecoveryConnectionPoint, so which side is the other cannot be told",
      },
    ],
    [
      "an unknown AuthenticationType",
      westSettings({ AuthenticationType: 3 }),
      {
        problem: "authentication",
        detail:
          "the replication settings show AuthenticationType 3, neither 1 (Kerberos) nor 2 (certificate)",
      },
    ],
    [
      "no AuthenticationType",
      westSettings({ AuthenticationType: null }),
      {
        problem: "authentication",
        detail:
          "the replication settings show AuthenticationType none, neither 1 (Kerberos) nor 2 (certificate)",
      },
    ],
  ])("refuses %s", (_name, settings, problem) => {
    expect(reverseSettings(settings, undefined)).toEqual(problem);
  });
});
