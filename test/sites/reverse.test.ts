/**
 * ReverseReplicationRelationship through the real plugin: the settings it sends are the relationship's turned around
 * (and, under certificate authentication, carry the new primary's own certificate), and a move whose reverse could
 * not be built is refused before its first call, also from the state a failed reverse leaves.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PluginError } from "../harness/plugin";
import { withoutProvider } from "../harness/plugin";
import type { Rehearsal, RehearsalSeed } from "./support";
import { callLines, EAST, inputs, rehearsal, siteSummary, stepLines, WEST } from "./support";

const EAST_CERT = "1E2A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C";
const WEST_CERT = "a909502dd82ae41433e6f83886b00d4277a32a7b";
const CERTIFICATE: RehearsalSeed = { certificates: { east: EAST_CERT, west: WEST_CERT.toUpperCase() } };

let r: Rehearsal | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

const site = (host: string, id: string, certificateThumbprint?: string) => ({
  collectionId: id,
  connection: { transport: "simulator", simulatorStateFile: "pair.json", simulatorHost: host },
  ...(certificateThumbprint ? { certificateThumbprint } : {}),
});

/** Creates the resource on east, then runs up with activeSite west; the error when it fails. */
async function moveWest(rh: Rehearsal, westCert?: string, eastCert?: string) {
  const sites = { east: site("east", EAST, eastCert), west: site("west", WEST, westCert) };
  const created = await rh.plugin.create((await rh.plugin.check({}, inputs(rh, "east", { sites }))).inputs);
  const checked = await rh.plugin.check({}, inputs(rh, "west", { sites }));
  expect(checked.failures).toEqual([]);
  return rh.plugin.update(created.id, created.outs, checked.inputs).then(
    (result) => ({ id: created.id, outs: result.outs, error: undefined }),
    (error: unknown) => ({ id: created.id, outs: undefined, error: error as PluginError }),
  );
}

/** The settings the reverse call carried. */
async function reverseSettingsSent(rh: Rehearsal): Promise<string> {
  const calls = (await rh.sim.calls()).filter((c) => c.method === "ReverseReplicationRelationship");
  expect(calls).toHaveLength(1);
  return String(calls[0]?.arguments.CollectionReplicationSettingData);
}

const settingsText = (auth: number, thumbprint: string | null) =>
  '<INSTANCE CLASSNAME="Msvm_CollectionReplicationSettingData">' +
  '<PROPERTY NAME="ReplicationInterval" TYPE="uint16"><VALUE>300</VALUE></PROPERTY>' +
  '<PROPERTY NAME="RecoveryConnectionPoint" TYPE="string"><VALUE>east-broker</VALUE></PROPERTY>' +
  '<PROPERTY NAME="PrimaryConnectionPoint" TYPE="string"><VALUE>west-broker</VALUE></PROPERTY>' +
  '<PROPERTY NAME="RecoveryServerPortNumber" TYPE="uint16"><VALUE>80</VALUE></PROPERTY>' +
  `<PROPERTY NAME="AuthenticationType" TYPE="uint16"><VALUE>${auth}</VALUE></PROPERTY>` +
  '<PROPERTY NAME="CompressionEnabled" TYPE="boolean"><VALUE>true</VALUE></PROPERTY>' +
  (thumbprint === null
    ? ""
    : `<PROPERTY NAME="CertificateThumbPrint" TYPE="string"><VALUE>${thumbprint}</VALUE></PROPERTY>`) +
  `<PROPERTY NAME="InstanceID" TYPE="string"><VALUE>Microsoft:${WEST}\\Replication</VALUE></PROPERTY>` +
  "</INSTANCE>";

const PLANNED = [
  "east: RequestStateChange(3) -> 4096",
  "east: RequestStateChange(3) -> 4096",
  "east: InitiatePlannedFailover -> 4096",
  "west: InitiateFailover -> 4096",
  "west: CommitFailover -> 4096",
  "west: ReverseReplicationRelationship -> 4096",
  "west: RequestStateChange(2) -> 4096",
  "west: RequestStateChange(2) -> 4096",
];

describe("a planned move under Kerberos", () => {
  it("sends the relationship's settings with the connection points swapped and nothing else changed", async () => {
    r = await rehearsal();
    const { error } = await moveWest(r);
    expect(error).toBeUndefined();
    expect(callLines(await r.sim.calls())).toEqual(PLANNED);
    expect(await reverseSettingsSent(r)).toBe(settingsText(1, null));
    const settingsLine =
      "ReverseReplicationRelationship settings: RecoveryConnectionPoint east-broker, PrimaryConnectionPoint west-broker";
    expect(r.plugin.stdout.filter((l) => l.includes("ReverseReplicationRelationship settings"))).toEqual([
      `[east+west] [west] checked before the first step: ${settingsLine}`,
      `[east+west] [west] ${settingsLine}`,
    ]);
  });
});

describe("a planned move under certificate authentication", () => {
  it("without west's own thumbprint is refused before east's VMs are turned off: no call at all", async () => {
    r = await rehearsal(CERTIFICATE);
    const { error } = await moveWest(r, undefined, EAST_CERT);
    expect(error?.details).toBe(
      "Invalid state: site west: the pair uses certificate authentication (AuthenticationType 2), and the reversed settings need the new primary's own certificate thumbprint, which the old settings do not hold. " +
        "A reverse that fails comes after the irreversible CommitFailover and leaves the VMs off on both sites, so the run stops here, before its next call " +
        "[collection 'east+west', host west (simulator)]. " +
        "Set sites.west.certificateThumbprint to the thumbprint of west's own Hyper-V Replica certificate (in Cert:\\LocalMachine\\My on its nodes; its subject names west's Replica Broker), then run again",
    );
    expect(callLines(await r.sim.calls())).toEqual([]);
    expect((await r.sim.collections()).map((c) => [c.replicationMode, c.replicationState])).toEqual([
      [1, 3],
      [2, 3],
    ]);
  });

  it("with it, moves and sends west's thumbprint, upper-cased, in place of east's", async () => {
    r = await rehearsal(CERTIFICATE);
    const { error, outs } = await moveWest(r, WEST_CERT, EAST_CERT);
    expect(error).toBeUndefined();
    expect(callLines(await r.sim.calls())).toEqual(PLANNED);
    expect(await reverseSettingsSent(r)).toBe(settingsText(2, WEST_CERT.toUpperCase()));
    expect(withoutProvider(outs ?? {})).toMatchObject({ runningSite: "west", pendingSteps: [] });
  });
});

describe("the state a failed reverse leaves: east prepared (11), west committed (6), VMs off on both", () => {
  async function seedFailedReverse(seed: RehearsalSeed = {}) {
    const rh = await rehearsal(seed);
    await rh.sim.setCollection(EAST, { replicationState: 11, failedOverReplicationType: 2 });
    await rh.sim.setCollection(WEST, { replicationState: 6, failedOverReplicationType: 2 });
    for (const vm of ["sql-a", "sql-b"]) await rh.sim.setVmState(EAST, vm, 3);
    return rh;
  }

  async function finish(rh: Rehearsal, westCert?: string) {
    const sites = { east: site("east", EAST), west: site("west", WEST, westCert) };
    const checked = await rh.plugin.check({}, inputs(rh, "west", { sites }));
    return rh.plugin.create(checked.inputs).then(
      (result) => ({ outs: result.outs, error: undefined }),
      (error: unknown) => ({ outs: undefined, error: error as PluginError }),
    );
  }

  it("the next run reverses with the turned-around settings and starts west's VMs", async () => {
    r = await seedFailedReverse();
    const { error } = await finish(r);
    expect(error).toBeUndefined();
    expect(callLines(await r.sim.calls())).toEqual([
      "west: ReverseReplicationRelationship -> 4096",
      "west: RequestStateChange(2) -> 4096",
      "west: RequestStateChange(2) -> 4096",
    ]);
    expect(await reverseSettingsSent(r)).toBe(settingsText(1, null));
  });

  it("under certificate authentication without west's thumbprint, it is refused without calling the reverse", async () => {
    r = await seedFailedReverse(CERTIFICATE);
    const { error } = await finish(r);
    expect(error?.details).toMatch(
      /^Invalid state: site west: the pair uses certificate authentication \(AuthenticationType 2\).* Set sites\.west\.certificateThumbprint to /,
    );
    expect(callLines(await r.sim.calls())).toEqual([]);
  });
});

describe("reprotect after a disaster: west committed and running, east back as a running primary", () => {
  async function seedReturned(rh: Rehearsal) {
    await rh.sim.setCollection(WEST, { replicationState: 6, failedOverReplicationType: 1 });
    for (const vm of ["sql-a", "sql-b"]) await rh.sim.setVmState(WEST, vm, 2);
  }

  async function reprotect(rh: Rehearsal, westCert?: string) {
    const sites = { east: site("east", EAST), west: site("west", WEST, westCert) };
    const checked = await rh.plugin.check({}, inputs(rh, "west", { sites, allowDataLoss: true }));
    return rh.plugin.create(checked.inputs).then(
      (result) => ({ outs: result.outs, error: undefined }),
      (error: unknown) => ({ outs: undefined, error: error as PluginError }),
    );
  }

  it("under certificate authentication without west's thumbprint: refused before east's VMs are turned off", async () => {
    r = await rehearsal(CERTIFICATE);
    await seedReturned(r);
    const { error } = await reprotect(r);
    expect(error?.details).toMatch(/^Invalid state: site west: the pair uses certificate authentication/);
    expect(callLines(await r.sim.calls())).toEqual([]);
    const east = await r.sim.collection(EAST);
    expect([east?.replicationMode, east?.replicationState, east?.members.map((m) => m.enabledState)]).toEqual(
      [1, 3, [2, 2]],
    );
  });

  it("with it: east is turned off and prepared, and west reverses to east with its own certificate", async () => {
    r = await rehearsal(CERTIFICATE);
    await seedReturned(r);
    const { error } = await reprotect(r, WEST_CERT);
    expect(error).toBeUndefined();
    expect(callLines(await r.sim.calls())).toEqual([
      "east: RequestStateChange(3) -> 4096",
      "east: RequestStateChange(3) -> 4096",
      "east: PrepareForReverseReplication -> 4096",
      "west: ReverseReplicationRelationship -> 4096",
    ]);
    expect(await reverseSettingsSent(r)).toBe(settingsText(2, WEST_CERT.toUpperCase()));
  });
});

describe("check", () => {
  let shared: Rehearsal;
  beforeAll(async () => {
    shared = await rehearsal();
  });
  afterAll(async () => shared?.close());

  it.each([
    [
      "spaces, as the certificate dialog shows it",
      "a9 09 50 2d d8 2a e4 14 33 e6 f8 38 86 b0 0d 42 77 a3 2a 7b",
    ],
    ["too short", "A909502DD82AE41433E6"],
    ["not hexadecimal", "Z909502DD82AE41433E6F83886B00D4277A32A7B"],
    ["not a string", 42],
  ])(
    "rejects a certificateThumbprint that is %s, naming the property and calling nothing",
    async (_n, value) => {
      r = await rehearsal();
      const sites = {
        east: site("east", EAST),
        west: { ...site("west", WEST), certificateThumbprint: value },
      };
      const checked = await r.plugin.check({}, inputs(r, "west", { sites }));
      expect(checked.failures).toEqual([
        {
          property: "sites.west.certificateThumbprint",
          reason: `${typeof value === "string" ? `'${value}'` : String(value)} is not a certificate thumbprint; use the 40 hexadecimal digits that Cert:\\LocalMachine\\My on this site's nodes shows as Thumbprint for its Hyper-V Replica certificate, without spaces`,
        },
      ]);
      expect(await r.sim.calls()).toEqual([]);
    },
  );
});

describe("after the reverse the new primary sends its first copy (ReplicationState 1 or 2) before it replicates", () => {
  it("the run waits for that job without calling anything again, then starts west's VMs", async () => {
    r = await rehearsal();
    await r.sim.setJobDuration("StartReplication", 3000);
    const { error, outs } = await moveWest(r);
    expect(error).toBeUndefined();
    expect(callLines(await r.sim.calls())).toEqual(PLANNED);
    expect(stepLines(outs ?? {})).toEqual([
      "east: StopVMs sql-a RequestStateChange Completed",
      "east: StopVMs sql-b RequestStateChange Completed",
      "east: InitiatePlannedFailover InitiatePlannedFailover Completed",
      "west: InitiateFailover InitiateFailover Completed",
      "west: CommitFailover CommitFailover Completed",
      "west: ReverseReplicationRelationship ReverseReplicationRelationship Completed",
      "west: WaitForJob JobType 94 Completed",
      "west: StartVMs sql-a RequestStateChange Completed",
      "west: StartVMs sql-b RequestStateChange Completed",
    ]);
    expect(siteSummary(outs ?? {}, "west")).toEqual({
      role: "primary",
      replicationStateName: "Replicating",
      vms: ["sql-a=Running", "sql-b=Running"],
    });
  });

  it("a new primary still in 2 with no job to follow is settled: its VMs are started, nothing else", async () => {
    r = await rehearsal();
    await r.sim.setCollection(WEST, { replicationMode: 1, replicationState: 2 });
    await r.sim.setCollection(EAST, { replicationMode: 2, replicationState: 2 });
    for (const vm of ["sql-a", "sql-b"]) await r.sim.setVmState(EAST, vm, 3);
    const created = await r.plugin.create((await r.plugin.check({}, inputs(r, "west"))).inputs);
    expect(callLines(await r.sim.calls())).toEqual([
      "west: RequestStateChange(2) -> 4096",
      "west: RequestStateChange(2) -> 4096",
    ]);
    expect(withoutProvider(created.outs)).toMatchObject({ runningSite: "west", pendingSteps: [] });
  });

  it("moving back to east meanwhile, even with allowDataLoss, waits for west to replicate, then is a planned move", async () => {
    r = await rehearsal();
    const rh = r;
    const moved = await moveWest(rh);
    // The move is done; west shows its first copy under way with no job to follow.
    await rh.sim.setCollection(WEST, { replicationState: 2 });
    const from = (await rh.sim.calls()).length;
    const created = { id: moved.id, outs: moved.outs ?? {} };
    const readsBefore = (await rh.sim.reads()).length;
    const checked = await rh.plugin.check({}, inputs(rh, "east", { allowDataLoss: true }));
    const moving = rh.plugin.update(created.id, created.outs, checked.inputs);
    // Two rounds of reading both sites at least: the planner has seen west in 2 and chose to wait.
    await until(async () => (await rh.sim.reads()).length > readsBefore + 30);
    expect(callLines(await rh.sim.calls(), from)).toEqual([]);
    await rh.sim.setCollection(WEST, { replicationState: 3 });
    const outs = (await moving).outs;
    expect(callLines(await rh.sim.calls(), from)).toEqual([
      "west: RequestStateChange(3) -> 4096",
      "west: RequestStateChange(3) -> 4096",
      "west: InitiatePlannedFailover -> 4096",
      "east: InitiateFailover -> 4096",
      "east: CommitFailover -> 4096",
      "east: ReverseReplicationRelationship -> 4096",
      "east: RequestStateChange(2) -> 4096",
      "east: RequestStateChange(2) -> 4096",
    ]);
    expect(withoutProvider(outs)).toMatchObject({
      runningSite: "east",
      lastChange: { path: "plannedMove", outcome: "completed" },
    });
  });
});

/** Polls `done` until it holds, for at most 10 s. */
async function until(done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the condition");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
