/**
 * CollectionFailover's data-loss acknowledgement through the real Pulumi plugin, on the state a real disaster
 * leaves: the replica was failed over three days ago and its VMs have served production since. An old program that
 * says `normal` must not throw that away: preview and up refuse with the same words and call nothing, and only the
 * value they print runs the revert.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectionFailoverProvider } from "../../provider/resources/collectionFailover/provider";
import { parseCimDateTime } from "../../provider/cim";
import { HyperVSimulator } from "../../provider/simulator";
import type { PluginError } from "../harness/plugin";
import { makeProjectDir, Plugin, REPO_ROOT, serializeProvider } from "../harness/plugin";

const SQL = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
const DAY = 24 * 3_600_000;
/** When the VMs were started on the failed-over replica, whole seconds so the token reads as the host says it. */
const STARTED = Math.floor((Date.now() - 3 * DAY) / 1000) * 1000;
const STARTED_ISO = new Date(STARTED).toISOString().replace(/\.000Z$/, "Z");
/** The seed's newest recovery point, which the failover applied (LastApplyTime): the event's name. */
let POINT_ISO: string;
let TOKEN: string;
let LOSS: string;

let project: string;
let plugin: Plugin;
let sim: HyperVSimulator;
let provider: string;

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO_ROOT, "dist", "doors", "dynamic.js"))) {
    throw new Error("dist/ is missing: the plugin loads the built package, so run `npm run build` first");
  }
  project = makeProjectDir();
  sim = new HyperVSimulator({ stateFile: path.join(project, "cluster.json"), hostName: "hv-replica01" });
  await sim.init();
  await sim.addCollection({
    id: SQL,
    name: "sql-cluster",
    members: ["sql-a", "sql-b"],
    replicationState: 5,
    failedOverReplicationType: 1,
  });
  for (const vm of ["sql-a", "sql-b"]) await sim.setVmState(SQL, vm, 2, STARTED);
  const applied = (await sim.session().query("Msvm_VirtualSystemCollection"))[0]!.properties.LastApplyTime;
  POINT_ISO = new Date(parseCimDateTime(applied)!).toISOString().replace(/\.\d{3}Z$/, "Z");
  TOKEN = `revert-failover:${SQL}:${POINT_ISO}`;
  LOSS = `RevertFailover discards the failover disk, so what the failed-over VMs wrote since the failover to the recovery point of ${POINT_ISO} is lost: 'sql-a' running since ${STARTED_ISO} (for 3 days 0 h), 'sql-b' running since ${STARTED_ISO} (for 3 days 0 h); longer than rehearsalMinutes (60)`;
  for (const method of ["RevertFailover", "RequestStateChange"]) await sim.setJobDuration(method, 100);
  plugin = await Plugin.start({ cwd: project });
  await plugin.configure({ "hyperv-replica:jobPollInitialMs": "50", "hyperv-replica:jobPollMaxMs": "200" });
  provider = await serializeProvider(collectionFailoverProvider);
});

afterAll(async () => {
  await plugin?.stop();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

const connection = { transport: "simulator", simulatorStateFile: "cluster.json" };
const program = (failoverState: string, extra: Record<string, unknown> = {}) => ({
  collectionId: SQL,
  failoverState,
  connection,
  __provider: provider,
  ...extra,
});

/** The calls that act: GetReplicationStatistics is the health read every create and change makes. */
const acting = async () => (await sim.calls()).filter((c) => c.method !== "GetReplicationStatistics");
const refusal = (message: string) => expect.stringContaining(message);
const advice = () =>
  `Nothing was called. To accept this loss, and only it, set acknowledgeDataLoss: ["${TOKEN}"]; the value names this event only, so a later failover, a later recovery point or another split brain needs its own`;

describe("an old program re-applied three days after a disaster", () => {
  let outs: Record<string, unknown>;

  it("adopts the failed-over collection with nothing to call", async () => {
    const checked = await plugin.check({}, program("failedOver"));
    ({ outs } = await plugin.create(checked.inputs));
    expect(outs.failoverState).toBe("failedOver");
    expect(await acting()).toEqual([]);
  });

  it("preview of failoverState normal fails with what would be lost and the value to set, and calls nothing", async () => {
    const checked = await plugin.check({}, program("normal"));
    const error = (await plugin.diff(SQL, outs, checked.inputs).catch((e: unknown) => e)) as PluginError;
    expect(error.details).toEqual(
      refusal(
        `Data loss not acknowledged: ${LOSS} [collection 'sql-cluster', host cluster.json (simulator)]. ${advice()}`,
      ),
    );
    expect(await acting()).toEqual([]);
  });

  it("up refuses with the same words and calls nothing; the VMs keep running", async () => {
    const checked = await plugin.check({}, program("normal"));
    const error = (await plugin.update(SQL, outs, checked.inputs).catch((e: unknown) => e)) as PluginError;
    expect(error.details).toEqual(
      refusal(
        `Data loss not acknowledged: ${LOSS} [collection 'sql-cluster', host cluster.json (simulator)]. ${advice()}`,
      ),
    );
    expect(await acting()).toEqual([]);
    expect((await sim.collection(SQL))?.members.map((m) => m.enabledState)).toEqual([2, 2]);
  });

  it("with the printed value, preview says so and up turns the VMs off, then reverts", async () => {
    const checked = await plugin.check({}, program("normal", { acknowledgeDataLoss: [TOKEN] }));
    expect(checked.failures).toEqual([]);
    const before = plugin.stdout.length;
    await plugin.diff(SQL, outs, checked.inputs);
    expect(plugin.stdout.slice(before)).toContain(`[sql-cluster] data loss acknowledged (${TOKEN}): ${LOSS}`);
    const updated = await plugin.update(SQL, outs, checked.inputs);
    expect(updated.outs.failoverState).toBe("normal");
    expect((await acting()).map((c) => [c.method, c.arguments.RequestedState])).toEqual([
      ["RequestStateChange", 3],
      ["RequestStateChange", 3],
      ["RevertFailover", undefined],
    ]);
  });
});
