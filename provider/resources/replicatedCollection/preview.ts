/**
 * The lines `pulumi preview` prints for ReplicatedCollection: each planned step, and under StopVMs how each VM
 * will be turned off. The plan comes from the stored outputs, which record each VM's EnabledState but not whether
 * it has a shutdown component, so a running VM's line says what happens if its guest cannot be shut down.
 */
import { describeAction } from "../../failover/sites/stepWords";
import { describeBootOrder } from "../../failover/bootOrder";
import type { SitesPlan } from "../../failover/sites/types";
import { enabledStateName, GUEST_WAY, HARD_WAY } from "../../hyperv";
import { describePlan } from "./outputs";
import type { ReplicatedCollectionInputs, SiteOutput } from "./types";
import { DEFAULTS } from "./types";

const RUNNING = 2;
const OFF = 3;

/** One numbered line per step, each with the lines that detail it (how each VM is turned off, for StopVMs). */
export interface PreviewStep {
  readonly line: string;
  readonly details: readonly string[];
}

export function previewSteps(
  plan: SitesPlan,
  sites: Readonly<Record<string, SiteOutput>>,
  inputs: ReplicatedCollectionInputs,
): PreviewStep[] {
  if (plan.kind !== "steps") return describePlan(plan).map((line) => ({ line, details: [] }));
  return plan.steps.map((s) => ({
    line: `${s.site}: ${describeAction(s.action)}`,
    details: [
      ...orderLines(s.action, inputs),
      ...(s.action === "StopVMs" ? stopLines(sites[s.site], inputs) : []),
    ],
  }));
}

/** With boot groups, the order StartVMs starts the VMs in and StopVMs stops them in; nothing without. */
function orderLines(action: string, inputs: ReplicatedCollectionInputs): string[] {
  const groups = inputs.bootGroups;
  if (groups === undefined || groups.length === 0) return [];
  if (action === "StartVMs") return [`boot order: ${describeBootOrder(groups)}`];
  if (action === "StopVMs") return [`in the reverse of boot order: ${describeBootOrder(groups)}`];
  return [];
}

function stopLines(site: SiteOutput | undefined, inputs: ReplicatedCollectionInputs): string[] {
  const timeout = inputs.shutdownTimeoutSeconds ?? DEFAULTS.shutdownTimeoutSeconds;
  const hard = inputs.allowHardPowerOff ?? DEFAULTS.allowHardPowerOff;
  const fallback = hard
    ? `${HARD_WAY} (allowHardPowerOff is true)`
    : "the run stops before anything irreversible (allowHardPowerOff is false)";
  return (site?.members ?? [])
    .filter((m) => m.enabledState !== OFF)
    .map((m) => {
      if (m.enabledState === RUNNING)
        return `VM '${m.name}': ${GUEST_WAY} within ${timeout} s; without a shutdown component, or if the guest does not shut down in time: ${fallback}`;
      const state = `${enabledStateName(m.enabledState)} (${m.enabledState})`;
      return hard
        ? `VM '${m.name}': ${HARD_WAY}: it is ${state}, so its guest cannot be asked`
        : `VM '${m.name}': it is ${state}, so its guest cannot be asked to shut down: the run stops before anything irreversible (allowHardPowerOff is false)`;
    });
}
