/**
 * schema.json and Diff agree on replacement. Codegen turns a property's `replaceOnChanges` into a resource option
 * that forces a replacement on any change of it, so the schema may mark a property only where Diff replaces the
 * resource for every change of it. A property that Diff replaces for some changes only (`sites`, by collection) or
 * never (`collectionName` of a CollectionFailover: a rename is an update) stays unmarked; Diff still asks for the
 * replacement itself where it is due.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime } from "../../provider/doors/dynamic";
import { HyperVSimulator } from "../../provider/simulator";
import { REPO_ROOT } from "../harness/plugin";

type Props = Record<string, unknown>;
interface PropertySpec {
  readonly replaceOnChanges?: boolean;
}
const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")) as {
  resources: Record<
    string,
    { inputProperties: Record<string, unknown>; properties: Record<string, PropertySpec> }
  >;
};

const SQL = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
const WEB = "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a";
const EAST = "1a2b3c4d-0000-4000-8000-00000000000e";
const WEST = "1a2b3c4d-0000-4000-8000-00000000000f";
const GROUP = "5e6f7a8b-0000-4000-8000-0000000000a1";
const OTHER_GROUP = "5e6f7a8b-0000-4000-8000-0000000000a2";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-replace-"));
let rt: ReturnType<typeof createRuntime>;
const sim = (file: string, host?: string) => ({
  transport: "simulator",
  simulatorStateFile: path.join(dir, file),
  ...(host ? { simulatorHost: host } : {}),
});

beforeAll(async () => {
  const cluster = new HyperVSimulator({ stateFile: path.join(dir, "cluster.json") });
  await cluster.init();
  await cluster.addCollection({ id: SQL, name: "sql-cluster", members: ["sql-a"] });
  await cluster.addCollection({ id: WEB, name: "web-tier", members: ["web-a"] });
  for (const [id, name] of [
    [GROUP, "payroll"],
    [OTHER_GROUP, "billing"],
  ] as const) {
    await cluster.addCollection({
      id,
      name,
      members: [`${name}-a`],
      replicationState: 0,
      replicationMode: 0,
    });
  }
  for (const method of ["CreateReplicationRelationship", "StartReplication"])
    await cluster.setJobDuration(method, 0);
  const pair = new HyperVSimulator({ stateFile: path.join(dir, "pair.json") });
  await pair.init();
  await pair.addPair({
    name: "app",
    members: ["app-a"],
    primary: { host: "east", id: EAST },
    replica: { host: "west", id: WEST },
  });
  await cluster.addVirtualMachines(["app-a", "app-b"]);
  rt = createRuntime({ log: () => undefined });
  rt.configure(() => undefined);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A program's inputs for each resource, and for each input property the changes a program could make to it. */
interface Case {
  readonly base: Props;
  readonly changes: Readonly<Record<string, readonly Change[]>>;
}
/** The program's new inputs, made from the base. */
type Change = (base: Props) => Props;
const set =
  (patch: Props): Change =>
  (base) => ({ ...base, ...patch });
/** Inputs that select the collection another way (by name instead of id). */
const whole =
  (inputs: Props): Change =>
  () =>
    inputs;

const byId = { collectionId: SQL, connection: sim("cluster.json") };
const byName = { collectionName: "sql-cluster", connection: sim("cluster.json") };
const jobAndConnection = {
  jobTimeoutSeconds: [set({ jobTimeoutSeconds: 99 })],
  connection: [set({ connection: { ...sim("cluster.json"), username: "CONTOSO\\other" } })],
};

const replicating = {
  collectionId: GROUP,
  recoveryConnectionPoint: "broker-west",
  connection: sim("cluster.json"),
};

const CASES: Readonly<Record<string, Case>> = {
  CollectionReplication: {
    base: replicating,
    changes: {
      collectionId: [set({ collectionId: OTHER_GROUP })],
      recoveryConnectionPoint: [set({ recoveryConnectionPoint: "broker-east" })],
      recoveryServerPort: [set({ recoveryServerPort: 8080 })],
      authentication: [set({ authentication: "certificate", certificateThumbprint: "A".repeat(40) })],
      certificateThumbprint: [set({ authentication: "certificate", certificateThumbprint: "B".repeat(40) })],
      compressionEnabled: [set({ compressionEnabled: false })],
      bypassProxyServer: [set({ bypassProxyServer: true })],
      replicationIntervalSeconds: [set({ replicationIntervalSeconds: 30 })],
      recoveryHistory: [set({ recoveryHistory: 4 })],
      applicationConsistentSnapshotIntervalHours: [set({ applicationConsistentSnapshotIntervalHours: 2 })],
      autoResynchronize: [set({ autoResynchronize: false })],
      autoResynchronizeWindowStart: [set({ autoResynchronizeWindowStart: "20:00" })],
      autoResynchronizeWindowEnd: [set({ autoResynchronizeWindowEnd: "05:00" })],
      includedDisks: [set({ includedDisks: ["Microsoft:disk-1"] })],
      initialReplication: [set({ initialReplication: "seeded" })],
      initialReplicationStartTime: [set({ initialReplicationStartTime: "2026-12-24T22:00:00Z" })],
      initialReplicationExportPath: [
        set({ initialReplication: "export", initialReplicationExportPath: "D:\\ir-export" }),
      ],
      paused: [set({ paused: true })],
      resynchronize: [set({ resynchronize: "whenNeeded" })],
      recoverySide: [set({ recoverySide: { collectionId: WEST } })],
      removeRecoverySideOnDelete: [
        set({ recoverySide: { collectionId: WEST }, removeRecoverySideOnDelete: true }),
      ],
      initialReplicationTimeoutSeconds: [set({ initialReplicationTimeoutSeconds: 99 })],
      ...jobAndConnection,
    },
  },
  CollectionFailover: {
    base: { ...byId, failoverState: "normal" },
    changes: {
      collectionId: [set({ collectionId: WEB })],
      collectionName: [whole({ ...byName, failoverState: "normal", collectionName: "web-tier" })],
      failoverState: [set({ failoverState: "failedOver" })],
      recoveryPoint: [set({ recoveryPoint: "before:2026-01-01T00:00:00Z" })],
      requireHealthy: [set({ requireHealthy: true })],
      startVirtualMachines: [set({ startVirtualMachines: false })],
      cancelJobOnTimeout: [set({ cancelJobOnTimeout: true })],
      acknowledgeDataLoss: [set({ acknowledgeDataLoss: [`revert-failover:${SQL}:2026-01-01T00:00:00Z`] })],
      rehearsalMinutes: [set({ rehearsalMinutes: 5 })],
      bootGroups: [set({ bootGroups: [{ virtualMachines: ["sql-a"], delaySeconds: 30 }] })],
      reportDirectory: [set({ reportDirectory: "dr-reports" })],
      ...jobAndConnection,
    },
  },
  CollectionTestFailover: {
    base: { ...byId, startVirtualMachines: false },
    changes: {
      collectionId: [set({ collectionId: WEB })],
      // Keyed by name, a new name is another collection: a new drill. Keyed by id, the name only follows it.
      collectionName: [
        whole({ ...byName, startVirtualMachines: false, collectionName: "web-tier" }),
        set({ collectionName: "sql-cluster" }),
      ],
      recoveryPoint: [set({ recoveryPoint: "before:2026-01-01T00:00:00Z" })],
      requireHealthy: [set({ requireHealthy: true })],
      startVirtualMachines: [set({ startVirtualMachines: true })],
      allowProductionNetwork: [set({ allowProductionNetwork: true })],
      cancelJobOnTimeout: [set({ cancelJobOnTimeout: true })],
      bootGroups: [set({ bootGroups: [{ virtualMachines: ["sql-a"] }] })],
      reportDirectory: [set({ reportDirectory: "dr-reports" })],
      ...jobAndConnection,
    },
  },
  ReplicatedCollection: {
    base: {
      sites: {
        east: { collectionId: EAST, connection: sim("pair.json", "east") },
        west: { collectionId: WEST, connection: sim("pair.json", "west") },
      },
      activeSite: "east",
    },
    changes: {
      sites: [
        set({
          sites: {
            east: { collectionId: EAST, connection: sim("pair.json", "east") },
            west: { collectionId: SQL, connection: sim("pair.json", "west") },
          },
        }),
        set({
          sites: {
            east: { collectionId: EAST, connection: { ...sim("pair.json", "east"), username: "dr" } },
            west: { collectionId: WEST, connection: sim("pair.json", "west") },
          },
        }),
      ],
      activeSite: [set({ activeSite: "west" })],
      shutdownTimeoutSeconds: [set({ shutdownTimeoutSeconds: 60 })],
      acknowledgeDataLoss: [
        set({ acknowledgeDataLoss: [`unplanned-failover:${WEST}:2026-01-01T00:00:00Z`] }),
      ],
      rehearsalMinutes: [set({ rehearsalMinutes: 5 })],
      recoveryPoint: [set({ recoveryPoint: "before:2026-01-01T00:00:00Z" })],
      commitFailover: [set({ commitFailover: true })],
      allowHardPowerOff: [set({ allowHardPowerOff: true })],
      allowDataLoss: [set({ allowDataLoss: true })],
      jobTimeoutSeconds: [set({ jobTimeoutSeconds: 99 })],
      bootGroups: [set({ bootGroups: [{ virtualMachines: ["app-a"] }] })],
      reportDirectory: [set({ reportDirectory: "dr-reports" })],
    },
  },
  ReplicaNetworks: {
    base: {
      collectionId: SQL,
      defaults: { testFailoverSwitch: "Isolated" },
      connection: sim("cluster.json"),
    },
    changes: {
      // Another collection's VMs: the new one gets the settings, then the old one's are cleared.
      collectionId: [set({ collectionId: WEB })],
      defaults: [set({ defaults: {} })],
      virtualMachines: [set({ virtualMachines: [{ vm: "sql-a", testFailoverSwitch: "Isolated" }] })],
      ...jobAndConnection,
    },
  },
  VmGroup: {
    base: { name: "app", members: ["app-a"], connection: sim("cluster.json") },
    changes: {
      // A rename and member changes are updates in place: the group keeps its CollectionID.
      name: [set({ name: "app-tier" })],
      members: [set({ members: ["app-a", "app-b"] }), set({ members: [] })],
      ...jobAndConnection,
    },
  },
};

type Name = keyof ReturnType<typeof createRuntime>["resources"];

/** The input properties whose every change Diff answers with a replacement of that property. */
async function alwaysReplacing(name: Name, c: Case): Promise<string[]> {
  const resource = rt.resources[name];
  const checked = await resource.check({}, c.base);
  expect(checked.failures ?? []).toEqual([]);
  const created = await resource.create(checked.inputs ?? c.base);
  const replacing: string[] = [];
  for (const [property, changes] of Object.entries(c.changes)) {
    const replaced = await Promise.all(
      changes.map(async (change) => {
        const diff = await resource.diff(created.id, created.outs ?? {}, change(c.base));
        return (diff.replaces ?? []).includes(property);
      }),
    );
    if (replaced.every(Boolean)) replacing.push(property);
  }
  return replacing.sort();
}

describe("replaceOnChanges in schema.json", () => {
  it.each(Object.keys(CASES) as Name[])(
    "%s: marks exactly the properties whose every change Diff replaces",
    async (name) => {
      const spec = schema.resources[`hyperv-replica:index:${name}`]!;
      const c = CASES[name]!;
      expect(Object.keys(c.changes).sort(), "a change for every input property").toEqual(
        Object.keys(spec.inputProperties).sort(),
      );
      const marked = Object.entries(spec.properties)
        .filter(([, p]) => p.replaceOnChanges === true)
        .map(([n]) => n)
        .sort();
      expect(marked).toEqual(await alwaysReplacing(name, c));
    },
  );
});
