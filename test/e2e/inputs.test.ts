/**
 * Bad inputs and bad stack config through the real dynamic-provider plugin, as the engine sends them: NaN and
 * Infinity reach `check` as numbers and are named, unknown `hyperv-replica:` keys are found from the whole stack
 * config the engine gives a dynamic provider, and values of the wrong type name the key and the fix. Nothing
 * reaches the host.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectionFailoverProvider } from "../../provider/resources/collectionFailover/provider";
import { HyperVSimulator } from "../../provider/simulator";
import { makeProjectDir, Plugin, REPO_ROOT, serializeProvider } from "../harness/plugin";

const SQL = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
const STATE = "cluster.json";
const plugins: Plugin[] = [];
let project: string;
let sim: HyperVSimulator;
let provider: string;

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO_ROOT, "dist", "doors", "dynamic.js")))
    throw new Error("dist/ is missing: run `npm run build` first (npm test does)");
  project = makeProjectDir();
  sim = new HyperVSimulator({ stateFile: path.join(project, STATE), hostName: "hv-replica01" });
  await sim.init();
  await sim.addCollection({ id: SQL, name: "sql-cluster", members: ["sql-a"] });
  provider = await serializeProvider(collectionFailoverProvider);
});

afterAll(async () => {
  await Promise.all(plugins.map((p) => p.stop()));
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

/** A plugin process of its own: the dynamic provider is configured once per process. */
async function pluginWith(config: Record<string, string>): Promise<Plugin> {
  const plugin = await Plugin.start({ cwd: project });
  plugins.push(plugin);
  await plugin.configure(config);
  return plugin;
}

const simulatorConfig = {
  "hyperv-replica:transport": "simulator",
  "hyperv-replica:simulatorStateFile": STATE,
};
const program = (extra: Record<string, unknown> = {}) => ({
  collectionId: SQL,
  failoverState: "failedOver",
  __provider: provider,
  ...extra,
});

async function hostUntouched() {
  expect(await sim.calls()).toEqual([]);
  expect(await sim.reads()).toEqual([]);
  expect((await sim.collection(SQL))?.replicationState).toBe(3);
}

describe("numbers that are not numbers", () => {
  it.each([
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "Infinity"],
    [Number.NEGATIVE_INFINITY, "-Infinity"],
  ])("jobTimeoutSeconds %s is named as such, and nothing is called", async (value, shown) => {
    const plugin = plugins[0] ?? (await pluginWith(simulatorConfig));
    const news = program({ jobTimeoutSeconds: value });
    const checked = await plugin.check({}, news);
    expect(checked).toEqual({
      inputs: { ...news, jobTimeoutSeconds: value },
      failures: [
        {
          property: "jobTimeoutSeconds",
          reason: `${shown} is not a whole number from 1 to 604800; it bounds the wait for each Hyper-V job (default 1800)`,
        },
      ],
    });
    await hostUntouched();
  });
});

describe("stack config the provider cannot use", () => {
  it("a misspelt hyperv-replica:tranport is refused with the closest key, not silently ignored", async () => {
    const plugin = await pluginWith({
      "hyperv-replica:tranport": "simulator",
      "hyperv-replica:simulatorStateFile": STATE,
      "dr:failoverState": "failedOver",
    });
    const checked = await plugin.check({}, program());
    expect(checked.failures).toEqual([
      {
        property: "hyperv-replica:tranport",
        reason:
          "unknown key: hyperv-replica has no setting 'tranport'; did you mean hyperv-replica:transport? Rename it: pulumi config rm hyperv-replica:tranport, then pulumi config set hyperv-replica:transport <value>",
      },
    ]);
    await hostUntouched();
  });

  it("values of the wrong type name the key, what was wrong and how to set it", async () => {
    const plugin = await pluginWith({
      ...simulatorConfig,
      "hyperv-replica:maxSessions": "four",
      "hyperv-replica:jobPollInitialMs": "NaN",
      "hyperv-replica:simulatorHost": '{"name":"site-a"}',
      "hyperv-replica:password": '["not","one"]',
    });
    const checked = await plugin.check({}, program());
    expect(checked.failures).toEqual([
      {
        property: "hyperv-replica:password",
        reason:
          "the value is a list, but this key takes one value; set it with: pulumi config set --secret hyperv-replica:password",
      },
      {
        property: "hyperv-replica:simulatorHost",
        reason: `'{"name":"site-a"}' is an object, but this key takes one value; set it with: pulumi config set hyperv-replica:simulatorHost site-a`,
      },
      {
        property: "hyperv-replica:maxSessions",
        reason:
          '"four" is not a whole number from 1 to 32; set it with: pulumi config set hyperv-replica:maxSessions 4',
      },
      {
        property: "hyperv-replica:jobPollInitialMs",
        reason:
          '"NaN" is not a whole number from 10 to 600000; set it with: pulumi config set hyperv-replica:jobPollInitialMs 250',
      },
    ]);
    // The password's value is never repeated, even when it is the wrong type.
    expect(checked.failures.filter((f) => f.reason.includes('"one"'))).toEqual([]);
    await hostUntouched();
  });

  it("the same config, spelt right, is accepted and create works", async () => {
    const plugin = await pluginWith({ ...simulatorConfig, "hyperv-replica:maxSessions": "2" });
    const checked = await plugin.check({}, program({ failoverState: "normal" }));
    expect(checked.failures).toEqual([]);
    const created = await plugin.create(checked.inputs);
    expect(created.id).toBe(SQL);
    // The collection is already normal: nothing is called, not even the health read.
    expect(await sim.calls()).toEqual([]);
  });
});
