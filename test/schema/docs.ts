/** The TSDoc of a resource's file, read with the TypeScript compiler API: interfaces and a class's declared fields. */
import { readFileSync } from "node:fs";
import ts from "typescript";
import { fileURLToPath } from "node:url";

export interface DocField {
  readonly name: string;
  readonly optional: boolean;
  readonly nullable: boolean;
  /** The type as written, unwrapped from pulumi.Input/Output, without null. */
  readonly type: string;
  readonly doc: string | undefined;
}

export interface DocShape {
  readonly doc: string | undefined;
  readonly fields: readonly DocField[];
}

function normalize(comment: string): string {
  return comment
    .replace(/^\/\*\*/, "")
    .replace(/\*\/$/, "")
    .split("\n")
    .map((line) => line.replace(/^\s*\*(?!\/)/, ""))
    .join(" ")
    .replace(/\{@link\s+([^}\s]+)\s*\}/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

function docOf(node: ts.Node, source: ts.SourceFile): string | undefined {
  const ranges = ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? [];
  const doc = ranges.filter((r) => source.text.startsWith("/**", r.pos)).at(-1);
  return doc === undefined ? undefined : normalize(source.text.slice(doc.pos, doc.end));
}

function unwrap(node: ts.TypeNode): ts.TypeNode[] {
  if (
    ts.isTypeReferenceNode(node) &&
    /^pulumi\.(Input|Output)$/.test(node.typeName.getText()) &&
    node.typeArguments?.[0]
  ) {
    return unwrap(node.typeArguments[0]);
  }
  if (ts.isUnionTypeNode(node)) return node.types.flatMap(unwrap);
  return [node];
}

function field(member: ts.PropertySignature | ts.PropertyDeclaration, source: ts.SourceFile): DocField {
  const parts = member.type ? unwrap(member.type) : [];
  const isNull = (t: ts.TypeNode) => ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword;
  return {
    name: member.name.getText(source),
    optional: member.questionToken !== undefined,
    nullable: parts.some(isNull),
    type: parts
      .filter((t) => !isNull(t))
      .map((t) => t.getText(source))
      .join(" | "),
    doc: docOf(member, source),
  };
}

/** Every interface of the file, and each class's `declare`d fields, by name. */
export function readShapes(path: string): Record<string, DocShape> {
  const source = ts.createSourceFile(
    path,
    readFileSync(path, "utf8"),
    ts.ScriptTarget.ES2022,
    true,
    ts.ScriptKind.TS,
  );
  const shapes: Record<string, DocShape> = {};
  for (const s of source.statements) {
    if (ts.isInterfaceDeclaration(s)) {
      const members = s.members.filter(ts.isPropertySignature).map((m) => field(m, source));
      shapes[s.name.text] = { doc: docOf(s, source), fields: members };
    }
    if (ts.isClassDeclaration(s) && s.name) {
      const members = s.members.filter(ts.isPropertyDeclaration).map((m) => field(m, source));
      shapes[s.name.text] = { doc: docOf(s, source), fields: members };
    }
  }
  return shapes;
}

/** A property as schema.json describes it: the fields the per-resource schema tests compare. */
export interface SchemaSpec {
  description?: string;
  type?: string;
  $ref?: string;
  items?: SchemaSpec;
  additionalProperties?: SchemaSpec;
  replaceOnChanges?: boolean;
  default?: unknown;
}

/** The parts of schema.json the per-resource schema tests read. */
export interface PublishedSchema {
  types: Record<
    string,
    { description?: string; properties: Record<string, SchemaSpec>; required?: string[] }
  >;
  resources: Record<
    string,
    {
      description: string;
      properties: Record<string, SchemaSpec>;
      required: string[];
      inputProperties: Record<string, SchemaSpec>;
      requiredInputs: string[];
    }
  >;
}

/** A file of the repository by its path from the repository's root. */
export const repoFile = (relative: string) => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

export const publishedSchema = (): PublishedSchema =>
  JSON.parse(readFileSync(repoFile("schema.json"), "utf8")) as PublishedSchema;

/** The `$ref` of one of the package's own types. */
export const ref = (name: string) => `#/types/hyperv-replica:index:${name}`;
