/**
 * The line diff prints when a change would call Hyper-V: the plan made from the state recorded at the last refresh
 * or operation, so that `pulumi preview` names the calls before anyone approves them.
 */
import type { Step } from "../../failover/plan";
import type { BootGroup } from "../../failover/bootOrder";
import { describeBootOrder } from "../../failover/bootOrder";
import { planFailover } from "../../failover/plan";
import type { DesiredState } from "../../failover/states";
import { observedState } from "../../failover/states";
import { REPLICATION_MODE_NAMES, replicationStateName } from "../../hyperv";
import type { Props } from "../../runtime/resourceMethods";
import { DEFAULTS } from "./types";

const MODE_NUMBERS = new Map(Object.entries(REPLICATION_MODE_NAMES).map(([n, name]) => [name, Number(n)]));
const named = (state: number) => `${replicationStateName(state)} (${state})`;

interface RecordedVm {
  readonly name?: unknown;
  readonly enabledState?: unknown;
}

function describeStep(step: Step, from: number): string {
  // Per-VM practice, inferred for collections: Start-VMFailover resumes a Suspended VM's replication first.
  const why = step.method === "ResumeReplication" ? " (per-VM practice: resume before failing over)" : "";
  return `${step.method}${why}: ${named(from)} -> ${named(step.expect[0] ?? from)}`;
}

/** RevertFailover discards what the failed-over VMs wrote, so the running ones are powered off (hard) first. */
function powerOffFirst(steps: readonly Step[], olds: Props, groups: BootGroup[] | undefined): string {
  const vms = Array.isArray(olds.virtualMachines) ? (olds.virtualMachines as RecordedVm[]) : [];
  const running = vms.filter((vm) => vm.enabledState === 2).map((vm) => `'${String(vm.name)}'`);
  if (steps[0]?.method !== "RevertFailover" || running.length === 0) return "";
  return `power off (hard) ${running.join(", ")} with RequestStateChange(3)${groups ? " (boot groups in reverse)" : ""}, then `;
}

/** The line, or undefined when the recorded state is unknown or nothing would be called. */
export function previewLine(olds: Props, news: Props, desired: DesiredState): string | undefined {
  const mode = MODE_NUMBERS.get(String(olds.replicationMode));
  if (typeof olds.replicationState !== "number" || mode === undefined) return undefined;
  const observation = {
    replicationState: olds.replicationState,
    replicationMode: mode,
    testCollectionLinked: olds.failoverState === "testFailoverInProgress",
  };
  const name = `[${String(olds.collectionName ?? olds.collectionId)}]`;
  const recorded = `as recorded at ${String(olds.observedAt ?? "the last refresh")}; preview with --refresh to plan from the host now`;
  if (observedState(observation) === "failoverInProgress")
    return `${name} will wait for the failover job in progress if the host still runs one, then plan again; without one the update is refused, ${recorded}`;
  const plan = planFailover(observation, desired, { recoveryPoint: DEFAULTS.recoveryPoint });
  if (plan.kind !== "call") return undefined;
  const groups = Array.isArray(news.bootGroups) ? (news.bootGroups as BootGroup[]) : undefined;
  let from = olds.replicationState;
  const steps = plan.steps.map((step) => {
    const text = describeStep(step, from);
    from = step.expect[0] ?? from;
    return text;
  });
  const point = plan.steps.some((s) => s.method === "InitiateFailover")
    ? ` with recoveryPoint '${String(news.recoveryPoint ?? DEFAULTS.recoveryPoint)}'`
    : "";
  const start =
    desired !== "normal" && (news.startVirtualMachines ?? DEFAULTS.startVirtualMachines) !== false
      ? `, then start the member VMs with RequestStateChange(2) ${groups ? `in boot order: ${describeBootOrder(groups)}` : "together"}`
      : "";
  return `${name} will ${powerOffFirst(plan.steps, olds, groups)}call ${steps.join(", then ")}${point}${start}, ${recorded}`;
}
