/**
 * Every TypeScript program a user may copy compiles as `pulumi new typescript` sets a project up: the README's and
 * docs' ```ts blocks and the schema examples (examples/snippets/<Name>/index.ts). They are type-checked together, each
 * as its own file, against the built package (`dist/`, as a consumer's node_modules holds it), with the template's
 * compiler options. The schema's descriptions must hold exactly the examples rendered from those files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLES, SNIPPETS, withExamples } from "../../scripts/schema-examples";

const ROOT = path.join(__dirname, "..", "..");

/** The compiler options of the tsconfig.json that `pulumi new typescript` writes. */
const PULUMI_NEW_TYPESCRIPT: ts.CompilerOptions = {
  strict: true,
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  experimentalDecorators: true,
  noFallthroughCasesInSwitch: true,
  noImplicitReturns: true,
  forceConsistentCasingInFileNames: true,
  noEmit: true,
  baseUrl: ROOT,
  // What `npm install pulumi-hyperv-replica` gives a project: the built package and its subpaths.
  paths: {
    "pulumi-hyperv-replica": ["dist/index.d.ts"],
    "pulumi-hyperv-replica/simulator": ["dist/simulator/index.d.ts"],
  },
};

interface Snippet {
  /** Where a person finds it, such as `README.md:47`. */
  readonly where: string;
  readonly code: string;
}

/** The ```ts and ```typescript blocks of a Markdown file, each with the line it starts on. */
function markdownSnippets(file: string): Snippet[] {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const found: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i] ?? "")) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith("```"));
    found.push({ where: `${path.relative(ROOT, file)}:${i + 1}`, code: lines.slice(i + 1, end).join("\n") });
    i = end;
  }
  return found;
}

function markdownFiles(): string[] {
  const docs = path.join(ROOT, "docs");
  const inDocs = fs.existsSync(docs)
    ? fs.readdirSync(docs, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".md"))
    : [];
  return [path.join(ROOT, "README.md"), ...inDocs.map((f) => path.join(docs, f))];
}

function allSnippets(): Snippet[] {
  const examples = Object.keys(EXAMPLES).map((name) => {
    const file = path.join(SNIPPETS, name, "index.ts");
    return { where: path.relative(ROOT, file), code: fs.readFileSync(file, "utf8") };
  });
  return [...markdownFiles().flatMap(markdownSnippets), ...examples];
}

/** Type-checks each snippet as a file of its own; the errors, each named by the snippet's place. */
function compile(snippets: readonly Snippet[]): string[] {
  const files = new Map(snippets.map((s, i) => [path.join(ROOT, `.snippet-${i}.ts`), s]));
  const host = ts.createCompilerHost(PULUMI_NEW_TYPESCRIPT);
  const read = host.readFile.bind(host);
  host.readFile = (name) => files.get(path.resolve(name))?.code ?? read(name);
  host.fileExists = (name) => files.has(path.resolve(name)) || ts.sys.fileExists(name);
  const program = ts.createProgram([...files.keys()], PULUMI_NEW_TYPESCRIPT, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const snippet = d.file && files.get(path.resolve(d.file.fileName));
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    const where = snippet ? `${snippet.where} (+${line})` : (d.file?.fileName ?? "");
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

describe("the TypeScript a user copies", () => {
  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, "dist", "index.d.ts"))) throw new Error("run `npm run build` first");
  });

  it("finds the snippets it checks (the README's, the docs' and one schema example per resource)", () => {
    const snippets = allSnippets();
    expect(snippets.filter((s) => s.where.startsWith("README.md")).length).toBeGreaterThanOrEqual(1);
    expect(snippets.filter((s) => s.where.startsWith("docs/")).length).toBeGreaterThanOrEqual(4);
    expect(snippets.filter((s) => s.where.startsWith("examples/snippets")).length).toBe(
      Object.keys(EXAMPLES).length,
    );
  });

  it(
    "compiles under the compiler options `pulumi new typescript` writes, and a wrong one is named",
    { timeout: 120_000 },
    () => {
      // One program for all (type-checking the package's types takes seconds); the wrong snippet proves the check bites.
      const wrong = {
        where: "wrong.ts:1",
        code: 'import * as hvr from "pulumi-hyperv-replica";\nnew hvr.CollectionFailover("x", { failoverState: "sideways" });',
      };
      const errors = compile([...allSnippets(), wrong]);
      expect(errors).toEqual([expect.stringMatching(/^wrong\.ts:1 \(\+2\): .*sideways/)]);
    },
  );
});

describe("the schema's examples", () => {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8")) as Record<
    string,
    Record<string, { description?: string }>
  >;
  const specs = { ...schema.resources, ...schema.functions };

  it.each(Object.keys(EXAMPLES))("%s holds the examples of examples/snippets, in every language", (name) => {
    const spec = Object.entries(specs).find(([token]) => token.endsWith(`:${name}`))?.[1];
    const description = spec?.description ?? "";
    expect(description).toBe(withExamples(description, name));
    for (const fence of ["typescript", "python", "go", "csharp", "yaml"])
      expect(description).toContain(`\`\`\`${fence}\n`);
  });

  it("describe the package to every language: no description speaks of dynamic providers", () => {
    const text = JSON.stringify(schema);
    expect(text.match(/[^."]*dynamic[^."]*/gi) ?? []).toEqual([]);
  });
});
