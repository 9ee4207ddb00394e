/**
 * CollectionTestFailover's methods. The resource's id is the test collection's CollectionID; the replica collection
 * it was made from is `collectionId`. Create brings the test failover up, delete takes it down, read shows it gone
 * (no id) when someone removed it by hand, and a new recovery point replaces it: a new drill.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { notFound } from "../../failover/identity";
import type { TestFailoverUp } from "../../failover/testFailover";
import { bringTestFailoverUp, takeTestFailoverDown, TestFailoverFailure } from "../../failover/testFailover";
import { startMembers } from "../../failover/virtualMachines";
import type { CimSession } from "../../cim";
import type { Collection, CollectionSelector, OperationRecord, PointUsed } from "../../hyperv";
import { describeSelector, findCollection, readMembers } from "../../hyperv";
import { publicConnection } from "../../runtime/connection";
import type { RuntimeContext } from "../../runtime/context";
import { virtualMachines } from "../../runtime/outputs";
import { partialFailure } from "../../runtime/partialFailure";
import type { Props, ResourceMethods } from "../../runtime/resourceMethods";
import type { ConnectionInputs } from "../../runtime/types";
import { UNKNOWN } from "../../runtime/types";
import { previewTestFailover } from "./preview";
import type { CollectionTestFailoverInputs, CollectionTestFailoverOutputs } from "./types";
import { DEFAULTS } from "./types";
import { validateTestFailoverInputs } from "./validate";

const selectorOf = (inputs: CollectionTestFailoverInputs): CollectionSelector =>
  inputs.collectionId !== undefined ? { id: inputs.collectionId } : { name: inputs.collectionName ?? "" };

function settings(inputs: CollectionTestFailoverInputs) {
  return {
    recoveryPoint: inputs.recoveryPoint ?? DEFAULTS.recoveryPoint,
    requireHealthy: inputs.requireHealthy ?? DEFAULTS.requireHealthy,
    startVirtualMachines: inputs.startVirtualMachines ?? DEFAULTS.startVirtualMachines,
    jobTimeoutSeconds: inputs.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
    cancelJobOnTimeout: inputs.cancelJobOnTimeout ?? DEFAULTS.cancelJobOnTimeout,
  };
}

export function collectionTestFailoverMethods(ctx: RuntimeContext): ResourceMethods {
  const { deps } = ctx;
  const reconcileDeps = () => ({ ...deps, polling: ctx.polling(), lock: ctx.lock });

  async function outputs(
    session: CimSession,
    inputs: CollectionTestFailoverInputs,
    replica: Collection,
    up: { test: Collection; lastOperation: OperationRecord | null; recoveryPoint: PointUsed | null },
  ): Promise<CollectionTestFailoverOutputs> {
    const members = await readMembers(session, up.test.id, {
      collection: up.test.name,
      host: session.target,
    });
    return {
      collectionId: replica.id,
      collectionName: replica.name,
      testCollectionId: up.test.id,
      testCollectionName: up.test.name,
      virtualMachines: virtualMachines(members),
      recoveryPointUsed: up.recoveryPoint,
      lastOperation: up.lastOperation,
      observedAt: new Date(deps.clock.now()).toISOString(),
      ...settings(inputs),
      connection: publicConnection(inputs.connection),
    };
  }

  async function findReplica(session: CimSession, selector: CollectionSelector): Promise<Collection> {
    const replica = await findCollection(session, selector);
    if (replica === undefined) throw notFound(session, selector);
    return replica;
  }

  return {
    async check(_olds, news) {
      const failures = validateTestFailoverInputs(news, ctx.config().connection, ctx.config().failures);
      if (failures.length > 0) return { inputs: news, failures };
      return { inputs: { ...news, ...settings(news as CollectionTestFailoverInputs) } };
    },

    async diff(_id, olds, news): Promise<dynamic.DiffResult> {
      const replaces = replacements(olds, news);
      const changes = Object.keys(settings({})).some((k) => news[k] !== olds[k]);
      if (replaces.length > 0) deps.log(previewTestFailover(olds, news, replaces));
      return { changes: replaces.length > 0 || changes, replaces, deleteBeforeReplace: true };
    },

    async create(inputs) {
      const typed = inputs as unknown as CollectionTestFailoverInputs;
      const selector = selectorOf(typed);
      const s = settings(typed);
      return ctx.withSession(typed.connection, describeSelector(selector), async (session) => {
        const replica = await findReplica(session, selector);
        const key = `${session.target}|${replica.id.toLowerCase()}`;
        let up: TestFailoverUp;
        try {
          up = await ctx.lock(key, () =>
            bringTestFailoverUp(
              session,
              replica,
              { ...s, timeoutSeconds: s.jobTimeoutSeconds },
              reconcileDeps(),
            ),
          );
        } catch (error) {
          if (!(error instanceof TestFailoverFailure)) throw error;
          if (error.test === undefined) throw error.error;
          const outs = await outputs(session, typed, replica, {
            test: error.test,
            lastOperation: error.lastOperation,
            recoveryPoint: error.lastOperation?.recoveryPoint ?? null,
          });
          throw partialFailure(error.test.id, outs, inputs.__provider, error.error);
        }
        if (s.startVirtualMachines) {
          try {
            await startMembers(session, up.test.id, {
              ...reconcileDeps(),
              timeoutSeconds: s.jobTimeoutSeconds,
              log: (line) => deps.log(`[${up.test.name}] ${line}`),
              context: { collection: up.test.name, host: session.target },
            });
          } catch (error) {
            throw partialFailure(
              up.test.id,
              await outputs(session, typed, replica, up),
              inputs.__provider,
              error,
            );
          }
        }
        return { id: up.test.id, outs: await outputs(session, typed, replica, up) };
      });
    },

    async read(id, props) {
      const stored = props as unknown as CollectionTestFailoverOutputs;
      const connection = (props.connection ?? null) as ConnectionInputs | null;
      return ctx.withSession(connection, String(props.testCollectionName ?? id), async (session) => {
        const test = await findCollection(session, { id });
        if (test === undefined) return {};
        const replica = (await findCollection(session, { id: stored.collectionId })) ?? {
          id: stored.collectionId,
          name: stored.collectionName,
          replicationState: 0,
          replicationMode: 0,
          failedOverReplicationType: 0,
        };
        const inputs = { ...stored, ...(stored.connection ? { connection: stored.connection } : {}) };
        const outs = await outputs(session, inputs as CollectionTestFailoverInputs, replica, {
          test,
          lastOperation: stored.lastOperation ?? null,
          recoveryPoint: stored.recoveryPointUsed ?? null,
        });
        return { id, props: { ...props, ...outs } };
      });
    },

    async update(_id, olds, news) {
      // Only settings changed (no host change): keep what the host showed, with the new settings.
      const typed = news as unknown as CollectionTestFailoverInputs;
      return { outs: { ...olds, ...settings(typed), connection: publicConnection(typed.connection) } };
    },

    async delete(id, props) {
      const stored = props as unknown as CollectionTestFailoverOutputs;
      const connection = (props.connection ?? null) as ConnectionInputs | null;
      await ctx.withSession(connection, stored.collectionName ?? id, async (session) => {
        const replica = await findCollection(session, { id: stored.collectionId });
        if (replica === undefined) {
          deps.log(
            `[${stored.collectionName}] the replica collection is gone from the host; nothing to remove`,
          );
          return;
        }
        await ctx.lock(`${session.target}|${replica.id.toLowerCase()}`, () =>
          takeTestFailoverDown(
            session,
            replica,
            id,
            { timeoutSeconds: stored.jobTimeoutSeconds, cancelJobOnTimeout: stored.cancelJobOnTimeout },
            reconcileDeps(),
          ),
        );
      });
    },
  };
}

/** Inputs that make a new drill when they change: another replica collection, or another recovery point. */
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
  return [...identity, ...point];
}
