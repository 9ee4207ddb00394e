/**
 * What a host says about a class, as `Get-CimClass` reads it: its properties, and its methods with their parameters.
 * `doctor` compares these with what the provider sends (hyperv/contract.ts), and `doctor --record` writes them out.
 */
import type { CimNamespace } from "./types";

/** A CIM type as Microsoft.Management.Infrastructure.CimType names it: `UInt32`, `String`, `Reference`, `StringArray`. */
export type CimTypeName = string;

export interface CimParameterDefinition {
  readonly name: string;
  readonly type: CimTypeName;
  /** For a Reference, the class it points to, when the host says (`ReferenceClassName`). */
  readonly referenceClass?: string;
  /** The `In` and `Out` qualifiers: a parameter may be both (an in/out Job). */
  readonly in: boolean;
  readonly out: boolean;
}

export interface CimMethodDefinition {
  readonly name: string;
  readonly returnType: CimTypeName;
  readonly parameters: readonly CimParameterDefinition[];
}

export interface CimPropertyDefinition {
  readonly name: string;
  readonly type: CimTypeName;
  readonly key: boolean;
}

export interface CimClassDefinition {
  readonly className: string;
  readonly superClassName: string | null;
  readonly namespace: string;
  readonly properties: readonly CimPropertyDefinition[];
  readonly methods: readonly CimMethodDefinition[];
}

/**
 * What the PowerShell that runs the CIM calls says about itself and the host: its version and edition, the
 * CimCmdlets module, the host's clock, and the account. Each is null where it cannot be read.
 */
export interface HostFacts {
  readonly psVersion: string | null;
  /** `Core` (PowerShell 7) or `Desktop` (Windows PowerShell 5.1); `Simulator` for the simulator. */
  readonly psEdition: string | null;
  /** The CimCmdlets module's version, or null when PowerShell has none. */
  readonly cimCmdlets: string | null;
  /** The host's clock (Win32_OperatingSystem.LocalDateTime) as ISO 8601 UTC, or null. */
  readonly hostTime: string | null;
  /** The account the calls run as, `DOMAIN\user`, when the PowerShell can tell. */
  readonly account: string | null;
  /**
   * Whether that account is in the host's Administrators (S-1-5-32-544) or Hyper-V Administrators (S-1-5-32-578)
   * group; null where the token cannot be read (over WinRM the token is on the host, not in this PowerShell).
   */
  readonly hyperVAdministrator: boolean | null;
}

/**
 * The reads `doctor` needs beyond the four of the seam. Optional on a session: a stand-in that does not answer them
 * makes doctor report the check as not run, never as passed.
 */
export interface CimIntrospection {
  /** Each class's definition in the namespace, in order; `undefined` where the host has no such class. */
  classes(names: readonly string[], namespace: CimNamespace): Promise<(CimClassDefinition | undefined)[]>;
  hostFacts(): Promise<HostFacts>;
}

export function canIntrospect(session: object): session is CimIntrospection {
  const s = session as Partial<CimIntrospection>;
  return typeof s.classes === "function" && typeof s.hostFacts === "function";
}
