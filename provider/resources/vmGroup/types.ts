/**
 * Plain shapes of VmGroup's inputs and outputs, as the provider receives and returns them. The resource class
 * (vmGroup.ts) holds the field docs; schema.json carries the same words.
 */
import type { HostVm } from "../../hyperv";
import type { ConnectionInputs, PublicConnection } from "../../runtime/types";

export interface VmGroupInputs {
  name: string;
  members?: string[];
  jobTimeoutSeconds?: number;
  connection?: ConnectionInputs;
}

export interface VmGroupOutputs {
  collectionId: string;
  name: string;
  memberVms: HostVm[];
  members: string[];
  replicationState: number;
  hostSystemName: string | null;
  jobTimeoutSeconds: number;
  connection: PublicConnection | null;
}

/** The defaults Check fills in; `members` defaults to none (schema defaults are scalars, so it has no entry there). */
export const DEFAULTS = { jobTimeoutSeconds: 1800 } as const;
