/**
 * How each VM can be turned off: whether its guest can be asked to shut down (Msvm_ShutdownComponent in
 * root\virtualization\v2, its OperationalStatus), or must be powered off hard. Reads only; vmShutdown.ts acts on
 * the answer, and cites the pages.
 */
import type { CimInstance, CimRef, CimSession } from "../cim";
import { HYPERV_VIRTUALIZATION_NAMESPACE } from "../cim";
import { EnabledState, enabledStateName } from "./codes";
import type { VmIdentity } from "./vmPower";

export const SHUTDOWN_COMPONENT = "Msvm_ShutdownComponent";
export const GUEST_WAY = "shut down (guest, Msvm_ShutdownComponent.InitiateShutdown)";
export const HARD_WAY = "power off (hard, RequestStateChange 3)";
/** OperationalStatus values with which the guest service answers (OK, Degraded). */
const ANSWERING = [2, 3];
/** The page's words for the OperationalStatus values with which it does not. */
const SILENT: Readonly<Record<number, string>> = {
  7: "Non-Recoverable Error: The guest does not support a compatible protocol version",
  12: "No Contact: The guest service is not installed or has not yet been contacted",
  13: "Lost Communication: The guest service is no longer responding normally",
};

/** How one VM will be turned off, and why a hard power off is needed where it is. */
export type StopWay =
  | { readonly vm: VmIdentity; readonly way: "guest"; readonly component: CimRef }
  | { readonly vm: VmIdentity; readonly way: "hard"; readonly why: string };

/** Reads, for each VM at once, whether its guest can be asked to shut down. Reads only: nothing is called. */
export function stopWays(session: CimSession, vms: readonly VmIdentity[]): Promise<StopWay[]> {
  return Promise.all(vms.map((vm) => stopWay(session, vm)));
}

async function stopWay(session: CimSession, vm: VmIdentity): Promise<StopWay> {
  if (vm.enabledState !== EnabledState.Running) {
    const state = `${enabledStateName(vm.enabledState)} (${vm.enabledState})`;
    return { vm, way: "hard", why: `it is ${state}, so its guest is not running to be asked` };
  }
  const found = await session.query(
    SHUTDOWN_COMPONENT,
    { SystemName: vm.id },
    { namespace: HYPERV_VIRTUALIZATION_NAMESPACE },
  );
  const [component] = found;
  const where = `${session.target} shows`;
  if (component === undefined)
    return {
      vm,
      way: "hard",
      why: `${where} no ${SHUTDOWN_COMPONENT} for it in root\\virtualization\\v2 (its Shutdown integration service is off, or it runs on another node of the cluster)`,
    };
  if (found.length > 1)
    return {
      vm,
      way: "hard",
      why: `${where} ${found.length} ${SHUTDOWN_COMPONENT} instances for it, not one`,
    };
  const status = operationalStatus(component);
  if (status !== undefined && !ANSWERING.includes(status))
    return {
      vm,
      way: "hard",
      why: `its ${SHUTDOWN_COMPONENT} has OperationalStatus ${status}${SILENT[status] ? ` (${SILENT[status]})` : ""}, so the guest would not hear the request`,
    };
  return { vm, way: "guest", component: componentRef(component) };
}

function operationalStatus(component: CimInstance): number | undefined {
  const status = component.properties.OperationalStatus;
  const first = Array.isArray(status) ? (status as unknown[])[0] : status;
  return typeof first === "number" ? first : undefined;
}

const componentRef = (component: CimInstance): CimRef => ({
  className: SHUTDOWN_COMPONENT,
  keys: { InstanceID: String(component.properties.InstanceID) },
});

/** The line a log or preview shows for one VM. */
export function describeWay(way: StopWay): string {
  return way.way === "guest"
    ? `VM '${way.vm.name}': ${GUEST_WAY}`
    : `VM '${way.vm.name}': ${HARD_WAY}: ${way.why}`;
}
