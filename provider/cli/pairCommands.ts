/** `hyperv-replica-sim init-pair`: a state file holding two clusters, a primary collection and its replica. */
import * as fs from "node:fs";
import * as path from "node:path";
import { HyperVSimulator } from "../simulator";
import type { Command, Values } from "./arguments";
import { BIN, integer, option, UsageError } from "./arguments";
import { collectionsTable } from "./format";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `host` or `host:CollectionID`. */
function side(values: Values, key: string, fallback: string): { host: string; id?: string } {
  const raw = option(values, key) ?? fallback;
  const [host = "", id, ...more] = raw.split(":");
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(host) || more.length > 0) {
    throw new UsageError(`--${key} must be a host name, optionally with :CollectionID, got '${raw}'`);
  }
  if (id !== undefined && !GUID.test(id)) {
    throw new UsageError(
      `--${key}: '${id}' is not a CollectionID; write a GUID such as 6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10`,
    );
  }
  return id === undefined ? { host } : { host, id };
}

export const PAIR_COMMANDS: Readonly<Record<string, Command>> = {
  "init-pair": {
    usage:
      "--name <collection> [--vm <name>]... [--primary <host[:id]>] [--replica <host[:id]>] [--recovery-points <n>] [--force]",
    summary:
      "Create the state file holding two clusters: the collection as Primary on one host (VMs running) and as Replica on the other. Open each with simulatorHost.",
    options: {
      name: { type: "string" },
      vm: { type: "string", multiple: true },
      primary: { type: "string" },
      replica: { type: "string" },
      "recovery-points": { type: "string" },
      force: { type: "boolean" },
    },
    examples: [
      "init-pair pair.json --name sql-cluster --vm sql-a --vm sql-b --primary east --replica west",
      "init-pair pair.json --name web --primary east:0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a --replica west --force",
    ],
    async run({ file, values }) {
      const name = option(values, "name");
      if (name === undefined) throw new UsageError("init-pair needs --name, the collection's name");
      const points = option(values, "recovery-points");
      const pair = {
        name,
        members: (values.vm as string[] | undefined) ?? [],
        primary: side(values, "primary", "site-a"),
        replica: side(values, "replica", "site-b"),
        ...(points !== undefined ? { recoveryPoints: integer(points, "--recovery-points", 0, 1000) } : {}),
      };
      if (pair.primary.host === pair.replica.host) {
        throw new UsageError(`--primary and --replica must name two hosts, both are '${pair.primary.host}'`);
      }
      if (fs.existsSync(file)) {
        if (values.force !== true) throw new Error(`${file} exists already; pass --force to start over`);
        fs.rmSync(file);
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const sim = new HyperVSimulator({ stateFile: file });
      await sim.init();
      await sim.addPair(pair);
      return `${collectionsTable(await sim.collections())}\nOpen each site with ${BIN} ... or connection { transport: "simulator", simulatorStateFile, simulatorHost }`;
    },
  },
};
