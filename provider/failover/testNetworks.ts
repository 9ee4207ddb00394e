/**
 * The drill's network guard: a test copy must not come up on the switch the replica VMs use in production, where it
 * would take the same addresses and names as the VMs it copies. Reads the adapters (hyperv/networks) and refuses
 * before the call that would put a test VM there: before TestReplicaCollection when the replica's settings already
 * say so, and before starting test VMs when they are connected there.
 *
 * Documented (MicrosoftDocs/Virtualization-Documentation team-blog/2012/20120528-inject-ip-address-into-the-vm-during-
 * failover.md): "By default, the network settings under Test Failover is not-connected to any switch. Once the above
 * step is performed, when a test failover is invoked, the newly created VM will be connected to "Private Test
 * Network" switch"; it recommends that a test failover "is run in an isolated network". HyperV_v2
 * msvm-ethernetportallocationsettingdata.md: TestReplicaSwitchName "Specifies the display name of the virtual network
 * switch to which a connection will be allocated for the test replica system when it is created".
 *
 * Inferred: switch names compare without regard to case; "production" is any switch a replica VM's adapter is
 * connected to, so a test copy on the switch of another member VM is refused too.
 */
import type { CimSession } from "../cim";
import type { ErrorContext, MemberVm, VmAdapter } from "../hyperv";
import { InvalidStateError, readMembers, readVmAdapters } from "../hyperv";

/** One test VM's adapter that is, or would be, on a production switch. */
export interface NetworkClash {
  readonly vm: string;
  readonly adapter: string;
  readonly switchName: string;
}

/** For each test VM, its adapters and the switch each is connected to ("not connected" as null). */
export interface TestNetwork {
  readonly vmId: string;
  readonly name: string;
  readonly adapters: { readonly name: string; readonly switchName: string | null }[];
}

const ALLOW = "allowProductionNetwork";
/** A drill's checks look at switches only: the adapters' failover addresses are not read. */
const SWITCHES_ONLY = { failoverIp: false } as const;

/** The switches the given VMs' adapters are connected to, lower case. */
function switchesOf(members: readonly MemberVm[], adapters: ReadonlyMap<string, VmAdapter[]>): Set<string> {
  const connected = members.flatMap((m) => adapters.get(m.id.toLowerCase()) ?? []);
  return new Set(connected.flatMap((a) => (a.switchName === null ? [] : [a.switchName.toLowerCase()])));
}

/** The switches the replica VMs use in production, lower case. */
async function productionSwitches(session: CimSession, replicaId: string, context: ErrorContext) {
  const members = await readMembers(session, replicaId, context);
  const adapters = await readVmAdapters(
    session,
    members.map((m) => m.id),
    context,
    SWITCHES_ONLY,
  );
  return { members, adapters, switches: switchesOf(members, adapters) };
}

/** Each test VM with the switch of each of its adapters. */
function networksOf(members: readonly MemberVm[], adapters: ReadonlyMap<string, VmAdapter[]>): TestNetwork[] {
  return members.map((m) => ({
    vmId: m.id,
    name: m.name,
    adapters: (adapters.get(m.id.toLowerCase()) ?? []).map((a) => ({
      name: a.name,
      switchName: a.switchName,
    })),
  }));
}

function refusal(clashes: readonly NetworkClash[], detail: string, safeState: string, context: ErrorContext) {
  const list = clashes
    .map((c) => `VM '${c.vm}' adapter '${c.adapter}' on switch '${c.switchName}'`)
    .join("; ");
  return new InvalidStateError(
    `${detail}: ${list}, the switch the replica VMs use in production, so the test VMs would clash with them (same addresses, same names). ${safeState}`,
    `Give each adapter an isolated test-failover switch (ReplicaNetworks' testFailoverSwitch, or Set-VMNetworkAdapter -TestReplicaSwitchName on the replica host), or set ${ALLOW}: true to run the drill on the production network on purpose`,
    context,
  );
}

/** Refuses before TestReplicaCollection when a replica adapter's test-failover switch is a production switch. */
export async function refuseDrillOnProduction(
  session: CimSession,
  replicaId: string,
  allow: boolean,
  context: ErrorContext,
): Promise<void> {
  if (allow) return;
  const { members, adapters, switches } = await productionSwitches(session, replicaId, context);
  const clashes = members.flatMap((m) =>
    (adapters.get(m.id.toLowerCase()) ?? []).flatMap((a: VmAdapter) =>
      a.testSwitchName !== null && switches.has(a.testSwitchName.toLowerCase())
        ? [{ vm: m.name, adapter: a.name, switchName: a.testSwitchName }]
        : [],
    ),
  );
  if (clashes.length > 0)
    throw refusal(
      clashes,
      "Refused before TestReplicaCollection: the test copies would connect to a production switch",
      "Nothing was called: no test collection was made",
      context,
    );
}

/** The adapters of the VMs a run read, by VM id (lower case), for a later step of the same run. */
export type AdaptersRead = ReadonlyMap<string, VmAdapter[]>;

/**
 * What the test VMs (the test collection's members, as just read) are connected to, read after they exist. `read`:
 * this run's read of their adapters, made since the test VMs existed, used when it covers every member; starting a
 * VM does not change what its adapters are connected to, so the read made before starting them still holds after.
 */
export async function readTestNetworks(
  session: CimSession,
  members: readonly MemberVm[],
  context: ErrorContext,
  read?: AdaptersRead,
): Promise<TestNetwork[]> {
  const covered = read !== undefined && members.every((m) => read.has(m.id.toLowerCase()));
  const adapters = covered
    ? read
    : await readVmAdapters(
        session,
        members.map((m) => m.id),
        context,
        SWITCHES_ONLY,
      );
  return networksOf(members, adapters);
}

/**
 * Refuses to start test VMs of which an adapter is connected to a production switch; none is started. The test
 * VMs' adapters and the replica VMs' are read together: the host's adapter classes are read once, not twice. Returns
 * that read, for the outputs ({@link readTestNetworks}); undefined when production networks are allowed and nothing
 * was read.
 */
export async function refuseStartOnProduction(
  session: CimSession,
  replicaId: string,
  testId: string,
  allow: boolean,
  context: ErrorContext,
): Promise<AdaptersRead | undefined> {
  if (allow) return undefined;
  const [tests, replicas] = await Promise.all([
    readMembers(session, testId, context),
    readMembers(session, replicaId, context),
  ]);
  const ids = [...tests, ...replicas].map((m) => m.id);
  const adapters = await readVmAdapters(session, ids, context, SWITCHES_ONLY);
  const switches = switchesOf(replicas, adapters);
  const clashes = networksOf(tests, adapters).flatMap((vm) =>
    vm.adapters.flatMap((a) =>
      a.switchName !== null && switches.has(a.switchName.toLowerCase())
        ? [{ vm: vm.name, adapter: a.name, switchName: a.switchName }]
        : [],
    ),
  );
  if (clashes.length > 0)
    throw refusal(
      clashes,
      "Refused before starting the test VMs: they are connected to a production switch",
      "No test VM was started: the test collection stays, its VMs off; pulumi destroy (or RevertTestReplicaCollection) removes it",
      context,
    );
  return adapters;
}

/** The test VMs' networks as recorded, for preview: what each adapter is on, or that it is not connected. */
export function describeTestNetworks(networks: readonly TestNetwork[]): string | undefined {
  const parts = networks.flatMap((vm) =>
    vm.adapters.map(
      (a) =>
        `'${vm.name}' adapter '${a.name}' ${a.switchName === null ? "not connected" : `on switch '${a.switchName}'`}`,
    ),
  );
  return parts.length === 0 ? undefined : parts.join(", ");
}
