/**
 * Runs the example programs the way Pulumi would, without the Pulumi CLI: under `pulumi.runtime.setMocks`, with
 * their stack files read as the engine reads them, and with the package resolved as `npm install` in the example
 * would resolve it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { vi } from "vitest";
import { REPO_ROOT } from "../harness/plugin";

export const DR_DRILL = path.join(REPO_ROOT, "examples", "dr-drill");
export const DR_FAILOVER = path.join(REPO_ROOT, "examples", "dr-failover");
export const PIPELINES = path.join(REPO_ROOT, "examples", "pipelines");
export const DR_LIFECYCLE = path.join(REPO_ROOT, "examples", "dr-lifecycle");
/** The CollectionID the fake engine gives a VmGroup: the group's name and "-collection". */
export const mockCollectionId = (name: string) => `${name}-collection`;

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
// js-yaml comes with @pulumi/pulumi (it reads Pulumi.yaml with it), so no dependency is added for it.
const yaml = require(require.resolve("js-yaml", { paths: [pulumiDir] })) as { load(text: string): unknown };

export function parseYaml(text: string): unknown {
  return yaml.load(text);
}

export function loadYaml(file: string): unknown {
  return parseYaml(fs.readFileSync(file, "utf8"));
}

/** A stack file's `config`, values as the engine passes them to programs and providers: strings. */
export function stackConfig(stack: string, example = DR_DRILL): Record<string, string> {
  const { config } = loadYaml(path.join(example, `Pulumi.${stack}.yaml`)) as {
    config: Record<string, unknown>;
  };
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
}

/**
 * `npm install` in the example links `node_modules/pulumi-hyperv-replica` to the repository (`file:../..`); the
 * tests make the same link instead of installing, so the program imports the package by its name, from dist/.
 */
export function linkPackageIntoExample(example = DR_DRILL): void {
  const link = path.join(example, "node_modules", "pulumi-hyperv-replica");
  fs.mkdirSync(path.dirname(link), { recursive: true });
  try {
    // A relative link, as npm makes; Windows junctions need an absolute target.
    const target = process.platform === "win32" ? REPO_ROOT : path.relative(path.dirname(link), REPO_ROOT);
    fs.symlinkSync(target, link, "junction");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  if (fs.realpathSync(link) !== fs.realpathSync(REPO_ROOT)) {
    throw new Error(`${link} does not lead to this repository; remove it and run the tests again`);
  }
}

/** A resource as the program registered it. */
export interface Registered {
  readonly type: string;
  readonly name: string;
  /** The inputs the engine would receive, `__provider` (the serialized provider) included. */
  readonly inputs: Record<string, unknown>;
  /** The URNs of its explicit and implicit dependencies. */
  readonly dependencies: string[];
}

export interface ProgramRun {
  readonly registered: Registered[];
  /** The stack outputs, resolved. */
  readonly outputs: Record<string, unknown>;
}

/** What the fake engine answers for a resource: the inputs, and a host that did as it was asked. */
function mockOutputs(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (type.endsWith(":VmGroup")) return { ...inputs, collectionId: mockCollectionId(String(inputs.name)) };
  if (type.endsWith(":CollectionTestFailover")) {
    return {
      ...inputs,
      testCollectionName: `${String(inputs.collectionName)} - Test`,
      recoveryPointUsed: null,
      virtualMachines: [],
    };
  }
  const failedOver = inputs.failoverState !== "normal";
  return {
    ...inputs,
    replicationStateName: failedOver ? "Recovered" : "Replicating",
    lastOperation: null,
  };
}

interface MonitorWithRequests {
  registerResource(request: { getName(): string; getDependenciesList(): string[] }, callback: unknown): void;
}

/** Runs the example's index.ts under Pulumi's mocks with this stack config (keys `namespace:key`). */
export async function runProgram(config: Record<string, string>, example = DR_DRILL): Promise<ProgramRun> {
  vi.resetModules();
  const registered: Registered[] = [];
  const dependencies = new Map<string, string[]>();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs as Record<string, unknown>,
          dependencies: dependencies.get(args.name) ?? [],
        });
        return {
          id: `${args.name}-id`,
          state: mockOutputs(args.type, args.inputs as Record<string, unknown>),
        };
      },
      call: (args) => args.inputs,
    },
    path.basename(example),
    "rehearsal",
    false,
  );
  // The mock monitor does not pass dependencies to newResource; read them from the registration requests.
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorWithRequests;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    dependencies.set(request.getName(), request.getDependenciesList());
    register(request, callback);
  };
  pulumi.runtime.setAllConfig(config);
  const program = (await import(path.join(example, "index.ts"))) as Record<string, unknown>;
  const outputs = await new Promise<Record<string, unknown>>((resolve) =>
    pulumi.output(program).apply((o) => resolve(o as Record<string, unknown>)),
  );
  return { registered, outputs };
}
