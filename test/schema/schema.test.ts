/**
 * schema.json is written by hand; these tests hold it to the TypeScript it describes. The field names, optionality
 * and TSDoc come from provider/resources/collectionFailover/collectionFailover.ts, read with the TypeScript compiler API, and the enums and
 * defaults from the constants the provider itself validates against.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { DESIRED_STATES } from "../../provider/failover/states";
import { DEFAULTS } from "../../provider/resources/collectionFailover/types";
import { CONFIG_NAMESPACE, readProviderConfig } from "../../provider/runtime/connection";
import { AUTHENTICATIONS, TRANSPORTS } from "../../provider/runtime/types";
import { metaschemaErrors } from "./metaschema";

const repoFile = (relative: string) => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

// ---------------------------------------------------------------------------------------------------------------
// The schema, as far as these tests look into it.

interface PropertySpec {
  readonly description?: string;
  readonly type?: string;
  readonly $ref?: string;
  readonly default?: unknown;
  readonly secret?: boolean;
  readonly replaceOnChanges?: boolean;
}
type Properties = Readonly<Record<string, PropertySpec>>;
interface TypeSpec {
  readonly description?: string;
  readonly type?: string;
  readonly properties?: Properties;
  readonly required?: readonly string[];
  readonly enum?: readonly { readonly value: unknown }[];
}
interface ResourceSpec {
  readonly description?: string;
  readonly properties?: Properties;
  readonly required?: readonly string[];
  readonly inputProperties?: Properties;
  readonly requiredInputs?: readonly string[];
}
interface PackageSchema {
  readonly name?: string;
  readonly version?: string;
  readonly description?: string;
  readonly license?: string;
  readonly keywords?: readonly string[];
  readonly config?: { readonly variables?: Properties };
  readonly types?: Readonly<Record<string, TypeSpec>>;
  readonly resources?: Readonly<Record<string, ResourceSpec>>;
  readonly language?: { readonly nodejs?: { readonly packageName?: string } };
}

const schema = JSON.parse(readFileSync(repoFile("schema.json"), "utf8")) as PackageSchema;
const packageJson = JSON.parse(readFileSync(repoFile("package.json"), "utf8")) as Record<string, unknown>;

const PACKAGE = "hyperv-replica";
const token = (name: string) => `${PACKAGE}:index:${name}`;
const typeRef = (name: string) => `#/types/${token(name)}`;

/** The schema type each TypeScript type (inside pulumi.Input/Output, without null) is described by. */
const SCHEMA_TYPE_OF: Readonly<Record<string, string>> = {
  string: "string",
  number: "number",
  boolean: "boolean",
  Transport: typeRef("Transport"),
  Authentication: typeRef("Authentication"),
  DesiredState: typeRef("FailoverState"),
  ObservedState: typeRef("ObservedFailoverState"),
  ConnectionArgs: typeRef("Connection"),
  ConnectionOutput: typeRef("ConnectionOutput"),
  LastOperationOutput: typeRef("LastOperation"),
};
/** Stack config values are strings, so enum-typed connection fields are plain strings in `config.variables`. */
const ENUM_TYPES: readonly string[] = ["Transport", "Authentication"];
/** The object types of ReplicatedCollection (replicatedCollection.test.ts checks them). */
const REPLICATED_COLLECTION_TYPES = ["Site", "SiteOutput", "MemberOutput", "StepOutput", "ChangeOutput"];

// ---------------------------------------------------------------------------------------------------------------
// The TypeScript, read with the compiler API.

interface Field {
  readonly name: string;
  readonly optional: boolean;
  /** Whether the type admits null (`X | null`, also inside pulumi.Output<...>). */
  readonly nullable: boolean;
  /** The type's non-null members, unwrapped from pulumi.Input/pulumi.Output, as written. */
  readonly types: readonly string[];
  readonly doc: string | undefined;
}

interface Facts {
  readonly args: readonly Field[];
  readonly outputs: readonly Field[];
  readonly connectionArgs: readonly Field[];
  readonly connectionOutput: readonly Field[];
  readonly lastOperation: readonly Field[];
  /** The TSDoc of the class and of the interfaces that become object types. */
  readonly docs: {
    readonly CollectionFailover: string | undefined;
    readonly ConnectionArgs: string | undefined;
    readonly ConnectionOutput: string | undefined;
    readonly LastOperationOutput: string | undefined;
  };
  /** The `pulumi-nodejs:dynamic/<module>:<type>` token the class registers with. */
  readonly dynamicToken: string;
  readonly dynamicModule: string;
  readonly dynamicType: string;
  readonly desiredStatesDoc: string | undefined;
  readonly observedStateDoc: string | undefined;
  readonly observedStates: readonly string[];
}

/** TSDoc comment text on one line: `*` margins gone, whitespace collapsed, `{@link X}` as X; block tags dropped. */
function normalizeTsDoc(comment: string): string {
  const lines = comment
    .replace(/^\/\*\*/, "")
    .replace(/\*\/$/, "")
    .split("\n")
    .map((line) => line.replace(/^\s*\*(?!\/)/, ""));
  const firstBlockTag = lines.findIndex((line) => /^\s*@\w/.test(line));
  return (firstBlockTag === -1 ? lines : lines.slice(0, firstBlockTag))
    .join(" ")
    .replace(
      /\{@link(?:code|plain)?\s+([^}|\s]+)\s*(?:\|\s*([^}]*?)\s*)?\}/g,
      (_, target: string, text?: string) => text || target,
    )
    .replace(/\s+/g, " ")
    .trim();
}

function tsDocOf(node: ts.Node, source: ts.SourceFile): string | undefined {
  const ranges = ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? [];
  const doc = ranges.filter((r) => source.text.startsWith("/**", r.pos)).at(-1);
  return doc === undefined ? undefined : normalizeTsDoc(source.text.slice(doc.pos, doc.end));
}

function isPulumiWrapper(node: ts.TypeNode): node is ts.TypeReferenceNode {
  return (
    ts.isTypeReferenceNode(node) &&
    /^pulumi\.(Input|Output)$/.test(node.typeName.getText()) &&
    node.typeArguments?.length === 1
  );
}

/** The members of a type, unwrapped from pulumi.Input/Output and unions; null becomes "null". */
function typeMembers(node: ts.TypeNode): string[] {
  if (isPulumiWrapper(node)) return typeMembers(node.typeArguments![0]!);
  if (ts.isUnionTypeNode(node)) return node.types.flatMap(typeMembers);
  if (ts.isParenthesizedTypeNode(node)) return typeMembers(node.type);
  if (ts.isLiteralTypeNode(node) && node.literal.kind === ts.SyntaxKind.NullKeyword) return ["null"];
  return [node.getText()];
}

function fieldOf(member: ts.PropertySignature | ts.PropertyDeclaration, source: ts.SourceFile): Field {
  const members = member.type === undefined ? ["any"] : typeMembers(member.type);
  return {
    name: member.name.getText(source),
    optional: member.questionToken !== undefined,
    nullable: members.includes("null"),
    types: members.filter((t) => t !== "null"),
    doc: tsDocOf(member, source),
  };
}

function parse(path: string, text = readFileSync(path, "utf8")): ts.SourceFile {
  return ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

function find<T extends ts.Node>(source: ts.SourceFile, test: (n: ts.Node) => n is T, name: string): T {
  const found = source.statements.find(
    (s): s is ts.Statement & T =>
      test(s) && "name" in s && (s.name as ts.Identifier | undefined)?.text === name,
  );
  if (found === undefined) throw new Error(`${source.fileName} declares no ${name}`);
  return found;
}

const STATES_PATH = repoFile("provider/failover/states.ts");

/** The string literals of the ObservedState union, resolved by the type checker (DesiredState included). */
function observedStateMembers(): string[] {
  const program = ts.createProgram([STATES_PATH], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const source = program.getSourceFile(STATES_PATH)!;
  const alias = find(source, ts.isTypeAliasDeclaration, "ObservedState");
  const type = program.getTypeChecker().getTypeAtLocation(alias.name);
  const members = type.isUnion() ? type.types : [type];
  return members.map((t) => {
    if (!t.isStringLiteral()) throw new Error(`ObservedState has a member that is not a string literal`);
    return t.value;
  });
}

/** The statement that declares the const `name`. */
function findConst(source: ts.SourceFile, name: string): ts.VariableStatement {
  const found = source.statements
    .filter(ts.isVariableStatement)
    .find((s) => s.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name));
  if (found === undefined) throw new Error(`${source.fileName} declares no ${name}`);
  return found;
}

const statesSource = parse(STATES_PATH);
const STATE_FACTS = {
  desiredStatesDoc: tsDocOf(findConst(statesSource, "DESIRED_STATES"), statesSource),
  observedStateDoc: tsDocOf(find(statesSource, ts.isTypeAliasDeclaration, "ObservedState"), statesSource),
  observedStates: observedStateMembers(),
};

const COLLECTION_FAILOVER_PATH = repoFile("provider/resources/collectionFailover/collectionFailover.ts");

/** What collectionFailover.ts says; pass `text` to read an edited copy instead of the file. */
function readFacts(text?: string): Facts {
  const source = parse(COLLECTION_FAILOVER_PATH, text);
  const iface = (name: string) => find(source, ts.isInterfaceDeclaration, name);
  const fieldsOf = (name: string) =>
    iface(name)
      .members.filter(ts.isPropertySignature)
      .map((m) => fieldOf(m, source));
  const resource = find(source, ts.isClassDeclaration, "CollectionFailover");
  const declared = resource.members
    .filter(ts.isPropertyDeclaration)
    .filter((m) => m.modifiers?.some((mod) => mod.kind === ts.SyntaxKind.DeclareKeyword));
  const superCall = resource.members
    .filter(ts.isConstructorDeclaration)
    .flatMap((c) => c.body?.statements ?? [])
    .map((s) => (ts.isExpressionStatement(s) ? s.expression : undefined))
    .find(
      (e): e is ts.CallExpression =>
        e !== undefined && ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.SuperKeyword,
    );
  const superArgs: readonly ts.Expression[] = superCall?.arguments ?? [];
  // super(provider, name, props, opts, module, type): the last two strings make the dynamic type token.
  const [dynamicModule = "", dynamicType = ""] = superArgs
    .filter((a): a is ts.StringLiteral => ts.isStringLiteral(a))
    .map((a) => a.text)
    .slice(-2);
  return {
    args: fieldsOf("CollectionFailoverArgs"),
    outputs: declared.map((m) => fieldOf(m, source)),
    connectionArgs: fieldsOf("ConnectionArgs"),
    connectionOutput: fieldsOf("ConnectionOutput"),
    lastOperation: fieldsOf("LastOperationOutput"),
    docs: {
      CollectionFailover: tsDocOf(resource, source),
      ConnectionArgs: tsDocOf(iface("ConnectionArgs"), source),
      ConnectionOutput: tsDocOf(iface("ConnectionOutput"), source),
      LastOperationOutput: tsDocOf(iface("LastOperationOutput"), source),
    },
    dynamicToken: `pulumi-nodejs:dynamic/${dynamicModule}:${dynamicType}`,
    dynamicModule,
    dynamicType,
    ...STATE_FACTS,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The comparisons: each one a schema-derived value that must equal a TypeScript-derived one.

const sorted = (values: Iterable<string>) => [...values].sort();
const namesOf = (props: Properties | undefined) => sorted(Object.keys(props ?? {}));
const fieldNames = (fields: readonly Field[]) => sorted(fields.map((f) => f.name));
const alwaysPresent = (fields: readonly Field[]) =>
  sorted(fields.filter((f) => !f.optional && !f.nullable).map((f) => f.name));
const docsOf = (fields: readonly Field[]) => Object.fromEntries(fields.map((f) => [f.name, f.doc]));
const descriptionsOf = (props: Properties | undefined, fields: readonly Field[]) =>
  Object.fromEntries(fields.map((f) => [f.name, props?.[f.name]?.description]));

/** A property's schema type, with integer counted as number (TypeScript does not tell them apart). */
const schemaTypeOf = (p: PropertySpec | undefined) => p?.$ref ?? (p?.type === "integer" ? "number" : p?.type);
const schemaTypesOf = (props: Properties | undefined, fields: readonly Field[]) =>
  Object.fromEntries(fields.map((f) => [f.name, schemaTypeOf(props?.[f.name])]));
const expectedTypesOf = (fields: readonly Field[], enumsAsStrings = false) =>
  Object.fromEntries(
    fields.map((f) => [
      f.name,
      f.types
        .map((t) =>
          enumsAsStrings && ENUM_TYPES.includes(t) ? "string" : (SCHEMA_TYPE_OF[t] ?? `unmapped ${t}`),
        )
        .join(" | "),
    ]),
  );

const replacing = (props: Properties | undefined) =>
  sorted(
    Object.entries(props ?? {})
      .filter(([, p]) => p.replaceOnChanges === true)
      .map(([n]) => n),
  );

/** The stack config keys `readProviderConfig` asks for, without the `hyperv-replica:` namespace. */
const CONFIG_KEYS_READ: readonly string[] = (() => {
  const keys: string[] = [];
  readProviderConfig((key) => {
    keys.push(key.slice(`${CONFIG_NAMESPACE}:`.length));
    return undefined;
  });
  return keys;
})();

const typeOf = (s: PackageSchema, name: string): TypeSpec | undefined => s.types?.[token(name)];
const enumValues = (s: PackageSchema, name: string) => typeOf(s, name)?.enum?.map((e) => e.value);
const resourceOf = (s: PackageSchema, f: Facts): ResourceSpec | undefined =>
  s.resources?.[token(f.dynamicType)];

/** Every description path that is missing or empty. */
function undescribed(s: PackageSchema): string[] {
  const missing: string[] = [];
  const visit = (path: string, props: Properties | undefined) => {
    for (const [name, p] of Object.entries(props ?? {}))
      if (!p.description?.trim()) missing.push(`${path}.${name}`);
  };
  visit("config.variables", s.config?.variables);
  for (const [name, t] of Object.entries(s.types ?? {})) {
    if (!t.description?.trim()) missing.push(`types.${name}`);
    visit(`types.${name}.properties`, t.properties);
  }
  for (const [name, r] of Object.entries(s.resources ?? {})) {
    if (!r.description?.trim()) missing.push(`resources.${name}`);
    visit(`resources.${name}.inputProperties`, r.inputProperties);
    visit(`resources.${name}.properties`, r.properties);
  }
  return missing;
}

/** Every property path marked secret. */
function secrets(s: PackageSchema): string[] {
  const paths: string[] = [];
  const visit = (path: string, props: Properties | undefined) => {
    for (const [name, p] of Object.entries(props ?? {})) if (p.secret === true) paths.push(`${path}.${name}`);
  };
  visit("config.variables", s.config?.variables);
  for (const [name, t] of Object.entries(s.types ?? {})) visit(`types.${name}`, t.properties);
  for (const [name, r] of Object.entries(s.resources ?? {})) {
    visit(`resources.${name}.inputProperties`, r.inputProperties);
    visit(`resources.${name}.properties`, r.properties);
  }
  return sorted(paths);
}

/** Which of the word values a description fails to mention in backticks. */
const unmentioned = (description: string | undefined, values: readonly string[]) =>
  values.filter((v) => !(description ?? "").includes(`\`${v}\``));

interface Check {
  readonly name: string;
  readonly actual: (s: PackageSchema) => unknown;
  readonly expected: unknown;
}

function checksFor(f: Facts): Check[] {
  const resource = (s: PackageSchema) => resourceOf(s, f);
  const props = (s: PackageSchema, type: string) => typeOf(s, type)?.properties;
  return [
    { name: "schema.json is a valid Pulumi package schema", actual: metaschemaErrors, expected: [] },
    {
      name: "the package is named after the dynamic provider's module",
      actual: (s) => s.name,
      expected: f.dynamicModule,
    },
    {
      name: "the package's version, description, license and keywords are package.json's",
      actual: (s) => ({
        version: s.version,
        description: s.description,
        license: s.license,
        keywords: s.keywords,
      }),
      expected: {
        version: packageJson.version,
        description: packageJson.description,
        license: packageJson.license,
        keywords: packageJson.keywords,
      },
    },
    {
      name: "the Node.js package name is package.json's",
      actual: (s) => s.language?.nodejs?.packageName,
      expected: packageJson.name,
    },
    {
      name: "the resources are the dynamic resources' types, in the index module",
      actual: (s) => Object.keys(s.resources ?? {}),
      // ReplicatedCollection's entry is checked field by field in replicatedCollection.test.ts.
      expected: [token(f.dynamicType), token("ReplicatedCollection")],
    },
    {
      name: "the resource description is the class's TSDoc, then a note naming its dynamic type token",
      actual: (s) => resource(s)?.description?.split("\n\n"),
      expected: [f.docs.CollectionFailover, expect.stringContaining(`\`${f.dynamicToken}\``)],
    },
    {
      name: "the input properties are the fields of CollectionFailoverArgs",
      actual: (s) => namesOf(resource(s)?.inputProperties),
      expected: fieldNames(f.args),
    },
    {
      name: "the required inputs are the non-optional fields of CollectionFailoverArgs",
      actual: (s) => sorted(resource(s)?.requiredInputs ?? []),
      expected: alwaysPresent(f.args),
    },
    {
      name: "each input property is described by its field's TSDoc",
      actual: (s) => descriptionsOf(resource(s)?.inputProperties, f.args),
      expected: docsOf(f.args),
    },
    {
      name: "each input property has its field's type",
      actual: (s) => schemaTypesOf(resource(s)?.inputProperties, f.args),
      expected: expectedTypesOf(f.args),
    },
    {
      name: "the output properties are the declared fields of CollectionFailover",
      actual: (s) => namesOf(resource(s)?.properties),
      expected: fieldNames(f.outputs),
    },
    {
      name: "the required outputs are the declared fields that are never null",
      actual: (s) => sorted(resource(s)?.required ?? []),
      expected: alwaysPresent(f.outputs),
    },
    {
      name: "each output property is described by its declared field's TSDoc",
      actual: (s) => descriptionsOf(resource(s)?.properties, f.outputs),
      expected: docsOf(f.outputs),
    },
    {
      name: "each output property has its declared field's type",
      actual: (s) => schemaTypesOf(resource(s)?.properties, f.outputs),
      expected: expectedTypesOf(f.outputs),
    },
    {
      name: "the Connection type's properties are the fields of ConnectionArgs",
      actual: (s) => namesOf(props(s, "Connection")),
      expected: fieldNames(f.connectionArgs),
    },
    {
      name: "the Connection type requires the non-optional fields of ConnectionArgs",
      actual: (s) => sorted(typeOf(s, "Connection")?.required ?? []),
      expected: alwaysPresent(f.connectionArgs),
    },
    {
      name: "each Connection property is described by its field's TSDoc",
      actual: (s) => descriptionsOf(props(s, "Connection"), f.connectionArgs),
      expected: docsOf(f.connectionArgs),
    },
    {
      name: "each Connection property has its field's type",
      actual: (s) => schemaTypesOf(props(s, "Connection"), f.connectionArgs),
      expected: expectedTypesOf(f.connectionArgs),
    },
    {
      name: "the ConnectionOutput type's properties are the fields of ConnectionOutput",
      actual: (s) => namesOf(props(s, "ConnectionOutput")),
      expected: fieldNames(f.connectionOutput),
    },
    {
      name: "the ConnectionOutput type requires the non-optional fields of ConnectionOutput",
      actual: (s) => sorted(typeOf(s, "ConnectionOutput")?.required ?? []),
      expected: alwaysPresent(f.connectionOutput),
    },
    {
      name: "each ConnectionOutput property is described by its field's TSDoc",
      actual: (s) => descriptionsOf(props(s, "ConnectionOutput"), f.connectionOutput),
      expected: docsOf(f.connectionOutput),
    },
    {
      name: "each ConnectionOutput property has its field's type",
      actual: (s) => schemaTypesOf(props(s, "ConnectionOutput"), f.connectionOutput),
      expected: expectedTypesOf(f.connectionOutput),
    },
    {
      name: "the LastOperation type's properties are the fields of LastOperationOutput",
      actual: (s) => namesOf(props(s, "LastOperation")),
      expected: fieldNames(f.lastOperation),
    },
    {
      name: "the LastOperation type requires the fields of LastOperationOutput that are never null",
      actual: (s) => sorted(typeOf(s, "LastOperation")?.required ?? []),
      expected: alwaysPresent(f.lastOperation),
    },
    {
      name: "each LastOperation property is described by its field's TSDoc",
      actual: (s) => descriptionsOf(props(s, "LastOperation"), f.lastOperation),
      expected: docsOf(f.lastOperation),
    },
    {
      name: "each LastOperation property has its field's type",
      actual: (s) => schemaTypesOf(props(s, "LastOperation"), f.lastOperation),
      expected: expectedTypesOf(f.lastOperation),
    },
    {
      name: "the schema defines exactly the types the TypeScript refers to",
      actual: (s) => sorted(Object.keys(s.types ?? {})),
      expected: sorted([
        ...Object.values(SCHEMA_TYPE_OF)
          .filter((t) => t.startsWith("#/types/"))
          .map((t) => t.slice("#/types/".length)),
        ...REPLICATED_COLLECTION_TYPES.map(token),
      ]),
    },
    {
      name: "the object and enum types are described by the TSDoc of what they stand for",
      actual: (s) =>
        Object.fromEntries(
          ["Connection", "ConnectionOutput", "LastOperation", "FailoverState", "ObservedFailoverState"].map(
            (n) => [n, typeOf(s, n)?.description],
          ),
        ),
      expected: {
        Connection: f.docs.ConnectionArgs,
        ConnectionOutput: f.docs.ConnectionOutput,
        LastOperation: f.docs.LastOperationOutput,
        FailoverState: f.desiredStatesDoc,
        ObservedFailoverState: f.observedStateDoc,
      },
    },
    {
      name: "the enum types are string enums",
      actual: (s) =>
        Object.fromEntries(
          ["FailoverState", "ObservedFailoverState", "Transport", "Authentication"].map((n) => [
            n,
            typeOf(s, n)?.type,
          ]),
        ),
      expected: {
        FailoverState: "string",
        ObservedFailoverState: "string",
        Transport: "string",
        Authentication: "string",
      },
    },
    {
      name: "the FailoverState enum lists DESIRED_STATES",
      actual: (s) => enumValues(s, "FailoverState"),
      expected: [...DESIRED_STATES],
    },
    {
      name: "the ObservedFailoverState enum lists every member of the ObservedState union",
      actual: (s) => enumValues(s, "ObservedFailoverState"),
      expected: f.observedStates,
    },
    {
      name: "the Transport enum lists TRANSPORTS",
      actual: (s) => enumValues(s, "Transport"),
      expected: [...TRANSPORTS],
    },
    {
      name: "the Authentication enum lists AUTHENTICATIONS",
      actual: (s) => enumValues(s, "Authentication"),
      expected: [...AUTHENTICATIONS],
    },
    {
      name: "the input defaults are DEFAULTS",
      actual: (s) =>
        Object.fromEntries(
          Object.entries(resource(s)?.inputProperties ?? {})
            .filter(([, p]) => p.default !== undefined)
            .map(([n, p]) => [n, p.default]),
        ),
      expected: { ...DEFAULTS },
    },
    {
      // SDK codegen reads replaceOnChanges on the resource's properties, not on its inputProperties.
      name: "changing collectionId or collectionName replaces the resource",
      actual: (s) => replacing(resource(s)?.properties),
      expected: ["collectionId", "collectionName"],
    },
    {
      name: "no input property carries replaceOnChanges, where codegen would not read it",
      actual: (s) => replacing(resource(s)?.inputProperties),
      expected: [],
    },
    {
      name: "the password is secret wherever it appears, and nothing else is",
      actual: secrets,
      expected: ["config.variables.password", `types.${token("Connection")}.password`],
    },
    {
      name: "the ConnectionOutput type has no password",
      actual: (s) => Object.hasOwn(props(s, "ConnectionOutput") ?? {}, "password"),
      expected: false,
    },
    {
      name: "the config variables are the ConnectionArgs fields and the keys the provider reads",
      actual: (s) => namesOf(s.config?.variables),
      expected: sorted(new Set([...fieldNames(f.connectionArgs), ...CONFIG_KEYS_READ])),
    },
    {
      name: "the session and job polling config variables are integers",
      actual: (s) =>
        ["maxSessions", "jobPollInitialMs", "jobPollMaxMs"].map((k) => s.config?.variables?.[k]?.type),
      expected: ["integer", "integer", "integer"],
    },
    {
      name: "each connection config variable has its ConnectionArgs field's type, enums as strings",
      actual: (s) => schemaTypesOf(s.config?.variables, f.connectionArgs),
      expected: expectedTypesOf(f.connectionArgs, true),
    },
    {
      name: "the transport and authentication config variables name every allowed value",
      actual: (s) => [
        ...unmentioned(s.config?.variables?.transport?.description, TRANSPORTS),
        ...unmentioned(s.config?.variables?.authentication?.description, AUTHENTICATIONS),
      ],
      expected: [],
    },
    {
      name: "the powershell config variable is a string described as in the brief",
      actual: (s) => s.config?.variables?.powershell,
      expected: { type: "string", description: "pwsh, powershell.exe, or a path" },
    },
    { name: "every property and type carries a description", actual: undescribed, expected: [] },
  ];
}

/** The names of the checks a schema fails against the TypeScript's facts. */
function driftIn(candidate: PackageSchema, facts: Facts): string[] {
  return checksFor(facts)
    .filter((check) => {
      try {
        expect(check.actual(candidate)).toEqual(check.expected);
        return false;
      } catch {
        return true;
      }
    })
    .map((check) => check.name);
}

// ---------------------------------------------------------------------------------------------------------------

const facts = readFacts();

describe("reading the TypeScript", () => {
  it("finds the fields of every interface and the declared outputs of the class", () => {
    expect({
      args: fieldNames(facts.args),
      outputs: fieldNames(facts.outputs),
      connectionArgs: fieldNames(facts.connectionArgs),
      connectionOutput: fieldNames(facts.connectionOutput),
      lastOperation: fieldNames(facts.lastOperation),
    }).toEqual({
      args: [
        "cancelJobOnTimeout",
        "collectionId",
        "collectionName",
        "connection",
        "failoverState",
        "jobTimeoutSeconds",
        "recoveryPoint",
      ],
      outputs: [
        "cancelJobOnTimeout",
        "collectionId",
        "collectionName",
        "connection",
        "failedOverReplicationType",
        "failoverState",
        "hostSystemName",
        "jobTimeoutSeconds",
        "lastOperation",
        "recoveryPoint",
        "replicationMode",
        "replicationState",
        "replicationStateName",
      ],
      connectionArgs: [
        "authentication",
        "host",
        "password",
        "port",
        "simulatorHost",
        "simulatorStateFile",
        "skipCACheck",
        "skipCNCheck",
        "skipRevocationCheck",
        "sshHostKeyFingerprint",
        "sshKeyFile",
        "transport",
        "useSsl",
        "username",
      ],
      connectionOutput: [
        "authentication",
        "host",
        "port",
        "simulatorHost",
        "simulatorStateFile",
        "skipCACheck",
        "skipCNCheck",
        "skipRevocationCheck",
        "sshHostKeyFingerprint",
        "sshKeyFile",
        "transport",
        "useSsl",
        "username",
      ],
      lastOperation: ["errorCode", "finishedAt", "jobId", "jobState", "method", "startedAt"],
    });
  });

  it("finds a TSDoc comment on every field", () => {
    const all = [
      ...facts.args,
      ...facts.outputs,
      ...facts.connectionArgs,
      ...facts.connectionOutput,
      ...facts.lastOperation,
    ];
    expect(all.filter((f) => !f.doc).map((f) => f.name)).toEqual([]);
  });

  it("finds the dynamic type token the class registers with", () => {
    expect(facts.dynamicToken).toBe("pulumi-nodejs:dynamic/hyperv-replica:CollectionFailover");
  });

  it("resolves DesiredState inside the ObservedState union", () => {
    expect(facts.observedStates.slice(0, DESIRED_STATES.length)).toEqual([...DESIRED_STATES]);
  });

  it.each([
    ["/** One line. */", "One line."],
    ["/**\n   * Two\n   *   lines.\n   */", "Two lines."],
    ["/** The inputs of a {@link CollectionFailover}. */", "The inputs of a CollectionFailover."],
    ["/** See {@link Foo | the foo}. */", "See the foo."],
    ["/**\n * Text.\n * @deprecated gone\n */", "Text."],
  ])("normalizes the TSDoc %j to %j", (comment, text) => {
    expect(normalizeTsDoc(comment)).toBe(text);
  });
});

describe("schema.json agrees with collectionFailover.ts", () => {
  it.each(checksFor(facts))("$name", (check) => {
    expect(check.actual(schema)).toEqual(check.expected);
  });
});

describe("the drift check", () => {
  type Draft<T> = { -readonly [K in keyof T]: Draft<T[K]> };
  const resourceKey = token("CollectionFailover");

  it("finds no drift in schema.json", () => {
    expect(driftIn(schema, facts)).toEqual([]);
  });

  it.each<[string, (s: Draft<PackageSchema>) => void, string[]]>([
    [
      "a renamed input property",
      (s) => {
        const inputs = s.resources![resourceKey]!.inputProperties!;
        inputs.recoveryPointId = inputs.recoveryPoint!;
        delete inputs.recoveryPoint;
      },
      [
        "the input properties are the fields of CollectionFailoverArgs",
        "each input property is described by its field's TSDoc",
        "each input property has its field's type",
        "the input defaults are DEFAULTS",
      ],
    ],
    [
      "an edited description",
      (s) => {
        s.types![token("Connection")]!.properties!.host!.description = "The host.";
      },
      ["each Connection property is described by its field's TSDoc"],
    ],
    [
      "a dropped enum value",
      (s) => {
        s.types![token("ObservedFailoverState")]!.enum!.pop();
      },
      ["the ObservedFailoverState enum lists every member of the ObservedState union"],
    ],
    [
      "a changed default",
      (s) => {
        s.resources![resourceKey]!.inputProperties!.jobTimeoutSeconds!.default = 3600;
      },
      ["the input defaults are DEFAULTS"],
    ],
    [
      "a password that is no longer secret",
      (s) => {
        delete s.types![token("Connection")]!.properties!.password!.secret;
      },
      ["the password is secret wherever it appears, and nothing else is"],
    ],
    [
      "a password in the outputs",
      (s) => {
        const connection = s.types![token("Connection")]!.properties!;
        s.types![token("ConnectionOutput")]!.properties!.password = connection.password!;
      },
      [
        "the ConnectionOutput type's properties are the fields of ConnectionOutput",
        "the password is secret wherever it appears, and nothing else is",
        "the ConnectionOutput type has no password",
      ],
    ],
    [
      "a token the metaschema rejects",
      (s) => {
        const rename = (key: string) => (key === token("Transport") ? "Transport" : key);
        s.types = Object.fromEntries(Object.entries(s.types!).map(([key, type]) => [rename(key), type]));
      },
      [
        "schema.json is a valid Pulumi package schema",
        "the schema defines exactly the types the TypeScript refers to",
        "the enum types are string enums",
        "the Transport enum lists TRANSPORTS",
      ],
    ],
  ])("reports %s", (_, mutate, failing) => {
    const drifted = structuredClone(schema) as Draft<PackageSchema>;
    mutate(drifted);
    expect(driftIn(drifted, facts)).toEqual(failing);
  });

  it.each<[string, (text: string) => string, string[]]>([
    [
      "a field added to ConnectionArgs",
      (text) =>
        text.replace(
          "export interface ConnectionArgs {",
          "export interface ConnectionArgs {\n  /** The domain. */\n  domain?: pulumi.Input<string>;",
        ),
      [
        "the Connection type's properties are the fields of ConnectionArgs",
        "each Connection property is described by its field's TSDoc",
        "each Connection property has its field's type",
        "the config variables are the ConnectionArgs fields and the keys the provider reads",
        "each connection config variable has its ConnectionArgs field's type, enums as strings",
      ],
    ],
    [
      "an output that can no longer be null",
      (text) =>
        text.replace("pulumi.Output<LastOperationOutput | null>", "pulumi.Output<LastOperationOutput>"),
      ["the required outputs are the declared fields that are never null"],
    ],
    [
      "a reworded TSDoc comment",
      (text) =>
        text.replace("/** The job timeout in seconds. */", "/** The timeout for each job, in seconds. */"),
      ["each output property is described by its declared field's TSDoc"],
    ],
  ])("reports %s in the TypeScript", (_, edit, failing) => {
    const source = readFileSync(COLLECTION_FAILOVER_PATH, "utf8");
    const edited = edit(source);
    expect(edited).not.toBe(source);
    expect(driftIn(schema, readFacts(edited))).toEqual(failing);
  });
});
