/** CollectionTestFailover's outputs, from what the host showed, and the record of the drill read back from them. */
import type { DrillRecord } from "../../failover/drillOwner";
import type { AdaptersRead } from "../../failover/testNetworks";
import { readTestNetworks } from "../../failover/testNetworks";
import type { CimSession } from "../../cim";
import type { Collection, MemberVm, OperationRecord, PointUsed } from "../../hyperv";
import { EnabledState, readMembers } from "../../hyperv";
import { publicConnection } from "../../runtime/connection";
import { virtualMachines } from "../../runtime/outputs";
import type { Props } from "../../runtime/resourceMethods";
import type { CollectionTestFailoverInputs, CollectionTestFailoverOutputs } from "./types";
import { DEFAULTS } from "./types";

export const SETTING_KEYS = [
  "recoveryPoint",
  "requireHealthy",
  "startVirtualMachines",
  "allowProductionNetwork",
  "jobTimeoutSeconds",
  "cancelJobOnTimeout",
] as const;

export function settings(inputs: CollectionTestFailoverInputs) {
  return {
    recoveryPoint: inputs.recoveryPoint ?? DEFAULTS.recoveryPoint,
    requireHealthy: inputs.requireHealthy ?? DEFAULTS.requireHealthy,
    startVirtualMachines: inputs.startVirtualMachines ?? DEFAULTS.startVirtualMachines,
    // A drill stays off the production network unless the program says otherwise (failover/testNetworks.ts).
    allowProductionNetwork: inputs.allowProductionNetwork ?? DEFAULTS.allowProductionNetwork,
    jobTimeoutSeconds: inputs.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
    cancelJobOnTimeout: inputs.cancelJobOnTimeout ?? DEFAULTS.cancelJobOnTimeout,
  };
}

/** What the run saw: the test collection, or only its recorded id while its job had not ended. */
export interface DrillSeen {
  readonly testId: string;
  readonly test: Collection | undefined;
  readonly lastOperation: OperationRecord | null;
  readonly recoveryPoint: PointUsed | null;
  readonly host: string | undefined;
  /** The test VMs' adapters, when this run read them after the test VMs existed (before starting them). */
  readonly adapters?: AdaptersRead;
  /** The test VMs, when this run read them after starting them. */
  readonly members?: readonly MemberVm[];
}

/**
 * The test VMs as the host shows them after the run's last call: as read after starting them, else read now; none
 * while the test collection is not there to read.
 */
export async function testMembers(session: CimSession, seen: DrillSeen): Promise<readonly MemberVm[]> {
  const { test } = seen;
  if (test === undefined) return [];
  return seen.members ?? readMembers(session, test.id, { collection: test.name, host: session.target });
}

/** `members`: the test VMs, read by {@link testMembers} after the run's last call. */
export async function drillOutputs(
  session: CimSession,
  inputs: CollectionTestFailoverInputs,
  replica: Pick<Collection, "id" | "name">,
  seen: DrillSeen,
  now: number,
  members: readonly MemberVm[],
): Promise<CollectionTestFailoverOutputs> {
  const { test } = seen;
  const context = { collection: test?.name ?? seen.testId, host: session.target };
  const testNetworks = test ? await readTestNetworks(session, members, context, seen.adapters) : [];
  return {
    collectionId: replica.id,
    collectionName: replica.name,
    testCollectionId: seen.testId,
    testCollectionName: test?.name ?? null,
    virtualMachines: virtualMachines(members),
    testNetworks,
    recoveryPointUsed: seen.recoveryPoint,
    lastOperation: seen.lastOperation,
    observedAt: new Date(now).toISOString(),
    hostSystemName: seen.host ?? null,
    ...settings(inputs),
    connection: publicConnection(inputs.connection),
  };
}

/** The ids the stack recorded: the test collection's own CollectionID, and the job this resource started. */
export function recordOf(id: string, props: Props): DrillRecord {
  const stored = props as Partial<CollectionTestFailoverOutputs>;
  const operation = stored.lastOperation;
  return {
    testCollectionId: typeof stored.testCollectionId === "string" ? stored.testCollectionId : id,
    jobId: operation?.method === "TestReplicaCollection" ? operation.jobId : null,
  };
}

/**
 * What a run of this resource left unfinished, as recorded: the test collection's job had not ended, or test VMs
 * it was asked to start are not running. Undefined when the drill is complete.
 */
export function unfinished(olds: Props): string | undefined {
  const stored = olds as Partial<CollectionTestFailoverOutputs>;
  if (stored.testCollectionName === null) {
    return `wait for TestReplicaCollection job ${String(stored.lastOperation?.jobId)}, which this resource started, then read test collection ${String(stored.testCollectionId)}`;
  }
  const off = (stored.virtualMachines ?? []).filter((vm) => vm.enabledState !== EnabledState.Running);
  if (stored.startVirtualMachines === true && off.length > 0) {
    return `start the test VMs ${off.map((vm) => `'${vm.name}'`).join(", ")}`;
  }
  return undefined;
}
