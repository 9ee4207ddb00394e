/**
 * What `pulumi preview` prints for ReplicatedCollection: the plan an update would run, or what a replacement's
 * create would do. Printing only: nothing here calls a method on either host.
 */
import type { SiteRead } from "../../failover/sites/observe";
import { acknowledgedLine } from "../../failover/dataLoss";
import type { SitesPlan } from "../../failover/sites/types";
import type { RuntimeContext } from "../../runtime/context";
import type { Props } from "../../runtime/resourceMethods";
import { activeCollection, collectionKey, nameOf, pairOf, storedUnder } from "./identity";
import { describePlan, planFromOutputs } from "./outputs";
import type { PreviewStep } from "./preview";
import { previewSteps } from "./preview";
import type { ReplicatedCollectionInputs, ReplicatedCollectionOutputs } from "./types";

/** What the preview needs from the methods: the runtime, and how to read both sites now and plan (reads only). */
export interface PreviewContext {
  readonly ctx: RuntimeContext;
  readonly readAndPlan: (
    inputs: ReplicatedCollectionInputs,
  ) => Promise<{ reads: Record<string, SiteRead>; plan: SitesPlan }>;
}

/**
 * Prints, during preview, the plan made from the state recorded at the last read, with each recorded site under
 * the name the program now gives its collection. A plan that throws writes away is planned again from the hosts:
 * what it loses depends on how long VMs ran, which the stack does not record, and the lines must say what the run
 * will say (failover/dataLoss.ts).
 */
export async function previewPlan(
  stored: ReplicatedCollectionOutputs,
  news: Props,
  { ctx, readAndPlan }: PreviewContext,
): Promise<void> {
  const { deps } = ctx;
  const inputs = news as unknown as ReplicatedCollectionInputs;
  const config = ctx.config().connection;
  const sites = storedUnder(stored.sites, news.sites, config);
  if (!sites) return;
  const active = activeCollection(news, config);
  const was = Object.entries(stored.sites).find(([, s]) => collectionKey(s, config) === active)?.[0];
  const moved =
    was !== undefined && was !== inputs.activeSite ? ` (the collection recorded as site ${was})` : "";
  const recorded = planFromOutputs(sites, inputs, deps.clock.now());
  const fromHosts = losesData(recorded)
    ? await readAndPlan(inputs)
        .then((r) => r.plan)
        .catch(() => undefined)
    : undefined;
  const plan = fromHosts ?? recorded;
  const from = fromHosts
    ? "plan from both hosts now, because what it would lose depends on how long VMs ran"
    : `plan from the state recorded at ${stored.observedAt}; preview with --refresh to plan from the hosts now`;
  printSteps(
    ctx,
    `[${nameOf(inputs)}] activeSite ${inputs.activeSite}${moved}: ${from}`,
    previewSteps(plan, sites, inputs),
  );
  if (plan.kind === "steps") {
    for (const loss of plan.losses ?? [])
      deps.log(`[${nameOf(inputs)}] ${acknowledgedLine(loss)}`, "warning");
  }
}

/**
 * Prints, during preview, what the replacement's create would do: the stack has not read the collections it
 * would act on, so both sites are read now (reads only; nothing is called).
 */
export async function previewReplacement(news: Props, { ctx, readAndPlan }: PreviewContext): Promise<void> {
  const inputs = news as unknown as ReplicatedCollectionInputs;
  const head = `[${nameOf(inputs)}] replacement: sites names another collection, and creating the new resource brings it to activeSite ${inputs.activeSite}`;
  if (pairOf(news.sites, ctx.config().connection) === undefined) return;
  try {
    const { plan } = await readAndPlan(inputs);
    printPlan(ctx, `${head}; plan from both sites read now`, describePlan(plan));
  } catch (error) {
    ctx.deps.log(
      `${head}; it cannot be planned now: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function printPlan(ctx: RuntimeContext, head: string, lines: readonly string[]): void {
  printSteps(
    ctx,
    head,
    lines.map((line) => ({ line, details: [] })),
  );
}

/** Each step on a line of its own, numbered; the VMs a StopVMs step shuts down (or powers off) below it. */
function printSteps({ deps }: RuntimeContext, head: string, steps: readonly PreviewStep[]): void {
  deps.log(steps.length === 0 ? `${head}: nothing to do` : `${head}:`);
  steps.forEach(({ line, details }, i) => {
    deps.log(`  ${i + 1}. ${line}`);
    for (const detail of details) deps.log(`       ${detail}`);
  });
}

/** Whether a plan throws writes away: an acknowledged loss, or a refusal for want of one. */
const losesData = (plan: SitesPlan) =>
  (plan.kind === "steps" && (plan.losses?.length ?? 0) > 0) ||
  (plan.kind === "refuse" && plan.dataLoss === true);
