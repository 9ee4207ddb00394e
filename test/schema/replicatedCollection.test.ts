/**
 * schema.json's ReplicatedCollection and its object types, held to the TSDoc and fields of
 * provider/resources/replicatedCollection/replicatedCollection.ts (the whole file is checked against Pulumi's
 * metaschema by schema.test.ts).
 */
import { describe, expect, it } from "vitest";
import type { DocShape } from "./docs";
import type { SchemaSpec as Spec } from "./docs";
import { publishedSchema, readShapes, ref, repoFile } from "./docs";

const shapes = readShapes(repoFile("provider/resources/replicatedCollection/replicatedCollection.ts"));
const schema = publishedSchema();

const SCHEMA_NAME: Record<string, string> = {
  SiteArgs: "Site",
  ConnectionArgs: "Connection",
  BootGroupArgs: "BootGroup",
};

/** The schema a TypeScript field type is described by. */
function expected(type: string): Spec {
  const scalar: Record<string, Spec> = {
    string: { type: "string" },
    number: { type: "integer" },
    boolean: { type: "boolean" },
    ReportOutput: { $ref: ref("Report") },
  };
  if (scalar[type]) return scalar[type];
  const array = /^(\w+)\[\]$/.exec(type)?.[1];
  if (array) return { type: "array", items: scalar[array] ?? { $ref: ref(SCHEMA_NAME[array] ?? array) } };
  const record = /^Record<string, (?:pulumi\.Input<)?(\w+)>?>$/.exec(type)?.[1];
  if (record) return { type: "object", additionalProperties: { $ref: ref(SCHEMA_NAME[record] ?? record) } };
  return { $ref: ref(SCHEMA_NAME[type] ?? type) };
}

function asSchema(shape: DocShape): Record<string, Spec> {
  return Object.fromEntries(shape.fields.map((f) => [f.name, { description: f.doc, ...expected(f.type) }]));
}

describe("schema.json: ReplicatedCollection", () => {
  const resource = schema.resources["hyperv-replica:index:ReplicatedCollection"]!;

  it("describes the inputs with the words and types of ReplicatedCollectionArgs", () => {
    const args = shapes.ReplicatedCollectionArgs!;
    expect(resource.inputProperties).toEqual(asSchema(args));
    expect(resource.requiredInputs).toEqual(args.fields.filter((f) => !f.optional).map((f) => f.name));
  });

  it("describes the outputs with the class's declared fields", () => {
    const cls = shapes.ReplicatedCollection!;
    expect(resource.properties).toEqual(asSchema(cls));
    expect(resource.required).toEqual(cls.fields.map((f) => f.name));
    expect(resource.description.startsWith(`${cls.doc}\n\n`)).toBe(true);
  });

  it.each(["SiteArgs", "SiteOutput", "MemberOutput", "StepOutput", "ChangeOutput"])(
    "describes %s field by field",
    (name) => {
      const shape = shapes[name]!;
      const type = schema.types[`hyperv-replica:index:${SCHEMA_NAME[name] ?? name}`]!;
      expect(type.description).toBe(shape.doc);
      expect(type.properties).toEqual(asSchema(shape));
      expect(type.required).toEqual(shape.fields.filter((f) => !f.optional).map((f) => f.name));
    },
  );

  it("finds a TSDoc comment on every field", () => {
    const missing = Object.entries(shapes).flatMap(([name, s]) =>
      s.fields.filter((f) => !f.doc).map((f) => `${name}.${f.name}`),
    );
    expect(missing).toEqual([]);
  });
});
