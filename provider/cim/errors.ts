/** Why a CIM call failed before any method return value could be read. */
export type CimErrorCategory =
  /** The host did not answer: DNS, connection refused, WinRM listener down, simulated outage. */
  | "unreachable"
  /** Authentication or authorization failed. */
  | "accessDenied"
  /** A CIM/WBEM error such as "The method call failed", with no return value. */
  | "wbem"
  /** The call did not finish within its operation timeout. */
  | "timeout"
  /** The local executable (PowerShell) is missing or broken. */
  | "environment"
  /** The implementation received something it could not understand. */
  | "protocol";

/** A failure of the CIM transport or protocol, as opposed to a method's return code. */
export class CimError extends Error {
  override readonly name = "CimError";

  /** The message already ends with what to do, so the category's general advice is not added to it. */
  readonly advised: boolean;

  constructor(
    readonly category: CimErrorCategory,
    message: string,
    readonly code?: number,
    options?: { cause?: unknown; advised?: boolean },
  ) {
    super(message, options);
    this.advised = options?.advised ?? false;
  }

  /** Whether retrying the same call later could succeed. */
  get transient(): boolean {
    return this.category === "unreachable" || this.category === "timeout";
  }
}
