/**
 * CollectionTestFailover's diff, its preview lines and its refusals at preview. Every input change is carried out or
 * refused: a new replica collection, recovery point, or startVirtualMachines false (VMs left off) is a new drill
 * (a replacement); startVirtualMachines true starts the test VMs that are off; a new requireHealthy cannot apply to a
 * drill that is already up, so it is refused unless the drill is being replaced; the job settings and the
 * connection govern the calls still to come (destroy's), and are recorded after a re-read.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { BootGroup } from "../../failover/bootOrder";
import { describeBootOrder, testCopyName } from "../../failover/bootOrder";
import type { TestNetwork } from "../../failover/testNetworks";
import { describeTestNetworks } from "../../failover/testNetworks";
import { recordedVmNames, refuseUnknownRecordedVms } from "../../runtime/bootGroups";
import { withoutPassword } from "../../runtime/mergeConnection";
import type { Props } from "../../runtime/resourceMethods";
import type { CheckFailure } from "../../runtime/rules";
import type { ConnectionInputs } from "../../runtime/types";
import { UNKNOWN } from "../../runtime/types";
import { SETTING_KEYS, unfinished } from "./outputs";
import { DEFAULTS } from "./types";

export function diffTestFailover(olds: Props, news: Props, log: (line: string) => void): dynamic.DiffResult {
  const replaces = replacements(olds, news);
  const name = String(olds.collectionName ?? olds.collectionId);
  const at = { collection: name, observedAt: olds.observedAt };
  // The test VMs as last read carry " - Test" after the replica VMs' names the program uses.
  refuseUnknownRecordedVms(news.bootGroups, recordedVmNames(olds.virtualMachines), at, testCopyName);
  if (replaces.length > 0) {
    log(replaceLine(olds, news, replaces));
    return { changes: true, replaces, deleteBeforeReplace: true };
  }
  const settingsChanged = SETTING_KEYS.some((k) => news[k] !== olds[k]) || connectionChanged(olds, news);
  const todo = unfinished({
    ...olds,
    startVirtualMachines: news.startVirtualMachines ?? olds.startVirtualMachines,
  });
  if (todo !== undefined) {
    log(
      `[${name}] will ${todo}${bootOrder(news)}, as recorded at ${String(olds.observedAt ?? "the last refresh")}; preview with --refresh to plan from the host now`,
    );
    const networks = describeTestNetworks((olds.testNetworks ?? []) as TestNetwork[]);
    // A test VM on a production switch is refused at start unless allowProductionNetwork (failover/testNetworks.ts).
    if (networks !== undefined) log(`[${name}] the test VMs' networks as recorded: ${networks}`);
  } else if (settingsChanged) {
    log(
      `[${name}] will re-read test collection '${String(olds.testCollectionName)}' and record the new settings; nothing is called`,
    );
  }
  return { changes: settingsChanged || todo !== undefined, replaces: [], deleteBeforeReplace: true };
}

/**
 * Check's refusal of a change that cannot apply to a drill already up: requireHealthy only governs the call that
 * makes a drill. Allowed when the same change replaces the drill, since the new one is made with it.
 */
export function refuseUnappliable(olds: Props, news: Props): CheckFailure[] {
  if (Object.keys(olds).length === 0 || replacements(olds, news).length > 0) return [];
  const before = olds.requireHealthy ?? DEFAULTS.requireHealthy;
  const after = news.requireHealthy ?? DEFAULTS.requireHealthy;
  if (after === UNKNOWN || before === after) return [];
  return [
    {
      property: "requireHealthy",
      reason: `changed from ${String(before)} to ${String(after)}, but requireHealthy only governs TestReplicaCollection, and this drill is already up: nothing would apply it. Set it back to ${String(before)}; to make a drill with requireHealthy ${String(after)}, replace this one (pulumi up --replace <urn>) or destroy it first`,
    },
  ];
}

/** Inputs that make a new drill when they change: another replica collection, recovery point, or VMs left off. */
function replacements(olds: Props, news: Props): string[] {
  const changed = (key: string, differs: boolean) => (news[key] === UNKNOWN || differs ? [key] : []);
  const identity =
    news.collectionId !== undefined && news.collectionId !== null
      ? changed(
          "collectionId",
          String(news.collectionId).toLowerCase() !== String(olds.collectionId).toLowerCase(),
        )
      : changed("collectionName", news.collectionName !== olds.collectionName);
  const point = changed(
    "recoveryPoint",
    (news.recoveryPoint ?? DEFAULTS.recoveryPoint) !== olds.recoveryPoint,
  );
  // VMs that run cannot be "not started": a drill with its VMs left off is a new one (turning them off by
  // RequestStateChange(3) would be a hard power-off of running guests, not what the input says).
  const off = changed(
    "startVirtualMachines",
    news.startVirtualMachines === false && olds.startVirtualMachines !== false,
  );
  return [...identity, ...point, ...off];
}

function connectionChanged(olds: Props, news: Props): boolean {
  const own = (c: unknown) => (c && typeof c === "object" ? withoutPassword(c as ConnectionInputs) : null);
  return JSON.stringify(own(olds.connection)) !== JSON.stringify(own(news.connection));
}

/** The line diff prints for a test failover that will be replaced: the calls, planned from the recorded state. */
function replaceLine(olds: Props, news: Props, replaces: readonly string[]): string {
  const name = String(olds.collectionName ?? olds.collectionId);
  const point =
    news.recoveryPoint === UNKNOWN
      ? "(known after other resources)"
      : `'${String(news.recoveryPoint ?? "latest")}'`;
  const why = replaces.map((r) => `${r} changed`).join(", ");
  const order = bootOrder(news);
  const vms =
    news.startVirtualMachines === false ? ", leaving its VMs off" : order && `, starting its VMs${order}`;
  return (
    `[${name}] will call RevertTestReplicaCollection (removing test collection '${String(olds.testCollectionName)}'), ` +
    `then TestReplicaCollection with recoveryPoint ${point}${vms} (${why}), as recorded at ${String(olds.observedAt ?? "the last refresh")}; ` +
    "preview with --refresh to plan from the host now"
  );
}

/** The boot order the VMs start in, for a preview line; nothing without boot groups (they start together). */
function bootOrder(news: Props): string {
  const groups = Array.isArray(news.bootGroups) ? (news.bootGroups as BootGroup[]) : undefined;
  return groups && groups.length > 0 ? ` in boot order: ${describeBootOrder(groups)}` : "";
}
