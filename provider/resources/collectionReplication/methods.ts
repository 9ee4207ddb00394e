/**
 * CollectionReplication's methods. The resource's id is the primary VM group's CollectionID; it acts only on that
 * group, and on the recovery side only on the CollectionID the program gave in recoverySide. Create enables
 * replication and waits for the initial copy, update changes the settings in place (and pauses, resumes or
 * resynchronizes), delete removes the relationship, and read shows the resource gone only when the cluster it was
 * made on says the group no longer replicates.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { confirmGone, notFound, recordedHostOf } from "../../failover/identity";
import type { CimSession } from "../../cim";
import type { Collection, OperationRecord } from "../../hyperv";
import { findCollection, HyperVError, hostSystemName } from "../../hyperv";
import type { RuntimeContext } from "../../runtime/context";
import { partialFailure } from "../../runtime/partialFailure";
import type { Props, ResourceMethods } from "../../runtime/resourceMethods";
import type { CallDeps } from "./apply";
import {
  callOn,
  createRelationship,
  progressOf,
  progressOfRecord,
  refuseUnlessUnreplicated,
  reread,
  startInitialReplication,
} from "./apply";
import { applyUpdate } from "./update";
import type { Seen } from "./outputs";
import { newestPointTime, replicationOutputs } from "./outputs";
import { diffReplication } from "./preview";
import { removeReplication } from "./remove";
import { asInputs, importedInputs, runChoices } from "./settings";
import type {
  CollectionReplicationInputs,
  CollectionReplicationOutputs,
  InitialReplicationProgress,
} from "./types";
import { validateReplicationInputs } from "./validate";

const NOT_STARTED: InitialReplicationProgress = { jobId: null, percentComplete: 0, jobState: null };

export function collectionReplicationMethods(ctx: RuntimeContext): ResourceMethods {
  const { deps } = ctx;
  const callDeps = (): CallDeps => ({ ...deps, polling: ctx.polling() });

  /** The newest recovery point's time: on the recovery side when the program names it, else on the primary. */
  async function newestPoint(session: CimSession, inputs: CollectionReplicationInputs, group: Collection) {
    const side = inputs.recoverySide;
    if (side === undefined) return newestPointTime(session, group);
    return ctx.withSession(side.connection, side.collectionId, (recovery) =>
      newestPointTime(recovery, { id: side.collectionId, name: side.collectionId }),
    );
  }

  async function outputs(
    session: CimSession,
    inputs: CollectionReplicationInputs,
    group: Collection,
    seen: Omit<Seen, "newestPoint">,
  ) {
    const newest = await newestPoint(session, inputs, group);
    return replicationOutputs(session, inputs, group, { ...seen, newestPoint: newest }, { ...deps });
  }

  /** Create's calls; a failure after the relationship exists is recorded as a partial failure with the host's state. */
  async function enable(
    session: CimSession,
    inputs: CollectionReplicationInputs,
    group: Collection,
    host: string | undefined,
  ) {
    const choices = runChoices(inputs);
    let lastOperation: OperationRecord | null = null;
    try {
      lastOperation = await createRelationship(session, group, inputs, callDeps(), choices.jobTimeoutSeconds);
      const ready = await reread(session, group.id, group.name);
      lastOperation = await startInitialReplication(
        session,
        ready,
        inputs,
        callDeps(),
        choices.initialReplicationTimeoutSeconds,
      );
      const progress = progressOfRecord(lastOperation);
      if (choices.paused) {
        const copied = await reread(session, group.id, group.name);
        lastOperation = (
          await callOn(session, copied, "SuspendReplication", callDeps(), choices.jobTimeoutSeconds)
        ).record;
      }
      return { lastOperation, progress };
    } catch (error) {
      if (lastOperation === null && !(error instanceof HyperVError && error.operation)) throw error;
      const operation =
        (error instanceof HyperVError ? (error.operation as OperationRecord | undefined) : undefined) ??
        lastOperation;
      const after = await findCollection(session, { id: group.id });
      if (after === undefined || after.replicationState === 0) throw error;
      const progress =
        operation?.method === "StartReplication" ? await progressOf(session, operation.jobId) : NOT_STARTED;
      const outs = await outputs(session, inputs, after, {
        lastOperation: operation ?? null,
        progress,
        host,
      });
      throw partialFailure(group.id, outs, (inputs as unknown as Props).__provider, error);
    }
  }

  return {
    async check(_olds, news) {
      const failures = validateReplicationInputs(news, ctx.config().connection, ctx.config().failures);
      if (failures.length > 0) return { inputs: news, failures };
      return { inputs: { ...news, ...runChoices(news as unknown as CollectionReplicationInputs) } };
    },

    async diff(_id, olds, news): Promise<dynamic.DiffResult> {
      return diffReplication(olds, news, deps.log);
    },

    async create(inputs) {
      const typed = inputs as unknown as CollectionReplicationInputs;
      return ctx.withSession(typed.connection, typed.collectionId, async (session) => {
        const group = await findCollection(session, { id: typed.collectionId });
        if (group === undefined) throw notFound(session, { id: typed.collectionId });
        const host = await hostSystemName(session, { collection: group.name, host: session.target });
        refuseUnlessUnreplicated(group, session.target);
        const done = await ctx.lock(lockKey(session, group.id), () => enable(session, typed, group, host));
        const after = await reread(session, group.id, group.name);
        return { id: group.id, outs: await outputs(session, typed, after, { ...done, host }) };
      });
    },

    async read(id, props) {
      const stored = props as unknown as CollectionReplicationOutputs;
      const inputs = asInputs(props);
      return ctx.withSession(inputs.connection, String(stored.collectionName ?? id), async (session) => {
        const context = { collection: String(stored.collectionName ?? id), host: session.target };
        const group = await findCollection(session, { id });
        if (group === undefined || group.replicationState === 0) {
          await confirmGone(session, id, recordedHostOf(stored.hostSystemName), context);
          return {};
        }
        const progress = await refreshedProgress(session, stored, group);
        const outs = await outputs(session, inputs, group, {
          lastOperation: stored.lastOperation ?? null,
          progress,
          host: recordedHostOf(stored.hostSystemName),
        });
        const imported = Object.keys(props).length === 0;
        return {
          id,
          props: { ...props, ...outs },
          ...(imported ? { inputs: importedInputs(outs as unknown as Props) } : {}),
        };
      });
    },

    async update(id, olds, news) {
      const stored = olds as unknown as CollectionReplicationOutputs;
      const typed = news as unknown as CollectionReplicationInputs;
      return ctx.withSession(typed.connection, stored.collectionName, async (session) => {
        const group = await reread(session, id, stored.collectionName);
        const { last, copy } = await ctx.lock(lockKey(session, id), () =>
          applyUpdate(session, group, olds, typed, callDeps()),
        );
        const after = await reread(session, id, group.name);
        const seen = {
          lastOperation: last ?? stored.lastOperation ?? null,
          progress: copy ? progressOfRecord(copy) : (stored.initialReplicationProgress ?? NOT_STARTED),
          host: recordedHostOf(stored.hostSystemName),
        };
        return { outs: await outputs(session, typed, after, seen) };
      });
    },

    async delete(id, props) {
      const stored = props as unknown as CollectionReplicationOutputs;
      const inputs = asInputs(props);
      await ctx.withSession(inputs.connection, stored.collectionName ?? id, (session) =>
        ctx.lock(lockKey(session, id), () => removeReplication(ctx, session, id, stored, callDeps())),
      );
    },
  };
}

const lockKey = (session: CimSession, id: string) => `${session.target}|${id.toLowerCase()}`;

/** While the copy runs (ReplicationState 2), the recorded StartReplication job is read again for its progress. */
async function refreshedProgress(
  session: CimSession,
  stored: CollectionReplicationOutputs,
  group: Collection,
): Promise<InitialReplicationProgress> {
  const recorded = stored.initialReplicationProgress ?? NOT_STARTED;
  if (group.replicationState !== 2 || recorded.jobId === null) return recorded;
  return progressOf(session, recorded.jobId);
}
