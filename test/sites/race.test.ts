/**
 * Two pipelines moving one site pair at once, as two real plugin processes sharing the simulated hosts through one
 * state file: their in-process locks cannot see each other, so only the hosts and each run's re-reads keep them
 * apart. A call the host refused (32774 in use, 32775 invalid state) is never made again from the read it was
 * planned from: the run reads both sites, waits for the job it finds and plans again. So each failover method is
 * accepted once per move, and no process sends one twice. The order "B reads, A calls, B calls" is forced by
 * test/sites/interleave.cjs; the sweep leaves the timing to the processes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replicatedCollectionProvider } from "../../provider/resources/replicatedCollection/provider";
import { HyperVSimulator } from "../../provider/simulator";
import { makeProjectDir, Plugin, REPO_ROOT, serializeProvider, withoutProvider } from "../harness/plugin";
import { callLines, EAST, printed, WEST } from "./support";

const FAILOVER_METHODS = [
  "InitiatePlannedFailover",
  "InitiateFailover",
  "CommitFailover",
  "ReverseReplicationRelationship",
];

let project: string;
let markers: string;
let sim: HyperVSimulator;
let a: Plugin;
let b: Plugin;
let provider: string;
let id: string;
let outs: Record<string, unknown>;

beforeAll(async () => {
  project = makeProjectDir("hvr-sites-race-");
  markers = path.join(project, "markers");
  fs.mkdirSync(markers);
  sim = new HyperVSimulator({ stateFile: path.join(project, "pair.json"), hostName: "east" });
  await sim.init();
  await sim.addPair({
    name: "sql-cluster",
    members: ["sql-a", "sql-b"],
    primary: { host: "east", id: EAST },
    replica: { host: "west", id: WEST },
  });
  for (const method of [...FAILOVER_METHODS, "RequestStateChange"]) await sim.setJobDuration(method, 100);
  // As in ./support.ts: guests that shut down in 0.1 s rather than the default 5, and a new primary's first copy that
  // ends with the reverse (so both runs read the same), rather than 5 s of both processes waiting on the hosts.
  await sim.setJobDuration("InitiateShutdown", 100);
  await sim.setJobDuration("StartReplication", 0);
  const start = (role: string) =>
    Plugin.start({
      cwd: project,
      env: {
        NODE_OPTIONS: `--require ${path.join(__dirname, "interleave.cjs")}`,
        HVR_E2E_ROLE: role,
        HVR_E2E_MARKERS: markers,
        HVR_E2E_SESSION: path.join(REPO_ROOT, "dist", "simulator", "session.js"),
      },
    });
  [a, b] = await Promise.all([start("A"), start("B")]);
  const fast = { "hyperv-replica:jobPollInitialMs": "50", "hyperv-replica:jobPollMaxMs": "200" };
  await Promise.all([a.configure(fast), b.configure(fast)]);
  provider = await serializeProvider(replicatedCollectionProvider);
  ({ id, outs } = await a.create((await a.check({}, program("east"))).inputs));
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

const site = (host: string, collectionId: string) => ({
  collectionId,
  connection: { transport: "simulator", simulatorStateFile: "pair.json", simulatorHost: host },
});

const program = (activeSite: string) => ({
  sites: { east: site("east", EAST), west: site("west", WEST) },
  activeSite,
  allowDataLoss: false,
  jobTimeoutSeconds: 120,
  __provider: provider,
});

/** What each process sent since the last call of this function, as `host: method -> answer`; the logs start over. */
function sentBy(): { A: string[]; B: string[] } {
  const read = (role: string) => {
    const file = path.join(markers, `calls-${role}`);
    const lines = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
    fs.rmSync(file, { force: true });
    return lines;
  };
  return { A: read("A"), B: read("B") };
}

/** The outputs both runs can agree on: everything but the read time and the record of what each run did. */
function observed(o: Record<string, unknown>) {
  const { observedAt, lastChange, lastReport, ...rest } = withoutProvider(o);
  expect(typeof observedAt).toBe("string");
  expect(lastChange === null || typeof lastChange === "object").toBe(true);
  expect(lastReport === null || typeof lastReport === "object").toBe(true);
  return rest;
}

/** The planned move's failover calls from `from` to `to`, each accepted once. */
const plannedCalls = (from: string, to: string) => [
  `${from}: InitiatePlannedFailover -> 4096`,
  `${to}: InitiateFailover -> 4096`,
  `${to}: CommitFailover -> 4096`,
  `${to}: ReverseReplicationRelationship -> 4096`,
];

const failoverLines = (lines: readonly string[]) =>
  lines.filter((l) => FAILOVER_METHODS.some((m) => l.includes(`: ${m} -> `)));

describe("two processes move one site pair at once", () => {
  it("B read both sites before A's InitiatePlannedFailover landed: B's one call gets 32774, and B sends nothing after it", async () => {
    await sim.setVmState(EAST, "sql-a", 3);
    await sim.setVmState(EAST, "sql-b", 3);
    sentBy();
    const before = (await sim.calls()).length;
    const { inputs } = await a.check({}, program("west"));
    fs.writeFileSync(path.join(markers, "force"), "");
    let fromA: Record<string, unknown>;
    let fromB: Record<string, unknown>;
    try {
      const runB = b.update(id, outs, inputs);
      fromA = (await a.update(id, outs, inputs)).outs;
      expect(fs.readFileSync(path.join(markers, "b-called"), "utf8")).toBe("32774");
      fs.writeFileSync(path.join(markers, "release"), "");
      fromB = (await runB).outs;
    } finally {
      for (const name of fs.readdirSync(markers).filter((n) => !n.startsWith("calls-")))
        fs.rmSync(path.join(markers, name));
    }

    expect(callLines(await sim.calls(), before)).toEqual([
      "east: InitiatePlannedFailover -> 4096",
      "east: InitiatePlannedFailover -> 32774",
      "west: InitiateFailover -> 4096",
      "west: CommitFailover -> 4096",
      "west: ReverseReplicationRelationship -> 4096",
      "west: RequestStateChange(2) -> 4096",
      "west: RequestStateChange(2) -> 4096",
    ]);
    expect(sentBy()).toEqual({
      A: [
        "east: InitiatePlannedFailover -> 4096",
        "west: InitiateFailover -> 4096",
        "west: CommitFailover -> 4096",
        "west: ReverseReplicationRelationship -> 4096",
        "west: RequestStateChange -> 4096",
        "west: RequestStateChange -> 4096",
      ],
      B: ["east: InitiatePlannedFailover -> 32774"],
    });
    expect(
      await printed(
        b,
        "[east+west] [east] InitiatePlannedFailover returned 32774 (in use) and the sites have moved on; planning again",
      ),
    ).toBe(true);
    expect(observed(fromB)).toEqual(observed(fromA));
    expect(withoutProvider(fromA)).toMatchObject({
      runningSite: "west",
      pendingSteps: [],
      lastChange: { path: "plannedMove", outcome: "completed" },
    });
    // B made no change: it reports none rather than A's.
    expect(withoutProvider(fromB).lastChange).toBeNull();
    expect(withoutProvider(fromB).lastReport).toBeNull();
    expect(withoutProvider(fromA).lastReport).toMatchObject({ action: "move to west", outcome: "succeeded" });
    outs = { ...fromA, __provider: provider };
  });

  // Bounded: four moves, alternating direction, B starting at a different moment of A's run each time.
  it.each([
    ["east", 0],
    ["west", 40],
    ["east", 150],
    ["west", 400],
  ] as const)(
    "free-running, to %s with B %i ms after A: each failover method accepted once, none sent twice by a process, same outputs",
    async (target, delayMs) => {
      const from = target === "east" ? "west" : "east";
      sentBy();
      const before = (await sim.calls()).length;
      const { inputs } = await a.check({}, program(target));
      const runA = a.update(id, outs, inputs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const [ra, rb] = await Promise.all([runA, b.update(id, outs, inputs)]);

      const calls = callLines(await sim.calls(), before);
      expect(failoverLines(calls).filter((l) => l.endsWith("-> 4096"))).toEqual(plannedCalls(from, target));
      // Any other failover call is the host keeping a racing one out, never a second failover.
      for (const line of failoverLines(calls).filter((l) => !l.endsWith("-> 4096")))
        expect(line).toMatch(/ -> 3277[45]$/);
      const sent = sentBy();
      for (const lines of [sent.A, sent.B]) {
        const methods = failoverLines(lines).map((l) => l.replace(/ -> \d+$/, ""));
        expect(methods).toEqual([...new Set(methods)]);
      }
      expect(observed(rb.outs)).toEqual(observed(ra.outs));
      expect(withoutProvider(ra.outs)).toMatchObject({ runningSite: target, pendingSteps: [] });
      const host = await sim.collection(target === "east" ? EAST : WEST);
      expect(host).toMatchObject({ replicationMode: 1, replicationState: 3 });
      outs = { ...ra.outs, __provider: provider };
    },
    30_000,
  );
});
