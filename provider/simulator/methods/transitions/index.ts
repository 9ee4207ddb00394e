import { sameText } from "../../constants";
import { FAILOVER } from "./failover";
import { PLANNED_MOVE } from "./plannedMove";
import { RELATIONSHIP } from "./relationship";
import { STATISTICS } from "./statistics";
import { TEST_REPLICA } from "./testReplica";
import type { Transition } from "./types";

export type { Effect, Evidence, Requirement, Transition } from "./types";

/**
 * THE table of the simulator: what every method of Msvm_CollectionReplicationService does to a collection, one file
 * per method family. Each row says where its precondition and its result come from (see types.ts).
 */
export const TRANSITIONS: readonly Transition[] = [
  ...RELATIONSHIP,
  ...FAILOVER,
  ...PLANNED_MOVE,
  ...TEST_REPLICA,
  ...STATISTICS,
];

/** The three methods inherited from CIM_Service/CIM_EnabledLogicalElement; they act on the service itself. */
export const INHERITED_METHODS = ["RequestStateChange", "StartService", "StopService"] as const;

/** WMI method names are case-insensitive. */
export function transition(method: string): Transition | undefined {
  return TRANSITIONS.find((t) => sameText(t.method, method));
}

/** The methods whose calls start a job. */
export const JOB_METHODS: readonly string[] = TRANSITIONS.filter((t) => t.jobType !== undefined).map(
  (t) => t.method,
);
