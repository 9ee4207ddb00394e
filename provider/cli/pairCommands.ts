/** `hyperv-replica-sim init-pair`: a state file holding two clusters, a primary collection and its replica. */
import * as fs from "node:fs";
import * as path from "node:path";
import { HyperVSimulator } from "../simulator";
import type { Command, Values } from "./arguments";
import { BIN, integer, option, UsageError } from "./arguments";
import { collectionsTable } from "./format";

/** `host` or `host:CollectionID`. */
function side(values: Values, key: string, fallback: string): { host: string; id?: string } {
  const raw = option(values, key) ?? fallback;
  const [host = "", id] = raw.split(":");
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(host)) {
    throw new UsageError(`--${key} must be a host name, optionally with :CollectionID, got '${raw}'`);
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
    async run({ file, values }) {
      const name = option(values, "name");
      if (name === undefined) throw new UsageError("init-pair needs --name, the collection's name");
      if (fs.existsSync(file)) {
        if (values.force !== true) throw new Error(`${file} exists already; pass --force to start over`);
        fs.rmSync(file);
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const sim = new HyperVSimulator({ stateFile: file });
      await sim.init();
      const points = option(values, "recovery-points");
      await sim.addPair({
        name,
        members: (values.vm as string[] | undefined) ?? [],
        primary: side(values, "primary", "site-a"),
        replica: side(values, "replica", "site-b"),
        ...(points !== undefined ? { recoveryPoints: integer(points, "--recovery-points", 0, 1000) } : {}),
      });
      return `${collectionsTable(await sim.collections())}\nOpen each site with ${BIN} ... or connection { transport: "simulator", simulatorStateFile, simulatorHost }`;
    },
  },
};
