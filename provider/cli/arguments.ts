/** The command line of `hyperv-replica-sim`: its shapes, and the parsing of option values. */
import type { ParseArgsConfig } from "node:util";
import {
  COLLECTION_MANAGEMENT,
  INHERITED_METHODS,
  JOB_METHODS,
  MANAGEMENT_JOB_METHODS,
  TRANSITIONS,
  type Fault,
  type HyperVSimulator,
} from "../simulator";

export const BIN = "hyperv-replica-sim";
/** The methods that start jobs: the replication and management services', and the VMs' RequestStateChange. */
export const JOB_STARTING_METHODS: readonly string[] = [
  ...JOB_METHODS,
  ...MANAGEMENT_JOB_METHODS,
  "RequestStateChange",
];
/**
 * Every method the simulated host answers: the replication and management services', a VM's or job's RequestStateChange, a job's
 * GetError(Ex), and a VM's shutdown component's InitiateShutdown.
 */
const ANSWERED_METHODS: readonly string[] = [
  ...TRANSITIONS.map((t) => t.method),
  ...COLLECTION_MANAGEMENT.map((row) => row.method),
  ...INHERITED_METHODS.filter((m) => m !== "RequestStateChange"),
  "RequestStateChange",
  "GetError",
  "GetErrorEx",
  "InitiateShutdown",
];

/** A mistake in the command line: the command's usage is printed and the exit code is 2. */
export class UsageError extends Error {}

export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Parsed {
  /** The state file, resolved against the working directory. */
  readonly file: string;
  /** A required positional after the state file, by name. */
  arg(name: string): string;
  /** An optional positional, or `undefined` when it was not given. */
  optionalArg(name: string): string | undefined;
  readonly values: Values;
}

export interface Command {
  /** What follows `hyperv-replica-sim <name> <stateFile>` in the usage line. */
  readonly usage: string;
  readonly summary: string;
  /** Command lines after `hyperv-replica-sim`, shown by `<command> --help`. */
  readonly examples?: readonly string[];
  readonly positionals?: readonly string[];
  readonly optional?: readonly string[];
  readonly options?: ParseArgsConfig["options"];
  /** Whether the state file must exist already. */
  readonly needsFile?: boolean;
  run(parsed: Parsed): Promise<string>;
}

export const option = (values: Values, key: string): string | undefined => {
  const value = values[key];
  return typeof value === "string" ? value : undefined;
};

export function integer(value: string, what: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max))
    throw new UsageError(`${what} must be a whole number from ${min} to ${max}, got '${value}'`);
  return n;
}

/** A number, or a name from `names` in any letter case. */
export function numberOrName(value: string, what: string, names: Readonly<Record<number, string>>): number {
  if (/^\d+$/.test(value) && names[Number(value)] !== undefined) return Number(value);
  const hit = Object.entries(names).find(([, name]) => name.toLowerCase() === value.toLowerCase());
  if (hit) return Number(hit[0]);
  const known = Object.entries(names).map(([n, name]) => `${name} (${n})`);
  throw new UsageError(`'${value}' is not a valid ${what}; use one of ${known.join(", ")}`);
}

/** `name[:vm,vm,...]` */
function collectionSpec(spec: string, recoveryPoints: number | undefined) {
  const colon = spec.indexOf(":");
  const name = colon < 0 ? spec : spec.slice(0, colon);
  const members =
    colon < 0
      ? []
      : spec
          .slice(colon + 1)
          .split(",")
          .filter((m) => m !== "");
  if (name.trim() === "") throw new UsageError(`--collection '${spec}' has no name; write name[:vm,vm,...]`);
  return { name, members, ...(recoveryPoints !== undefined ? { recoveryPoints } : {}) };
}

/** The collections `--collection` and `--recovery-points` ask for, checked before anything is written. */
export function seedSpecs(parsed: Parsed): ReturnType<typeof collectionSpec>[] {
  const points = option(parsed.values, "recovery-points");
  const recoveryPoints = points === undefined ? undefined : integer(points, "--recovery-points", 1, 1000);
  return ((parsed.values.collection as string[] | undefined) ?? []).map((spec) =>
    collectionSpec(spec, recoveryPoints),
  );
}

export async function seed(
  specs: readonly ReturnType<typeof collectionSpec>[],
  sim: HyperVSimulator,
): Promise<void> {
  for (const spec of specs) await sim.addCollection(spec);
}

export const seedOptions = {
  collection: { type: "string", multiple: true },
  "recovery-points": { type: "string" },
} as const;

/** FailedOverReplicationType as Hyper-V keeps it beside these states: Regular while failed over, Planned for 11. */
export const failedOverTypeFor = (state: number) =>
  [4, 5, 6, 16].includes(state) ? 1 : state === 11 ? 2 : 0;

export function faultTimes(values: Values): { times?: number | "always" } {
  const times = option(values, "times");
  if (times === undefined) return {};
  if (times === "always") return { times };
  return { times: integer(times, "--times (or 'always')", 1, 1_000_000) };
}

/** The options each fault kind reads (`--times` goes with every kind): any other is refused, not ignored. */
const FAULT_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  "return-code": ["code"],
  "job-fails": ["job-state", "error-code", "message"],
  "job-hangs": [],
  "wbem-error": ["message"],
  unreachable: ["host"],
  slow: ["delay-ms"],
};

function refuseForeignOptions(kind: string, values: Values): void {
  const takes = FAULT_OPTIONS[kind];
  if (takes === undefined) return; // the switch below names the kinds
  const foreign = Object.keys(values).filter((key) => key !== "times" && !takes.includes(key));
  if (foreign.length === 0) return;
  const allowed =
    takes.length > 0
      ? `it takes ${takes.map((k) => `--${k}`).join(", ")} and --times`
      : "it takes only --times";
  throw new UsageError(`fault ${kind} does not use ${foreign.map((k) => `--${k}`).join(", ")}; ${allowed}`);
}

export function faultFrom(kind: string, method: string | undefined, values: Values): Fault {
  const needMethod = (startsJob = false): string => {
    if (method === undefined) throw new UsageError(`fault ${kind} needs the method, such as RevertFailover`);
    if (!ANSWERED_METHODS.some((m) => m.toLowerCase() === method.toLowerCase())) {
      throw new UsageError(
        `the simulated host has no method '${method}'; use one of ${ANSWERED_METHODS.join(", ")}`,
      );
    }
    if (startsJob && !JOB_STARTING_METHODS.some((m) => m.toLowerCase() === method.toLowerCase())) {
      throw new UsageError(`only ${JOB_STARTING_METHODS.join(", ")} start jobs, not '${method}'`);
    }
    return method;
  };
  if ((kind === "unreachable" || kind === "slow") && method !== undefined) {
    throw new UsageError(`fault ${kind} applies to every call and takes no method`);
  }
  const number = (key: string, fallback: string | undefined, min: number, max: number) => {
    const value = option(values, key) ?? fallback;
    if (value === undefined) throw new UsageError(`fault ${kind} needs --${key}`);
    return integer(value, `--${key}`, min, max);
  };
  refuseForeignOptions(kind, values);
  const message = option(values, "message");
  switch (kind) {
    case "return-code":
      return { kind: "returnCode", method: needMethod(), code: number("code", undefined, 1, 65535) };
    case "job-fails":
      return {
        kind: "jobFails",
        method: needMethod(true),
        jobState: number("job-state", "10", 8, 10) as 8 | 9 | 10,
        errorCode: number("error-code", "32768", 1, 65535),
        errorDescription: message ?? "The simulated job failed.",
      };
    case "job-hangs":
      return { kind: "jobHangs", method: needMethod(true) };
    case "wbem-error":
      return { kind: "wbemError", method: needMethod(), ...(message !== undefined ? { message } : {}) };
    case "unreachable": {
      const host = option(values, "host");
      return host === undefined ? { kind: "unreachable" } : { kind: "unreachable", host };
    }
    case "slow":
      return { kind: "slow", delayMs: number("delay-ms", undefined, 0, 86_400_000) };
    default:
      throw new UsageError(
        `'${kind}' is not a fault; use return-code, job-fails, job-hangs, wbem-error, unreachable or slow`,
      );
  }
}

/**
 * `--host` names a site of a two-cluster file. A file of one cluster answers on every host name, so any name is
 * taken there; in a pair, a name that is neither site would wait for a session that never comes.
 */
export function refuseUnknownSite(host: string, collections: readonly { site?: string }[]): void {
  const sites = [...new Set(collections.flatMap((c) => (c.site === undefined ? [] : [c.site])))];
  if (sites.length === 0 || sites.some((s) => s.toLowerCase() === host.toLowerCase())) return;
  throw new UsageError(
    `--host '${host}' is not a site of this state file; its sites are ${sites.join(" and ")}`,
  );
}
