import { describe, expect, it } from "vitest";
import {
  formatEmbeddedInstance,
  parseEmbeddedInstance,
  withPropertyValues,
  type EmbeddedInstance,
} from "../../provider/cim";

const CLASS = "Msvm_CollectionReplicationSettingData";

describe("formatEmbeddedInstance", () => {
  it("writes one line of CIM-XML: scalars, a NULL, and an array", () => {
    const text = formatEmbeddedInstance({
      className: CLASS,
      properties: [
        { name: "AuthenticationType", type: "uint16", value: "2" },
        { name: "CertificateThumbPrint", type: "string", value: null },
        { name: "IncludedDisks", type: "string", value: ["a", "b"] },
      ],
    });
    expect(text).toBe(
      `<INSTANCE CLASSNAME="${CLASS}">` +
        '<PROPERTY NAME="AuthenticationType" TYPE="uint16"><VALUE>2</VALUE></PROPERTY>' +
        '<PROPERTY NAME="CertificateThumbPrint" TYPE="string"></PROPERTY>' +
        '<PROPERTY.ARRAY NAME="IncludedDisks" TYPE="string"><VALUE.ARRAY><VALUE>a</VALUE><VALUE>b</VALUE></VALUE.ARRAY></PROPERTY.ARRAY>' +
        "</INSTANCE>",
    );
  });

  it("escapes quotes, ampersands, angle brackets and CR, and keeps non-ASCII as it is", () => {
    const text = formatEmbeddedInstance({
      className: CLASS,
      properties: [{ name: "ElementName", type: "string", value: `R&D "<east>" 'ü'\r\n東京` }],
    });
    expect(text).toBe(
      `<INSTANCE CLASSNAME="${CLASS}"><PROPERTY NAME="ElementName" TYPE="string"><VALUE>R&amp;D &quot;&lt;east&gt;&quot; &apos;ü&apos;&#13;\n東京</VALUE></PROPERTY></INSTANCE>`,
    );
  });
});

describe("parseEmbeddedInstance", () => {
  it("reads back what formatEmbeddedInstance wrote, awkward text included", () => {
    const instance: EmbeddedInstance = {
      className: CLASS,
      properties: [
        { name: "RecoveryConnectionPoint", type: "string", value: `west "broker" & <co> 'ü' 東京\r\n` },
        { name: "RecoveryServerPortNumber", type: "uint16", value: "443" },
        { name: "RootCertificateThumbPrint", type: "string", value: null },
        { name: "RecoveryServerHosts", type: "string", value: [] },
        { name: "IncludedDisks", type: "string", value: ["Microsoft:1\\2", "x&y"] },
      ],
    };
    expect(parseEmbeddedInstance(formatEmbeddedInstance(instance))).toEqual(instance);
  });

  it("reads the shape GetText(WmiDtd20) writes: prolog, qualifiers, extra attributes, whitespace, references", () => {
    const text = `<?xml version="1.0" encoding="utf-16"?>
      <INSTANCE CLASSNAME='${CLASS}'>
        <QUALIFIER NAME="dynamic" PROPAGATED="true" TYPE="boolean"><VALUE>TRUE</VALUE></QUALIFIER>
        <!-- a comment -->
        <PROPERTY NAME="PrimaryConnectionPoint" CLASSORIGIN="${CLASS}" TYPE="string">
          <QUALIFIER NAME="MaxLen" TYPE="uint32"><VALUE>256</VALUE></QUALIFIER>
          <VALUE>east&#x2D;broker&#46;contoso&#x2e;com</VALUE>
        </PROPERTY>
        <PROPERTY NAME="CertificateThumbPrint" TYPE="string"/>
        <PROPERTY.ARRAY NAME="IncludedDisks" TYPE="string"><VALUE.ARRAY><VALUE>d1</VALUE><VALUE.NULL/></VALUE.ARRAY></PROPERTY.ARRAY>
        <PROPERTY.ARRAY NAME="RecoveryServerHosts" TYPE="string"></PROPERTY.ARRAY>
        <PROPERTY NAME="ElementName" TYPE="string"><VALUE><![CDATA[a < b]]></VALUE></PROPERTY>
      </INSTANCE>`;
    expect(parseEmbeddedInstance(text)).toEqual({
      className: CLASS,
      properties: [
        { name: "PrimaryConnectionPoint", type: "string", value: "east-broker.contoso.com" },
        { name: "CertificateThumbPrint", type: "string", value: null },
        { name: "IncludedDisks", type: "string", value: ["d1", ""] },
        { name: "RecoveryServerHosts", type: "string", value: null },
        { name: "ElementName", type: "string", value: "a < b" },
      ],
    });
  });

  it.each([
    ["empty text", ""],
    ["not XML", "RecoveryConnectionPoint=west"],
    ["another root", `<VALUE>1</VALUE>`],
    ["no class name", `<INSTANCE><PROPERTY NAME="A" TYPE="string"><VALUE>1</VALUE></PROPERTY></INSTANCE>`],
    [
      "an unclosed element",
      `<INSTANCE CLASSNAME="C"><PROPERTY NAME="A" TYPE="string"><VALUE>1</VALUE></INSTANCE>`,
    ],
    [
      "a stray ampersand",
      `<INSTANCE CLASSNAME="C"><PROPERTY NAME="A" TYPE="string"><VALUE>R&D</VALUE></PROPERTY></INSTANCE>`,
    ],
    [
      "an unknown entity",
      `<INSTANCE CLASSNAME="C"><PROPERTY NAME="A" TYPE="string"><VALUE>&nbsp;</VALUE></PROPERTY></INSTANCE>`,
    ],
    [
      "a property without a name",
      `<INSTANCE CLASSNAME="C"><PROPERTY TYPE="string"><VALUE>1</VALUE></PROPERTY></INSTANCE>`,
    ],
    ["two roots", `<INSTANCE CLASSNAME="C"></INSTANCE><INSTANCE CLASSNAME="C"></INSTANCE>`],
    ["text beside the root", `junk<INSTANCE CLASSNAME="C"></INSTANCE>`],
  ])("gives undefined for %s", (_name, text) => {
    expect(parseEmbeddedInstance(text)).toBeUndefined();
  });
});

describe("withPropertyValues", () => {
  it("replaces values by name in any case, keeps the rest and their order, and adds what is missing", () => {
    const instance: EmbeddedInstance = {
      className: CLASS,
      properties: [
        { name: "RecoveryConnectionPoint", type: "string", value: "west" },
        { name: "ReplicationInterval", type: "uint16", value: "300" },
        { name: "PrimaryConnectionPoint", type: "string", value: null },
      ],
    };
    expect(
      withPropertyValues(instance, {
        primaryconnectionpoint: "west",
        RecoveryConnectionPoint: "east",
        CertificateThumbPrint: "AB",
      }),
    ).toEqual({
      className: CLASS,
      properties: [
        { name: "RecoveryConnectionPoint", type: "string", value: "east" },
        { name: "ReplicationInterval", type: "uint16", value: "300" },
        { name: "PrimaryConnectionPoint", type: "string", value: "west" },
        { name: "CertificateThumbPrint", type: "string", value: "AB" },
      ],
    });
  });
});
