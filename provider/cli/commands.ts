/** The commands of `hyperv-replica-sim`, each with its usage, options and what it does. */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  jobStateName,
  REPLICATION_MODE_NAMES,
  REPLICATION_STATE_NAMES,
  replicationModeName,
  replicationStateName,
} from "../hyperv/codes";
import { HyperVSimulator } from "../simulator";
import type { Command } from "./arguments";
import {
  BIN,
  JOB_STARTING_METHODS,
  failedOverTypeFor,
  faultFrom,
  faultTimes,
  integer,
  numberOrName,
  option,
  seed,
  seedOptions,
  seedSpecs,
  refuseUnknownSite,
  UsageError,
} from "./arguments";
import { collectionsTable, json, print, table } from "./format";
import { PAIR_COMMANDS } from "./pairCommands";
import { SEED_COMMANDS } from "./seedCommands";
import { SITE_COMMANDS } from "./siteCommands";
import { VM_COMMANDS } from "./vmCommands";
export const COMMANDS: Readonly<Record<string, Command>> = {
  init: {
    usage: "[--collection <name[:vm,vm,...]>]... [--recovery-points <n>] [--force]",
    summary:
      "Create the state file (and its folder) holding a replica cluster with these collections, in Replicating.",
    options: { ...seedOptions, force: { type: "boolean" } },
    examples: [
      "init drill/cluster.json --collection sql-cluster:sql-a,sql-b --recovery-points 3",
      "init drill/cluster.json --collection web-tier --force",
    ],
    async run(parsed) {
      const specs = seedSpecs(parsed);
      if (fs.existsSync(parsed.file)) {
        if (parsed.values.force !== true) {
          throw new Error(`${parsed.file} exists already; pass --force to start over, or use '${BIN} add'`);
        }
        fs.rmSync(parsed.file);
      }
      fs.mkdirSync(path.dirname(parsed.file), { recursive: true });
      const sim = new HyperVSimulator({ stateFile: parsed.file });
      await sim.init();
      await seed(specs, sim);
      return `Created ${parsed.file}\n${collectionsTable(await sim.collections())}`;
    },
  },
  add: {
    usage: "--collection <name[:vm,vm,...]>... [--recovery-points <n>]",
    summary: "Add collections, in Replicating, to an existing state file.",
    examples: ["add drill/cluster.json --collection web-tier:web-a --recovery-points 2"],
    options: seedOptions,
    needsFile: true,
    async run(parsed) {
      if (parsed.values.collection === undefined) throw new UsageError("add needs at least one --collection");
      const specs = seedSpecs(parsed);
      const sim = new HyperVSimulator({ stateFile: parsed.file });
      await seed(specs, sim);
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
      if (parsed.values.json === true) {
        return print(
          jobs.map(({ submittedAt, finishedAt, ...job }) => ({
            ...job,
            submittedAt: new Date(submittedAt).toISOString(),
            finishedAt: finishedAt === undefined ? null : new Date(finishedAt).toISOString(),
          })),
        );
      }
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
    examples: [
      "set-state drill/cluster.json sql-cluster Recovered",
      "set-state drill/cluster.json sql-cluster 3 --mode Replica",
    ],
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
    summary:
      "How long the jobs a method starts from now on take (InitiateFailover 3000, RevertFailover 2000, CommitFailover 1500 ms, ...).",
    examples: [
      "job-duration drill/cluster.json InitiateFailover 10000",
      "job-duration drill/cluster.json all never",
    ],
    positionals: ["method", "duration"],
    needsFile: true,
    async run({ file, arg }) {
      const ms = arg("duration") === "never" ? null : integer(arg("duration"), "the duration", 0, 86_400_000);
      const methods = arg("method") === "all" ? JOB_STARTING_METHODS : [arg("method")];
      const sim = new HyperVSimulator({ stateFile: file });
      for (const method of methods) {
        await sim.setJobDuration(method, ms).catch((error: unknown) => {
          throw error instanceof RangeError
            ? new UsageError(`${error.message}; use ${JOB_STARTING_METHODS.join(", ")} or all`)
            : error;
        });
      }
      return `${methods.join(", ")}: ${ms === null ? "jobs never finish" : `jobs take ${ms} ms`}`;
    },
  },
  fault: {
    usage:
      "<return-code|job-fails|job-hangs|wbem-error|unreachable|slow> [method] [--code <n>] [--job-state <8|9|10>] [--error-code <n>] [--message <text>] [--delay-ms <n>] [--times <n|always>] [--host <name>]",
    summary: "Make the next calls fail, as a real host can: a return code, a failed or hung job, an outage.",
    examples: [
      "fault drill/cluster.json return-code RevertFailover --code 32775",
      "fault drill/cluster.json job-fails InitiateFailover --job-state 10 --message 'disk full'",
      "fault drill/cluster.json unreachable --times 2",
    ],
    positionals: ["kind"],
    optional: ["method"],
    options: {
      code: { type: "string" },
      "job-state": { type: "string" },
      "error-code": { type: "string" },
      message: { type: "string" },
      "delay-ms": { type: "string" },
      times: { type: "string" },
      host: { type: "string" },
    },
    needsFile: true,
    async run({ file, arg, optionalArg, values }) {
      const fault = { ...faultFrom(arg("kind"), optionalArg("method"), values), ...faultTimes(values) };
      const sim = new HyperVSimulator({ stateFile: file });
      if ("host" in fault && fault.host !== undefined) refuseUnknownSite(fault.host, await sim.collections());
      await sim.injectFault(fault);
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
  ...SEED_COMMANDS,
  ...PAIR_COMMANDS,
  ...VM_COMMANDS,
  ...SITE_COMMANDS,
};
