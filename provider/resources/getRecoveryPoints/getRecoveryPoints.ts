import * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs, RecoveryPointOutput } from "../shared";

/** The arguments of {@link getRecoveryPoints}. */
export interface GetRecoveryPointsArgs {
  /** The collection's CollectionID (a GUID). Set this or `collectionName`. */
  collectionId?: string;
  /** The collection's name (ElementName), which must match exactly one collection. Set this or `collectionId`. */
  collectionName?: string;
  /**
   * A recovery point selector, as the resources take it: `latest`, `latest-application-consistent`, `before:<ISO 8601 time>` or an InstanceID. When set, `chosen` is the point it picks, the one a failover or test failover with this `recoveryPoint` would use; a selector that matches no point is refused, listing the points.
   */
  recoveryPoint?: string;
  /** How to reach the replica cluster. Without it, stack config `hyperv-replica:*` is used, then `local`. */
  connection?: ConnectionArgs;
}

/** The result of {@link getRecoveryPoints}. */
export interface GetRecoveryPointsResult {
  /** The collection's CollectionID. */
  readonly collectionId: string;
  /** The collection's name (ElementName). */
  readonly collectionName: string;
  /** Its recovery points (Msvm_CollectionRecoveryPoint), newest first. */
  readonly recoveryPoints: RecoveryPointOutput[];
  /** The point `recoveryPoint` picks; absent when `recoveryPoint` is not set. */
  readonly chosen?: RecoveryPointOutput;
}

/**
 * Lists a collection's recovery points, newest first, to choose a `recoveryPoint` from. It runs in the program's
 * own process (a dynamic-provider package has no plugin to invoke): it reads stack config `hyperv-replica:*` and
 * opens a session itself, through the same runtime the resources use. So the program's machine needs PowerShell (or
 * the simulator) and the credentials, at preview too, and `pulumi.runtime.setMocks` cannot intercept it; through the
 * native plugin, SDKs generated from schema.json call it as an Invoke instead (README, "Choosing the point").
 */
export async function getRecoveryPoints(args: GetRecoveryPointsArgs): Promise<GetRecoveryPointsResult> {
  // Loaded on first use, so that importing the package does not load PowerShell and the simulator.
  const { runtime } = require("../../doors/dynamic") as typeof import("../../doors/dynamic");
  runtime.configure((key: string) => pulumi.runtime.getConfig(key), Object.keys(pulumi.runtime.allConfig()));
  const invoke = runtime.functions.getRecoveryPoints;
  if (invoke === undefined) throw new Error("this package's runtime has no getRecoveryPoints function");
  return (await invoke({ ...args })) as unknown as GetRecoveryPointsResult;
}

/** {@link getRecoveryPoints} for arguments that are Pulumi inputs; the result is an Output. */
export function getRecoveryPointsOutput(args: {
  collectionId?: pulumi.Input<string>;
  collectionName?: pulumi.Input<string>;
  recoveryPoint?: pulumi.Input<string>;
  connection?: pulumi.Input<ConnectionArgs>;
}): pulumi.Output<GetRecoveryPointsResult> {
  return pulumi.output(args).apply((plain) => getRecoveryPoints(plain as GetRecoveryPointsArgs));
}
