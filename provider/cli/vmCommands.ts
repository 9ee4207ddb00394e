/** `hyperv-replica-sim add-host-vms`: VMs that belong to no collection yet, for a VmGroup to take in as members. */
import { HyperVSimulator } from "../simulator";
import type { Command } from "./arguments";
import { option, UsageError } from "./arguments";
import { table } from "./format";

export const VM_COMMANDS: Readonly<Record<string, Command>> = {
  "add-host-vms": {
    usage: "<vm[,vm...]> [--site <host>]",
    summary:
      "Add VMs (Msvm_ComputerSystem, running) that belong to no collection, as a host has them before AddMember takes them into a VM group.",
    examples: ["add-host-vms drill/cluster.json sql-a,sql-b"],
    positionals: ["vms"],
    options: { site: { type: "string" } },
    needsFile: true,
    async run({ file, arg, values }) {
      const names = arg("vms")
        .split(",")
        .filter((n) => n !== "");
      if (names.length === 0) throw new UsageError("add-host-vms needs at least one VM name");
      const added = await new HyperVSimulator({ stateFile: file }).addVirtualMachines(
        names,
        option(values, "site"),
      );
      return table([["VM", "ID"], ...added.map((vm) => [vm.name, vm.id])]);
    },
  },
};
