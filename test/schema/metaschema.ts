/** Pulumi's package metaschema (pkg/codegen/schema/pulumi.json, kept beside this file), as a validator. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020";

const METASCHEMA_PATH = fileURLToPath(new URL("./pulumi-package-metaschema.json", import.meta.url));

// Strict, but the metaschema types const and default as ["boolean", "number", "string"], a union type.
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
ajv.addFormat("uri-reference", (value: string) => URL.canParse(value, "https://example.com/"));
ajv.addFormat("regex", (value: string) => {
  try {
    new RegExp(value);
    return true;
  } catch {
    return false;
  }
});
const validateAgainstMetaschema = ajv.compile(JSON.parse(readFileSync(METASCHEMA_PATH, "utf8")) as object);

/** The metaschema's complaints, one readable line each. */
export function metaschemaErrors(candidate: unknown): string[] {
  if (validateAgainstMetaschema(candidate)) return [];
  return (validateAgainstMetaschema.errors ?? []).map(
    (e) =>
      `${e.instancePath || "/"}: ${e.message ?? e.keyword} ${JSON.stringify(e.params)} (${e.schemaPath})`,
  );
}
