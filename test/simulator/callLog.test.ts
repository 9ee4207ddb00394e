import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../provider/clock";
import { HyperVSimulator } from "../../provider/simulator";
import { FileStore } from "../../provider/simulator/store/fileStore";
import { collectionRef, PAYROLL_ID, SERVICE, T0 } from "./fixtures";

let folder: string;
let stateFile: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "hv-sim-log-"));
  stateFile = join(folder, "cluster.json");
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** A method the service does not support: the host answers 32770 and changes nothing but its call log. */
const unsupported = (n: number) => ({
  at: T0,
  className: "Msvm_CollectionReplicationService",
  method: "Refresh",
  collectionId: PAYROLL_ID,
  arguments: { Collection: collectionRef(PAYROLL_ID), Attempt: n },
  returnValue: 32770,
});

describe("the simulator's call log", () => {
  it("is appended to <file>.calls.jsonl, so the state file does not grow with the calls", async () => {
    const sim = new HyperVSimulator({ clock: new FakeClock(T0), stateFile });
    await sim.init();
    await sim.addCollection({ id: PAYROLL_ID, name: "payroll" });
    const stateBefore = await readFile(stateFile, "utf8");
    const session = sim.session();

    for (let n = 0; n < 50; n++) {
      await session.invoke(SERVICE, "Refresh", { Collection: collectionRef(PAYROLL_ID), Attempt: n });
    }

    const expected = Array.from({ length: 50 }, (_, n) => unsupported(n));
    expect(await readFile(stateFile, "utf8")).toBe(stateBefore);
    const lines = (await readFile(`${stateFile}.calls.jsonl`, "utf8")).trimEnd().split("\n");
    expect(lines.map((line) => JSON.parse(line))).toEqual(expected);
    expect(await sim.calls()).toEqual(expected);
  });

  it("starts empty when init creates a new state file where an old log was left", async () => {
    await writeFile(`${stateFile}.calls.jsonl`, `${JSON.stringify(unsupported(0))}\n`);
    const sim = new HyperVSimulator({ stateFile });
    await sim.init();

    expect(await sim.calls()).toEqual([]);
    expect(await readFile(`${stateFile}.calls.jsonl`, "utf8")).toBe("");
  });

  it("takes over the calls an older state file kept in its own list, on the next change", async () => {
    const legacy = {
      version: 1,
      collections: [],
      recoveryPoints: [],
      jobs: [],
      calls: [unsupported(0), unsupported(1)],
      faults: [],
      jobDurations: {},
    };
    await writeFile(stateFile, JSON.stringify(legacy));
    const sim = new HyperVSimulator({ clock: new FakeClock(T0), stateFile });

    const before = await sim.calls();
    await sim.addCollection({ id: PAYROLL_ID, name: "payroll" });
    await sim.session().invoke(SERVICE, "Refresh", { Collection: collectionRef(PAYROLL_ID), Attempt: 2 });

    expect(before).toEqual([unsupported(0), unsupported(1)]);
    expect(await sim.calls()).toEqual([unsupported(0), unsupported(1), unsupported(2)]);
    expect(JSON.parse(await readFile(stateFile, "utf8"))).not.toHaveProperty("calls");
  });
});

describe("the simulator's read log", () => {
  it("records every read in <file>.reads.jsonl, leaving the state file as it was", async () => {
    const sim = new HyperVSimulator({ clock: new FakeClock(T0), stateFile });
    await sim.init();
    await sim.addCollection({ id: PAYROLL_ID, name: "payroll" });
    const stateBefore = await readFile(stateFile, "utf8");
    const session = sim.session();

    await session.query("Msvm_VirtualSystemCollection", { ElementName: "payroll" });
    await session.get(collectionRef(PAYROLL_ID));
    await session.getMany([collectionRef(PAYROLL_ID), collectionRef(PAYROLL_ID)]);
    await session.associators(collectionRef(PAYROLL_ID), { association: "Msvm_AffectedJobElement" });

    const collection = "Msvm_VirtualSystemCollection";
    expect(await sim.reads()).toEqual([
      { at: T0, op: "query", className: collection },
      { at: T0, op: "get", className: collection },
      { at: T0, op: "getMany", className: collection, refs: 2 },
      { at: T0, op: "associators", className: collection },
    ]);
    expect(await readFile(stateFile, "utf8")).toBe(stateBefore);
    expect(await sim.calls()).toEqual([]);
  });
});

describe("the file store", () => {
  it("is one per state file in a process, however the path is written", () => {
    const fromRelative = FileStore.at(relative(process.cwd(), stateFile));

    expect(fromRelative).toBe(FileStore.at(stateFile));
    expect(FileStore.at(join(folder, "other.json"))).not.toBe(fromRelative);
  });
});
