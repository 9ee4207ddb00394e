import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CimError } from "../../provider/cim";
import { FakeClock } from "../../provider/clock";
import { HyperVSimulator } from "../../provider/simulator";
import { collectionRef, jobIdOf, jobRef, PAYROLL_ID, SERVICE, T0 } from "./fixtures";

let folder: string;
let stateFile: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "hv-sim-"));
  stateFile = join(folder, "cluster.json");
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Two simulators on one state file and one clock, as two processes sharing a cluster would be. */
async function twoOnOneFile() {
  const clock = new FakeClock(T0);
  const writer = new HyperVSimulator({ clock, stateFile });
  const reader = new HyperVSimulator({ clock, stateFile });
  await writer.init();
  return { clock, writer, reader };
}

describe("a state file", () => {
  it("is created empty by init, with version 1, and init leaves an existing one alone", async () => {
    const { writer } = await twoOnOneFile();
    const empty = JSON.parse(await readFile(stateFile, "utf8"));
    await writer.addCollection({ id: PAYROLL_ID, name: "payroll" });
    await writer.init();

    expect(empty).toEqual({
      version: 1,
      collections: [],
      recoveryPoints: [],
      jobs: [],
      faults: [],
      jobDurations: {},
    });
    expect((await writer.collections()).map((c) => c.id)).toEqual([PAYROLL_ID]);
  });

  it("shares collections, jobs, faults and the call log between simulators", async () => {
    const { clock, writer, reader } = await twoOnOneFile();
    await writer.addCollection({ id: PAYROLL_ID, name: "payroll", members: ["pay-db"] });
    await writer.injectFault({ kind: "returnCode", method: "InitiateFailover", code: 32777 });

    const readerSession = reader.session();
    const refused = await readerSession.invoke(SERVICE, "InitiateFailover", {
      Collection: collectionRef(PAYROLL_ID),
    });
    const jobId = jobIdOf(
      await readerSession.invoke(SERVICE, "InitiateFailover", { Collection: collectionRef(PAYROLL_ID) }),
    );
    clock.advance(3000);

    expect(refused.returnValue).toBe(32777);
    expect(await writer.collection(PAYROLL_ID)).toEqual(await reader.collection(PAYROLL_ID));
    expect((await writer.collection(PAYROLL_ID))?.replicationState).toBe(5);
    expect((await writer.session().get(jobRef(jobId)))?.properties["JobState"]).toBe(7);
    expect((await writer.calls()).map((c) => c.returnValue)).toEqual([32777, 4096]);
  });

  it("loses no update when two simulators change it concurrently", async () => {
    const { writer, reader } = await twoOnOneFile();
    const adds = Array.from({ length: 20 }, (_, i) =>
      (i % 2 === 0 ? writer : reader).addCollection({ name: `vm-group-${i}` }),
    );
    await Promise.all(adds);

    const names = (await reader.collections()).map((c) => c.name).sort();
    expect(names).toEqual(Array.from({ length: 20 }, (_, i) => `vm-group-${i}`).sort());
  });

  it("loses no update when separate processes change it concurrently", async () => {
    const { writer } = await twoOnOneFile();
    const worker = join(__dirname, "addCollections.worker.ts");
    const run = (prefix: string) =>
      promisify(execFile)(process.execPath, ["--import", "tsx", worker, stateFile, prefix, "10"]);
    const local = Array.from({ length: 10 }, (_, i) => writer.addCollection({ name: `local-${i}` }));
    await Promise.all([run("first"), run("second"), ...local]);

    const counts: Record<string, number> = {};
    for (const { name } of await writer.collections()) {
      const prefix = name.split("-")[0]!;
      counts[prefix] = (counts[prefix] ?? 0) + 1;
    }
    expect(counts).toEqual({ first: 10, second: 10, local: 10 });
  });

  it("serializes concurrent failovers across simulators, so only one job starts per collection", async () => {
    const { writer, reader } = await twoOnOneFile();
    await writer.addCollection({ id: PAYROLL_ID, name: "payroll" });
    const sessions = [writer.session(), reader.session()];
    const calls = Array.from({ length: 6 }, (_, i) =>
      sessions[i % 2]!.invoke(SERVICE, "InitiateFailover", { Collection: collectionRef(PAYROLL_ID) }),
    );

    const codes = (await Promise.all(calls)).map((r) => r.returnValue).sort((a, b) => a - b);
    expect(codes).toEqual([4096, 32774, 32774, 32774, 32774, 32774]);
  });

  it("does not exist until created: a session says how to create it", async () => {
    const session = new HyperVSimulator({ stateFile }).session();
    const missing = new CimError(
      "environment",
      `simulator state file ${stateFile} does not exist; create it first (HyperVSimulator.init or the CLI)`,
    );

    await expect(session.query("Msvm_VirtualSystemCollection")).rejects.toEqual(missing);
    await expect(
      new HyperVSimulator({ stateFile: join(folder, "no", "such.json") }).collections(),
    ).rejects.toThrow("does not exist; create it first (HyperVSimulator.init or the CLI)");
  });

  it("cannot be created in a folder that does not exist", async () => {
    const nowhere = join(folder, "no", "such.json");
    await expect(new HyperVSimulator({ stateFile: nowhere }).init()).rejects.toEqual(
      new CimError(
        "environment",
        `the folder ${join(folder, "no")} of simulator state file ${nowhere} does not exist; create it first`,
      ),
    );
  });

  it("must hold a version 1 state", async () => {
    await writeFile(stateFile, JSON.stringify({ version: 2 }));
    await expect(new HyperVSimulator({ stateFile }).collections()).rejects.toEqual(
      new CimError(
        "environment",
        `simulator state file ${stateFile} is not a version 1 simulator state: "version" is 2, not 1; fix that field, or restore it from a copy, or start over with \`hyperv-replica-sim init <file> --force\``,
      ),
    );
  });
});
