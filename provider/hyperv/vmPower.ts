/**
 * Turning a collection's member VMs on and off: Msvm_ComputerSystem.RequestStateChange, one VM at a time, waiting
 * for each job. The ClusHyperV page documents RequestedState 2 Enabled and 3 Disabled, and the return values
 * 0 and 4096 (job started) with 32768-32778 as failures, the same as the replication service's methods.
 */
import type { CimSession } from "../cim";
import { CLASS } from "./codes";
import type { ErrorContext } from "./errors";
import { withContext } from "./errors";
import type { MethodOptions, MethodResult } from "./replicationService";
import { invokeThrough } from "./replicationService";
import type { SiteMember } from "./siteReads";

export const VmRequestedState = { Running: 2, Off: 3 } as const;
export type VmRequestedState = (typeof VmRequestedState)[keyof typeof VmRequestedState];

/** Asks one VM to start (2) or turn off (3) and waits for the job. */
export async function setVmState(
  session: CimSession,
  collectionName: string,
  vm: SiteMember,
  requested: VmRequestedState,
  options: MethodOptions,
): Promise<MethodResult> {
  const context: ErrorContext = {
    collection: collectionName,
    method: `RequestStateChange(${requested}) on VM ${vm.name}`,
    host: session.target,
  };
  try {
    const target = {
      className: CLASS.computerSystem,
      keys: { CreationClassName: CLASS.computerSystem, Name: vm.id },
    };
    return await invokeThrough(
      session,
      target,
      "RequestStateChange",
      { RequestedState: requested },
      context,
      options,
    );
  } catch (error) {
    throw withContext(error, context);
  }
}
