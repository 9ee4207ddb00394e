/**
 * ReverseReplicationRelationship through the real plugin: the settings it sends are the relationship's turned around
 * (and, under certificate authentication, carry the new primary's own certificate), and a move whose reverse could
 * not be built is refused before its first call, also from the state a failed reverse leaves.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { PluginError } from "../harness/plugin";
import { withoutProvider } from "../harness/plugin";
import type { Rehearsal, RehearsalSeed } from "./support";
import { moveWest, PLANNED, site } from "./reverseSupport";
import { acknowledgementIn, callLines, EAST, inputs, rehearsal, sharePlugin, WEST } from "./support";

sharePlugin();

const EAST_CERT = "1E2A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C";
const WEST_CERT = "a909502dd82ae41433e6f83886b00d4277a32a7b";
const CERTIFICATE: RehearsalSeed = { certificates: { east: EAST_CERT, west: WEST_CERT.toUpperCase() } };

let r: Rehearsal | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

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

describe("a planned move under Kerberos", () => {
  it("sends the relationship's settings with the connection points swapped and nothing else changed", async () => {
    const rh = (r = await rehearsal());
    const { error } = await moveWest(rh);
    expect(error).toBeUndefined();
    expect(callLines(await rh.sim.calls())).toEqual(PLANNED);
    expect(await reverseSettingsSent(rh)).toBe(settingsText(1, null));
    const settingsLine =
      "ReverseReplicationRelationship settings: RecoveryConnectionPoint east-broker, PrimaryConnectionPoint west-broker";
    // The plugin's stdout arrives on its own pipe, possibly just after the gRPC reply.
    await vi.waitFor(() =>
      expect(
        rh.plugin.stdout.slice(rh.from).filter((l) => l.includes("ReverseReplicationRelationship settings")),
      ).toEqual([
        `[east+west] [west] checked before the first step: ${settingsLine}`,
        `[east+west] [west] ${settingsLine}`,
      ]),
    );
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

  it("with east's thumbprint given for west, only the host can tell, after the commit; fixed, the next run only reverses", async () => {
    r = await rehearsal(CERTIFICATE);
    const { id, error } = await moveWest(r, EAST_CERT, EAST_CERT);
    expect(error?.details).toBe(
      "Hyper-V refused the call: ReverseReplicationRelationship returned 32773 (Invalid parameter) [collection 'sql-cluster', method ReverseReplicationRelationship, host west (simulator)]. " +
        "Hyper-V rejected the reversed replication settings: check that the RecoveryConnectionPoint sent (the run's log shows it) is the other site's Replica Broker and, under certificate authentication, that certificateThumbprint is the reversing site's own certificate; correct it and run again, the reverse is what remains. " +
        "No site runs every VM of the group now (east: sql-a Off, sql-b Off; west: sql-a Off, sql-b Off): once the cause is dealt with, run again to carry on towards activeSite 'west'; the run waits first for any job still running, then takes the steps left",
    );
    expect(callLines(await r.sim.calls())).toEqual([
      ...PLANNED.slice(0, 5),
      "west: ReverseReplicationRelationship -> 32773",
    ]);
    const from = (await r.sim.calls()).length;
    const sites = { east: site(r, "east", EAST, EAST_CERT), west: site(r, "west", WEST, WEST_CERT) };
    const checked = await r.plugin.check({}, inputs(r, "west", { sites }));
    await r.plugin.update(id, error?.partial?.properties ?? {}, checked.inputs);
    expect(callLines(await r.sim.calls(), from)).toEqual(PLANNED.slice(5));
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
    const sites = { east: site(rh, "east", EAST), west: site(rh, "west", WEST, westCert) };
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

  /** East's VMs ran after west failed over (split brain): the run is acknowledged as the refusal asks, then made. */
  async function reprotect(rh: Rehearsal, westCert?: string) {
    const sites = { east: site(rh, "east", EAST), west: site(rh, "west", WEST, westCert) };
    const attempt = async (extra: Record<string, unknown>) => {
      const checked = await rh.plugin.check({}, inputs(rh, "west", { sites, ...extra }));
      return rh.plugin.create(checked.inputs).then(
        (result) => ({ outs: result.outs, error: undefined }),
        (error: unknown) => ({ outs: undefined, error: error as PluginError }),
      );
    };
    const first = await attempt({});
    if (!first.error?.details.startsWith("Data loss not acknowledged")) return first;
    return attempt({ acknowledgeDataLoss: [acknowledgementIn(first.error)] });
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
      "east: InitiateShutdown -> 0",
      "east: InitiateShutdown -> 0",
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
        east: site(r, "east", EAST),
        west: { ...site(r, "west", WEST), certificateThumbprint: value },
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
