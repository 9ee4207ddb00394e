/**
 * What `pulumi preview` says about a step that would throw writes away. The stack does not record how long the
 * member VMs ran (that changes by the minute), so when the recorded plan holds such a step, preview reads it from
 * the host, with the same rule the run uses (failover/guard.ts): an unacknowledged loss fails the preview with the
 * words the run's refusal has, and the value to set; an acknowledged one is printed.
 */
import { lossesOfSteps } from "../../failover/guard";
import { acknowledgedLine, lossRefusal, unacknowledged } from "../../failover/dataLoss";
import { planFailover } from "../../failover/plan";
import type { DesiredState } from "../../failover/states";
import {
  DataLossNotAcknowledgedError,
  FAILED_OVER_REPLICATION_TYPE_NAMES,
  findCollection,
} from "../../hyperv";
import { REPLICATION_MODE_NAMES } from "../../hyperv";
import type { RuntimeContext } from "../../runtime/context";
import { acknowledgedOf } from "../../runtime/dataLossRules";
import type { Props } from "../../runtime/resourceMethods";
import type { ConnectionInputs } from "../../runtime/types";
import { UNKNOWN } from "../../runtime/types";
import { DEFAULTS } from "./types";

const numbersOf = (names: Readonly<Record<number, string>>) =>
  new Map(Object.entries(names).map(([n, name]) => [name, Number(n)]));
const MODE_NUMBERS = numbersOf(REPLICATION_MODE_NAMES);
const FORT_NUMBERS = numbersOf(FAILED_OVER_REPLICATION_TYPE_NAMES);

/** The steps planned from the state recorded at the last read, or none when it is not known. */
function recordedSteps(olds: Props, desired: DesiredState, news: Props) {
  const mode = MODE_NUMBERS.get(String(olds.replicationMode));
  if (typeof olds.replicationState !== "number" || mode === undefined) return [];
  const fort = FORT_NUMBERS.get(String(olds.failedOverReplicationType));
  const observation = {
    replicationState: olds.replicationState,
    replicationMode: mode,
    ...(fort !== undefined ? { failedOverReplicationType: fort } : {}),
  };
  const plan = planFailover(observation, desired, { recoveryPoint: recoveryPointOf(news) });
  return plan.kind === "call" ? plan.steps : [];
}

const recoveryPointOf = (news: Props) =>
  typeof news.recoveryPoint === "string" && news.recoveryPoint !== UNKNOWN
    ? news.recoveryPoint
    : DEFAULTS.recoveryPoint;

/** RevertFailover, or InitiateFailover and CommitFailover in one run: the steps guard.ts judges. */
const mayDiscard = (steps: readonly { method: string }[]) => {
  const has = (m: string) => steps.some((s) => s.method === m);
  return has("RevertFailover") || (has("InitiateFailover") && has("CommitFailover"));
};

export async function previewLosses(
  ctx: RuntimeContext,
  olds: Props,
  news: Props,
  desired: DesiredState,
): Promise<void> {
  const steps = recordedSteps(olds, desired, news);
  if (!mayDiscard(steps) || news.connection === UNKNOWN) return;
  const name = String(olds.collectionName ?? olds.collectionId);
  const { deps } = ctx;
  const connection = (news.connection ?? null) as ConnectionInputs | null;
  const events = await ctx
    .withSession(connection, name, async (session) => {
      const context = { collection: name, host: session.target };
      const collection = await findCollection(session, { id: String(olds.collectionId) }, undefined, context);
      if (collection === undefined) return [];
      const request = {
        acknowledgedLosses: acknowledgedOf(news.acknowledgeDataLoss),
        rehearsalMinutes: typeof news.rehearsalMinutes === "number" ? news.rehearsalMinutes : undefined,
        recoveryPoint: recoveryPointOf(news),
      };
      const found = await lossesOfSteps(session, collection, steps, request, deps.clock.now(), context);
      const missing = unacknowledged(found, request.acknowledgedLosses);
      if (missing.length > 0) {
        const { reason, advice } = lossRefusal(missing);
        throw new DataLossNotAcknowledgedError(reason, advice, context);
      }
      return found;
    })
    .catch((error: unknown) => {
      if (error instanceof DataLossNotAcknowledgedError) throw error;
      const why = error instanceof Error ? error.message : String(error);
      deps.log(
        `[${name}] could not read the host to say what this change would lose (${why}); the run reads it first and refuses, calling nothing, unless acknowledgeDataLoss names the loss`,
        "warning",
      );
      return [];
    });
  for (const event of events) deps.log(`[${name}] ${acknowledgedLine(event)}`, "warning");
}
