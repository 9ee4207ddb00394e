/**
 * The small driver that carries out plans: observe the collection, plan, make one call, observe again. It is the
 * only part of failover/ that touches the host; the planner itself stays pure.
 */
import type { CimSession } from "../cim";
import type { Clock } from "../clock";
import type {
  Collection,
  CollectionSelector,
  ErrorContext,
  OperationRecord,
  PollingOptions,
} from "../hyperv";
import {
  callFailoverMethod,
  describeFailure,
  describeProgress,
  describeSelector,
  findCollection,
  findRunningFailoverJob,
  HostError,
  HyperVError,
  HyperVJobError,
  HyperVReturnCodeError,
  InvalidStateError,
  jobRef,
  jobStateName,
  NotFoundError,
  operationRecord,
  replicationStateName,
  ReplicationState,
  ReturnCode,
  waitForJob,
} from "../hyperv";
import type { RunningFailoverJob } from "../hyperv";
import type { Plan, Step } from "./plan";
import { describeObservation, planFailover } from "./plan";
import type { DesiredState } from "./states";
import { observedState } from "./states";

export interface ReconcileRequest {
  readonly selector: CollectionSelector;
  readonly desired: DesiredState;
  /** `latest` or a recovery point InstanceID. */
  readonly recoveryPoint: string;
  readonly timeoutSeconds: number;
  readonly cancelJobOnTimeout: boolean;
}

export interface ReconcileDeps {
  readonly clock: Clock;
  /** Where progress lines go (the plugin's stdout, which Pulumi shows). */
  readonly log: (line: string) => void;
  readonly polling: PollingOptions;
  readonly busyRetries: { readonly attempts: number; readonly initialDelayMs: number };
  /** Runs `fn` while holding a lock on `key`: calls for one collection never overlap. */
  readonly lock: <T>(key: string, fn: () => Promise<T>) => Promise<T>;
}

export interface ReconcileResult {
  readonly collection: Collection;
  /** The last method called for this collection in this run, or null when nothing had to be called. */
  readonly lastOperation: OperationRecord | null;
}

/** A reconcile that failed part-way; it carries what the host showed afterwards, so the stack can match it. */
export class ReconcileFailure extends Error {
  override name = "ReconcileFailure";

  constructor(
    readonly error: unknown,
    /** The collection as re-read after the failure, when it could be read. */
    readonly collection: Collection | undefined,
    readonly lastOperation: OperationRecord | null,
    /** Whether any method was called on the host in this run. */
    readonly methodCalled: boolean,
  ) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** Observation, waits and calls are bounded: two steps plus waits never need more rounds than this. */
const MAX_ROUNDS = 8;
const MAX_TRANSPORT_RETRIES = 3;

export async function reconcile(
  session: CimSession,
  request: ReconcileRequest,
  deps: ReconcileDeps,
): Promise<ReconcileResult> {
  const found = await findCollection(session, request.selector);
  if (found === undefined) throw notFound(session, request.selector);
  return deps.lock(`${session.target}|${found.id.toLowerCase()}`, () =>
    new Driver(session, request, deps, found).run(),
  );
}

export function notFound(session: CimSession, selector: CollectionSelector): NotFoundError {
  const what =
    "id" in selector ? `no collection has CollectionID ${selector.id}` : "no collection has this name";
  return new NotFoundError(
    what,
    { collection: describeSelector(selector), host: session.target },
    "Check the name or CollectionID (Get-VMGroup on the replica cluster lists them), and that the connection points at the replica cluster",
  );
}

class Driver {
  private lastOperation: OperationRecord | null = null;
  private methodCalled = false;
  private transportRetries = 0;

  constructor(
    private readonly session: CimSession,
    private readonly request: ReconcileRequest,
    private readonly deps: ReconcileDeps,
    private collection: Collection,
  ) {}

  private get context(): ErrorContext {
    return { collection: this.collection.name, host: this.session.target };
  }

  private log(line: string): void {
    this.deps.log(`[${this.collection.name}] ${line}`);
  }

  async run(): Promise<ReconcileResult> {
    try {
      await this.reread();
      for (let round = 0; round < MAX_ROUNDS; round++) {
        if (await this.waitForOthers()) continue;
        const plan = planFailover(this.collection, this.request.desired, this.request);
        if (plan.kind === "none") return { collection: this.collection, lastOperation: this.lastOperation };
        await this.carryOut(plan);
      }
      throw new HyperVError(
        `Gave up: the collection did not settle after ${MAX_ROUNDS} rounds of observe-and-act; ${describeObservation(this.collection)}`,
        this.context,
      );
    } catch (error) {
      throw new ReconcileFailure(error, await this.tryReread(), this.lastOperation, this.methodCalled);
    }
  }

  /** Waits for a failover that someone else started; true when it waited (so the caller observes again). */
  private async waitForOthers(): Promise<boolean> {
    const running = await findRunningFailoverJob(this.session, this.collection);
    if (running) {
      await this.adopt(running);
      return true;
    }
    if (this.collection.replicationState === ReplicationState.FailoverInitiated) {
      await this.settle();
      return true;
    }
    return false;
  }

  private async carryOut(plan: Exclude<Plan, { kind: "none" }>): Promise<void> {
    if (plan.kind === "refuse") throw new InvalidStateError(plan.reason, plan.advice, this.context);
    if (plan.kind === "wait") return this.settle();
    const [step] = plan.steps;
    if (step) await this.call(step);
  }

  private async call(step: Step): Promise<void> {
    const before = this.collection;
    this.methodCalled = true;
    try {
      const result = await callFailoverMethod(this.session, before, step.method, step.recoveryPoint, {
        ...this.deps,
        timeoutSeconds: this.request.timeoutSeconds,
        cancelOnTimeout: this.request.cancelJobOnTimeout,
        progress: (line) => this.log(line),
      });
      this.lastOperation = result.record;
      await this.reread();
      this.verify(step, before, result.vanished);
    } catch (error) {
      if (error instanceof HyperVError && error.operation)
        this.lastOperation = error.operation as OperationRecord;
      await this.recover(step, error);
    }
  }

  private verify(step: Step, before: Collection, vanished: boolean): void {
    const after = this.collection;
    const change = `${replicationStateName(before.replicationState)} (${before.replicationState}) -> ${replicationStateName(after.replicationState)} (${after.replicationState})`;
    if (step.expect.includes(after.replicationState)) {
      this.log(`${step.method} done: ${change}`);
      return;
    }
    const expected = step.expect.map((s) => `${replicationStateName(s)} (${s})`).join(" or ");
    const how = vanished
      ? `its job was removed from the host before it was seen finishing, and the collection did not reach ${expected}`
      : `it reported success, but the collection did not reach ${expected}`;
    throw new InvalidStateError(
      `after ${step.method}, ${describeObservation(after)}: ${how}`,
      "Refresh the stack to record the real state, check the Hyper-V-VMMS-Admin event log on the host, then run again",
      { ...this.context, method: step.method },
    );
  }

  /** Decides whether a failed call is over (32775 with the goal reached), worth another round, or fatal. */
  private async recover(step: Step, error: unknown): Promise<void> {
    if (error instanceof HyperVReturnCodeError && error.returnValue === ReturnCode.InvalidState) {
      await this.reread();
      if (observedState(this.collection) === this.request.desired) {
        this.log(`${step.method} returned 32775, but the collection is already ${this.request.desired}`);
        return;
      }
      const plan = planFailover(this.collection, this.request.desired, this.request);
      const advice =
        plan.kind === "refuse" ? plan.advice : "Refresh the stack to see the state, then run again";
      throw new InvalidStateError(
        `${step.method} returned 32775 (Invalid state for this operation); ${describeObservation(this.collection)}`,
        advice,
        { ...this.context, method: step.method },
      );
    }
    if (error instanceof HostError && error.transient && this.transportRetries < MAX_TRANSPORT_RETRIES) {
      // The call may or may not have reached the host; the next round re-reads and adopts its job if it did.
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

  private async adopt({ method, job }: RunningFailoverJob): Promise<void> {
    this.log(
      `${method} job ${job.id} is already running on the host; waiting for it instead of starting another`,
    );
    const context = { ...this.context, method };
    const startedAt = this.deps.clock.now();
    const outcome = await waitForJob(this.session, jobRef(job.id), {
      ...this.deps,
      deadline: startedAt + this.request.timeoutSeconds * 1000,
      timeoutSeconds: this.request.timeoutSeconds,
      cancelOnTimeout: this.request.cancelJobOnTimeout,
      onProgress: (j) => this.log(describeProgress(method, j)),
      context,
    });
    const finishedAt = this.deps.clock.now();
    if (outcome.kind === "vanished") {
      this.lastOperation = operationRecord(method, job.id, "Vanished", null, startedAt, finishedAt);
    } else {
      const state = outcome.job;
      this.lastOperation = operationRecord(
        method,
        job.id,
        jobStateName(state.jobState),
        state.errorCode,
        startedAt,
        finishedAt,
      );
      if (state.jobState !== 7) throw new HyperVJobError(await describeFailure(this.session, state), context);
    }
    await this.reread();
  }

  /** State 4 with no job to follow: poll the collection until it leaves FailoverInitiated. */
  private async settle(): Promise<void> {
    this.log(`failover initiated by someone else; waiting for the collection to settle`);
    const deadline = this.deps.clock.now() + this.request.timeoutSeconds * 1000;
    let delay = this.deps.polling.initialMs;
    while (this.collection.replicationState === ReplicationState.FailoverInitiated) {
      if (this.deps.clock.now() >= deadline) {
        throw new InvalidStateError(
          `the collection stayed FailoverInitiated (4) for ${this.request.timeoutSeconds} s and no failover job for it is visible`,
          "Check the collection on the host (Hyper-V Manager or Msvm_VirtualSystemCollection); run again once it reads Recovered or Replicating",
          this.context,
        );
      }
      await this.deps.clock.sleep(Math.min(delay, deadline - this.deps.clock.now()));
      delay = Math.min(this.deps.polling.maxMs, delay * this.deps.polling.factor);
      await this.reread();
    }
  }

  private async reread(): Promise<void> {
    const now = await findCollection(this.session, { id: this.collection.id });
    if (now === undefined) throw notFound(this.session, { id: this.collection.id });
    this.collection = now;
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
