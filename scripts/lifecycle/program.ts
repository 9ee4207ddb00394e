/**
 * examples/dr-lifecycle's program, run by run: what each `pulumi up` declares. Every resource takes the VmGroup's
 * collectionId output; both sites hold the group under that CollectionID once replication is enabled.
 */
import { collectionReplicationProvider } from "../../provider/resources/collectionReplication/provider";
import { collectionTestFailoverProvider } from "../../provider/resources/collectionTestFailover/provider";
import { replicaNetworksProvider } from "../../provider/resources/replicaNetworks/provider";
import { replicatedCollectionProvider } from "../../provider/resources/replicatedCollection/provider";
import { vmGroupProvider } from "../../provider/resources/vmGroup/provider";
import { serializeProvider, UNKNOWN } from "../../test/harness/plugin";
import type { Life } from "./run";

export interface Providers {
  readonly vmGroup: string;
  readonly replication: string;
  readonly networks: string;
  readonly drill: string;
  readonly sites: string;
}

export async function providers(): Promise<Providers> {
  return {
    vmGroup: await serializeProvider(vmGroupProvider),
    replication: await serializeProvider(collectionReplicationProvider),
    networks: await serializeProvider(replicaNetworksProvider),
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
    // The replica VMs' networks on west: drills on the isolated switch, and the addresses each VM takes after a failover.
    networks: {
      collectionId,
      connection: on("west"),
      defaults: {
        testFailoverSwitch: "Isolated",
        failoverIp: {
          ipv4SubnetMask: "255.255.255.0",
          ipv4DefaultGateway: "10.2.0.1",
          dnsServers: ["10.2.0.53"],
        },
      },
      virtualMachines: [
        { vm: "sql-a", failoverIp: { ipv4Address: "10.2.0.11" } },
        { vm: "sql-b", failoverIp: { ipv4Address: "10.2.0.12" } },
      ],
      __provider: p.networks,
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

interface VmNetworks {
  readonly name: string;
  readonly adapters: readonly {
    readonly testFailoverSwitch?: string | null;
    readonly failoverIp?: { readonly dhcpEnabled: boolean; readonly ipAddresses: readonly string[] } | null;
  }[];
}

/** Each replica VM's test switch and failover address, as ReplicaNetworks read them back. */
const describeNetworks = (value: unknown) =>
  (value as readonly VmNetworks[])
    .map((vm) =>
      vm.adapters
        .map(
          (a) =>
            `${vm.name} drills on ${a.testFailoverSwitch ?? "no switch"}, fails over as ${a.failoverIp && !a.failoverIp.dhcpEnabled ? a.failoverIp.ipAddresses.join(", ") : "DHCP"}`,
        )
        .join("; "),
    )
    .join("; ");

/** The switch each test VM came up on. */
const describeTestNetworks = (value: unknown) =>
  (value as readonly { name: string; adapters: readonly { switchName: string | null }[] }[])
    .map((vm) => `${vm.name} on ${vm.adapters.map((a) => a.switchName ?? "no switch").join(", ")}`)
    .join(", ");

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
        const networks = await life.up("sql-cluster-networks", program().networks);
        const drill = await life.up("sql-cluster-drill", program().drill);
        return [
          `ReplicaNetworks: ${describeNetworks(networks.networks)}`,
          `CollectionTestFailover: test collection ${String(drill.testCollectionName)} is up; ${describeTestNetworks(drill.testNetworks)}`,
        ];
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
        await life.remove("sql-cluster-networks");
        await life.remove("sql-cluster-sites");
        await life.remove("sql-cluster-replication");
        return [
          "the replica VMs' networks cleared (no test switch, DHCP after a failover)",
          "the VM group stays on east, and its replica VMs on west (RemoveReplicationRelationship leaves them)",
        ];
      },
    ],
  ];
}
