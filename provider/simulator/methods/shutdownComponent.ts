/**
 * Msvm_ShutdownComponent in root\virtualization\v2: one per member VM that has one, and its InitiateShutdown.
 *
 * Documented (MicrosoftDocs/win32 HyperV_v2 msvm-shutdowncomponent.md): the class "provides a mechanism to shut down
 * the operating system of the virtual machine from the management interfaces on the host system"; its namespace is
 * "Root\Virtualization\V2"; InstanceID is its key; SystemName is "The unique identifier for the scoping virtual
 * machine"; DeviceID is "Microsoft:VMGUID\GUID" where "VMGUID is the Name property of the Msvm_ComputerSystem
 * instance associated with this device"; OperationalStatus 2 is OK and 12 No Contact, "The guest service is not
 * installed or has not yet been contacted". msvm-shutdowncomponent-initiateshutdown.md: InitiateShutdown(Force,
 * Reason) "Initiates an operating system shutdown operation on the associated child virtual machine. If zero (0) is
 * returned, then the shutdown was initiated successfully."; its return values include 32775 "Invalid state for
 * this operation" and 32782 "A system shutdown is in progress".
 *
 * Inferred: SystemName holds the VM's Name GUID; the GUID after the backslash (the same for every VM here); a VM
 * that is not Running answers 32775, and a second request while its guest shuts down 32782; the VM reads Running (2)
 * while its guest shuts down and Off (3) once the guest has, after GUEST_SHUTDOWN_MS (or setJobDuration's time).
 */
import type { CimArguments, CimInstance, CimMethodResult, CimRef } from "../../cim";
import { HYPERV_VIRTUALIZATION_NAMESPACE } from "../../cim";
import { argument, returnOnly } from "./args";
import type { ClassDef, RenderContext } from "../model/classes";
import { Cls, EnabledState, ReturnCode, sameText } from "../constants";
import { enabledStateOf } from "./members";
import { hostCollections, type SimState, type StoredCollection, type StoredMember } from "../store/state";

export const SHUTDOWN_METHOD = "InitiateShutdown";
/** How long a guest that shuts down takes, from InitiateShutdown to Off (inferred; real guests vary). */
export const GUEST_SHUTDOWN_MS = 5000;
const DEVICE_GUID = "9F8233AC-BE49-4C79-8EE3-E7E1985B2077";
const OPERATIONAL_OK = 2;
const SHUTDOWN_IN_PROGRESS = 32782;

const deviceId = (member: StoredMember) => `Microsoft:${member.id}\\${DEVICE_GUID}`;
const hasComponent = (member: StoredMember) => (member.guest ?? "shutsDown") !== "noComponent";

export function shutdownComponentInstance(member: StoredMember): CimInstance {
  return {
    className: Cls.shutdownComponent,
    properties: {
      InstanceID: deviceId(member),
      DeviceID: deviceId(member),
      SystemName: member.id,
      SystemCreationClassName: Cls.computerSystem,
      CreationClassName: Cls.shutdownComponent,
      ElementName: "Shutdown",
      Name: "Shutdown",
      EnabledState: EnabledState.enabled,
      OperationalStatus: [OPERATIONAL_OK],
    },
  };
}

function componentsOn(state: SimState, hostName: string | undefined) {
  const collections = hostName === undefined ? state.collections : hostCollections(state, hostName);
  return collections.flatMap((collection) =>
    collection.members.filter(hasComponent).map((member) => ({ collection, member })),
  );
}

export const SHUTDOWN_CLASS_DEF: ClassDef = {
  name: Cls.shutdownComponent,
  namespace: HYPERV_VIRTUALIZATION_NAMESPACE,
  keys: ["InstanceID"],
  properties: Object.keys(shutdownComponentInstance({ id: "", name: "" }).properties),
  ancestors: [
    "CIM_LogicalDevice",
    "CIM_EnabledLogicalElement",
    "CIM_LogicalElement",
    "CIM_ManagedSystemElement",
  ],
  instances: (state: SimState, ctx: RenderContext) =>
    componentsOn(state, ctx.hostName).map(({ member }) => shutdownComponentInstance(member)),
};

/** The VM whose component a REF names, on the host the call reached (on any host without `hostName`). */
export function componentOwner(
  state: SimState,
  ref: CimRef,
  hostName?: string,
): { collection: StoredCollection; member: StoredMember } | undefined {
  const key = Object.keys(ref.keys).find((k) => sameText(k, "InstanceID"));
  const id = key === undefined ? undefined : ref.keys[key];
  if (typeof id !== "string") return undefined;
  return componentsOn(state, hostName).find(({ member }) => sameText(deviceId(member), id));
}

/** InitiateShutdown; every other method of the component is 32770 Not Supported, as its page says of most. */
export function invokeShutdownComponent(
  state: SimState,
  ctx: RenderContext,
  ref: CimRef,
  method: string,
  args: CimArguments,
): CimMethodResult | undefined {
  const found = componentOwner(state, ref, ctx.hostName);
  if (!found) return undefined;
  if (!sameText(method, SHUTDOWN_METHOD)) return returnOnly(ReturnCode.notSupported);
  const force = argument(args, "Force");
  const reason = argument(args, "Reason");
  if (
    (force !== undefined && typeof force !== "boolean") ||
    (reason !== undefined && typeof reason !== "string")
  )
    return returnOnly(ReturnCode.invalidParameter);
  const { collection, member } = found;
  if (member.guestOffAt !== undefined) return returnOnly(SHUTDOWN_IN_PROGRESS);
  if (enabledStateOf(collection, member) !== EnabledState.enabled) return returnOnly(ReturnCode.invalidState);
  const takes = state.jobDurations[SHUTDOWN_METHOD];
  const shutsDown = (member.guest ?? "shutsDown") === "shutsDown" && takes !== null;
  if (shutsDown) member.guestOffAt = ctx.now + (takes ?? GUEST_SHUTDOWN_MS);
  return returnOnly(ReturnCode.completed);
}

/** Guests whose shutdown has had its time are Off now. */
/** Whether {@link settleGuests} has anything to do at `now`. */
export function guestsDue(state: SimState, now: number): boolean {
  return state.collections.some((c) =>
    c.members.some((m) => m.guestOffAt !== undefined && m.guestOffAt <= now),
  );
}

export function settleGuests(state: SimState, now: number): void {
  for (const member of state.collections.flatMap((c) => c.members)) {
    if (member.guestOffAt !== undefined && member.guestOffAt <= now) {
      member.enabledState = EnabledState.disabled;
      delete member.guestOffAt;
    }
  }
}
