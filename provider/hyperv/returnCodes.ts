/**
 * What a return value outside the documented table is, and what to do about it.
 *
 * The ClusHyperV pages list, for every Msvm_CollectionReplicationService method (for example
 * msvm-collectionreplicationservice-initiatefailover.md, "Return value"): "Completed with No Error (0)", "Method
 * Parameters Checked - Job Started (4096)", "Failed (32768)", "Access Denied (32769)", "Not Supported (32770)",
 * "Status is unknown (32771)", "Timeout (32772)", "Invalid parameter (32773)", "System is in use (32774)", "Invalid
 * state for this operation (32775)", "Incorrect data type (32776)", "System is not available (32777)", "Out of memory
 * (32778)", "File not found (32779)". Msvm_ComputerSystem.RequestStateChange, used to start and stop member VMs,
 * lists 0, 4096 and 32768-32778.
 *
 * Nothing else is documented. The ranges below are the DMTF CIM convention for method return values (ValueMap
 * "0".."6", "..", "4096", "4097..32767", "32768..65535": DMTF Reserved, Method Reserved, Vendor Specific), which the
 * Msvm classes follow; reading an undocumented value by them is inferred.
 */
import { returnCodeName } from "./codes";

interface Table {
  readonly owner: string;
  readonly values: string;
}

const SERVICE: Table = {
  owner: "Msvm_CollectionReplicationService",
  values: "0, 4096 and 32768-32779",
};
const VM: Table = { owner: "Msvm_ComputerSystem.RequestStateChange", values: "0, 4096 and 32768-32778" };

/** The documented table the value was checked against: the VM's, for RequestStateChange on a VM. */
const tableFor = (method: string | undefined) => (method?.startsWith("RequestStateChange") ? VM : SERVICE);

/** Whether `value` is in the documented table of the method that returned it. */
export function isDocumented(value: number, method: string | undefined): boolean {
  const top = tableFor(method) === VM ? 32778 : 32779;
  return value === 0 || value === 4096 || (value >= 32768 && value <= top);
}

/** Where an undocumented value falls, by the CIM convention (inferred). */
function range(value: number): string {
  if (!Number.isInteger(value) || value < 0) return "not a uint32 at all, which a CIM method cannot return";
  if (value <= 6)
    return "in CIM's common codes (1 Not Supported, 2 Unknown, 3 Timeout, 4 Failed, 5 Invalid Parameter, 6 In Use)";
  if (value < 4096) return "in the range CIM reserves to the DMTF (7-4095)";
  if (value < 32768) return "in the range CIM reserves to each method (4097-32767)";
  if (value <= 65535)
    return "in the vendor range (32768-65535), so a Hyper-V code its documentation leaves out";
  const hex = `0x${value.toString(16).toUpperCase()}`;
  return value >= 0x80000000
    ? `${hex}, shaped like an HRESULT (0x8004xxxx is a WMI error), not a method return value`
    : `${hex}, above every range CIM defines for return values`;
}

/** The words in parentheses after the value: its documented name, or what an undocumented value is. */
export function describeReturnValue(value: number, method: string | undefined): string {
  if (isDocumented(value, method)) return returnCodeName(value);
  const table = tableFor(method);
  return `undocumented: ${table.owner} documents ${table.values}; ${value} is ${range(value)} (inferred from the CIM convention)`;
}

/** What to do after an undocumented value: the call's effect is unknown, so read the host before running again. */
export const UNDOCUMENTED_ADVICE =
  "Hyper-V's documentation does not say what this value means, so the call may or may not have changed something. Refresh the stack (pulumi refresh) to record the collection's real state, read the Microsoft-Windows-Hyper-V-VMMS-Admin event log on the host at the time of the call, then run again; if the value repeats, report it with the host's Windows version";
