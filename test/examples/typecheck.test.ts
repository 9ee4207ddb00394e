/**
 * Every TypeScript example type-checks with its own tsconfig.json, against the package as `npm install` gives it to a
 * program: the package name is mapped to the built declarations (dist/index.d.ts), so no `npm install` in the example
 * is needed. The sources behind them are type-checked by `npm run typecheck`, under options at least as strict as the
 * examples' (tsconfig.json); checking them again for each example took most of this file's 20 s of CPU.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { REPO_ROOT } from "../harness/plugin";

const EXAMPLES = path.join(REPO_ROOT, "examples");
const DECLARATIONS = path.join(REPO_ROOT, "dist", "index.d.ts");
const typescriptExamples = fs
  .readdirSync(EXAMPLES)
  .filter((name) => fs.existsSync(path.join(EXAMPLES, name, "tsconfig.json")));

/**
 * The examples' programs share the files they all read (the package's sources, @pulumi/pulumi's and Node.js's
 * declarations), parsed and bound once, as the language service's DocumentRegistry shares them between projects: a
 * source file is the same for every program that reads the same text with the same parse settings. Each program still
 * type-checks everything itself.
 */
const parsedFiles = new Map<string, { text: string; file: ts.SourceFile }>();

function sharingSourceFiles(host: ts.CompilerHost): ts.CompilerHost {
  const parse = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, settings, onError, shouldCreate) => {
    const key = `${fileName}\0${JSON.stringify(settings)}`;
    const text = host.readFile(fileName);
    const known = parsedFiles.get(key);
    if (known && known.text === text && !shouldCreate) return known.file;
    const file = parse(fileName, settings, onError, shouldCreate);
    if (file && text !== undefined) parsedFiles.set(key, { text, file });
    return file;
  };
  return host;
}

function typecheck(example: string): string[] {
  const configFile = path.join(example, "tsconfig.json");
  const { config, error } = ts.readConfigFile(configFile, (file) => ts.sys.readFile(file));
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(
    config,
    ts.sys,
    example,
    {
      noEmit: true,
      baseUrl: example,
      paths: { "pulumi-hyperv-replica": [DECLARATIONS] },
    },
    configFile,
  );
  const program = ts.createProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    host: sharingSourceFiles(ts.createCompilerHost(parsed.options)),
  });
  return [...parsed.errors, ...ts.getPreEmitDiagnostics(program)].map((d) =>
    ts.formatDiagnostic(d, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => REPO_ROOT,
      getNewLine: () => "\n",
    }),
  );
}

// The first program reads @pulumi/pulumi's and Node.js's declarations, a few seconds of CPU: with other test files
// running beside it on a loaded machine, it may take more than the default minute.
vi.setConfig({ testTimeout: 180_000 });

describe("the TypeScript examples", () => {
  beforeAll(() => {
    if (!fs.existsSync(DECLARATIONS)) throw new Error("run `npm run build` first");
  });

  it("include dr-drill", () => {
    expect(typescriptExamples).toContain("dr-drill");
  });

  it.each(typescriptExamples)("%s type-checks with its own tsconfig.json", (name) => {
    expect(typecheck(path.join(EXAMPLES, name))).toEqual([]);
  });
});
