/**
 * The narrow CIM seam: the four operations the Hyper-V layer needs, as plain data. Two implementations stand behind
 * it: the PowerShell bridge (real hosts) and the simulator (tests and rehearsals).
 *
 * Values cross the seam as JSON-friendly data:
 * - CIM integers (uint8..uint32, sint*) are numbers; uint64 and sint64 travel as decimal strings so they stay exact;
 * - CIM datetimes are DMTF strings (`yyyymmddHHMMSS.mmmmmmsUUU`, or the interval form `ddddddddHHMMSS.mmmmmm:000`);
 * - a REF is a {@link CimRef}: the class name and the key properties.
 */

/** The namespace a session's calls go to unless they name another: Hyper-V's cluster-wide classes. */
export const HYPERV_CLUSTER_NAMESPACE = "root/HyperVCluster/v2";

/**
 * The host's own Hyper-V namespace. Documented (HyperV_v2 msvm-shutdowncomponent.md, Requirements): the class
 * Msvm_ShutdownComponent lives in "Root\\Virtualization\\V2"; the ClusHyperV pages list no such class.
 */
export const HYPERV_VIRTUALIZATION_NAMESPACE = "root/virtualization/v2";

/** The namespaces the seam may be asked for: a fixed list, so a namespace is always data and never free text. */
export const CIM_NAMESPACES = [HYPERV_CLUSTER_NAMESPACE, HYPERV_VIRTUALIZATION_NAMESPACE] as const;
export type CimNamespace = (typeof CIM_NAMESPACES)[number];

export type CimScalar = string | number | boolean;

/** A reference to one CIM instance: its class and key properties. */
export interface CimRef {
  readonly className: string;
  readonly keys: Readonly<Record<string, CimScalar>>;
}

export type CimValue = CimScalar | null | readonly CimScalar[] | CimRef;

export interface CimInstance {
  readonly className: string;
  readonly properties: Readonly<Record<string, CimValue>>;
}

/** Equality conditions on properties, joined with AND. The implementation turns them into a query safely. */
export type CimFilter = Readonly<Record<string, CimScalar>>;

/** Arguments of a method call. A REF argument is a CimRef; leaving a key out passes NULL. */
export type CimArguments = Readonly<Record<string, CimScalar | readonly CimScalar[] | CimRef>>;

export interface CimMethodResult {
  /** The method's uint32 return value. */
  readonly returnValue: number;
  /** Out parameters by name, for example `Job` as a CimRef. A NULL out parameter is absent. */
  readonly outParameters: Readonly<Record<string, CimValue>>;
}

export interface AssociatorOptions {
  /** The association class, for example `Msvm_AffectedJobElement`. */
  readonly association?: string;
  /** Only instances of this class, for example `Msvm_ConcreteJob`. */
  readonly resultClass?: string;
}

/** What a seam call may be given besides its arguments. */
export interface CimCallOptions {
  readonly signal?: AbortSignal;
  /** Where the call goes; {@link HYPERV_CLUSTER_NAMESPACE} when left out. */
  readonly namespace?: CimNamespace;
}

/**
 * One connection to one host's CIM, by default to its cluster namespace. Implementations throw {@link CimError} for transport and
 * protocol failures; a missing instance is `undefined` or an empty list, never an error.
 */
export interface CimSession {
  /** A short human description of where calls go, for messages: `hv-replica01 (wsman)`. Never holds a secret. */
  readonly target: string;
  query(className: string, filter?: CimFilter, options?: CimCallOptions): Promise<CimInstance[]>;
  get(ref: CimRef, options?: CimCallOptions): Promise<CimInstance | undefined>;
  /**
   * Several instances by key in one request: one entry per REF, in order, `undefined` where none matches. A job
   * watcher reads every job it follows this way, once per tick.
   */
  getMany(refs: readonly CimRef[], options?: CimCallOptions): Promise<(CimInstance | undefined)[]>;
  invoke(
    target: CimRef,
    method: string,
    args: CimArguments,
    options?: CimCallOptions,
  ): Promise<CimMethodResult>;
  associators(ref: CimRef, associators: AssociatorOptions, options?: CimCallOptions): Promise<CimInstance[]>;
  /** Releases what the session holds. Further calls are not allowed. */
  close(): Promise<void>;
  /**
   * Gets ready for a first call that is coming (a resource that uses this connection was just checked), without
   * calling the host: over PowerShell, starts a process. Optional; sessions with nothing to start omit it.
   */
  warm?(): void;
}

export function isCimRef(value: unknown): value is CimRef {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as CimRef).className === "string" &&
    typeof (value as CimRef).keys === "object" &&
    (value as CimRef).keys !== null
  );
}
