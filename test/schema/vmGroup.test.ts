/**
 * schema.json's VmGroup and its VmGroupMember type, held to the TSDoc, fields and defaults of
 * provider/resources/vmGroup/ (the whole file is checked against Pulumi's metaschema by schema.test.ts).
 */
import { describe, expect, it } from "vitest";
import { DEFAULTS } from "../../provider/resources/vmGroup/types";
import type { DocField, DocShape } from "./docs";
import type { SchemaSpec as Spec } from "./docs";
import { publishedSchema, readShapes, ref, repoFile } from "./docs";

const shapes = readShapes(repoFile("provider/resources/vmGroup/vmGroup.ts"));
const schema = publishedSchema();

const SCHEMA_NAME: Record<string, string> = {
  ConnectionArgs: "Connection",
  ConnectionOutput: "ConnectionOutput",
  VmGroupMemberOutput: "VmGroupMember",
};

/** The schema a TypeScript field type is described by. */
function expected(field: DocField): Spec {
  const scalar: Record<string, Spec> = {
    string: { type: "string" },
    number: { type: "integer" },
    boolean: { type: "boolean" },
  };
  // `pulumi.Input<string>[]` (a list whose entries may be outputs) is a list of strings.
  const type = field.type.replace(/^pulumi\.Input<(\w+)>\[\]$/, "$1[]");
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

describe("schema.json: VmGroup", () => {
  const resource = schema.resources["hyperv-replica:index:VmGroup"]!;

  it("describes the inputs with the words, types and defaults of VmGroupArgs", () => {
    const args = shapes.VmGroupArgs!;
    expect(resource.inputProperties).toEqual(asSchema(args, DEFAULTS));
    expect(resource.requiredInputs).toEqual(args.fields.filter((f) => !f.optional).map((f) => f.name));
  });

  it("describes the outputs with the class's declared fields, requiring those that are never null", () => {
    const cls = shapes.VmGroup!;
    expect(resource.properties).toEqual(asSchema(cls));
    expect(resource.required).toEqual(cls.fields.filter((f) => !f.nullable).map((f) => f.name));
    expect(resource.description.split("\n\n{{% examples %}}")[0]).toBe(cls.doc);
  });

  it("describes VmGroupMember field by field", () => {
    const shape = shapes.VmGroupMemberOutput!;
    const type = schema.types["hyperv-replica:index:VmGroupMember"]!;
    expect(type.description).toBe(shape.doc);
    expect(type.properties).toEqual(asSchema(shape));
    expect(type.required).toEqual(shape.fields.map((f) => f.name));
  });

  it("finds a TSDoc comment on every field", () => {
    const missing = Object.entries(shapes).flatMap(([name, s]) =>
      s.fields.filter((f) => !f.doc).map((f) => `${name}.${f.name}`),
    );
    expect(missing).toEqual([]);
  });
});
