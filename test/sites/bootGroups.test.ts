/**
 * ReplicatedCollection's boot groups through the real plugin on a two-site simulator: a planned move shuts the
 * guests down in the reverse of boot order and starts the VMs on the other site in boot order with the delay; the
 * preview shows the order; a VM name neither site has is refused before any call.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { MethodCall } from "../../provider/simulator";
import type { PluginError } from "../harness/plugin";
import type { Rehearsal } from "./support";
import { EAST, inputs, rehearsal, sharePlugin, WEST } from "./support";

sharePlugin();

let r: Rehearsal;
let id: string;
let outs: Record<string, unknown>;
let names: Map<string, string>;

const GROUPS = { bootGroups: [{ virtualMachines: ["sql-b"], delaySeconds: 1 }] };

beforeEach(async () => {
  r = await rehearsal();
  const checked = await r.plugin.check({}, inputs(r, "east", GROUPS));
  expect(checked.failures).toEqual([]);
  ({ id, outs } = await r.plugin.create(checked.inputs));
  const members = [...(await r.sim.collection(EAST))!.members, ...(await r.sim.collection(WEST))!.members];
  names = new Map(members.map((m) => [m.id, m.name]));
});
afterEach(async () => r?.close());

/** The VM calls, as `site: method VM`, with the time each was made. */
const vmCalls = (calls: readonly MethodCall[]) =>
  calls
    .filter((c) => c.vmId !== undefined)
    .map((c) => ({
      line: `${c.collectionId?.toLowerCase() === EAST ? "east" : "west"}: ${c.method} ${names.get(c.vmId!) ?? "?"}`,
      at: c.at,
    }));

describe("a planned move with boot groups", () => {
  it("shuts the VMs in no group down first, then the group; starts the group first, then the rest after its delay", async () => {
    const from = r.plugin.stdout.length;
    const checked = await r.plugin.check({}, inputs(r, "west", GROUPS));
    ({ outs } = await r.plugin.update(id, outs, checked.inputs));
    const calls = vmCalls(await r.sim.calls());
    expect(calls.map((c) => c.line)).toEqual([
      "east: InitiateShutdown sql-a",
      "east: InitiateShutdown sql-b",
      "west: RequestStateChange sql-b",
      "west: RequestStateChange sql-a",
    ]);
    const jobs = await r.sim.jobs();
    const startOf = (vm: string) =>
      jobs.find((j) => j.method === "RequestStateChange" && names.get(j.vmId ?? "") === vm)!;
    // sql-a is asked once sql-b's start job has ended and delaySeconds (1 s) have passed.
    expect(startOf("sql-a").submittedAt).toBeGreaterThanOrEqual(startOf("sql-b").finishedAt! + 1000);
    // sql-b's guest is asked only once sql-a's has shut down (100 ms, as the rehearsal sets it).
    expect(calls[1]!.at).toBeGreaterThanOrEqual(calls[0]!.at + 100);
    // The plugin's stdout arrives on its own pipe, possibly just after the gRPC reply.
    await vi.waitFor(() =>
      expect(r.plugin.stdout.slice(from).filter((l) => /boot group/.test(l))).toEqual([
        "[east+west] [west] boot group 1: 'sql-b'",
        "[east+west] [west] boot group 1 is running; waiting 1 s (delaySeconds) before the VMs in no boot group",
        "[east+west] [west] the VMs in no boot group: 'sql-a'",
      ]),
    );
    expect(outs).toMatchObject({ runningSite: "west", pendingSteps: [] });
  });

  it("preview shows the order under StartVMs and StopVMs", async () => {
    const from = r.plugin.stdout.length;
    await r.plugin.diff(id, outs, (await r.plugin.check({}, inputs(r, "west", GROUPS))).inputs);
    const order = "'sql-b'; after 1 s the VMs in no boot group, if any";
    await vi.waitFor(() => {
      const lines = r.plugin.stdout.slice(from);
      expect(lines).toContain(`       in the reverse of boot order: ${order}`);
      expect(lines).toContain(`       boot order: ${order}`);
    });
    expect(await r.sim.calls()).toEqual([]);
  });

  it("refuses a VM name neither site has: at preview from the recorded VMs, and in the run before any call", async () => {
    const wrong = { bootGroups: [{ virtualMachines: ["sql-c"] }] };
    const checked = await r.plugin.check({}, inputs(r, "west", wrong));
    expect(checked.failures).toEqual([]);
    const atPreview = (await r.plugin.diff(id, outs, checked.inputs).catch((e: unknown) => e)) as PluginError;
    expect(atPreview.details).toContain(
      "bootGroups names VMs that are not members of the collection as last read",
    );
    expect(atPreview.details).toContain("bootGroups[0].virtualMachines[0] 'sql-c'; nothing was called");
    const inRun = (await r.plugin.update(id, outs, checked.inputs).catch((e: unknown) => e)) as PluginError;
    expect(inRun.details).toBe(
      "Invalid state: bootGroups names VMs that are not members of the collection: bootGroups[0].virtualMachines[0] 'sql-c'; nothing was called [collection 'east+west']. Name the member VMs by their names (ElementName; the collection has 'sql-a', 'sql-b'), or remove those entries",
    );
    expect(await r.sim.calls()).toEqual([]);
  });
});
