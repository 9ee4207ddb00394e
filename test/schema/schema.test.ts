/**
 * schema.json is written by hand; these tests hold it to the TypeScript it describes. The field names, optionality
 * and TSDoc come from each resource's class file, the shared types in provider/resources/shared.ts and the
 * function's file, read with the TypeScript compiler API; the enums and defaults from the constants the provider
 * itself validates against.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { DESIRED_STATES } from "../../provider/failover/states";
import { DEFAULTS } from "../../provider/resources/collectionFailover/types";
import { CONFIG_NAMESPACE, readProviderConfig } from "../../provider/runtime/connection";
import { DEFAULTS as TEST_DEFAULTS } from "../../provider/resources/collectionTestFailover/types";
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
  readonly items?: PropertySpec;
}
type Properties = Readonly<Record<string, PropertySpec>>;
interface TypeSpec {
  readonly description?: string;
  readonly type?: string;
  readonly properties?: Properties;
  readonly required?: readonly string[];
  readonly enum?: readonly { readonly value: unknown }[];
}
interface FunctionSpec {
  readonly description?: string;
  readonly inputs?: TypeSpec;
  readonly outputs?: TypeSpec;
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
  readonly functions?: Readonly<Record<string, FunctionSpec>>;
  readonly provider?: { readonly description?: string; readonly inputProperties?: Properties };
  readonly language?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
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
  VirtualMachineOutput: typeRef("VirtualMachine"),
  RecoveryPointUsedOutput: typeRef("RecoveryPointUsed"),
  RecoveryPointOutput: typeRef("RecoveryPoint"),
  BootGroupArgs: typeRef("BootGroup"),
  TestNetworkOutput: typeRef("TestNetwork"),
  // The report's own object types are held to provider/runtime/report/types.ts by report.test.ts.
  ReportOutput: typeRef("Report"),
};

/** The shared interfaces of provider/resources/shared.ts and the schema object type each one becomes. */
const SHARED_TYPES = {
  ConnectionArgs: "Connection",
  ConnectionOutput: "ConnectionOutput",
  LastOperationOutput: "LastOperation",
  VirtualMachineOutput: "VirtualMachine",
  RecoveryPointUsedOutput: "RecoveryPointUsed",
  RecoveryPointOutput: "RecoveryPoint",
  BootGroupArgs: "BootGroup",
} as const;
type SharedName = keyof typeof SHARED_TYPES;
/** The object types of ReplicatedCollection (replicatedCollection.test.ts checks them). */
const REPLICATED_COLLECTION_TYPES = ["Site", "SiteOutput", "MemberOutput", "StepOutput", "ChangeOutput"];
/** ReplicaNetworks' types (TestNetwork's adapters too), checked field by field in replicaNetworks.test.ts. */
const REPLICA_NETWORKS_TYPES = [
  "FailoverIp",
  "FailoverIpOutput",
  "ManagedSetting",
  "ReplicaAdapter",
  "ReplicaNetworkDefaults",
  "ReplicaNetworkVm",
  "ReplicaVmNetworks",
  "TestNetworkAdapter",
];
/** CollectionReplication's own types, checked field by field in collectionReplication.test.ts. */
const COLLECTION_REPLICATION_TYPES = ["RecoverySide", "RecoverySideOutput", "InitialReplicationProgress"];
/** The report's types, checked field by field in report.test.ts. */
const REPORT_TYPES = [
  "ReportStep",
  "ReportCall",
  "ReportRecoveryPoint",
  "ReportVmStart",
  "ReportCollection",
  "ReportVm",
];

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

interface ResourceFacts {
  /** The class name, also the schema token's last part. */
  readonly className: string;
  readonly args: readonly Field[];
  readonly outputs: readonly Field[];
  readonly doc: string | undefined;
  /** The `pulumi-nodejs:dynamic/<module>:<type>` token the class registers with. */
  readonly dynamicToken: string;
  readonly dynamicModule: string;
  readonly dynamicType: string;
  /** The defaults the provider fills in, and the inputs whose change replaces the resource. */
  readonly defaults: Readonly<Record<string, unknown>>;
  readonly replacing: readonly string[];
}

interface Facts {
  readonly resources: readonly ResourceFacts[];
  /** The shared interfaces, by name: their fields and TSDoc. */
  readonly shared: Readonly<
    Record<SharedName, { readonly fields: readonly Field[]; readonly doc: string | undefined }>
  >;
  readonly functionArgs: readonly Field[];
  readonly functionResult: readonly Field[];
  readonly functionDoc: string | undefined;
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
const COLLECTION_TEST_FAILOVER_PATH = repoFile(
  "provider/resources/collectionTestFailover/collectionTestFailover.ts",
);
const SHARED_PATH = repoFile("provider/resources/shared.ts");
const FUNCTION_PATH = repoFile("provider/resources/getRecoveryPoints/getRecoveryPoints.ts");

const fieldsOfInterface = (source: ts.SourceFile, name: string) =>
  find(source, ts.isInterfaceDeclaration, name)
    .members.filter(ts.isPropertySignature)
    .map((m) => fieldOf(m, source));

/** What one resource's class file says. */
function readResource(
  path: string,
  className: string,
  defaults: Readonly<Record<string, unknown>>,
  replacing: readonly string[],
  text?: string,
): ResourceFacts {
  const source = parse(path, text);
  const resource = find(source, ts.isClassDeclaration, className);
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
    className,
    args: fieldsOfInterface(source, `${className}Args`),
    outputs: declared.map((m) => fieldOf(m, source)),
    doc: tsDocOf(resource, source),
    dynamicToken: `pulumi-nodejs:dynamic/${dynamicModule}:${dynamicType}`,
    dynamicModule,
    dynamicType,
    defaults,
    replacing,
  };
}

/** What the TypeScript says; pass edited texts to read them instead of the files. */
function readFacts(texts: { readonly resource?: string; readonly shared?: string } = {}): Facts {
  const shared = parse(SHARED_PATH, texts.shared);
  const fn = parse(FUNCTION_PATH);
  return {
    resources: [
      readResource(
        COLLECTION_FAILOVER_PATH,
        "CollectionFailover",
        DEFAULTS,
        ["collectionId"],
        texts.resource,
      ),
      readResource(COLLECTION_TEST_FAILOVER_PATH, "CollectionTestFailover", TEST_DEFAULTS, [
        "collectionId",
        "recoveryPoint",
      ]),
    ],
    shared: Object.fromEntries(
      Object.keys(SHARED_TYPES).map((name) => [
        name,
        {
          fields: fieldsOfInterface(shared, name),
          doc: tsDocOf(find(shared, ts.isInterfaceDeclaration, name), shared),
        },
      ]),
    ) as unknown as Facts["shared"],
    functionArgs: fieldsOfInterface(fn, "GetRecoveryPointsArgs"),
    functionResult: fieldsOfInterface(fn, "GetRecoveryPointsResult"),
    functionDoc: tsDocOf(
      fn.statements.find((st) => ts.isFunctionDeclaration(st) && st.name?.text === "getRecoveryPoints")!,
      fn,
    ),
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

/** A property's schema type, with integer counted as number (TypeScript does not tell them apart); arrays as `T[]`. */
const schemaTypeOf = (p: PropertySpec | undefined): string | undefined =>
  p?.type === "array"
    ? `${schemaTypeOf(p.items)}[]`
    : (p?.$ref ?? (p?.type === "integer" ? "number" : p?.type));
const tsTypeToSchema = (t: string): string =>
  t.endsWith("[]") ? `${tsTypeToSchema(t.slice(0, -2))}[]` : (SCHEMA_TYPE_OF[t] ?? `unmapped ${t}`);
const schemaTypesOf = (props: Properties | undefined, fields: readonly Field[]) =>
  Object.fromEntries(fields.map((f) => [f.name, schemaTypeOf(props?.[f.name])]));
const expectedTypesOf = (fields: readonly Field[]) =>
  Object.fromEntries(fields.map((f) => [f.name, f.types.map(tsTypeToSchema).join(" | ")]));

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
const resourceOf = (s: PackageSchema, f: ResourceFacts): ResourceSpec | undefined =>
  s.resources?.[token(f.dynamicType)];

/** Every description path that is missing or empty. */
function undescribed(s: PackageSchema): string[] {
  const missing: string[] = [];
  const visit = (path: string, props: Properties | undefined) => {
    for (const [name, p] of Object.entries(props ?? {}))
      if (!p.description?.trim()) missing.push(`${path}.${name}`);
  };
  visit("config.variables", s.config?.variables);
  if (!s.provider?.description?.trim()) missing.push("provider");
  visit("provider.inputProperties", s.provider?.inputProperties);
  for (const [name, t] of Object.entries(s.types ?? {})) {
    if (!t.description?.trim()) missing.push(`types.${name}`);
    visit(`types.${name}.properties`, t.properties);
  }
  for (const [name, r] of Object.entries(s.resources ?? {})) {
    if (!r.description?.trim()) missing.push(`resources.${name}`);
    visit(`resources.${name}.inputProperties`, r.inputProperties);
    visit(`resources.${name}.properties`, r.properties);
  }
  for (const [name, fn] of Object.entries(s.functions ?? {})) {
    if (!fn.description?.trim()) missing.push(`functions.${name}`);
    visit(`functions.${name}.inputs`, fn.inputs?.properties);
    visit(`functions.${name}.outputs`, fn.outputs?.properties);
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
  visit("provider.inputProperties", s.provider?.inputProperties);
  for (const [name, t] of Object.entries(s.types ?? {})) visit(`types.${name}`, t.properties);
  for (const [name, r] of Object.entries(s.resources ?? {})) {
    visit(`resources.${name}.inputProperties`, r.inputProperties);
    visit(`resources.${name}.properties`, r.properties);
  }
  for (const [name, fn] of Object.entries(s.functions ?? {}))
    visit(`functions.${name}.inputs`, fn.inputs?.properties);
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

function resourceChecks(r: ResourceFacts): Check[] {
  const resource = (s: PackageSchema) => resourceOf(s, r);
  const n = r.className;
  return [
    {
      name: `${n}: the description is the class's TSDoc, then its examples (test/schema/snippets.test.ts)`,
      actual: (s) => resource(s)?.description?.split("\n\n{{% examples %}}")[0],
      expected: r.doc,
    },
    {
      name: `${n}: the input properties are the fields of ${n}Args`,
      actual: (s) => namesOf(resource(s)?.inputProperties),
      expected: fieldNames(r.args),
    },
    {
      name: `${n}: the required inputs are the non-optional fields of ${n}Args`,
      actual: (s) => sorted(resource(s)?.requiredInputs ?? []),
      expected: alwaysPresent(r.args),
    },
    {
      name: `${n}: each input property is described by its field's TSDoc`,
      actual: (s) => descriptionsOf(resource(s)?.inputProperties, r.args),
      expected: docsOf(r.args),
    },
    {
      name: `${n}: each input property has its field's type`,
      actual: (s) => schemaTypesOf(resource(s)?.inputProperties, r.args),
      expected: expectedTypesOf(r.args),
    },
    {
      name: `${n}: the output properties are the declared fields of the class`,
      actual: (s) => namesOf(resource(s)?.properties),
      expected: fieldNames(r.outputs),
    },
    {
      name: `${n}: the required outputs are the declared fields that are never null`,
      actual: (s) => sorted(resource(s)?.required ?? []),
      expected: alwaysPresent(r.outputs),
    },
    {
      name: `${n}: each output property is described by its declared field's TSDoc`,
      actual: (s) => descriptionsOf(resource(s)?.properties, r.outputs),
      expected: docsOf(r.outputs),
    },
    {
      name: `${n}: each output property has its declared field's type`,
      actual: (s) => schemaTypesOf(resource(s)?.properties, r.outputs),
      expected: expectedTypesOf(r.outputs),
    },
    {
      name: `${n}: the input defaults are the provider's DEFAULTS`,
      actual: (s) =>
        Object.fromEntries(
          Object.entries(resource(s)?.inputProperties ?? {})
            .filter(([, p]) => p.default !== undefined)
            .map(([k, p]) => [k, p.default]),
        ),
      expected: { ...r.defaults },
    },
    {
      // SDK codegen reads replaceOnChanges on the resource's properties, not on its inputProperties.
      name: `${n}: the inputs that replace the resource are marked replaceOnChanges`,
      actual: (s) => replacing(resource(s)?.properties),
      expected: sorted(r.replacing),
    },
    {
      name: `${n}: no input property carries replaceOnChanges, where codegen would not read it`,
      actual: (s) => replacing(resource(s)?.inputProperties),
      expected: [],
    },
  ];
}

function sharedTypeChecks(f: Facts): Check[] {
  return (Object.entries(SHARED_TYPES) as [SharedName, string][]).flatMap(([iface, type]) => {
    const props = (s: PackageSchema) => typeOf(s, type)?.properties;
    const { fields, doc } = f.shared[iface];
    return [
      {
        name: `the ${type} type's properties are the fields of ${iface}`,
        actual: (s: PackageSchema) => namesOf(props(s)),
        expected: fieldNames(fields),
      },
      {
        name: `the ${type} type requires the fields of ${iface} that are never null or optional`,
        actual: (s: PackageSchema) => sorted(typeOf(s, type)?.required ?? []),
        expected: alwaysPresent(fields),
      },
      {
        name: `each ${type} property is described by its field's TSDoc`,
        actual: (s: PackageSchema) => descriptionsOf(props(s), fields),
        expected: docsOf(fields),
      },
      {
        name: `each ${type} property has its field's type`,
        actual: (s: PackageSchema) => schemaTypesOf(props(s), fields),
        expected: expectedTypesOf(fields),
      },
      {
        name: `the ${type} type is described by the TSDoc of ${iface}`,
        actual: (s: PackageSchema) => typeOf(s, type)?.description,
        expected: doc,
      },
    ];
  });
}

function functionChecks(f: Facts): Check[] {
  const fn = (s: PackageSchema) => s.functions?.[token("getRecoveryPoints")];
  return [
    {
      name: "the only function is getRecoveryPoints",
      actual: (s) => Object.keys(s.functions ?? {}),
      expected: [token("getRecoveryPoints")],
    },
    {
      name: "getRecoveryPoints: the description starts with the function's TSDoc first sentence",
      actual: (s) => fn(s)?.description?.split(". ")[0],
      expected: f.functionDoc?.split(". ")[0],
    },
    ...(
      [
        ["inputs", f.functionArgs, "GetRecoveryPointsArgs"],
        ["outputs", f.functionResult, "GetRecoveryPointsResult"],
      ] as const
    ).flatMap(([side, fields, iface]) => [
      {
        name: `getRecoveryPoints: the ${side} are the fields of ${iface}`,
        actual: (s: PackageSchema) => namesOf(fn(s)?.[side]?.properties),
        expected: fieldNames(fields),
      },
      {
        name: `getRecoveryPoints: the required ${side} are the fields of ${iface} that are never null or optional`,
        actual: (s: PackageSchema) => sorted(fn(s)?.[side]?.required ?? []),
        expected: alwaysPresent(fields),
      },
      {
        name: `getRecoveryPoints: each of the ${side} is described by its field's TSDoc`,
        actual: (s: PackageSchema) => descriptionsOf(fn(s)?.[side]?.properties, fields),
        expected: docsOf(fields),
      },
      {
        name: `getRecoveryPoints: each of the ${side} has its field's type`,
        actual: (s: PackageSchema) => schemaTypesOf(fn(s)?.[side]?.properties, fields),
        expected: expectedTypesOf(fields),
      },
    ]),
  ];
}

function checksFor(f: Facts): Check[] {
  const [first] = f.resources;
  const connectionArgs = f.shared.ConnectionArgs.fields;
  return [
    { name: "schema.json is a valid Pulumi package schema", actual: metaschemaErrors, expected: [] },
    {
      name: "the package is named after the dynamic provider's module",
      actual: (s) => s.name,
      expected: first!.dynamicModule,
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
      name: "each language's SDK has a package name of its own, the Node.js one not this package's",
      actual: (s) => ({
        nodejs:
          typeof s.language?.nodejs?.packageName === "string" &&
          s.language.nodejs.packageName !== packageJson.name,
        python: typeof s.language?.python?.packageName === "string",
        go: typeof s.language?.go?.importBasePath === "string",
        csharp: typeof s.language?.csharp?.rootNamespace === "string",
        java: typeof s.language?.java?.basePackage === "string",
      }),
      expected: { nodejs: true, python: true, go: true, csharp: true, java: true },
    },
    {
      name: "the provider's inputs are the config variables, so a Provider resource takes every config key",
      actual: (s) => JSON.stringify(s.provider?.inputProperties ?? null),
      expected: JSON.stringify(schema.config?.variables ?? null),
    },
    {
      name: "the resources are the dynamic resources' types, in the index module",
      actual: (s) => Object.keys(s.resources ?? {}),
      // ReplicatedCollection's, CollectionReplication's, VmGroup's and ReplicaNetworks' entries are checked field by field in their own files.
      expected: [
        ...f.resources.map((r) => token(r.dynamicType)),
        token("ReplicatedCollection"),
        token("CollectionReplication"),
        token("VmGroup"),
        token("ReplicaNetworks"),
      ],
    },
    ...f.resources.flatMap(resourceChecks),
    ...sharedTypeChecks(f),
    ...functionChecks(f),
    {
      name: "the schema defines exactly the types the TypeScript refers to",
      actual: (s) => sorted(Object.keys(s.types ?? {})),
      expected: sorted([
        ...Object.values(SCHEMA_TYPE_OF)
          .filter((t) => t.startsWith("#/types/"))
          .map((t) => t.slice("#/types/".length)),
        ...REPLICATED_COLLECTION_TYPES.map(token),
        ...COLLECTION_REPLICATION_TYPES.map(token),
        ...REPORT_TYPES.map(token),
        token("VmGroupMember"),
        ...REPLICA_NETWORKS_TYPES.map(token),
      ]),
    },
    {
      name: "the enum types are described by the TSDoc of what they stand for",
      actual: (s) => [
        typeOf(s, "FailoverState")?.description,
        typeOf(s, "ObservedFailoverState")?.description,
      ],
      expected: [f.desiredStatesDoc, f.observedStateDoc],
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
      name: "the password is secret wherever it appears, and nothing else is",
      actual: secrets,
      expected: [
        "config.variables.password",
        "provider.inputProperties.password",
        `types.${token("Connection")}.password`,
      ],
    },
    {
      name: "the ConnectionOutput type has no password",
      actual: (s) => Object.hasOwn(typeOf(s, "ConnectionOutput")?.properties ?? {}, "password"),
      expected: false,
    },
    {
      name: "the config variables are the ConnectionArgs fields and the keys the provider reads",
      actual: (s) => namesOf(s.config?.variables),
      expected: sorted(new Set([...fieldNames(connectionArgs), ...CONFIG_KEYS_READ])),
    },
    {
      name: "the session and job polling config variables are integers",
      actual: (s) =>
        ["maxSessions", "jobPollInitialMs", "jobPollMaxMs"].map((k) => s.config?.variables?.[k]?.type),
      expected: ["integer", "integer", "integer"],
    },
    {
      name: "each connection config variable has its ConnectionArgs field's type, enums as enums",
      actual: (s) => schemaTypesOf(s.config?.variables, connectionArgs),
      expected: expectedTypesOf(connectionArgs),
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
  const [failover, test] = facts.resources;

  it("finds the fields of every interface and the declared outputs of each class", () => {
    expect({
      failoverArgs: fieldNames(failover!.args),
      testArgs: fieldNames(test!.args),
      testOutputs: fieldNames(test!.outputs),
      lastOperation: fieldNames(facts.shared.LastOperationOutput.fields),
      virtualMachine: fieldNames(facts.shared.VirtualMachineOutput.fields),
      functionArgs: fieldNames(facts.functionArgs),
      functionResult: fieldNames(facts.functionResult),
      connectionArgs: fieldNames(facts.shared.ConnectionArgs.fields),
      connectionOutput: fieldNames(facts.shared.ConnectionOutput.fields),
      bootGroup: fieldNames(facts.shared.BootGroupArgs.fields),
    }).toEqual({
      bootGroup: ["delaySeconds", "virtualMachines"],
      failoverArgs: [
        "acknowledgeDataLoss",
        "bootGroups",
        "cancelJobOnTimeout",
        "collectionId",
        "collectionName",
        "connection",
        "failoverState",
        "jobTimeoutSeconds",
        "recoveryPoint",
        "rehearsalMinutes",
        "reportDirectory",
        "requireHealthy",
        "startVirtualMachines",
      ],
      testArgs: [
        "allowProductionNetwork",
        "bootGroups",
        "cancelJobOnTimeout",
        "collectionId",
        "collectionName",
        "connection",
        "jobTimeoutSeconds",
        "recoveryPoint",
        "reportDirectory",
        "requireHealthy",
        "startVirtualMachines",
      ],
      testOutputs: [
        "allowProductionNetwork",
        "cancelJobOnTimeout",
        "collectionId",
        "collectionName",
        "connection",
        "hostSystemName",
        "jobTimeoutSeconds",
        "lastOperation",
        "lastReport",
        "observedAt",
        "recoveryPoint",
        "recoveryPointUsed",
        "requireHealthy",
        "startVirtualMachines",
        "testCollectionId",
        "testCollectionName",
        "testNetworks",
        "virtualMachines",
      ],
      lastOperation: [
        "dataLossWindowSeconds",
        "errorCode",
        "finishedAt",
        "jobId",
        "jobState",
        "method",
        "recoveryPoint",
        "startedAt",
      ],
      virtualMachine: [
        "enabledState",
        "enabledStateName",
        "id",
        "name",
        "replicationHealth",
        "replicationState",
      ],
      functionArgs: ["collectionId", "collectionName", "connection", "recoveryPoint"],
      functionResult: ["chosen", "collectionId", "collectionName", "recoveryPoints"],
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
    });
  });

  it("finds a TSDoc comment on every field", () => {
    const all = [
      ...facts.resources.flatMap((r) => [...r.args, ...r.outputs]),
      ...Object.values(facts.shared).flatMap((t) => t.fields),
      ...facts.functionArgs,
      ...facts.functionResult,
    ];
    expect(all.filter((f) => !f.doc).map((f) => f.name)).toEqual([]);
  });

  it("finds the dynamic type token each class registers with", () => {
    expect(facts.resources.map((r) => r.dynamicToken)).toEqual([
      "pulumi-nodejs:dynamic/hyperv-replica:CollectionFailover",
      "pulumi-nodejs:dynamic/hyperv-replica:CollectionTestFailover",
    ]);
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

describe("schema.json agrees with the TypeScript", () => {
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
        "CollectionFailover: the input properties are the fields of CollectionFailoverArgs",
        "CollectionFailover: each input property is described by its field's TSDoc",
        "CollectionFailover: each input property has its field's type",
        "CollectionFailover: the input defaults are the provider's DEFAULTS",
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
      ["CollectionFailover: the input defaults are the provider's DEFAULTS"],
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
      "a function output that is gone",
      (s) => {
        delete s.functions![token("getRecoveryPoints")]!.outputs!.properties!.recoveryPoints;
      },
      [
        "getRecoveryPoints: the outputs are the fields of GetRecoveryPointsResult",
        "getRecoveryPoints: each of the outputs is described by its field's TSDoc",
        "getRecoveryPoints: each of the outputs has its field's type",
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
        "each connection config variable has its ConnectionArgs field's type, enums as enums",
      ],
    ],
    [
      "an output that can no longer be null",
      (text) =>
        text.replace("pulumi.Output<LastOperationOutput | null>", "pulumi.Output<LastOperationOutput>"),
      ["CollectionFailover: the required outputs are the declared fields that are never null"],
    ],
    [
      "a reworded TSDoc comment",
      (text) =>
        text.replace("/** The job timeout in seconds. */", "/** The timeout for each job, in seconds. */"),
      ["CollectionFailover: each output property is described by its declared field's TSDoc"],
    ],
  ])("reports %s in the TypeScript", (label, edit, failing) => {
    const inShared = label.includes("ConnectionArgs");
    const source = readFileSync(inShared ? SHARED_PATH : COLLECTION_FAILOVER_PATH, "utf8");
    const edited = edit(source);
    expect(edited).not.toBe(source);
    expect(driftIn(schema, readFacts(inShared ? { shared: edited } : { resource: edited }))).toEqual(failing);
  });
});
