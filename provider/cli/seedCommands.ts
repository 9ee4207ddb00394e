/**
 * Commands of `hyperv-replica-sim` that seed what a drill reads: recovery points, health, member VMs and how their
 * guests answer a shutdown request.
 */
import { GUEST_SHUTDOWNS, HyperVSimulator, type GuestShutdown, type StatisticsCounter } from "../simulator";
import type { Command, Values } from "./arguments";
import { integer, numberOrName, option, UsageError } from "./arguments";
import { collectionsTable, isoTime, table } from "./format";

const CONSISTENCY = { 0: "Unknown", 1: "Application", 2: "Crash", 3: "GroupCrash" } as const;
const HEALTH = { 0: "NotApplicable", 1: "Ok", 2: "Warning", 3: "Critical" } as const;
const ENABLED_STATE = { 2: "Running", 3: "Off", 6: "Saved", 9: "Paused" } as const;

const strings = (values: Values, key: string): string[] => (values[key] as string[] | undefined) ?? [];

/** `name=value` pairs of a repeated option, the value parsed by `parse`. */
function pairs<T>(values: Values, key: string, parse: (value: string, what: string) => T): [string, T][] {
  return strings(values, key).map((pair) => {
    const eq = pair.lastIndexOf("=");
    if (eq <= 0) throw new UsageError(`--${key} '${pair}' must be name=value`);
    return [pair.slice(0, eq), parse(pair.slice(eq + 1), `--${key} ${pair.slice(0, eq)}`)];
  });
}

export const SEED_COMMANDS: Readonly<Record<string, Command>> = {
  "add-point": {
    usage: "<collection> [--time <ISO 8601>] [--consistency <Application|Crash|GroupCrash|Unknown|0-3>]",
    summary: "Add a recovery point (default: now, crash-consistent) for every member VM of a collection.",
    positionals: ["collection"],
    options: { time: { type: "string" }, consistency: { type: "string" } },
    needsFile: true,
    async run({ file, arg, values }) {
      const time = option(values, "time");
      if (time !== undefined && Number.isNaN(Date.parse(time))) {
        throw new UsageError(`--time must be an ISO 8601 time such as 2026-01-01T10:00:00Z, got '${time}'`);
      }
      const level = option(values, "consistency");
      const sim = new HyperVSimulator({ stateFile: file });
      const point = await sim.addRecoveryPoint(arg("collection"), {
        ...(time !== undefined ? { creationTime: time } : {}),
        ...(level !== undefined
          ? { consistencyLevel: numberOrName(level, "ConsistencyLevel", CONSISTENCY) }
          : {}),
      });
      const points = await sim.recoveryPoints(point.collectionId);
      return table([
        ["RECOVERY POINT", "CREATED", "CONSISTENCY"],
        ...points
          .reverse()
          .map((p) => [
            p.instanceId,
            p.creationTime === null ? "(none)" : isoTime(p.creationTime),
            `${CONSISTENCY[p.consistencyLevel as 0] ?? "?"} (${p.consistencyLevel})`,
          ]),
      ]);
    },
  },
  health: {
    usage:
      "<collection> [--issue <text>]... [--no-issues] [--health <Ok|Warning|Critical|0-3>] [--vm-health <vm=Ok|Warning|Critical>]... [--stat <Counter=n>]... [--last-wal <ISO 8601>]",
    summary:
      "Seed what GetReplicationStatistics reports: health issues, ReplicationHealth, per-VM health, counters.",
    positionals: ["collection"],
    options: {
      issue: { type: "string", multiple: true },
      "no-issues": { type: "boolean" },
      health: { type: "string" },
      "vm-health": { type: "string", multiple: true },
      stat: { type: "string", multiple: true },
      "last-wal": { type: "string" },
    },
    needsFile: true,
    async run({ file, arg, values }) {
      const issues = values["no-issues"] === true ? [] : strings(values, "issue");
      const health = option(values, "health");
      const lastWal = option(values, "last-wal");
      if (lastWal !== undefined && Number.isNaN(Date.parse(lastWal))) {
        throw new UsageError(`--last-wal must be an ISO 8601 time, got '${lastWal}'`);
      }
      const sim = new HyperVSimulator({ stateFile: file });
      const changed = await sim.setHealth(arg("collection"), {
        ...(issues.length > 0 || values["no-issues"] === true ? { issues } : {}),
        ...(health !== undefined
          ? { replicationHealth: numberOrName(health, "ReplicationHealth", HEALTH) }
          : {}),
        vmHealth: Object.fromEntries(pairs(values, "vm-health", (v, what) => numberOrName(v, what, HEALTH))),
        statistics: Object.fromEntries(
          pairs(values, "stat", (v, what) => integer(v, what, 0, Number.MAX_SAFE_INTEGER)),
        ) as Partial<Record<StatisticsCounter, number>>,
        ...(lastWal !== undefined ? { lastWALReplicationTime: lastWal } : {}),
      });
      return collectionsTable([changed]);
    },
  },
  "add-vms": {
    usage: "<collection> <vm[,vm...]>",
    summary: "Add member VMs (Msvm_ComputerSystem) to a collection.",
    positionals: ["collection", "vms"],
    needsFile: true,
    async run({ file, arg }) {
      const names = arg("vms")
        .split(",")
        .filter((n) => n !== "");
      if (names.length === 0) throw new UsageError("add-vms needs at least one VM name");
      return collectionsTable([
        await new HyperVSimulator({ stateFile: file }).addMembers(arg("collection"), names),
      ]);
    },
  },
  "vm-state": {
    usage: "<collection> <vm> <Running|Off|Saved|Paused|2|3|6|9>",
    summary: "Start or stop a member VM behind Pulumi's back, as an operator would.",
    positionals: ["collection", "vm", "state"],
    needsFile: true,
    async run({ file, arg }) {
      const state = numberOrName(arg("state"), "EnabledState", ENABLED_STATE);
      const changed = await new HyperVSimulator({ stateFile: file }).setVmState(
        arg("collection"),
        arg("vm"),
        state,
      );
      return table([
        ["VM", "ID", "ENABLED STATE", "REPLICATION HEALTH"],
        ...changed.members.map((m) => [
          m.name,
          m.id,
          `${ENABLED_STATE[m.enabledState as 2] ?? "Other"} (${m.enabledState})`,
          `${HEALTH[m.replicationHealth as 1] ?? "?"} (${m.replicationHealth})`,
        ]),
      ]);
    },
  },
  "vm-guest": {
    usage: `<collection> <vm> <${GUEST_SHUTDOWNS.join("|")}>`,
    summary:
      "Set how a member VM's guest answers Msvm_ShutdownComponent.InitiateShutdown: it shuts down, never does, or the VM has no shutdown component.",
    positionals: ["collection", "vm", "guest"],
    needsFile: true,
    async run({ file, arg }) {
      const guest = arg("guest");
      if (!GUEST_SHUTDOWNS.includes(guest as GuestShutdown)) {
        throw new UsageError(`the guest must be one of ${GUEST_SHUTDOWNS.join(", ")}, got '${guest}'`);
      }
      const sim = new HyperVSimulator({ stateFile: file });
      await sim.setGuestShutdown(arg("collection"), arg("vm"), guest as GuestShutdown);
      return `VM '${arg("vm")}' of ${arg("collection")}: guest ${guest}`;
    },
  },
};
