/**
 * The small driver that carries out plans: observe the collection, plan, make one call, observe again. It is the
 * only part of failover/ that touches the host; the planner itself stays pure.
 */
import type { CimSession } from "../cim";
import type {
  Collection,
  ErrorContext,
  MethodOptions,
  OperationRecord,
  PointUsed,
  RunningFailoverJob,
} from "../hyperv";
import {
  callFailoverMethod,
  describeSelector,
  findCollection,
  findRunningFailoverJob,
  followFailoverJob,
  HostError,
  HyperVError,
  HyperVReturnCodeError,
  InvalidStateError,
  neverSent,
  NotFoundError,
  retryRead,
} from "../hyperv";
import { withAppliedPoint } from "./appliedPoint";
import type { Plan, Step, StepMethod } from "./plan";
import { guardSteps } from "./guard";
import { findTracked, notFound, staleNameLine, trackedNotFound } from "./identity";
import { describeObservation, planFailover } from "./plan";
import { prepareStep, withPoint } from "./prepare";
import { MAYBE_BUSY, RefusedCalls } from "./refused";
import type { ReconcileDeps, ReconcileRequest, ReconcileResult } from "./request";
import { ReconcileFailure } from "./request";
import type { ObservedCollection } from "./testLink";
import { withTestLink } from "./testLink";
import { verifyStep } from "./verify";

export type { LogLine, ReconcileDeps, ReconcileRequest, ReconcileResult } from "./request";
export { ReconcileFailure } from "./request";

/** Observation, waits and calls are bounded: two steps plus waits never need more rounds than this. */
const MAX_ROUNDS = 8;
const MAX_TRANSPORT_RETRIES = 3;

export async function reconcile(
  session: CimSession,
  request: ReconcileRequest,
  deps: ReconcileDeps,
): Promise<ReconcileResult> {
  const { collection: found, staleName } = await retryRead(
    () => findTracked(session, request.selector, request.trackedId),
    {
      clock: deps.clock,
      retries: deps.readRetries,
      onRetry: (error, delay) =>
        deps.log(
          `[${describeSelector(request.selector)}] ${error.message}; looking the collection up again in ${Math.round(delay / 1000)} s`,
        ),
    },
  );
  if (found === undefined) {
    throw request.trackedId === undefined
      ? notFound(session, request.selector)
      : trackedNotFound(session, request.trackedId, describeSelector(request.selector));
  }
  if (staleName !== undefined) deps.log(staleNameLine(staleName, found));
  // The lookup is fresh unless another run on this collection went first: only then is it read again.
  return deps.lock(`${session.target}|${found.id.toLowerCase()}`, (waited) =>
    new Driver(session, request, deps, found).run(waited),
  );
}

class Driver {
  private lastOperation: OperationRecord | null = null;
  private methodCalled = false;
  private transportRetries = 0;
  /** The method being called, if any: errors meanwhile name it. */
  private method: StepMethod | undefined;
  /** What follows a call the host refused without acting (32774, 32775). */
  private readonly refused: RefusedCalls;

  constructor(
    private readonly session: CimSession,
    private readonly request: ReconcileRequest,
    private readonly deps: ReconcileDeps,
    private collection: ObservedCollection,
  ) {
    this.refused = new RefusedCalls(
      {
        collection: () => this.collection,
        context: () => this.context,
        reread: () => this.reread(),
        waitForOthers: () => this.waitForOthers(),
        log: (line) => this.log(line),
      },
      request,
      deps,
    );
  }

  private get context(): ErrorContext {
    const { name } = this.collection;
    return this.method === undefined
      ? { collection: name, host: this.session.target }
      : { collection: name, method: this.method, host: this.session.target };
  }

  private log(line: string, kind: "info" | "status" = "info"): void {
    this.deps.log(`[${this.collection.name}] ${line}`, kind);
  }

  async run(stale: boolean): Promise<ReconcileResult> {
    try {
      if (stale) await this.reread();
      else this.collection = await this.linked(this.collection);
      // A call refused without acting does not use up a round: its own patience bounds it instead.
      for (let round = 0; round < MAX_ROUNDS + this.refused.rounds; round++) {
        const plan = planFailover(this.collection, this.request.desired, this.request);
        // Already as desired: reported as read, without looking for jobs, so a no-op costs the one lookup. A
        // failover someone else runs that has not changed the state yet is left to them; the next run sees it.
        if (plan.kind === "none") {
          const { collection, lastOperation, methodCalled } = this;
          return { collection, lastOperation, methodCalled };
        }
        if (await this.waitForOthers()) continue;
        await this.carryOut(plan);
      }
      throw new InvalidStateError(
        `the collection did not settle after ${MAX_ROUNDS} rounds of observe-and-act; ${describeObservation(this.collection)}`,
        "Something else keeps changing the collection (another tool, operator or pipeline); stop it, refresh the stack, then run again",
        this.context,
      );
    } catch (error) {
      throw new ReconcileFailure(error, await this.tryReread(), this.lastOperation, this.methodCalled);
    }
  }

  /**
   * Waits for a failover job of this collection that is already running (an interrupted run's, another pipeline's,
   * an operator's); true when it waited, so the caller observes again. State 4 with no such job is left to the
   * planner, which refuses it at once: nothing documented moves it on by itself.
   */
  private async waitForOthers(): Promise<boolean> {
    const running = await this.read("looking for a running failover job", () =>
      findRunningFailoverJob(this.session, this.collection, {
        context: this.context,
      }),
    );
    if (!running) return false;
    await this.adopt(running);
    return true;
  }

  private async carryOut(plan: Exclude<Plan, { kind: "none" }>): Promise<void> {
    if (plan.kind === "refuse") throw new InvalidStateError(plan.reason, plan.advice, this.context);
    const [step] = plan.steps;
    // Every loss of the whole plan is judged before its first call: nothing is written unless all are acknowledged.
    if (!this.methodCalled) {
      await this.read("reading what the plan would lose", () =>
        guardSteps(this.session, this.collection, plan.steps, this.request, this.deps, this.context),
      );
    }
    if (step) await this.call(step);
  }

  private async call(step: Step): Promise<void> {
    const before = this.collection;
    const prepared = await prepareStep(this.session, before, step, this.request, this.deps, this.context);
    const calledBefore = this.methodCalled;
    this.methodCalled = true;
    this.method = step.method;
    try {
      const result = await callFailoverMethod(
        this.session,
        before,
        step.method,
        prepared.pass,
        this.methodOptions(),
      );
      this.lastOperation = withPoint(result.record, prepared.point);
      await this.reread();
      this.log(verifyStep(step, before, this.collection, result.vanished, this.context));
    } catch (error) {
      // A call that never left this machine changed nothing: a create that made no other call fails outright.
      if (neverSent(error)) this.methodCalled = calledBefore;
      this.noteOperation(error, prepared.point);
      await this.recover(step, before, error);
    } finally {
      this.method = undefined;
    }
  }

  /** Decides whether a failed call is over, worth another round, or fatal. */
  private async recover(step: Step, before: Collection, error: unknown): Promise<void> {
    if (error instanceof HyperVReturnCodeError && MAYBE_BUSY.includes(error.returnValue)) {
      return this.refused.after(step, before, error);
    }
    // A transport error on the call itself: it may or may not have reached the host, so it is never repeated
    // blindly. The next round re-reads and adopts the job if it started. A drop while waiting for a known job
    // (jobId set) already had until the deadline to recover.
    if (
      error instanceof HostError &&
      error.transient &&
      error.jobId === undefined &&
      this.transportRetries < MAX_TRANSPORT_RETRIES
    ) {
      const delay = this.deps.busyRetries.initialDelayMs * 2 ** this.transportRetries++;
      this.log(
        `${step.method}: ${error.cimError.message}; observing the collection again in ${Math.round(delay / 1000)} s`,
      );
      await this.deps.clock.sleep(delay);
      await this.reread();
      return;
    }
    throw error;
  }

  private async adopt(running: RunningFailoverJob): Promise<void> {
    const { method, job } = running;
    this.log(
      `${method} job ${job.id} is already running on the host; waiting for it instead of starting another`,
    );
    try {
      const result = await followFailoverJob(this.session, this.collection, running, this.methodOptions());
      this.lastOperation = result.record;
    } catch (error) {
      this.noteOperation(error);
      throw error;
    }
    await this.reread();
    // The run that called knows the point it chose; this one reads it from the collection, so both record the same.
    const record = this.lastOperation;
    this.lastOperation = await this.read("reading the recovery point applied", () =>
      withAppliedPoint(this.session, this.collection, record, this.context),
    );
  }

  private methodOptions(): MethodOptions {
    return {
      ...this.deps,
      // 32774 comes back to this driver at once: only it can look for the job that holds the collection.
      busyRetries: { ...this.deps.busyRetries, attempts: 0 },
      timeoutSeconds: this.request.timeoutSeconds,
      cancelOnTimeout: this.request.cancelJobOnTimeout,
      progress: (line, kind) => this.log(line, kind),
    };
  }

  /** Keeps the record of a method whose job ended badly, so the outputs say what happened. */
  private noteOperation(error: unknown, point?: PointUsed): void {
    if (error instanceof HyperVError && error.operation)
      this.lastOperation = withPoint(error.operation as OperationRecord, point);
  }

  private async reread(): Promise<void> {
    const { id } = this.collection;
    const now = await this.read("reading the collection", () =>
      findCollection(this.session, { id }, undefined, this.context),
    );
    if (now === undefined) {
      throw new NotFoundError(
        `the collection (CollectionID ${id}) no longer exists on the host`,
        this.context,
        "It was removed while this run was under way; check the cluster (Get-VMGroup), then refresh the stack",
      );
    }
    this.collection = await this.linked(now);
  }

  /** In state 13, whether a test collection is linked: only that makes 13 a test failover (testLink.ts). */
  private linked(collection: Collection): Promise<ObservedCollection> {
    return this.read("looking for the test collection", () =>
      withTestLink(this.session, collection, this.context),
    );
  }

  /** An idempotent read, tried again with back-off when the transport drops it. */
  private read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return retryRead(fn, {
      clock: this.deps.clock,
      retries: this.deps.readRetries,
      onRetry: (error, delay) =>
        this.log(`${what}: ${error.message}; trying again in ${Math.round(delay / 1000)} s`),
    });
  }

  private async tryReread(): Promise<Collection | undefined> {
    try {
      await this.reread();
      return this.collection;
    } catch {
      return undefined;
    }
  }
}
