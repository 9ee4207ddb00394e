/**
 * schema.json's CollectionReplication and its object types, held to the TSDoc and fields of
 * provider/resources/collectionReplication/collectionReplication.ts (the whole file is checked against Pulumi's
 * metaschema by schema.test.ts, and replaceOnChanges against Diff by replaceOnChanges.test.ts).
 */
import { describe, expect, it } from "vitest";
import type { DocShape } from "./docs";
import type { SchemaSpec as Spec } from "./docs";
import { publishedSchema, readShapes, ref, repoFile } from "./docs";

const shapes = readShapes(repoFile("provider/resources/collectionReplication/collectionReplication.ts"));
const schema = publishedSchema();

/** The schema type each TypeScript interface is published as. */
const SCHEMA_NAME: Record<string, string> = {
  ConnectionArgs: "Connection",
  LastOperationOutput: "LastOperation",
  RecoverySideArgs: "RecoverySide",
  InitialReplicationProgressOutput: "InitialReplicationProgress",
};

function expected(type: string): Spec {
  const scalar: Record<string, Spec> = {
    string: { type: "string" },
    number: { type: "integer" },
    boolean: { type: "boolean" },
  };
  if (scalar[type]) return scalar[type];
  const array = /^(?:pulumi\.Input<)?(\w+)>?\[\]$/.exec(type)?.[1];
  if (array) return { type: "array", items: scalar[array] ?? { $ref: ref(array) } };
  return { $ref: ref(SCHEMA_NAME[type] ?? type) };
}

function asSchema(shape: DocShape, replacing: readonly string[] = []): Record<string, Spec> {
  return Object.fromEntries(
    shape.fields.map((f) => [
      f.name,
      {
        description: f.doc,
        ...expected(f.type),
        ...(replacing.includes(f.name) ? { replaceOnChanges: true } : {}),
      },
    ]),
  );
}

describe("schema.json: CollectionReplication", () => {
  const resource = schema.resources["hyperv-replica:index:CollectionReplication"]!;

  it("describes the inputs with the words and types of CollectionReplicationArgs", () => {
    const args = shapes.CollectionReplicationArgs!;
    expect(resource.inputProperties).toEqual(asSchema(args));
    expect(resource.requiredInputs).toEqual(args.fields.filter((f) => !f.optional).map((f) => f.name));
  });

  it("describes the outputs with the class's declared fields, collectionId replacing on change", () => {
    const cls = shapes.CollectionReplication!;
    expect(resource.properties).toEqual(asSchema(cls, ["collectionId"]));
    expect(resource.required).toEqual(cls.fields.map((f) => f.name));
    expect(resource.description.startsWith(`${cls.doc}\n\n`)).toBe(true);
  });

  it.each(["RecoverySideArgs", "RecoverySideOutput", "InitialReplicationProgressOutput"])(
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
