/** A temporary directory, a fake engine, simulators in state files, and native plugins, cleaned up after the file. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { tokenOf } from "../../provider/doors/native/provider";
import { HyperVSimulator } from "../../provider/simulator";
import { FakeEngine, NativePlugin, PLUGIN_MAIN, urnOf } from "../harness/nativePlugin";

export const SQL = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
export const WEB = "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a";
export const TYPE = tokenOf("CollectionFailover");

export interface Fixture {
  readonly dir: string;
  readonly engine: FakeEngine;
  /** A simulated cluster in `dir/file`, its failover jobs taking `jobMs`. */
  simulator(
    file: string,
    collections: { id: string; name: string }[],
    jobMs: number,
  ): Promise<HyperVSimulator>;
  /** A plugin with no configuration yet. */
  start(): Promise<NativePlugin>;
  /** A plugin with its own provider configuration, as an explicit `Provider` resource gets; `extra` adds keys. */
  pluginFor(stateFile: string, extra?: Record<string, string>): Promise<NativePlugin>;
}

export function useNativePlugins(): Fixture {
  const plugins: NativePlugin[] = [];
  const fixture = {
    dir: "",
    engine: undefined as unknown as FakeEngine,
    async simulator(file: string, collections: { id: string; name: string }[], jobMs: number) {
      const sim = new HyperVSimulator({
        stateFile: path.join(fixture.dir, file),
        hostName: file.replace(/\.json$/, ""),
      });
      await sim.init();
      for (const c of collections) await sim.addCollection({ ...c, members: [`${c.name}-vm`] });
      for (const method of ["InitiateFailover", "RevertFailover", "CommitFailover"])
        await sim.setJobDuration(method, jobMs);
      return sim;
    },
    async start() {
      const plugin = await NativePlugin.start({ engine: fixture.engine, cwd: fixture.dir });
      plugins.push(plugin);
      return plugin;
    },
    async pluginFor(stateFile: string, extra: Record<string, string> = {}) {
      const plugin = await fixture.start();
      const config = {
        transport: "simulator",
        simulatorStateFile: path.join(fixture.dir, stateFile),
        jobPollInitialMs: "50",
        jobPollMaxMs: "100",
        ...extra,
      };
      expect(await plugin.checkConfig(config)).toEqual([]);
      await plugin.configure(config);
      return plugin;
    },
  };
  beforeAll(async () => {
    if (!fs.existsSync(PLUGIN_MAIN))
      throw new Error("dist/ is missing: run `npm run build` first (npm test does)");
    fixture.dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-native-"));
    fixture.engine = await FakeEngine.start();
  });
  afterAll(async () => {
    await Promise.all(plugins.map((p) => p.stop()));
    await fixture.engine?.stop();
    if (fixture.dir) fs.rmSync(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}

/**
 * A two-site pair in `f.dir/<name>.json` (sql-cluster of sql-a and sql-b, primary SQL on east, replica WEB on west), a
 * native plugin polling jobs every 50-100 ms, and a ReplicatedCollection on it created at east. `moveInputs` are
 * the checked inputs that move it to west; `extra` adds inputs to both.
 */
export async function sitesPair(f: Fixture, name: string, extra: Record<string, unknown> = {}) {
  const stateFile = path.join(f.dir, `${name}.json`);
  const sim = new HyperVSimulator({ stateFile, hostName: "east" });
  await sim.init();
  await sim.addPair({
    name: "sql-cluster",
    members: ["sql-a", "sql-b"],
    primary: { host: "east", id: SQL },
    replica: { host: "west", id: WEB },
  });
  const site = (host: string, collectionId: string) => ({
    collectionId,
    connection: { transport: "simulator", simulatorStateFile: stateFile, simulatorHost: host },
  });
  const program = (activeSite: string) => ({
    sites: { east: site("east", SQL), west: site("west", WEB) },
    activeSite,
    ...extra,
  });
  const urn = urnOf(tokenOf("ReplicatedCollection"), name);
  const plugin = await f.start();
  await plugin.configure({ jobPollInitialMs: "50", jobPollMaxMs: "100" });
  const created = await plugin.create(urn, (await plugin.check(urn, {}, program("east"))).inputs);
  const moveInputs = (await plugin.check(urn, {}, program("west"))).inputs;
  return { sim, plugin, urn, created, moveInputs };
}
