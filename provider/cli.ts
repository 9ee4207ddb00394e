#!/usr/bin/env node
/**
 * `hyperv-replica-sim`: seeds and inspects a simulator state file, so that a pipeline can rehearse a DR drill without
 * Hyper-V. Point a stack at the file with `hyperv-replica:transport simulator` and
 * `hyperv-replica:simulatorStateFile <file>`, run `pulumi up`, then read what the simulated host was asked to do.
 *
 * Exit codes: 0 done, 1 the operation failed (no such file or collection, ...), 2 the command line is wrong.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import {
  jobStateName,
  REPLICATION_MODE_NAMES,
  REPLICATION_STATE_NAMES,
  replicationModeName,
  replicationStateName,
} from "./hyperv/codes";
import { type Fault, HyperVSimulator, type SimCollection } from "./simulator";

const BIN = "hyperv-replica-sim";
const FAILOVER_METHODS = ["InitiateFailover", "RevertFailover", "CommitFailover"] as const;

/** A mistake in the command line: the command's usage is printed and the exit code is 2. */
class UsageError extends Error {}

type Values = Record<string, string | boolean | string[] | undefined>;

interface Parsed {
  /** The state file, resolved against the working directory. */
  readonly file: string;
  /** A required positional after the state file, by name. */
  arg(name: string): string;
  /** An optional positional, or `undefined` when it was not given. */
  optionalArg(name: string): string | undefined;
  readonly values: Values;
}

interface Command {
  /** What follows `hyperv-replica-sim <name> <stateFile>` in the usage line. */
  readonly usage: string;
  readonly summary: string;
  readonly positionals?: readonly string[];
  readonly optional?: readonly string[];
  readonly options?: ParseArgsConfig["options"];
  /** Whether the state file must exist already. */
  readonly needsFile?: boolean;
  run(parsed: Parsed): Promise<string>;
}

const json = { json: { type: "boolean" } } as const;
const print = (value: unknown) => JSON.stringify(value, null, 2);

const option = (values: Values, key: string): string | undefined => {
  const value = values[key];
  return typeof value === "string" ? value : undefined;
};

function integer(value: string, what: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max))
    throw new UsageError(`${what} must be a whole number from ${min} to ${max}, got '${value}'`);
  return n;
}

/** A number, or a name from `names` in any letter case. */
function numberOrName(value: string, what: string, names: Readonly<Record<number, string>>): number {
  if (/^\d+$/.test(value) && names[Number(value)] !== undefined) return Number(value);
  const hit = Object.entries(names).find(([, name]) => name.toLowerCase() === value.toLowerCase());
  if (hit) return Number(hit[0]);
  const known = Object.entries(names).map(([n, name]) => `${name} (${n})`);
  throw new UsageError(`'${value}' is not a ${what}; use one of ${known.join(", ")}`);
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

/** Left-aligned columns, two spaces apart. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

const stateText = (n: number) => `${replicationStateName(n)} (${n})`;

function collectionsTable(collections: readonly SimCollection[]): string {
  if (collections.length === 0) return "(no collections)";
  return table([
    ["COLLECTION", "ID", "REPLICATION STATE", "MODE", "MEMBERS"],
    ...collections.map((c) => [
      c.name,
      c.id,
      stateText(c.replicationState),
      replicationModeName(c.replicationMode),
      c.members.map((m) => m.name).join(", "),
    ]),
  ]);
}

async function seed(parsed: Parsed, sim: HyperVSimulator): Promise<void> {
  const points = option(parsed.values, "recovery-points");
  const recoveryPoints = points === undefined ? undefined : integer(points, "--recovery-points", 1, 1000);
  for (const spec of (parsed.values.collection as string[] | undefined) ?? []) {
    await sim.addCollection(collectionSpec(spec, recoveryPoints));
  }
}

const seedOptions = {
  collection: { type: "string", multiple: true },
  "recovery-points": { type: "string" },
} as const;

/** FailedOverReplicationType as Hyper-V keeps it beside these states: Regular while failed over, Planned for 11. */
const failedOverTypeFor = (state: number) => ([4, 5, 6, 16].includes(state) ? 1 : state === 11 ? 2 : 0);

function faultTimes(values: Values): { times?: number | "always" } {
  const times = option(values, "times");
  if (times === undefined) return {};
  if (times === "always") return { times };
  return { times: integer(times, "--times (or 'always')", 1, 1_000_000) };
}

function faultFrom(kind: string, method: string | undefined, values: Values): Fault {
  const needMethod = (startsJob = false): string => {
    if (method === undefined) throw new UsageError(`fault ${kind} needs the method, such as RevertFailover`);
    if (startsJob && !FAILOVER_METHODS.some((m) => m.toLowerCase() === method.toLowerCase())) {
      throw new UsageError(`only ${FAILOVER_METHODS.join(", ")} start jobs, not '${method}'`);
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
    case "unreachable":
      return { kind: "unreachable" };
    case "slow":
      return { kind: "slow", delayMs: number("delay-ms", undefined, 0, 86_400_000) };
    default:
      throw new UsageError(
        `'${kind}' is not a fault; use return-code, job-fails, job-hangs, wbem-error, unreachable or slow`,
      );
  }
}

const COMMANDS: Readonly<Record<string, Command>> = {
  init: {
    usage: "[--collection <name[:vm,vm,...]>]... [--recovery-points <n>] [--force]",
    summary:
      "Create the state file (and its folder) holding a replica cluster with these collections, in Replicating.",
    options: { ...seedOptions, force: { type: "boolean" } },
    async run(parsed) {
      if (fs.existsSync(parsed.file)) {
        if (parsed.values.force !== true) {
          throw new Error(`${parsed.file} exists already; pass --force to start over, or use '${BIN} add'`);
        }
        fs.rmSync(parsed.file);
      }
      fs.mkdirSync(path.dirname(parsed.file), { recursive: true });
      const sim = new HyperVSimulator({ stateFile: parsed.file });
      await sim.init();
      await seed(parsed, sim);
      return `Created ${parsed.file}\n${collectionsTable(await sim.collections())}`;
    },
  },
  add: {
    usage: "--collection <name[:vm,vm,...]>... [--recovery-points <n>]",
    summary: "Add collections, in Replicating, to an existing state file.",
    options: seedOptions,
    needsFile: true,
    async run(parsed) {
      if (parsed.values.collection === undefined) throw new UsageError("add needs at least one --collection");
      const sim = new HyperVSimulator({ stateFile: parsed.file });
      await seed(parsed, sim);
      return collectionsTable(await sim.collections());
    },
  },
  show: {
    usage: "[--json]",
    summary: "The collections with their ReplicationState and ReplicationMode.",
    options: json,
    needsFile: true,
    async run(parsed) {
      const collections = await new HyperVSimulator({ stateFile: parsed.file }).collections();
      if (parsed.values.json !== true) return collectionsTable(collections);
      return print(
        collections.map((c) => ({
          ...c,
          replicationStateName: replicationStateName(c.replicationState),
          replicationModeName: replicationModeName(c.replicationMode),
        })),
      );
    },
  },
  calls: {
    usage: "[--json]",
    summary: "Every WMI method call the simulated host received, in order.",
    options: json,
    needsFile: true,
    async run(parsed) {
      const sim = new HyperVSimulator({ stateFile: parsed.file });
      const calls = await sim.calls();
      if (parsed.values.json === true) return print(calls);
      if (calls.length === 0) return "(no calls)";
      const names = new Map((await sim.collections()).map((c) => [c.id.toLowerCase(), c.name]));
      return table([
        ["TIME", "CALL", "COLLECTION", "RESULT"],
        ...calls.map((c) => [
          new Date(c.at).toISOString(),
          `${c.className}.${c.method}`,
          (c.collectionId && names.get(c.collectionId.toLowerCase())) ?? c.collectionId ?? "",
          c.error !== undefined
            ? `error: ${c.error}`
            : `${c.returnValue}${c.jobId ? ` (job ${c.jobId})` : ""}`,
        ]),
      ]);
    },
  },
  jobs: {
    usage: "[--json]",
    summary: "The Msvm_ConcreteJobs that still exist, as they read now.",
    options: json,
    needsFile: true,
    async run(parsed) {
      const sim = new HyperVSimulator({ stateFile: parsed.file });
      const jobs = await sim.jobs();
      if (parsed.values.json === true) return print(jobs);
      if (jobs.length === 0) return "(no jobs)";
      const names = new Map((await sim.collections()).map((c) => [c.id.toLowerCase(), c.name]));
      return table([
        ["JOB", "METHOD", "COLLECTION", "STATE", "DONE", "ERROR"],
        ...jobs.map((j) => [
          j.instanceId,
          j.method,
          names.get(j.collectionId.toLowerCase()) ?? j.collectionId,
          `${jobStateName(j.jobState)} (${j.jobState})`,
          `${j.percentComplete}%`,
          j.errorCode === 0 ? "" : `${j.errorCode} ${j.errorDescription}`,
        ]),
      ]);
    },
  },
  "set-state": {
    usage: "<collection> <replicationState> [--mode <replicationMode>]",
    summary:
      "Change a collection behind Pulumi's back, as an operator would (drift drills). The state is a number or a name such as Recovered.",
    positionals: ["collection", "replicationState"],
    options: { mode: { type: "string" } },
    needsFile: true,
    async run({ file, arg, values }) {
      const replicationState = numberOrName(
        arg("replicationState"),
        "ReplicationState",
        REPLICATION_STATE_NAMES,
      );
      const mode = option(values, "mode");
      const changed = await new HyperVSimulator({ stateFile: file }).setCollection(arg("collection"), {
        replicationState,
        failedOverReplicationType: failedOverTypeFor(replicationState),
        ...(mode !== undefined
          ? { replicationMode: numberOrName(mode, "ReplicationMode", REPLICATION_MODE_NAMES) }
          : {}),
      });
      return collectionsTable([changed]);
    },
  },
  "job-duration": {
    usage: "<method|all> <milliseconds|never>",
    summary: "How long the jobs a failover method starts from now on take (defaults: 3000, 2000, 1500 ms).",
    positionals: ["method", "duration"],
    needsFile: true,
    async run({ file, arg }) {
      const ms = arg("duration") === "never" ? null : integer(arg("duration"), "the duration", 0, 86_400_000);
      const methods = arg("method") === "all" ? FAILOVER_METHODS : [arg("method")];
      const sim = new HyperVSimulator({ stateFile: file });
      for (const method of methods) {
        await sim.setJobDuration(method, ms).catch((error: unknown) => {
          throw error instanceof RangeError
            ? new UsageError(`${error.message}; use ${FAILOVER_METHODS.join(", ")} or all`)
            : error;
        });
      }
      return `${methods.join(", ")}: ${ms === null ? "jobs never finish" : `jobs take ${ms} ms`}`;
    },
  },
  fault: {
    usage:
      "<return-code|job-fails|job-hangs|wbem-error|unreachable|slow> [method] [--code <n>] [--job-state <8|9|10>] [--error-code <n>] [--message <text>] [--delay-ms <n>] [--times <n|always>]",
    summary: "Make the next calls fail, as a real host can: a return code, a failed or hung job, an outage.",
    positionals: ["kind"],
    optional: ["method"],
    options: {
      code: { type: "string" },
      "job-state": { type: "string" },
      "error-code": { type: "string" },
      message: { type: "string" },
      "delay-ms": { type: "string" },
      times: { type: "string" },
    },
    needsFile: true,
    async run({ file, arg, optionalArg, values }) {
      const fault = { ...faultFrom(arg("kind"), optionalArg("method"), values), ...faultTimes(values) };
      await new HyperVSimulator({ stateFile: file }).injectFault(fault);
      return `Added fault ${JSON.stringify(fault)}`;
    },
  },
  "clear-faults": {
    usage: "",
    summary: "Remove every pending fault.",
    needsFile: true,
    async run({ file }) {
      await new HyperVSimulator({ stateFile: file }).clearFaults();
      return "No faults pending";
    },
  },
};

const usageLine = (name: string, command: Command) => `${BIN} ${name} <stateFile> ${command.usage}`.trimEnd();

function usage(): string {
  const lines = Object.entries(COMMANDS).flatMap(([name, c]) => [
    `  ${usageLine(name, c)}`,
    `      ${c.summary}`,
  ]);
  return [
    `${BIN}: seed and inspect a Hyper-V simulator state file, to rehearse DR pipelines without Hyper-V.`,
    "",
    "Usage:",
    ...lines,
    "",
    "Point a stack at the file: pulumi config set hyperv-replica:transport simulator",
    "                           pulumi config set hyperv-replica:simulatorStateFile <stateFile>",
    "Exit codes: 0 done, 1 the operation failed, 2 the command line is wrong.",
  ].join("\n");
}

function parse(name: string, command: Command, argv: readonly string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: command.options ?? {},
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [stateFile, ...rest] = parsed.positionals;
  const required = command.positionals ?? [];
  const names = [...required, ...(command.optional ?? [])];
  if (stateFile === undefined) throw new UsageError(`${name} needs the state file`);
  if (rest.length < required.length) throw new UsageError(`${name} needs <${required[rest.length]}>`);
  if (rest.length > names.length) throw new UsageError(`unexpected argument '${rest[names.length]}'`);
  const optionalArg = (n: string) => {
    const index = names.indexOf(n);
    return index < 0 ? undefined : rest[index];
  };
  const arg = (n: string) => optionalArg(n) ?? "";
  return { file: path.resolve(stateFile), arg, optionalArg, values: parsed.values as Values };
}

/** Runs one command line; returns the exit code. */
export async function main(
  argv: readonly string[],
  out = process.stdout,
  err = process.stderr,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    (name === undefined ? err : out).write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    err.write(`${BIN}: '${name}' is not a command\n\n${usage()}\n`);
    return 2;
  }
  try {
    const parsed = parse(name, command, rest);
    if (command.needsFile && !fs.existsSync(parsed.file)) {
      throw new Error(`${parsed.file} does not exist; create it first: ${BIN} init ${parsed.file}`);
    }
    out.write(`${await command.run(parsed)}\n`);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) {
      err.write(`${BIN} ${name}: ${message}\nUsage: ${usageLine(name, command)}\n`);
      return 2;
    }
    err.write(`${BIN} ${name}: ${message}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
