/**
 * The "Example Usage" sections of schema.json, made from the programs in examples/snippets/<Name>/ (one per
 * language, in the form Pulumi's docs generator reads: `{{% examples %}}`, one `{{% example %}}` with a fenced block
 * per language). `npm run schema:examples` (scripts/write-schema-examples.ts) rewrites schema.json's descriptions; test/schema/examples.test.ts
 * checks that schema.json holds exactly what this renders, and compiles the TypeScript programs.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..");
export const SNIPPETS = path.join(ROOT, "examples", "snippets");

/** The example of each resource or function, by the last part of its token, with its title. */
export const EXAMPLES: Readonly<Record<string, string>> = {
  CollectionFailover: "Declare the failover state of a replica collection",
  CollectionTestFailover: "Run a DR drill from the newest application-consistent point",
  ReplicatedCollection: "A collection replicated between two sites, running on one",
  CollectionReplication: "Replicate a VM group to the DR site's Replica Broker",
  VmGroup: "A guest cluster's VMs as one group, replicated as one unit",
  ReplicaNetworks: "Drills on an isolated switch, and each VM's address after a failover",
  getRecoveryPoints: "List the recovery points and pick one",
};

/** Each language: the fence Pulumi's docs generator expects and the program's file. */
export const LANGUAGES: readonly (readonly [fence: string, file: string])[] = [
  ["typescript", "index.ts"],
  ["python", "__main__.py"],
  ["go", "main.go"],
  ["csharp", "Program.cs"],
  ["yaml", "Pulumi.yaml"],
];

const MARKER = "{{% examples %}}";

export function examplesSection(name: string): string {
  const blocks = LANGUAGES.map(([fence, file]) => {
    const code = fs.readFileSync(path.join(SNIPPETS, name, file), "utf8").trimEnd();
    return `\`\`\`${fence}\n${code}\n\`\`\``;
  });
  return [
    MARKER,
    "## Example Usage",
    "{{% example %}}",
    `### ${EXAMPLES[name] ?? name}`,
    "",
    blocks.join("\n"),
    "{{% /example %}}",
    "{{% /examples %}}",
  ].join("\n");
}

/** A description with its examples section replaced by (or given) the one rendered now. */
export function withExamples(description: string, name: string): string {
  const text = (description.split(MARKER)[0] ?? "").trimEnd();
  return `${text}\n\n${examplesSection(name)}`;
}

interface Described {
  description?: string;
}

/** Rewrites schema.json's descriptions with the examples rendered now. */
export function writeSchemaExamples(): void {
  const file = path.join(ROOT, "schema.json");
  const schema = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, Record<string, Described>>;
  for (const group of [schema.resources ?? {}, schema.functions ?? {}]) {
    for (const [token, spec] of Object.entries(group)) {
      const name = token.split(":").at(-1) ?? "";
      if (name in EXAMPLES) spec.description = withExamples(spec.description ?? "", name);
    }
  }
  fs.writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
}
