import { CimError } from "../../cim";
import { BUSY_RETURN_CODES, emptyState, type SimState } from "./state";

/**
 * Checks a state read from a file field by field, so that a hand-edited file that lost a field is reported with
 * the field's place in the file, not met later as a crash deep inside the simulator.
 */

type Kind = "string" | "number" | "boolean" | "array" | "object" | "number|null";

const COLLECTION: Readonly<Record<string, Kind>> = {
  id: "string",
  name: "string",
  replicationState: "number",
  replicationMode: "number",
  failedOverReplicationType: "number",
  members: "array",
  lastApplyTime: "number|null",
  lastApplyConsistencyLevel: "number",
};

const RECOVERY_POINT: Readonly<Record<string, Kind>> = {
  instanceId: "string",
  collectionId: "string",
  creationTime: "number|null",
  consistencyLevel: "number",
  virtualMachineIds: "array",
};

const JOB: Readonly<Record<string, Kind>> = {
  instanceId: "string",
  method: "string",
  jobType: "number",
  collectionId: "string",
  submittedAt: "number",
  durationMs: "number|null",
  timeBeforeRemovalMs: "number",
  cancellable: "boolean",
  hangs: "boolean",
  plannedEnd: "object",
  restore: "object",
};

const FAULT: Readonly<Record<string, Kind>> = { kind: "string" };

/** The lists a version 1 state holds, with the fields each of their entries needs. */
const LISTS = {
  collections: COLLECTION,
  recoveryPoints: RECOVERY_POINT,
  jobs: JOB,
  faults: FAULT,
} as const;

function hasKind(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "number|null":
      return value === null || typeof value === "number";
    default:
      return typeof value === kind;
  }
}

const describe = (value: unknown) => (value === undefined ? "missing" : JSON.stringify(value));

/** What is wrong with the state, as one sentence naming the place, or `undefined` when nothing is. */
function problem(state: Record<string, unknown>): string | undefined {
  if (state.version !== 1) return `"version" is ${describe(state.version)}, not 1`;
  for (const [list, fields] of Object.entries(LISTS)) {
    const entries = state[list];
    if (!Array.isArray(entries)) return `"${list}" is ${describe(entries)}, not a list`;
    for (const [index, entry] of entries.entries()) {
      if (!hasKind(entry, "object")) return `${list}[${index}] is ${describe(entry)}, not an object`;
      for (const [field, kind] of Object.entries(fields)) {
        const value = (entry as Record<string, unknown>)[field];
        if (!hasKind(value, kind)) {
          return `${list}[${index}].${field} is ${describe(value)}, not ${kind.replace("|", " or ")}`;
        }
      }
    }
  }
  if (!hasKind(state.jobDurations, "object")) {
    return `"jobDurations" is ${describe(state.jobDurations)}, not an object`;
  }
  const busy = state.busyReturnCode;
  if (busy !== undefined && !(BUSY_RETURN_CODES as readonly unknown[]).includes(busy)) {
    return `"busyReturnCode" is ${describe(busy)}, not 32774 or 32775`;
  }
  if (state.calls !== undefined && !Array.isArray(state.calls)) {
    return `"calls" is ${describe(state.calls)}, not a list`;
  }
  return undefined;
}

const REDO = "restore it from a copy, or start over with `hyperv-replica-sim init <file> --force`";

/**
 * Parses and checks a state file's text. `where` names the file in messages. A `calls` list, which older state
 * files held, is returned as is for the caller to move to the call log.
 * @throws CimError("environment") naming the file and what is wrong.
 */
export function parseStateFile(text: string, where: string): SimState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new CimError(
      "environment",
      `simulator state file ${where} is not valid JSON (${detail}); ${REDO}`,
      undefined,
      { cause },
    );
  }
  if (!hasKind(value, "object")) {
    throw new CimError("environment", `simulator state file ${where} holds no JSON object; ${REDO}`);
  }
  const wrong = problem(value as Record<string, unknown>);
  if (wrong !== undefined) {
    throw new CimError(
      "environment",
      `simulator state file ${where} is not a version 1 simulator state: ${wrong}; fix that field, or ${REDO}`,
    );
  }
  return { ...emptyState(), ...(value as Partial<SimState>) };
}
