/**
 * The package as npm ships it: the tarball `npm pack` makes from the built dist/, unpacked into three consumer
 * projects, one per TypeScript `moduleResolution` (`node`, which `pulumi new typescript` uses, `node16` and
 * `bundler`). Each consumer imports the package and its `/simulator` and `/runtime` subpaths, type-checks under
 * `strict`, and its compiled JavaScript runs under Node.js. One compiler run in build mode checks all three, each
 * with its own options: it reads the declarations the three share once (3.5 s of CPU against 8.5 s for three runs).
 *
 * `npm test` builds dist/ first (`pretest`). The pack here skips `prepack`, which would delete dist/ under the other
 * test files; `.ci/run` checks that `prepack` alone builds dist/ on a clean clone.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../harness/plugin";

const TSC = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
// Inside the repository, so the consumers find @pulumi/pulumi and @types/node in its node_modules, as they would
// find them in their own after `npm install`.
const WORK = path.join(REPO_ROOT, ".tmp", `consumers-${process.pid}`);

interface Packed {
  filename: string;
  files: { path: string }[];
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

function pack(): Packed {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const out = run(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", WORK], REPO_ROOT);
  return (JSON.parse(out) as Packed[])[0]!;
}

const PROGRAM = `import { CollectionFailover, type CollectionFailoverArgs } from "pulumi-hyperv-replica";
import { HyperVSimulator, type SimulatorOptions } from "pulumi-hyperv-replica/simulator";
import { runtime } from "pulumi-hyperv-replica/runtime";

const args: CollectionFailoverArgs = { collectionName: "sql-cluster", failoverState: "failedOver" };
const options: SimulatorOptions = {};
const simulator = new HyperVSimulator(options);
console.log(JSON.stringify([typeof CollectionFailover, args.failoverState, typeof simulator.addCollection, typeof runtime.check]));
`;

/**
 * `pulumi new typescript`'s compiler options, with the module settings under test. `skipLibCheck` spares checking
 * all of @pulumi/pulumi's declarations three times; a subpath whose types do not resolve still fails (TS2307), and
 * the package's own declarations come from the checked build.
 */
const BASE_OPTIONS = {
  strict: true,
  skipLibCheck: true,
  target: "es2020",
  outDir: "out",
  noImplicitReturns: true,
  noFallthroughCasesInSwitch: true,
  forceConsistentCasingInFileNames: true,
};

const CONSUMERS = [
  { moduleResolution: "node", module: "commonjs", type: "commonjs" },
  { moduleResolution: "node16", module: "node16", type: "module" },
  { moduleResolution: "bundler", module: "esnext", type: "module" },
] as const;

type Consumer = (typeof CONSUMERS)[number];

/** A consumer's project folder: tsc -b names it at the start of each diagnostic about it. */
const consumerDir = (consumer: Consumer) => path.join(WORK, consumer.moduleResolution);

function makeConsumer(tarball: string, consumer: Consumer): string {
  const dir = consumerDir(consumer);
  const installed = path.join(dir, "node_modules", "pulumi-hyperv-replica");
  fs.mkdirSync(installed, { recursive: true });
  run("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"], dir);
  const { moduleResolution, module, type } = consumer;
  const pkg = { name: `consumer-${moduleResolution}`, private: true, type };
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg));
  const tsconfig = { compilerOptions: { ...BASE_OPTIONS, module, moduleResolution }, files: ["index.ts"] };
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
  fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM);
  return dir;
}

/**
 * Type-checks and compiles every consumer in one `tsc -b`; returns what it reported, one diagnostic per entry (with
 * its continuation lines), each starting with the folder of the consumer it is about.
 */
function typeCheckAll(dirs: readonly string[]): string[] {
  const args = [TSC, "-b", "--pretty", "false", ...dirs.map((d) => path.relative(WORK, d))];
  const result = spawnSync(process.execPath, args, { cwd: WORK, encoding: "utf8" });
  const text = `${result.stdout}${result.stderr}`.replace(/\n(?=\s)/g, " ").trim();
  const diagnostics = text === "" ? [] : text.split("\n");
  if (result.status !== 0 && diagnostics.length === 0)
    throw new Error(`tsc -b exited ${result.status}, printing nothing`);
  return diagnostics;
}

describe("the packed npm package", () => {
  let packed: Packed;
  let diagnostics: string[];

  beforeAll(() => {
    fs.mkdirSync(WORK, { recursive: true });
    packed = pack();
    const dirs = CONSUMERS.map((c) => makeConsumer(path.join(WORK, packed.filename), c));
    diagnostics = typeCheckAll(dirs);
  }, 180_000);
  afterAll(() => fs.rmSync(WORK, { recursive: true, force: true }));

  it("ships dist/, the schema, the README and the LICENSE, and no source maps", () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths.filter((p) => !p.startsWith("dist/")).sort()).toEqual([
      "LICENSE",
      "README.md",
      "package.json",
      "schema.json",
    ]);
    expect(paths).toEqual(expect.arrayContaining(["dist/index.js", "dist/index.d.ts", "dist/cli.js"]));
    expect(paths.filter((p) => p.endsWith(".map"))).toEqual([]);
  });

  it("ships the licences of the packages its plugin's bundle holds", () => {
    expect(packed.files.map((f) => f.path)).toContain("dist/THIRD-PARTY-NOTICES");
    const notices = fs.readFileSync(path.join(REPO_ROOT, "dist", "THIRD-PARTY-NOTICES"), "utf8");
    expect([...notices.matchAll(/^== (\S+) /gm)].map((m) => m[1])).toEqual([
      "@grpc/grpc-js",
      "@js-sdsl/ordered-map",
      "@pulumi/pulumi",
      "google-protobuf",
    ]);
  });

  it("has no sourceMappingURL comment in any shipped file", () => {
    const dist = path.join(REPO_ROOT, "dist");
    const js = packed.files.map((f) => f.path).filter((p) => /\.(c|m)?js$/.test(p));
    const withMaps = js.filter((p) =>
      fs.readFileSync(path.join(dist, path.relative("dist", p)), "utf8").includes("sourceMappingURL"),
    );
    expect(withMaps).toEqual([]);
  });

  it.each(CONSUMERS)(
    "type-checks and runs in a consumer project with moduleResolution $moduleResolution",
    (consumer) => {
      const dir = consumerDir(consumer);
      // This consumer's diagnostics, and those about no consumer in particular (a bad option, say).
      const mine = (d: string) =>
        d.startsWith(`${consumer.moduleResolution}/`) ||
        !CONSUMERS.some((c) => d.startsWith(`${c.moduleResolution}/`));
      expect(diagnostics.filter(mine)).toEqual([]);
      const out = run(process.execPath, [path.join("out", "index.js")], dir);
      expect(JSON.parse(out)).toEqual(["function", "failedOver", "function", "function"]);
    },
    // A Node.js start that loads @pulumi/pulumi: a second alone, more on a busy CI machine.
    180_000,
  );
});
