/**
 * What the driver does when the host refuses a failover call without acting: 32774 (System is in use) or 32775
 * (Invalid state for this operation). Nothing public shows which of the two a call on a collection that another
 * call holds gets (fact sheet §6): the docs name 32774 "System is in use", while microsoft/wmi PR #27 ("Add retry
 * when returnValue is 32775 (Invalid State)") retries 32775 as transient. So both are read the same way: read the
 * collection again, adopt its running failover job, and refuse only when the state read now rules the call out.
 */
import type { Collection, ErrorContext, HyperVReturnCodeError } from "../hyperv";
import { InvalidStateError, ReturnCode } from "../hyperv";
import type { BusyPatience } from "./busy";
import { busyPatience } from "./busy";
import type { Step } from "./plan";
import { adviceAfterInvalidState, describeObservation, planFailover } from "./plan";
import type { ReconcileDeps, ReconcileRequest } from "./request";
import { observedState, satisfies } from "./states";

/** What the driver lends: the collection as last read, a fresh read, and the look for a running job to adopt. */
export interface DriverPort {
  collection(): Collection;
  context(): ErrorContext;
  reread(): Promise<void>;
  /** Adopts a running failover job of the collection; true when it waited for one. */
  waitForOthers(): Promise<boolean>;
  log(line: string): void;
}

/** The codes after which Hyper-V acted on nothing and another run's job may hold the collection. */
export const MAYBE_BUSY: readonly number[] = [ReturnCode.SystemInUse, ReturnCode.InvalidState];

export class RefusedCalls {
  /** The patience for 32774, from the first such answer in this run. */
  private busy: BusyPatience | undefined;
  /** How many times 32775 was answered while the state read allowed the call. */
  private invalidAgain = 0;

  constructor(
    private readonly driver: DriverPort,
    private readonly request: ReconcileRequest,
    private readonly deps: ReconcileDeps,
  ) {}

  /** Rounds of the driver's loop these answers used: they are bounded by their own patience instead. */
  get rounds(): number {
    return (this.busy?.calls ?? 0) + this.invalidAgain;
  }

  /** Handles a 32774 or 32775 answer; returns when the driver should observe and plan again. */
  async after(step: Step, before: Collection, error: HyperVReturnCodeError): Promise<void> {
    const { driver } = this;
    await driver.reread();
    if (satisfies(observedState(driver.collection()), this.request.desired)) {
      driver.log(
        `${step.method} returned ${error.returnValue}, but the collection is already ${this.request.desired}`,
      );
      return;
    }
    if (await driver.waitForOthers()) return;
    if (error.returnValue === ReturnCode.SystemInUse) return this.whenBusy(step, error);
    return this.whenInvalidState(step, before);
  }

  /** 32774 with no job to adopt: call again after a pause, until jobTimeoutSeconds after the first 32774. */
  private async whenBusy(step: Step, error: HyperVReturnCodeError): Promise<void> {
    this.busy ??= busyPatience(this.deps, this.request.timeoutSeconds);
    const delay = this.busy.answered();
    if (delay === undefined) throw this.busy.exhausted(error);
    this.driver.log(
      `${step.method}: the collection is in use (32774) and no failover job of it is visible; calling again in ${Math.round(delay / 1000)} s`,
    );
    await this.deps.clock.sleep(delay);
    await this.driver.reread();
  }

  /**
   * 32775 with no job to adopt. When the collection moved, the next round plans from where it is now. When the
   * planner refuses from the state read now, the state really is wrong: refuse. When it still calls the same method
   * from the same state, call again `busyRetries.attempts` times with the same back-off (microsoft/wmi retries it
   * five times), then refuse: a state that looks right to us and wrong to Hyper-V needs a person.
   */
  private async whenInvalidState(step: Step, before: Collection): Promise<void> {
    const { driver, request } = this;
    const now = driver.collection();
    const plan = planFailover(now, request.desired, request);
    const moved = now.replicationState !== before.replicationState;
    if (plan.kind === "call" && moved) return;
    const same = plan.kind === "call" && plan.steps[0]?.method === step.method;
    const { attempts, initialDelayMs } = this.deps.busyRetries;
    if (!same || this.invalidAgain >= attempts) {
      throw new InvalidStateError(
        `${step.method} returned 32775 (Invalid state for this operation)${this.invalidAgain > 0 ? ` on all ${this.invalidAgain + 1} attempts` : ""}; ${describeObservation(now)}`,
        adviceAfterInvalidState(step.method, before, now, request.desired, request),
        driver.context(),
      );
    }
    const delay = initialDelayMs * 2 ** this.invalidAgain++;
    driver.log(
      `${step.method}: Hyper-V answered 32775 (Invalid state) from a state that allows it, and no failover job of the collection is visible; calling again in ${Math.round(delay / 1000)} s`,
    );
    await this.deps.clock.sleep(delay);
    await driver.reread();
  }
}
