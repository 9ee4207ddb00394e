/**
 * schema.json's report types, held to provider/runtime/report/types.ts: the same fields, words and types, so the
 * `lastReport` output is a typed object in every SDK. Then a report as the runtime builds it is checked against those
 * types, so what the provider returns is what the SDKs are told to expect.
 */
import { describe, expect, it } from "vitest";
import { buildReport } from "../../provider/runtime/report/model";
import { sampleInput } from "../runtime/report/sample";
import type { SchemaSpec as Spec } from "./docs";
import { publishedSchema, readShapes, ref, repoFile } from "./docs";

const shapes = readShapes(repoFile("provider/runtime/report/types.ts"));
const schema = publishedSchema();

/** The schema type each TypeScript interface is published as. */
const SCHEMA_NAME: Record<string, string> = {
  Report: "Report",
  ReportStep: "ReportStep",
  ReportCall: "ReportCall",
  ReportPoint: "ReportRecoveryPoint",
  VmBar: "ReportVmStart",
  CollectionSnapshot: "ReportCollection",
  VmState: "ReportVm",
};
/** Numbers that are WMI codes, whole by definition; the others (seconds) may have a fraction. */
const INTEGERS = new Set(["returnValue", "errorCode"]);
const ANY_MAP: Spec = { type: "object", additionalProperties: { $ref: "pulumi.json#/Any" } };

function expected(name: string, type: string): Spec {
  if (type === "string" || type === "ReportResource" || type.startsWith('"')) return { type: "string" };
  if (type === "number") return { type: INTEGERS.has(name) ? "integer" : "number" };
  if (type === "boolean") return { type: "boolean" };
  if (type === "CimArguments" || type.startsWith("Readonly<Record<string,")) return ANY_MAP;
  const array = /^readonly (\w+)\[\]$/.exec(type)?.[1];
  if (array) return { type: "array", items: { $ref: ref(SCHEMA_NAME[array]!) } };
  return { $ref: ref(SCHEMA_NAME[type] ?? `unpublished ${type}`) };
}

describe("schema.json: the report types", () => {
  it.each(Object.entries(SCHEMA_NAME))("publishes %s as %s with its fields, words and types", (ts, name) => {
    const shape = shapes[ts]!;
    const published = schema.types[`hyperv-replica:index:${name}`]!;
    expect(published.description).toBe(shape.doc);
    const properties = Object.fromEntries(
      shape.fields.map((f) => [f.name, { description: f.doc, ...expected(f.name, f.type) }]),
    );
    expect(published.properties).toEqual(properties);
    expect(published.required).toEqual(shape.fields.filter((f) => !f.nullable).map((f) => f.name));
    for (const field of shape.fields) expect(field.doc, `${ts}.${field.name} has no TSDoc`).toBeTruthy();
  });

  it("is the type of every resource's lastReport output", () => {
    const holders = Object.entries(schema.resources).filter(([, r]) => r.properties.lastReport !== undefined);
    expect(holders.map(([token]) => token).sort()).toEqual(
      ["CollectionFailover", "CollectionTestFailover", "ReplicatedCollection"].map(
        (n) => `hyperv-replica:index:${n}`,
      ),
    );
    for (const [, resource] of holders) expect(resource.properties.lastReport!.$ref).toBe(ref("Report"));
  });

  it("describes a report as the runtime builds it: every value has its property, of its type", () => {
    const problems = mismatches(
      JSON.parse(JSON.stringify(buildReport(sampleInput()))) as unknown,
      ref("Report"),
    );
    expect(problems).toEqual([]);
  });
});

/** Where a JSON value departs from the schema type it should have. */
function mismatches(value: unknown, typeRef: string, at = "lastReport"): string[] {
  const type = schema.types[typeRef.replace("#/types/", "")];
  if (type === undefined) return [`${at}: no type ${typeRef}`];
  if (typeof value !== "object" || value === null) return [`${at}: not an object`];
  const record = value as Record<string, unknown>;
  const unknownKeys = Object.keys(record).filter((k) => !(k in type.properties));
  const missing = (type.required ?? []).filter((k) => record[k] === undefined || record[k] === null);
  return [
    ...unknownKeys.map((k) => `${at}.${k}: not in the schema`),
    ...missing.map((k) => `${at}.${k}: required but absent`),
    ...Object.entries(type.properties).flatMap(([k, spec]) =>
      record[k] === undefined || record[k] === null ? [] : valueMismatches(record[k], spec, `${at}.${k}`),
    ),
  ];
}

function valueMismatches(value: unknown, spec: Spec, at: string): string[] {
  if (spec.$ref !== undefined)
    return spec.$ref.startsWith("#/types/") ? mismatches(value, spec.$ref, at) : [];
  if (spec.type === "array") {
    if (!Array.isArray(value)) return [`${at}: not an array`];
    return value.flatMap((item, i) => valueMismatches(item, spec.items!, `${at}[${i}]`));
  }
  if (spec.type === "object") return typeof value === "object" ? [] : [`${at}: not an object`];
  if (spec.type === "integer") return Number.isInteger(value) ? [] : [`${at}: not an integer`];
  return typeof value === spec.type ? [] : [`${at}: not a ${spec.type}`];
}
