/**
 * Every change to a CollectionTestFailover is carried out or refused, through the real plugins: startVirtualMachines
 * true starts the test VMs that are off, false is a new drill that preview names, requireHealthy on a drill that is up
 * is refused at preview, and the settings that govern later calls are recorded after a re-read. The native plugin's
 * Diff answers as the dynamic provider's does.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { tokenOf } from "../../provider/doors/native/provider";
import { FakeEngine, NativePlugin, urnOf } from "../harness/nativePlugin";
import type { PluginError } from "../harness/plugin";
import { withoutProvider } from "../harness/plugin";
import type { DrillBench } from "./drillSupport";
import {
  callsSince,
  completedTest,
  connection,
  drillBench,
  drillOutputs,
  otherCluster,
} from "./drillSupport";

let bench: DrillBench;
let engine: FakeEngine;
let native: NativePlugin;
let id: string;
let outs: Record<string, unknown>;
let inputs: Record<string, unknown>;
const program = (extra: Record<string, unknown> = {}) => ({
  collectionName: "sql-cluster",
  connection,
  __provider: bench.provider,
  ...extra,
});
const URN = urnOf(tokenOf("CollectionTestFailover"), "drill");

beforeAll(async () => {
  bench = await drillBench("hvr-drill-changes-");
  engine = await FakeEngine.start();
  native = await NativePlugin.start({ engine, cwd: bench.project });
  ({ inputs } = await bench.plugin.check({}, program({ startVirtualMachines: false })));
  ({ id, outs } = await bench.plugin.create(inputs));
});
afterAll(async () => {
  await native?.stop();
  await engine?.stop();
  await bench?.close();
});

/** The same Diff through the native plugin: the runtime decides, the native door only names the properties. */
const nativeDiff = (news: Record<string, unknown>) =>
  native.diff(URN, id, withoutProvider(outs), withoutProvider(news), withoutProvider(inputs));

describe("CollectionTestFailover input changes", () => {
  it("startVirtualMachines false to true: preview names the VMs it will start, and up starts them", async () => {
    const jobId = (outs.lastOperation as { jobId: string }).jobId;
    expect(withoutProvider(outs)).toEqual(
      await drillOutputs(bench.sim, {
        running: false,
        startVirtualMachines: false,
        lastOperation: await completedTest(bench.sim, jobId),
      }),
    );
    const { inputs: news } = await bench.plugin.check(inputs, program({ startVirtualMachines: true }));
    const lines = bench.plugin.stdout.length;
    expect(await bench.plugin.diff(id, outs, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: true,
    });
    await vi.waitFor(() =>
      expect(bench.plugin.stdout.slice(lines)).toEqual([
        `[sql-cluster] will start the test VMs 'sql-a - Test', 'sql-b - Test', as recorded at ${String(outs.observedAt)}; preview with --refresh to plan from the host now`,
        "[sql-cluster] the test VMs' networks as recorded: 'sql-a - Test' adapter 'Network Adapter' not connected, 'sql-b - Test' adapter 'Network Adapter' not connected",
      ]),
    );
    expect(await nativeDiff(news)).toEqual({
      changes: 2, // DIFF_SOME
      replaces: [],
      diffs: ["startVirtualMachines"],
      hasDetailedDiff: true,
      detailedDiff: { startVirtualMachines: { kind: "UPDATE", inputDiff: true } },
    });

    const before = (await bench.sim.calls()).length;
    const updated = await bench.plugin.update(id, outs, news);
    expect(await callsSince(bench.sim, before)).toEqual([
      "RequestStateChange(2) sql-a - Test -> 4096",
      "RequestStateChange(2) sql-b - Test -> 4096",
    ]);
    expect(withoutProvider(updated.outs)).toEqual(
      await drillOutputs(bench.sim, { lastOperation: await completedTest(bench.sim, jobId) }),
    );
    outs = updated.outs;
    inputs = news;
  });

  it("startVirtualMachines true to false is a replacement that preview names, calling nothing at preview", async () => {
    const { inputs: news } = await bench.plugin.check(inputs, program({ startVirtualMachines: false }));
    const before = (await bench.sim.calls()).length;
    const lines = bench.plugin.stdout.length;
    expect(await bench.plugin.diff(id, outs, news)).toEqual({
      changes: true,
      replaces: ["startVirtualMachines"],
      deleteBeforeReplace: true,
    });
    await vi.waitFor(() =>
      expect(bench.plugin.stdout.slice(lines)).toEqual([
        `[sql-cluster] will call RevertTestReplicaCollection (removing test collection 'sql-cluster - Test'), then TestReplicaCollection with recoveryPoint 'latest', leaving its VMs off (startVirtualMachines changed), as recorded at ${String(outs.observedAt)}; preview with --refresh to plan from the host now`,
      ]),
    );
    expect(await nativeDiff(news)).toEqual({
      changes: 2,
      replaces: ["startVirtualMachines"],
      diffs: ["startVirtualMachines"],
      hasDetailedDiff: true,
      detailedDiff: { startVirtualMachines: { kind: "UPDATE_REPLACE", inputDiff: true } },
    });
    expect(await callsSince(bench.sim, before)).toEqual([]);
  });

  it("requireHealthy changed while the drill is up is refused at preview, naming the property and what to do", async () => {
    const news = program({ requireHealthy: true });
    const reason =
      "changed from false to true, but requireHealthy only governs TestReplicaCollection, and this drill is already up: nothing would apply it. Set it back to false; to make a drill with requireHealthy true, replace this one (pulumi up --replace <urn>) or destroy it first";
    expect((await bench.plugin.check(inputs, news)).failures).toEqual([
      { property: "requireHealthy", reason },
    ]);
    expect((await native.check(URN, withoutProvider(inputs), withoutProvider(news))).failures).toEqual([
      { property: "requireHealthy", reason },
    ]);
    // With a new recovery point the drill is replaced, and the new one is made with it.
    expect(
      (
        await bench.plugin.check(
          inputs,
          program({ requireHealthy: true, recoveryPoint: "latest-application-consistent" }),
        )
      ).failures,
    ).toEqual([]);
  });

  it("jobTimeoutSeconds changed: the drill is read again and the setting recorded, with no method called", async () => {
    const { inputs: news } = await bench.plugin.check(inputs, program({ jobTimeoutSeconds: 600 }));
    const lines = bench.plugin.stdout.length;
    expect(await bench.plugin.diff(id, outs, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: true,
    });
    await vi.waitFor(() =>
      expect(bench.plugin.stdout.slice(lines)).toEqual([
        "[sql-cluster] will re-read test collection 'sql-cluster - Test' and record the new settings; nothing is called",
      ]),
    );
    const before = (await bench.sim.calls()).length;
    const updated = await bench.plugin.update(id, outs, news);
    expect(await callsSince(bench.sim, before)).toEqual([]);
    expect(withoutProvider(updated.outs)).toEqual({
      ...withoutProvider(outs),
      jobTimeoutSeconds: 600,
      observedAt: expect.any(String),
    });
  });

  it("a connection changed to another cluster: the update reads there, fails naming both clusters, and calls nothing", async () => {
    const { inputs: news } = await bench.plugin.check(inputs, program({ connection: otherCluster }));
    expect(await bench.plugin.diff(id, outs, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: true,
    });
    const before = (await bench.sim.calls()).length;
    const error = (await bench.plugin.update(id, outs, news).catch((e: unknown) => e)) as PluginError;
    expect(error.details).toBe(
      `Different cluster: update reached host 'other.json', which has no collection with CollectionID ${id}, but this resource was recorded on host 'cluster.json' [collection 'sql-cluster', host other.json (simulator)]. The resource was kept in the stack. Point the connection (hyperv-replica:* stack config, or the resource's connection) at the cluster the collection lives on, then run again; if the collection was really removed from that cluster, remove the resource from the stack with pulumi state delete <urn>`,
    );
    expect(await callsSince(bench.sim, before)).toEqual([]);
  });

  it("the same inputs show no change in either door", async () => {
    expect(await bench.plugin.diff(id, outs, inputs)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: true,
    });
    expect(await nativeDiff(inputs)).toEqual({
      changes: 1, // DIFF_NONE
      replaces: [],
      diffs: [],
      hasDetailedDiff: true,
      detailedDiff: {},
    });
  });
});
