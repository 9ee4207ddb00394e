/**
 * examples/dr-lifecycle's program, run by run: what each `pulumi up` declares. Every resource takes the VmGroup's
 * collectionId output; both sites hold the group under that CollectionID once replication is enabled.
 */
import { collectionReplicationProvider } from "../../provider/resources/collectionReplication/provider";
import { collectionTestFailoverProvider } from "../../provider/resources/collectionTestFailover/provider";
import { replicatedCollectionProvider } from "../../provider/resources/replicatedCollection/provider";
import { vmGroupProvider } from "../../provider/resources/vmGroup/provider";
import { serializeProvider, UNKNOWN } from "../../test/harness/plugin";
import type { Life } from "./run";

export interface Providers {
  readonly vmGroup: string;
  readonly replication: string;
  readonly drill: string;
  readonly sites: string;
}

export async function providers(): Promise<Providers> {
  return {
    vmGroup: await serializeProvider(vmGroupProvider),
    replication: await serializeProvider(collectionReplicationProvider),
    drill: await serializeProvider(collectionTestFailoverProvider),
    sites: await serializeProvider(replicatedCollectionProvider),
  };
}

const on = (host: string) => ({
  transport: "simulator",
  simulatorStateFile: "sites.json",
  simulatorHost: host,
});

/** Each resource's inputs for a given CollectionID (the VmGroup's output, or unknown during the first preview). */
function declared(p: Providers, collectionId: string) {
  return {
    group: {
      name: "sql-cluster",
      members: ["sql-a", "sql-b"],
      connection: on("east"),
      __provider: p.vmGroup,
    },
    replication: {
      collectionId,
      recoveryConnectionPoint: "west-broker",
      replicationIntervalSeconds: 30,
      recoveryHistory: 4,
      recoverySide: { collectionId, connection: on("west") },
      removeRecoverySideOnDelete: true,
      connection: on("east"),
      __provider: p.replication,
    },
    drill: { collectionId, connection: on("west"), __provider: p.drill },
    sites: (activeSite: string) => ({
      sites: {
        east: { collectionId, connection: on("east") },
        west: { collectionId, connection: on("west") },
      },
      activeSite,
      __provider: p.sites,
    }),
  };
}

type Step = readonly [title: string, run: () => Promise<string[]>];

const site = (outs: Record<string, unknown>, name: string) => {
  const s = (outs.sites as Record<string, { role: string; replicationStateName: string | null }>)[name];
  return `${name} ${s?.role ?? "?"} (${s?.replicationStateName ?? "-"})`;
};

export function lifecyclePrograms(life: Life): Step[] {
  const p = life.providers;
  const id = () => String(life.outputs("sql-cluster").collectionId);
  const program = () => declared(p, id());
  const move = (activeSite: string) => async () => {
    const outs = await life.up("sql-cluster-sites", program().sites(activeSite));
    return [`running on ${String(outs.runningSite)}: ${site(outs, "east")}, ${site(outs, "west")}`];
  };
  return [
    [
      "pulumi preview #1: the VmGroup's collectionId is not known until it is created",
      async () => {
        const unknown = declared(p, UNKNOWN);
        const checked = [
          ["CollectionReplication", unknown.replication],
          ["CollectionTestFailover", unknown.drill],
          ["ReplicatedCollection", unknown.sites("east")],
        ] as const;
        return Promise.all(
          checked.map(async ([type, inputs]) => {
            await life.check(inputs);
            return `${type}: Check accepts the unknown collectionId; nothing is read or called until it is known`;
          }),
        );
      },
    ],
    [
      "pulumi up #1: the VM group on east, its replication to west, and the pair of sites",
      async () => {
        const group = await life.up("sql-cluster", declared(p, UNKNOWN).group);
        const replication = await life.up("sql-cluster-replication", program().replication);
        const sites = await life.up("sql-cluster-sites", program().sites("east"));
        const copy = replication.initialReplicationProgress as { percentComplete: number; jobState: string };
        return [
          `VmGroup sql-cluster: CollectionID ${String(group.collectionId)}`,
          `CollectionReplication: ${String(replication.replicationStateName)}; initial copy ${copy.jobState}, ${copy.percentComplete}%`,
          `ReplicatedCollection: ${site(sites, "east")}, ${site(sites, "west")}`,
        ];
      },
    ],
    [
      "pulumi up #2: a drill on west (a test failover)",
      async () => {
        // NETWORK STEP: the drill's isolated test network (the DR network resources) is declared here.
        const drill = await life.up("sql-cluster-drill", program().drill);
        return [`CollectionTestFailover: test collection ${String(drill.testCollectionName)} is up`];
      },
    ],
    [
      "pulumi up #3: the drill removed",
      async () => {
        await life.remove("sql-cluster-drill");
        return ["the test collection is gone; replication carried on"];
      },
    ],
    ["pulumi up #4: activeSite west (a planned move)", move("west")],
    ["pulumi up #5: activeSite east (failback)", move("east")],
    [
      "pulumi up #6: replication removed on both sides",
      async () => {
        await life.remove("sql-cluster-sites");
        await life.remove("sql-cluster-replication");
        return [
          "the VM group stays on east, and its replica VMs on west (RemoveReplicationRelationship leaves them)",
        ];
      },
    ],
  ];
}
