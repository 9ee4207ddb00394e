/**
 * CollectionReplication's diff and its preview lines. Only another collection replaces the resource: every setting
 * changes in place with ModifyReplicationSettings (settings.ts says why), `paused` is a Suspend or Resume call, the
 * initial-copy inputs only applied at create and are recorded, and the run's own choices are recorded. A
 * resynchronization the host needs, and the program allows, is a change too: update starts it.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { Props } from "../../runtime/resourceMethods";
import { changedInputs } from "../../runtime/storedInputs";
import { UNKNOWN } from "../../runtime/types";
import { publicRecoverySide } from "./outputs";
import { asInputs, changedSettings, INITIAL_KEYS, runChoices } from "./settings";
import type { RecoverySideInputs } from "./types";
import { DEFAULTS } from "./types";

/** ReplicationState 8 Critical and 9 Waiting to start resynchronization (documented names): a resync is due. */
export const NEEDS_RESYNC = [8, 9];
const SUSPENDED = 7;
const READY = 1;

const RECORDED_KEYS = [
  "resynchronize",
  "recoverySide",
  "removeRecoverySideOnDelete",
  "jobTimeoutSeconds",
  "initialReplicationTimeoutSeconds",
  "connection",
];

/** What an update will do, each with its preview line. */
export interface UpdatePlan {
  readonly modify: readonly string[];
  readonly pause?: "SuspendReplication" | "ResumeReplication";
  readonly resynchronize: boolean;
  /** The relationship exists but its initial copy never completed (ReplicationState 1, Ready): start it again. */
  readonly startInitialCopy: boolean;
  readonly recorded: readonly string[];
}

export function planUpdate(olds: Props, news: Props): UpdatePlan {
  const stored = asInputs(olds);
  const wanted = runChoices(asInputs(news));
  const state = olds.replicationState;
  const paused = state === SUSPENDED;
  const pause =
    wanted.paused && !paused && !NEEDS_RESYNC.includes(Number(state))
      ? "SuspendReplication"
      : !wanted.paused && paused
        ? "ResumeReplication"
        : undefined;
  // Compared as the outputs keep it: without the connection's password.
  const recoverySide = publicRecoverySide(news.recoverySide as RecoverySideInputs | undefined);
  const recorded = [
    ...changedInputs(olds, news, [...INITIAL_KEYS], { initialReplication: DEFAULTS.initialReplication }),
    ...changedInputs(olds, { ...news, recoverySide }, RECORDED_KEYS, DEFAULTS),
  ];
  return {
    modify: changedSettings(stored, asInputs(news)),
    ...(pause !== undefined ? { pause } : {}),
    resynchronize: wanted.resynchronize === "whenNeeded" && NEEDS_RESYNC.includes(Number(state)),
    startInitialCopy: state === READY,
    recorded,
  };
}

export function diffReplication(olds: Props, news: Props, log: (line: string) => void): dynamic.DiffResult {
  const name = `[${String(olds.collectionName ?? olds.collectionId)}]`;
  if (
    news.collectionId === UNKNOWN ||
    String(news.collectionId).toLowerCase() !== String(olds.collectionId).toLowerCase()
  ) {
    log(
      `${name} collectionId changes to ${String(news.collectionId)}: another VM group, so this relationship is replaced (a new one is created and replicated first, then RemoveReplicationRelationship ends this one)`,
    );
    return { changes: true, replaces: ["collectionId"], deleteBeforeReplace: false };
  }
  const plan = planUpdate(olds, news);
  for (const line of previewLines(plan)) log(`${name} ${line}`);
  const diffs = [...plan.modify, ...(plan.pause ? ["paused"] : []), ...plan.recorded];
  return {
    changes: diffs.length > 0 || plan.resynchronize || plan.startInitialCopy,
    replaces: [],
    deleteBeforeReplace: false,
  };
}

function previewLines(plan: UpdatePlan): string[] {
  const lines: string[] = [];
  if (plan.modify.length > 0)
    lines.push(`will call ModifyReplicationSettings in place for ${plan.modify.join(", ")}; no replacement`);
  if (plan.startInitialCopy)
    lines.push(
      "the initial copy never completed (ReplicationState 1, Ready): will call StartReplication again",
    );
  if (plan.pause) lines.push(`will call ${plan.pause}`);
  if (plan.resynchronize)
    lines.push(
      "the host needs a resynchronization, and resynchronize is whenNeeded: will call Resynchronize",
    );
  const initial = plan.recorded.filter((k) => (INITIAL_KEYS as readonly string[]).includes(k));
  if (initial.length > 0)
    lines.push(
      `${initial.join(", ")}: only the initial copy reads it, and that is done; recorded, nothing is called`,
    );
  const rest = plan.recorded.filter((k) => !initial.includes(k));
  if (rest.length > 0) lines.push(`will record ${rest.join(", ")}; nothing is called for them`);
  return lines;
}
