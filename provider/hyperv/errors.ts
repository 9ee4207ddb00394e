import { CimError } from "../cim";
import { describeReturnValue, isDocumented, UNDOCUMENTED_ADVICE } from "./returnCodes";

/** Where an error happened, in the words a user knows. Never holds a secret. */
export interface ErrorContext {
  /** The collection's name (or id when the name is not known yet). */
  readonly collection?: string;
  /** The WMI method, for example `RevertFailover`. */
  readonly method?: string;
  /** Where calls went, for example `hv-replica01 (wsman)`. */
  readonly host?: string;
}

function where(context: ErrorContext): string {
  const parts = [
    context.collection !== undefined ? `collection '${context.collection}'` : undefined,
    context.method !== undefined ? `method ${context.method}` : undefined,
    context.host !== undefined ? `host ${context.host}` : undefined,
  ].filter((p) => p !== undefined);
  return parts.length > 0 ? ` [${parts.join(", ")}]` : "";
}

/** An error message: what went wrong, where, and what to do. */
export function compose(prefix: string, detail: string, context: ErrorContext, advice?: string): string {
  return `${prefix}: ${detail}${where(context)}${advice ? `. ${advice}` : ""}`;
}

/** The base of every error the Hyper-V layer raises. */
export class HyperVError extends Error {
  override name = "HyperVError";
  /** The method call this error ended, when one was made: what `lastOperation` reports. */
  operation?: OperationRecordLike;
  /** The out parameters of the call whose job this error ended, when the call returned any. */
  outParameters?: Readonly<Record<string, unknown>>;

  constructor(
    message: string,
    readonly context: ErrorContext,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The shape of `OperationRecord` (replicationService.ts), repeated here to keep this module a leaf. */
export interface OperationRecordLike {
  readonly method: string;
  readonly jobId: string | null;
  readonly jobState: string | null;
  readonly errorCode: number | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
}

/** Advice for a method's return value, where a fix is known. */
export const RETURN_CODE_ADVICE: Readonly<Record<number, string>> = {
  32768:
    "Hyper-V gave no reason; the Microsoft-Windows-Hyper-V-VMMS-Admin event log on the host has the details",
  32769:
    "The account needs Hyper-V administrator rights on the replica cluster: add it to 'Hyper-V Administrators' (or Administrators) on every node, then run again",
  32770:
    "The host does not support this operation on VM collections; it needs Windows Server 2016 or later with the root\\HyperVCluster\\v2 namespace",
  32771:
    "Hyper-V could not tell the outcome; refresh the stack to read the collection's real state, then run again",
  32772: "The host timed out; run again, and check the host's load if it repeats",
  32773:
    "Hyper-V rejected a parameter; check that recoveryPoint is the InstanceID of a recovery point of this collection, or use 'latest'",
  32774:
    "Another operation is using the collection or one of its VMs; wait for it to finish (the collection's Msvm_ConcreteJob in root/HyperVCluster/v2 shows it, and Get-VMReplication per VM), then run again",
  32775: "The collection is not in a state that allows this operation; refresh the stack to see its state",
  32776: "Hyper-V rejected an argument's data type; this is a defect in the provider, please report it",
  32777:
    "The Virtual Machine Management service or the node is not available; check vmms and the cluster, or point the connection at another node of the replica cluster",
  32778: "The host is out of memory; free memory on the replica node, then run again",
  32779:
    "A file of the collection's VMs is missing on the replica storage; check the replica VMs' storage paths",
};

/**
 * Advice where the method decides what a code means: ReverseReplicationRelationship's one parameter besides the
 * collection is its settings, and it comes after CommitFailover, so only the reverse remains to be run again;
 * SetFailoverNetworkAdapterSettings' parameters are a VM and its adapters' settings, not a recovery point.
 */
const METHOD_ADVICE: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  ReverseReplicationRelationship: {
    32773:
      "Hyper-V rejected the reversed replication settings: check that the RecoveryConnectionPoint sent (the run's log shows it) is the other site's Replica Broker and, under certificate authentication, that certificateThumbprint is the reversing site's own certificate; correct it and run again, the reverse is what remains",
  },
  SetFailoverNetworkAdapterSettings: {
    32773:
      "Hyper-V rejected the failover TCP/IP settings: check that the VM is a member of the replica collection on this host and that each adapter's settings name one of its network adapters, then run again",
  },
};

/** A replication method answered with a return value other than 0 or 4096. */
export class HyperVReturnCodeError extends HyperVError {
  override name = "HyperVReturnCodeError";

  constructor(
    readonly returnValue: number,
    context: ErrorContext,
    /** How many times the method was called, all with this answer (32774 is retried). */
    readonly attempts = 1,
    advice: string | undefined = isDocumented(returnValue, context.method)
      ? (METHOD_ADVICE[context.method ?? ""]?.[returnValue] ?? RETURN_CODE_ADVICE[returnValue])
      : UNDOCUMENTED_ADVICE,
  ) {
    super(
      compose(
        "Hyper-V refused the call",
        `${context.method ?? "the method"} returned ${returnValue} (${describeReturnValue(returnValue, context.method)})` +
          (attempts > 1 ? ` on all ${attempts} attempts` : ""),
        context,
        advice,
      ),
      context,
    );
  }
}

/** The collection does not exist on the host (or the name matches none). */
export class NotFoundError extends HyperVError {
  override name = "NotFoundError";

  constructor(what: string, context: ErrorContext, advice: string) {
    super(compose("Not found", what, context, advice), context);
  }
}

/** The name matched several collections: ElementName is not unique in Hyper-V. */
export class AmbiguousCollectionError extends HyperVError {
  override name = "AmbiguousCollectionError";

  constructor(
    readonly collectionIds: readonly string[],
    context: ErrorContext,
  ) {
    super(
      compose(
        "Ambiguous collection name",
        `${collectionIds.length} collections have this name (${collectionIds.join(", ")})`,
        context,
        "Set collectionId to the CollectionID of the one you mean",
      ),
      context,
    );
  }
}

/** The collection is in a state from which the requested change is not possible or not safe. */
export class InvalidStateError extends HyperVError {
  override name = "InvalidStateError";

  constructor(detail: string, advice: string, context: ErrorContext) {
    super(compose("Invalid state", detail, context, advice), context);
  }
}

/** A step would throw writes away and the program did not acknowledge that very loss: nothing was called. */
export class DataLossNotAcknowledgedError extends HyperVError {
  override name = "DataLossNotAcknowledgedError";

  constructor(detail: string, advice: string, context: ErrorContext) {
    super(compose("Data loss not acknowledged", detail, context, advice), context);
  }
}

/** The host could not be reached or refused the connection. */
export class HostError extends HyperVError {
  override name = "HostError";

  constructor(
    readonly cimError: CimError,
    context: ErrorContext,
    /** Set when contact was lost while waiting for this job: the job goes on, so the call must not be repeated. */
    readonly jobId?: string,
  ) {
    super(
      compose(
        HOST_ERROR_PREFIX[cimError.category],
        cimError.message,
        context,
        jobId !== undefined
          ? lostJobAdvice(jobId)
          : cimError.advised
            ? undefined
            : HOST_ERROR_ADVICE[cimError.category],
      ),
      context,
      { cause: cimError },
    );
  }

  get transient(): boolean {
    return this.cimError.transient;
  }
}

/**
 * Whether a failed call never left this machine: PowerShell is missing or broken, or the simulator's state file
 * cannot be written. Such an error is raised before anything is sent (the simulator writes its state before it
 * answers), so the host did not receive the call, and nothing may be recorded as done.
 */
export const neverSent = (error: unknown): boolean =>
  error instanceof HostError && error.cimError.category === "environment";

const HOST_ERROR_PREFIX: Readonly<Record<CimError["category"], string>> = {
  unreachable: "Cannot reach the host",
  accessDenied: "Access denied",
  wbem: "The CIM call failed",
  timeout: "The CIM call timed out",
  environment: "Cannot run the CIM call here",
  protocol: "Unexpected answer from the host",
};

const HOST_ERROR_ADVICE: Readonly<Record<CimError["category"], string | undefined>> = {
  unreachable: "Check the host name, that WinRM listens (Test-WSMan), and the firewall; then run again",
  accessDenied:
    "Check the username and password (hyperv-replica:password as secret config), the authentication mechanism, and that the account has Hyper-V administrator rights",
  wbem: "Hyper-V gave no return value; the Hyper-V-VMMS-Admin event log on the host has the details",
  timeout: "Run again; check the host's load if it repeats",
  environment: undefined,
  protocol: "This is likely a defect in the provider; please report it with the message above",
};

/** How to watch a job, then what to do: running again waits for the job instead of starting another. */
export function watchJob(jobId: string): string {
  return `watch it (Get-CimInstance -Namespace root/HyperVCluster/v2 Msvm_ConcreteJob -Filter "InstanceID='${jobId}'"), then run again: the provider waits for a running failover job instead of starting another`;
}

function lostJobAdvice(jobId: string): string {
  return `Contact was lost while waiting for job ${jobId}, which may still be running on the host. Once the host answers again (Test-WSMan, the firewall, the vmms service), ${watchJob(jobId)}`;
}

/** Wraps a CIM transport error with where it happened; other errors pass through. */
export function withContext(error: unknown, context: ErrorContext): unknown {
  if (error instanceof CimError) return new HostError(error, context);
  return error;
}
