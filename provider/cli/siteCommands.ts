/** `hyperv-replica-sim add-site`: a site of a two-cluster state file, for a relationship to be created towards. */
import { HyperVSimulator } from "../simulator";
import type { Command } from "./arguments";
import { option, UsageError } from "./arguments";

export const SITE_COMMANDS: Readonly<Record<string, Command>> = {
  "add-site": {
    usage: "<host> [--connection-point <name>]",
    summary:
      "Register a site (a host of its own cluster, and its Replica Broker's name, <host>-broker by default): a relationship created towards it makes the recovery-side group there, with the primary's CollectionID.",
    examples: [
      "add-site lifecycle/sites.json east",
      "add-site lifecycle/sites.json west --connection-point west-broker",
    ],
    positionals: ["host"],
    options: { "connection-point": { type: "string" } },
    needsFile: true,
    async run({ file, arg, values }) {
      const host = arg("host");
      if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(host))
        throw new UsageError(`add-site needs a host name, got '${host}'`);
      const connectionPoint = option(values, "connection-point");
      await new HyperVSimulator({ stateFile: file }).addSite({
        host,
        ...(connectionPoint !== undefined ? { connectionPoint } : {}),
      });
      return `Site ${host} added (connection point ${connectionPoint ?? `${host}-broker`})`;
    },
  },
};
