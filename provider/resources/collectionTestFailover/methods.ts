/**
 * CollectionTestFailover's methods. The resource's id is the test collection's CollectionID; the replica collection
 * it was made from is `collectionId`. Create brings the test failover up, update finishes what this resource
 * recorded (its own test collection, by id) and starts its VMs when asked, delete takes it down, read shows it gone
 * only when the cluster it was made on says so, and a new recovery point replaces it: a new drill.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { finishRecordedJob, takeTestFailoverDown } from "../../failover/drillOwner";
import { confirmGone, notFound } from "../../failover/identity";
import type { TestFailoverUp } from "../../failover/testFailover";
import { bringTestFailoverUp, TestFailoverFailure } from "../../failover/testFailover";
import { refuseUnknownBootNames, testCopyName } from "../../failover/bootOrder";
import { startMembers } from "../../failover/virtualMachines";
import { refuseDrillOnProduction, refuseStartOnProduction } from "../../failover/testNetworks";
import type { CimSession } from "../../cim";
import type { CollectionSelector } from "../../hyperv";
import { describeSelector, findCollection, hostSystemName, readMembers } from "../../hyperv";
import type { RuntimeContext } from "../../runtime/context";
import type { ReportRecorder } from "../../runtime/report";
import { startReport } from "../../runtime/report";
import { DRILL, finishReport } from "./report";
import { partialFailure } from "../../runtime/partialFailure";
import type { Props, ResourceMethods } from "../../runtime/resourceMethods";
import type { DrillSeen } from "./outputs";
import { drillOutputs, recordOf, settings, testMembers } from "./outputs";
import { diffTestFailover, refuseUnappliable } from "./preview";
import type { CollectionTestFailoverInputs, CollectionTestFailoverOutputs } from "./types";
import { validateTestFailoverInputs } from "./validate";
import {
  type Replica,
  lockKey,
  connectionOf,
  recordedReplica,
  recordedHost,
  jobStillRunning,
  drillGone,
} from "./recorded";

const selectorOf = (inputs: CollectionTestFailoverInputs): CollectionSelector =>
  inputs.collectionId !== undefined ? { id: inputs.collectionId } : { name: inputs.collectionName ?? "" };

export function collectionTestFailoverMethods(ctx: RuntimeContext): ResourceMethods {
  const { deps } = ctx;
  const reconcileDeps = () => ({ ...deps, polling: ctx.polling(), lock: ctx.lock });
  /** The outputs and the report, from one read of the test VMs after the run's last call. */
  const settle = async (
    session: CimSession,
    inputs: CollectionTestFailoverInputs,
    replica: Replica,
    seen: DrillSeen,
    report: ReportRecorder,
    previous: unknown,
  ) => {
    const members = await testMembers(session, seen);
    const outs = await drillOutputs(session, inputs, replica, seen, deps.clock.now(), members);
    const lastReport = await finishReport(report, session, replica, seen, inputs, previous, members);
    return { ...outs, lastReport };
  };

  /**
   * Starts the test VMs; a failure records what the host shows, and the report, as a partial failure. Returns what
   * the run has seen, with the adapters read before the start and the VMs read after it.
   */
  async function startTestVms(
    session: CimSession,
    inputs: Props,
    replica: Replica,
    seen: DrillSeen,
    report: ReportRecorder,
  ): Promise<DrillSeen> {
    const { test } = seen;
    if (test === undefined) return seen;
    const s = settings(inputs as CollectionTestFailoverInputs);
    let read = seen;
    try {
      const context = { collection: test.name, host: session.target };
      const adapters = await refuseStartOnProduction(
        session,
        replica.id,
        test.id,
        s.allowProductionNetwork,
        context,
      );
      read = { ...seen, adapters };
      const order = { groups: (inputs as CollectionTestFailoverInputs).bootGroups, match: testCopyName };
      const members = await report.run(() =>
        startMembers(
          session,
          test.id,
          {
            ...reconcileDeps(),
            timeoutSeconds: s.jobTimeoutSeconds,
            log: (line, kind) => deps.log(`[${test.name}] ${line}`, kind),
            context: { collection: test.name, host: session.target },
          },
          order,
        ),
      );
      return { ...read, members };
    } catch (error) {
      const outs = await settle(session, inputs as CollectionTestFailoverInputs, replica, read, report, null);
      throw partialFailure(test.id, outs, inputs.__provider, error);
    }
  }

  const reportOf = (name: string, inputs: CollectionTestFailoverInputs) =>
    startReport(ctx, "CollectionTestFailover", name, inputs.reportDirectory, [inputs.connection]);

  return {
    async check(olds, news) {
      const failures = validateTestFailoverInputs(news, ctx.config().connection, ctx.config().failures);
      failures.push(...refuseUnappliable(olds, news));
      if (failures.length > 0) return { inputs: news, failures };
      return { inputs: { ...news, ...settings(news as CollectionTestFailoverInputs) } };
    },

    async diff(_id, olds, news): Promise<dynamic.DiffResult> {
      return diffTestFailover(olds, news, deps.log);
    },

    async create(inputs) {
      const typed = inputs as unknown as CollectionTestFailoverInputs;
      const selector = selectorOf(typed);
      const s = settings(typed);
      return ctx.withSession(typed.connection, describeSelector(selector), async (session) => {
        const replica = await findCollection(session, selector);
        if (replica === undefined) throw notFound(session, selector);
        const context = { collection: replica.name, host: session.target };
        // The test VMs are copies of the replica's: boot groups that name none of them refuse before any call.
        if (typed.bootGroups !== undefined)
          refuseUnknownBootNames(await readMembers(session, replica.id, context), typed.bootGroups, context);
        await refuseDrillOnProduction(session, replica.id, s.allowProductionNetwork, context);
        const host = await hostSystemName(session, context);
        const report = reportOf(replica.name, typed);
        report.readBefore(session, null, { id: replica.id });
        let up: TestFailoverUp;
        try {
          up = await report.run(() =>
            ctx.lock(lockKey(session, replica.id), () =>
              bringTestFailoverUp(
                session,
                replica,
                { ...s, timeoutSeconds: s.jobTimeoutSeconds },
                reconcileDeps(),
              ),
            ),
          );
        } catch (error) {
          if (!(error instanceof TestFailoverFailure)) throw error;
          if (error.testId === undefined) {
            await report.finish({
              action: DRILL,
              recoveryPoint: error.lastOperation?.recoveryPoint ?? null,
            });
            throw error.error;
          }
          // The call returned the test collection's id: the stack records it, so the next run can prove it is its own.
          const seen = {
            testId: error.testId,
            test: error.test,
            lastOperation: error.lastOperation,
            host,
            recoveryPoint: error.lastOperation?.recoveryPoint ?? null,
          };
          const outs = await settle(session, typed, replica, seen, report, null);
          throw partialFailure(error.testId, outs, inputs.__provider, error.error);
        }
        const made: DrillSeen = { testId: up.test.id, ...up, host };
        const seen = s.startVirtualMachines
          ? await startTestVms(session, inputs, replica, made, report)
          : made;
        return { id: up.test.id, outs: await settle(session, typed, replica, seen, report, null) };
      });
    },

    async read(id, props) {
      const stored = props as unknown as CollectionTestFailoverOutputs;
      const record = recordOf(id, props);
      return ctx.withSession(
        connectionOf(props),
        String(stored.testCollectionName ?? id),
        async (session) => {
          const context = { collection: String(stored.testCollectionName ?? id), host: session.target };
          const replica = await findCollection(session, { id: stored.collectionId });
          const test = await findCollection(session, { id: record.testCollectionId });
          if (test === undefined) {
            if (await jobStillRunning(session, replica, record.jobId, context)) return { id, props };
            await confirmGone(
              session,
              record.testCollectionId,
              await recordedHost(session, props, replica, context),
              context,
              { importing: Object.keys(props).length === 0 },
            );
            return {};
          }
          const host = await recordedHost(session, props, replica, context);
          const inputs = {
            ...stored,
            connection: stored.connection ?? undefined,
          } as CollectionTestFailoverInputs;
          const seen = {
            testId: test.id,
            test,
            lastOperation: stored.lastOperation ?? null,
            recoveryPoint: stored.recoveryPointUsed ?? null,
            host,
          };
          const members = await testMembers(session, seen);
          const at = replica ?? recordedReplica(stored);
          const outs = await drillOutputs(session, inputs, at, seen, deps.clock.now(), members);
          return { id, props: { ...props, ...outs } };
        },
      );
    },

    async update(id, olds, news) {
      const stored = olds as unknown as CollectionTestFailoverOutputs;
      const typed = news as unknown as CollectionTestFailoverInputs;
      const s = settings(typed);
      const record = recordOf(id, olds);
      return ctx.withSession(typed.connection, stored.collectionName, async (session) => {
        const context = { collection: stored.collectionName, host: session.target };
        const replica = await findCollection(session, { id: stored.collectionId });
        const request = { timeoutSeconds: s.jobTimeoutSeconds, cancelJobOnTimeout: s.cancelJobOnTimeout };
        const finished = await ctx.lock(lockKey(session, replica?.id ?? record.testCollectionId), () =>
          finishRecordedJob(session, replica, record, request, reconcileDeps()),
        );
        const host = await recordedHost(session, olds, replica, context);
        if (finished.test === undefined) {
          await confirmGone(session, record.testCollectionId, host, context, { action: "update" });
          throw drillGone(record.testCollectionId, context);
        }
        const finishedSeen: DrillSeen = {
          testId: finished.test.id,
          test: finished.test,
          lastOperation: finished.lastOperation ?? stored.lastOperation ?? null,
          recoveryPoint: stored.recoveryPointUsed ?? null,
          host,
        };
        const at = replica ?? recordedReplica(stored);
        const report = reportOf(stored.collectionName, typed);
        if (s.startVirtualMachines) report.readBefore(session, null, { id: finishedSeen.testId });
        const seen = s.startVirtualMachines
          ? await startTestVms(session, news, at, finishedSeen, report)
          : finishedSeen;
        return { outs: await settle(session, typed, at, seen, report, stored.lastReport ?? null) };
      });
    },

    async delete(id, props) {
      const stored = props as unknown as CollectionTestFailoverOutputs;
      const record = recordOf(id, props);
      await ctx.withSession(connectionOf(props), stored.collectionName ?? id, async (session) => {
        const context = { collection: stored.collectionName ?? id, host: session.target };
        const replica = await findCollection(session, { id: stored.collectionId });
        const request = {
          timeoutSeconds: stored.jobTimeoutSeconds,
          cancelJobOnTimeout: stored.cancelJobOnTimeout,
        };
        const removed = await ctx.lock(lockKey(session, replica?.id ?? record.testCollectionId), () =>
          takeTestFailoverDown(session, replica, record, request, reconcileDeps()),
        );
        if (removed !== undefined) return;
        // Nothing has the recorded id here: gone, but only if this is the cluster the drill was made on.
        await confirmGone(
          session,
          record.testCollectionId,
          await recordedHost(session, props, replica, context),
          context,
          { action: "destroy" },
        );
        deps.log(
          `[${context.collection}] test collection ${record.testCollectionId} is already gone; nothing to remove`,
        );
      });
    },
  };
}
