/**
 * The member VMs of a collection (Msvm_CollectedVirtualSystems -> Msvm_ComputerSystem, whose Name is the VM GUID)
 * and their power state. Starting and turning them off is in vmPower.ts.
 */
import type { CimInstance, CimSession } from "../cim";
import { parseCimDateTime } from "../cim";
import { collectionRef } from "./collections";
import { CLASS, enabledStateName, replicationHealthName } from "./codes";
import type { ErrorContext } from "./errors";
import { withContext } from "./errors";

export interface MemberVm {
  /** Msvm_ComputerSystem.Name, the VM GUID. */
  readonly id: string;
  /** ElementName, the VM's name. */
  readonly name: string;
  readonly enabledState: number;
  /** `Running`, `Off`, `Saved`, ... */
  readonly enabledStateName: string;
  /** The per-VM ReplicationState (deprecated since 8.1, per the docs, but still read here), or null. */
  readonly replicationState: number | null;
  readonly replicationHealth: number | null;
  readonly replicationHealthName: string | null;
  /** TimeOfLastStateChange (clock ms): "The date and time when the enabled state of the element last changed." */
  readonly timeOfLastStateChange: number | null;
  /** OnTimeInMilliseconds: "the time, in milliseconds, since the machine was last turned on, reset, or restored". */
  readonly onTimeMs: number | null;
}

const num = (i: CimInstance, p: string) =>
  typeof i.properties[p] === "number" ? (i.properties[p] as number) : null;

/** A uint64 crosses the CIM seam as a decimal string (cim/types.ts); a number is taken as it is. */
function uint64(value: unknown): number | null {
  if (typeof value === "number") return value;
  return typeof value === "string" && /^\d+$/.test(value) ? Number(value) : null;
}

/**
 * The two documented Msvm_ComputerSystem times (HyperV_v2 msvm-computersystem.md) that say how long a VM has run:
 * what decides whether reverting its failover throws away writes (failover/dataLoss.ts). Null when not reported.
 */
export function runTimes(instance: CimInstance): Pick<MemberVm, "timeOfLastStateChange" | "onTimeMs"> {
  return {
    timeOfLastStateChange: parseCimDateTime(instance.properties.TimeOfLastStateChange) ?? null,
    onTimeMs: uint64(instance.properties.OnTimeInMilliseconds),
  };
}

export function toMemberVm(instance: CimInstance): MemberVm {
  const enabled = num(instance, "EnabledState") ?? 0;
  const health = num(instance, "ReplicationHealth");
  return {
    id: String(instance.properties.Name ?? ""),
    name: String(instance.properties.ElementName ?? ""),
    enabledState: enabled,
    enabledStateName: enabledStateName(enabled),
    replicationState: num(instance, "ReplicationState"),
    replicationHealth: health,
    replicationHealthName: health === null ? null : replicationHealthName(health),
    ...runTimes(instance),
  };
}

/** Member VMs from what Msvm_CollectedVirtualSystems returned, sorted by name so that outputs do not churn. */
export function toMembers(found: readonly CimInstance[]): MemberVm[] {
  return found.map(toMemberVm).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** The collection's member VMs, sorted by name so that outputs do not churn. */
export async function readMembers(
  session: CimSession,
  collectionId: string,
  context: ErrorContext,
): Promise<MemberVm[]> {
  try {
    const found = await session.associators(collectionRef(collectionId), {
      association: CLASS.collectedVirtualSystems,
      resultClass: CLASS.computerSystem,
    });
    return toMembers(found);
  } catch (error) {
    throw withContext(error, context);
  }
}
