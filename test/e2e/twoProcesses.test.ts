/**
 * Two pipelines as two real plugin processes, sharing one simulated cluster through its state file: their
 * per-collection locks cannot see each other, so only the host keeps them apart. Every run ends with one accepted
 * call of the method on the host, and both processes return the same outputs, which match the host. The interleaving
 * "B looks and finds no job, A calls, B calls" is forced by test/e2e/interleave.cjs, preloaded into both plugins;
 * the other cases leave the timing to the processes (test/failover/twoPipelines.test.ts forces each one in-process).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectionFailoverProvider } from "../../provider/resources/collectionFailover/provider";
import { HyperVSimulator } from "../../provider/simulator";
import { makeProjectDir, Plugin, REPO_ROOT, serializeProvider, withoutProvider } from "../harness/plugin";

const SQL = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
const connection = { transport: "simulator", simulatorStateFile: "cluster.json" };

let project: string;
let sim: HyperVSimulator;
let a: Plugin;
let b: Plugin;
let provider: string;
/** Where test/e2e/interleave.cjs, preloaded into both plugins, keeps its marker files. */
let markers: string;

beforeAll(async () => {
  project = makeProjectDir();
  markers = path.join(project, "markers");
  sim = new HyperVSimulator({ stateFile: path.join(project, "cluster.json"), hostName: "cluster.json" });
  await sim.init();
  await sim.addCollection({ id: SQL, name: "sql-cluster", members: ["sql-a", "sql-b"] });
  for (const method of ["InitiateFailover", "RevertFailover"]) await sim.setJobDuration(method, 1500);
  fs.mkdirSync(markers);
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
  await Promise.all([a.configure({}), b.configure({})]);
  provider = await serializeProvider(collectionFailoverProvider);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

// Starting the VMs after a failover is left out here: both runs would start them, which is another test's subject.
const program = (failoverState: string) => ({
  collectionId: SQL,
  failoverState,
  startVirtualMachines: false,
  connection,
  __provider: provider,
});

/**
 * The outputs each process returned, without observedAt and healthObservedAt (read times), lastReport (each
 * process's own record of its calls) and the provider text.
 */
function comparable(outs: Record<string, unknown>) {
  const { observedAt, healthObservedAt, lastReport, ...rest } = withoutProvider(outs);
  expect(lastReport === null || typeof lastReport === "object").toBe(true);
  expect(typeof observedAt).toBe("string");
  expect(typeof healthObservedAt).toBe("string");
  return rest;
}

/** The calls that act (without the GetReplicationStatistics reads for the health outputs). */
const acting = async () => (await sim.calls()).filter((c) => c.method !== "GetReplicationStatistics");

/** Both plugins update the resource from the same stored outputs; B starts `delayMs` after A. */
async function both(outs: Record<string, unknown>, failoverState: string, delayMs: number) {
  const { inputs } = await a.check({}, program(failoverState));
  const runA = a.update(SQL, outs, inputs);
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  const runB = b.update(SQL, outs, inputs);
  const [ra, rb] = await Promise.all([runA, runB]);
  return [ra.outs, rb.outs] as const;
}

describe("two plugin processes update one collection at once", () => {
  let outs: Record<string, unknown>;

  beforeAll(async () => {
    ({ outs } = await a.create((await a.check({}, program("normal"))).inputs));
  });

  // Nothing public shows whether Hyper-V keeps the second call out with 32774 (System is in use) or 32775 (Invalid
  // state), so every case runs with both; the state file carries the code to both processes.
  describe.each([32774, 32775] as const)("the host answering %i to a call on a busy collection", (busy) => {
    beforeAll(() => sim.setBusyReturnCode(busy));

    it.each([
      ["failedOver", "InitiateFailover"],
      ["normal", "RevertFailover"],
    ])(
      "B looks and finds no job, then A calls, then B calls, to %s: B's call is refused, B adopts A's job, same outputs",
      async (state, method) => {
        const before = (await acting()).length;
        fs.writeFileSync(path.join(markers, "force"), "");
        let results: readonly [Record<string, unknown>, Record<string, unknown>];
        let bFound: string | undefined;
        try {
          results = await both(outs, state, 0);
        } finally {
          const looked = path.join(markers, "b-looked");
          bFound = fs.existsSync(looked) ? fs.readFileSync(looked, "utf8") : undefined;
          for (const name of fs.readdirSync(markers)) fs.rmSync(path.join(markers, name));
        }
        // B's first look for running failover jobs of the collection found none: A had not called yet.
        expect(bFound).toBe("0");
        const [fromA, fromB] = results;

        const calls = (await acting()).slice(before);
        expect(calls.map((c) => [c.method, c.returnValue])).toEqual([
          [method, 4096],
          [method, busy],
        ]);
        expect(b.stdout.join("\n")).toContain(
          `${method} job ${calls[0]!.jobId} is already running on the host; waiting for it instead of starting another`,
        );
        expect(comparable(fromB)).toEqual(comparable(fromA));
        const [job] = (await sim.jobs()).filter((j) => j.instanceId === calls[0]!.jobId);
        expect(fromA).toMatchObject({
          failoverState: state,
          replicationState: (await sim.collection(SQL))!.replicationState,
          lastOperation: {
            method,
            jobId: calls[0]!.jobId,
            jobState: "Completed",
            errorCode: 0,
            startedAt: new Date(job!.submittedAt).toISOString(),
            finishedAt: new Date(job!.finishedAt!).toISOString(),
          },
        });
        outs = { ...fromA, __provider: provider };
      },
    );

    it.each([
      ["together", "failedOver", 0],
      ["together", "normal", 0],
      ["B while A's job runs", "failedOver", 400],
      ["B while A's job runs", "normal", 400],
    ])(
      "%s, to %s: one accepted call, both succeed with the same outputs, matching the host",
      async (_, state, delay) => {
        const before = (await acting()).length;
        const [fromA, fromB] = await both(outs, state, delay);

        const calls = (await acting()).slice(before);
        const method = state === "failedOver" ? "InitiateFailover" : "RevertFailover";
        const accepted = calls.filter((c) => c.returnValue === 4096);
        expect(accepted.map((c) => c.method)).toEqual([method]);
        // A second call, when B made one before A's job ended, is the host keeping it out (the busy code): never a
        // second failover. B then adopted A's job.
        expect(calls.map((c) => [c.method, c.returnValue])).toEqual([
          [method, 4096],
          ...(calls.length > 1 ? [[method, busy]] : []),
        ]);
        expect(comparable(fromB)).toEqual(comparable(fromA));
        const host = await sim.collection(SQL);
        const [job] = (await sim.jobs()).filter((j) => j.instanceId === accepted[0]!.jobId);
        expect(fromA).toMatchObject({
          failoverState: state,
          replicationState: host!.replicationState,
          lastOperation: {
            method,
            jobId: accepted[0]!.jobId,
            jobState: "Completed",
            errorCode: 0,
            startedAt: new Date(job!.submittedAt).toISOString(),
            finishedAt: new Date(job!.finishedAt!).toISOString(),
          },
        });
        outs = { ...fromA, __provider: provider };
      },
    );
  });
});
