/**
 * Msvm_CollectionManagementService: VM groups made, edited and destroyed. The ClusHyperV pages place the service and
 * each of its methods in namespace "Root\\HyperVCluster\\v2" (msvm-collectionmanagementservice.md, Requirements), the
 * namespace every session of this provider talks to by default; the same class also lives in root\virtualization\v2
 * (HyperV_v2 pages), which manages one host's own VMs. Each method is called on the singleton service; the group
 * goes in as a REF to its Msvm_VirtualSystemCollection ("[in] CIM_CollectionOfMSEs REF Collection") and a VM as a REF
 * to its Msvm_ComputerSystem ("[in] CIM_ManagedElement REF Member"). Every method returns 0 or 4096 with a Job ("This
 * parameter can be set to NULL if the job is complete"), else one of 32768-32779.
 */
import type { CimArguments, CimRef, CimSession } from "../cim";
import { isCimRef } from "../cim";
import type { Collection } from "./collections";
import { collectionRef, toCollection } from "./collections";
import { CLASS } from "./codes";
import type { ErrorContext } from "./errors";
import { HyperVReturnCodeError, NotFoundError, withContext } from "./errors";
import type { MethodOptions, MethodResult } from "./replicationService";
import { invokeThrough } from "./replicationService";
import { retryRead } from "./retry";
import { vmRef } from "./vmPower";

export const MANAGEMENT_SERVICE = "Msvm_CollectionManagementService";

/** DefineCollection's Type, documented: "Collection of Virtual Systems (0)", "Collection of Collections (1)". */
export const CollectionType = { VirtualSystems: 0 } as const;

export type ManagementMethod =
  "DefineCollection" | "AddMember" | "RemoveMember" | "RenameCollection" | "DestroyCollection";

const KEY_NAMES = ["CreationClassName", "Name", "SystemCreationClassName", "SystemName"];

/** Advice by method and return value, where this service's calls need other words than a failover's. */
const ADVICE: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  DefineCollection: {
    32768:
      "Hyper-V could not define the VM group; DefineCollection fails when its Id is in use (documented: 'The GUID must be unique, or the call will fail'): run again, the provider picks a new Id",
  },
  AddMember: {
    32773: "The VM or the VM group was not found on the host; refresh the stack and check the members",
    32775:
      "The VM cannot join this group now: it may already be in a VM group (Get-VM <name> | Select Groups shows it), or the group replicates; remove it from the other group, or remove the group's replication first",
  },
  RemoveMember: {
    32773: "The VM is not a member of this group on the host; refresh the stack to record its members",
    32775:
      "The group's membership cannot change now, for example while it replicates; remove the group's replication first (its CollectionReplication resource), then run again",
  },
  DestroyCollection: {
    32775:
      "The VM group cannot be destroyed in its state, for example while it replicates; remove its replication first (its CollectionReplication resource), then run again",
  },
};

/** The service's REF, with its key properties as the host lists them. */
export async function managementService(
  session: CimSession,
  context: ErrorContext,
  options: Pick<MethodOptions, "clock" | "readRetries" | "signal"> & {
    readonly progress: (l: string) => void;
  },
): Promise<CimRef> {
  const services = await retryRead(() => session.query(MANAGEMENT_SERVICE), {
    clock: options.clock,
    retries: options.readRetries,
    onRetry: (error, delay) =>
      options.progress(
        `${error.message}; reading ${MANAGEMENT_SERVICE} again in ${Math.round(delay / 1000)} s`,
      ),
    signal: options.signal,
  });
  const service = services[0];
  if (service === undefined) {
    throw new NotFoundError(
      `${MANAGEMENT_SERVICE} does not exist on this host`,
      context,
      "VM groups need Windows Server 2016 or later and the root\\HyperVCluster\\v2 namespace: point the connection at a node of the cluster",
    );
  }
  const keys = Object.fromEntries(
    KEY_NAMES.filter((k) => typeof service.properties[k] === "string").map((k) => [
      k,
      service.properties[k] as string,
    ]),
  );
  return { className: MANAGEMENT_SERVICE, keys };
}

/** Calls one method of the service and sees its job through; a refusal names the method and what to do. */
export async function callManagementMethod(
  session: CimSession,
  method: ManagementMethod,
  args: CimArguments,
  context: ErrorContext,
  options: MethodOptions,
): Promise<MethodResult> {
  const at: ErrorContext = { ...context, method, host: session.target };
  try {
    const service = await managementService(session, at, options);
    return await invokeThrough(session, service, method, args, at, options);
  } catch (error) {
    const advice = ADVICE[method]?.[(error as HyperVReturnCodeError).returnValue];
    if (error instanceof HyperVReturnCodeError && advice !== undefined) {
      throw new HyperVReturnCodeError(error.returnValue, at, error.attempts, advice);
    }
    throw withContext(error, at);
  }
}

/**
 * DefineCollection with an Id the provider chose, so that the group is known by that Id even if the answer is lost.
 * Returns the CollectionID of DefinedCollection when the host gave one, else the Id sent.
 */
export async function defineCollection(
  session: CimSession,
  request: { readonly name: string; readonly id: string },
  context: ErrorContext,
  options: MethodOptions,
): Promise<{ readonly id: string; readonly result: MethodResult }> {
  const args = { Name: request.name, Id: request.id, Type: CollectionType.VirtualSystems };
  const result = await callManagementMethod(session, "DefineCollection", args, context, options);
  const defined = result.outParameters.DefinedCollection;
  const id = isCimRef(defined) ? defined.keys.CollectionID : undefined;
  return { id: typeof id === "string" && id !== "" ? id : request.id, result };
}

export function membershipCall(
  session: CimSession,
  method: "AddMember" | "RemoveMember",
  collectionId: string,
  vmId: string,
  context: ErrorContext,
  options: MethodOptions,
): Promise<MethodResult> {
  const args = { Member: vmRef(vmId), Collection: collectionRef(collectionId) };
  return callManagementMethod(session, method, args, context, options);
}

export function renameCollection(
  session: CimSession,
  collectionId: string,
  newName: string,
  context: ErrorContext,
  options: MethodOptions,
): Promise<MethodResult> {
  const args = { Collection: collectionRef(collectionId), NewName: newName };
  return callManagementMethod(session, "RenameCollection", args, context, options);
}

export function destroyCollection(
  session: CimSession,
  collectionId: string,
  context: ErrorContext,
  options: MethodOptions,
): Promise<MethodResult> {
  return callManagementMethod(
    session,
    "DestroyCollection",
    { Collection: collectionRef(collectionId) },
    context,
    options,
  );
}

/** Every collection with this ElementName: names need not be unique (the docs: "not guaranteed to be unique"). */
export async function collectionsNamed(
  session: CimSession,
  name: string,
  context: ErrorContext,
): Promise<Collection[]> {
  try {
    return (await session.query(CLASS.collection, { ElementName: name })).map(toCollection);
  } catch (error) {
    throw withContext(error, context);
  }
}
