/**
 * schema.json's ReplicaNetworks and the network types it and CollectionTestFailover's testNetworks use, held to the
 * TSDoc, fields and defaults of provider/resources/replicaNetworks/ and provider/resources/networkTypes.ts.
 */
import { describe, expect, it } from "vitest";
import { DEFAULTS } from "../../provider/resources/replicaNetworks/types";
import type { DocField, DocShape } from "./docs";
import type { SchemaSpec as Spec } from "./docs";
import { publishedSchema, readShapes, ref, repoFile } from "./docs";

const shapes = {
  ...readShapes(repoFile("provider/resources/replicaNetworks/replicaNetworks.ts")),
  ...readShapes(repoFile("provider/resources/networkTypes.ts")),
};
const schema = publishedSchema();

/** Each TypeScript interface and the schema type it becomes. */
const SCHEMA_NAME: Record<string, string> = {
  ConnectionArgs: "Connection",
  ConnectionOutput: "ConnectionOutput",
  FailoverIpArgs: "FailoverIp",
  FailoverIpOutput: "FailoverIpOutput",
  ReplicaNetworkDefaultsArgs: "ReplicaNetworkDefaults",
  ReplicaNetworkVmArgs: "ReplicaNetworkVm",
  ReplicaAdapterOutput: "ReplicaAdapter",
  ReplicaVmNetworksOutput: "ReplicaVmNetworks",
  ManagedSettingOutput: "ManagedSetting",
  TestNetworkOutput: "TestNetwork",
  TestNetworkAdapterOutput: "TestNetworkAdapter",
};

function expected(field: DocField): Spec {
  const scalar: Record<string, Spec> = {
    string: { type: "string" },
    number: { type: "integer" },
    boolean: { type: "boolean" },
  };
  const type = field.type
    .replace(/^pulumi\.Input<(\w+)>\[\]$/, "$1[]")
    .replace(/^pulumi\.Input<(\w+)>$/, "$1");
  if (scalar[type]) return scalar[type];
  const array = /^(\w+)\[\]$/.exec(type)?.[1];
  if (array) return { type: "array", items: scalar[array] ?? { $ref: ref(SCHEMA_NAME[array] ?? array) } };
  return { $ref: ref(SCHEMA_NAME[type] ?? type) };
}

function asSchema(shape: DocShape, defaults: Record<string, unknown> = {}): Record<string, Spec> {
  return Object.fromEntries(
    shape.fields.map((f) => [
      f.name,
      { description: f.doc, ...expected(f), ...(f.name in defaults ? { default: defaults[f.name] } : {}) },
    ]),
  );
}

describe("schema.json: ReplicaNetworks", () => {
  const resource = schema.resources["hyperv-replica:index:ReplicaNetworks"]!;

  it("describes the inputs with the words, types and defaults of ReplicaNetworksArgs", () => {
    const args = shapes.ReplicaNetworksArgs!;
    expect(resource.inputProperties).toEqual(asSchema(args, DEFAULTS));
    expect(resource.requiredInputs).toEqual(args.fields.filter((f) => !f.optional).map((f) => f.name));
  });

  it("describes the outputs with the class's declared fields; a new collectionId replaces the resource", () => {
    const cls = shapes.ReplicaNetworks!;
    const outputs = asSchema(cls);
    expect(resource.properties).toEqual({
      ...outputs,
      collectionId: { ...outputs.collectionId, replaceOnChanges: true },
    });
    expect(resource.required).toEqual(cls.fields.filter((f) => !f.nullable).map((f) => f.name));
    expect(resource.description.split("\n\n{{% examples %}}")[0]).toBe(cls.doc);
  });

  it.each(Object.entries(SCHEMA_NAME).filter(([ts]) => !ts.startsWith("Connection")))(
    "describes %s as the type %s, field by field",
    (ts, name) => {
      const shape = shapes[ts]!;
      const type = schema.types[`hyperv-replica:index:${name}`]!;
      expect(type.description).toBe(shape.doc);
      expect(type.properties).toEqual(asSchema(shape));
      const required = shape.fields.filter((f) => (ts.endsWith("Args") ? !f.optional : !f.nullable));
      expect(type.required ?? []).toEqual(required.map((f) => f.name));
    },
  );

  it("finds a TSDoc comment on every field", () => {
    const missing = Object.entries(shapes).flatMap(([name, s]) =>
      s.fields.filter((f) => !f.doc).map((f) => `${name}.${f.name}`),
    );
    expect(missing).toEqual([]);
  });
});
