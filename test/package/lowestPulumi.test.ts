/**
 * The lowest `@pulumi/pulumi` the peer range allows, installed from the npm registry into a project of its own next
 * to the packed package, as a user on an older SDK has it: npm keeps one copy of the SDK (the project's), a program
 * under `setMocks` creates a resource, and the dynamic provider that SDK serialized loads in a fresh module, as that
 * SDK's dynamic-provider plugin loads it (require-from-string), and creates the resource on a simulator.
 *
 * Needs the npm registry: `npm install` fails the test with npm's own output when it cannot reach it. The SDK's
 * install is kept for a day in `.tmp/` (sdkProject.ts); the package is installed into a copy of it on every run.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../harness/plugin";
import { run, sdkProject } from "./sdkProject";

const PKG = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  peerDependencies: Record<string, string>;
};
/**
 * `^3.139.0` allows 3.139.0 and later 3.x: its lowest version is the range's own. 3.139.0 is the first whose
 * dynamic-provider plugin calls a provider's `configure` (pulumi/pulumi#17697), which is how the runtime reads the
 * stack's `hyperv-replica:*` config; before it, a program's connection defaults would be silently ignored.
 */
const LOWEST = /^\^(\d+\.\d+\.\d+)$/.exec(PKG.peerDependencies["@pulumi/pulumi"] ?? "")?.[1];
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

const PROGRAM = `"use strict";
const Module = require("node:module");
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
const { HyperVSimulator } = require("pulumi-hyperv-replica/simulator");

const registered = [];
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered.push(args);
      return { id: "sql-id", state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  "dr",
  "dev",
  false,
);
const { CollectionFailover } = require("pulumi-hyperv-replica");

/** As the dynamic-provider plugin loads a provider: its text compiled as a module, then handler(). */
function loadProvider(text) {
  const m = new Module(path.join(process.cwd(), "provider.js"), module);
  m.filename = m.id;
  m.paths = Module._nodeModulePaths(process.cwd());
  m._compile(text, m.filename);
  return m.exports.handler();
}

async function main() {
  const stateFile = path.join(process.cwd(), "cluster.json");
  const sim = new HyperVSimulator({ stateFile });
  await sim.init();
  await sim.addCollection({ id: "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10", name: "sql-cluster", members: ["sql-a"] });
  const connection = { transport: "simulator", simulatorStateFile: stateFile };
  const resource = new CollectionFailover("sql", { collectionName: "sql-cluster", failoverState: "failedOver", connection });
  const urn = await new Promise((resolve) => resource.urn.apply(resolve));
  const inputs = registered[0].inputs;
  const provider = loadProvider(inputs.__provider);
  await provider.configure({ config: { get: () => undefined } });
  const { __provider, ...news } = inputs;
  const checked = await provider.check({}, news);
  const created = await provider.create(checked.inputs);
  console.log(JSON.stringify({
    sdk: require("@pulumi/pulumi/package.json").version,
    sdkCopies: [require.resolve("@pulumi/pulumi"), require.resolve("@pulumi/pulumi", { paths: [path.dirname(require.resolve("pulumi-hyperv-replica"))] })],
    urn,
    type: registered[0].type,
    failures: checked.failures ?? [],
    id: created.id,
    failoverState: created.outs.failoverState,
    calls: (await sim.calls()).map((c) => c.method).filter((m) => m !== "GetReplicationStatistics" && m !== "RequestStateChange"),
  }));
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

describe(`a project on the lowest @pulumi/pulumi the peer range allows (${LOWEST ?? "unreadable range"})`, () => {
  let dir: string;
  let tarball: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-lowest-sdk-"));
    const packed = run(NPM, ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], REPO_ROOT);
    tarball = path.join(dir, (JSON.parse(packed) as { filename: string }[])[0]!.filename);
    sdkProject(dir, LOWEST!, tarball);
    fs.writeFileSync(path.join(dir, "index.js"), PROGRAM);
  }, 600_000);
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reads the lowest version from the peer range", () => {
    expect(LOWEST).toMatch(/^3\.\d+\.\d+$/);
  });

  it("keeps one copy of the SDK, and a dynamic provider it serialized creates the resource on the simulator", () => {
    // The runtime prints its own lines first; the program's answer is the last line.
    const lines = run(process.execPath, ["index.js"], dir).trim().split("\n");
    const out = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    const [own, packages] = out.sdkCopies as [string, string];
    expect({ ...out, sdkCopies: own === packages }).toEqual({
      sdk: LOWEST,
      sdkCopies: true,
      urn: "urn:pulumi:dev::dr::pulumi-nodejs:dynamic/hyperv-replica:CollectionFailover::sql",
      type: "pulumi-nodejs:dynamic/hyperv-replica:CollectionFailover",
      failures: [],
      id: "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10",
      failoverState: "failedOver",
      calls: ["InitiateFailover"],
    });
  }, 120_000);
});
