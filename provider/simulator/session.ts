import {
  CimError,
  type AssociatorOptions,
  type CimArguments,
  type CimCallOptions,
  type CimFilter,
  type CimInstance,
  type CimMethodResult,
  type CimRef,
  type CimClassDefinition,
  type CimIntrospection,
  type CimNamespace,
  type CimSession,
  type HostFacts,
} from "../cim";
import { classDefinition } from "./model/classDefinitions";
import type { Cluster } from "./cluster";
import { takeTransportFaults, type TransportFaults } from "./methods/faults";
import { invokeMethod, logUnreachable, type InvokeContext, type Outcome } from "./methods/invoke";
import { associatorsOf, getInstance, queryInstances } from "./model/query";
import type { SimState } from "./store/state";
import { untracked } from "./store/tracking";

type Operation<T> = (state: SimState, ctx: InvokeContext) => Outcome<T>;
type UnreachableHook = (state: SimState, ctx: InvokeContext, error: CimError) => void;

/** Turns a CimError thrown while answering into an outcome, so the transaction still commits. */
function attempt<T>(answer: () => T): Outcome<T> {
  try {
    return { ok: true, value: answer() };
  } catch (error) {
    if (error instanceof CimError) return { ok: false, error };
    throw error;
  }
}

/**
 * The CimSession seam over the simulated cluster. Each call is one transaction on the shared state. Reads render
 * from the plain state (tracking.ts): rendering changes nothing, so the store has nothing to learn from it.
 */
export class SimulatorSession implements CimSession, CimIntrospection {
  readonly target: string;
  private closed = false;

  constructor(private readonly cluster: Cluster) {
    this.target = `${cluster.hostName} (simulator)`;
  }

  query(className: string, filter?: CimFilter, options?: CimCallOptions): Promise<CimInstance[]> {
    return this.call(options, (state, ctx) => {
      state.reads.push({ at: ctx.now, op: "query", className });
      return attempt(() => queryInstances(untracked(state), ctx, className, filter));
    });
  }

  get(ref: CimRef, options?: CimCallOptions): Promise<CimInstance | undefined> {
    return this.call(options, (state, ctx) => {
      state.reads.push({ at: ctx.now, op: "get", className: ref.className });
      return attempt(() => getInstance(untracked(state), ctx, ref));
    });
  }

  getMany(refs: readonly CimRef[], options?: CimCallOptions): Promise<(CimInstance | undefined)[]> {
    return this.call(options, (state, ctx) => {
      state.reads.push({
        at: ctx.now,
        op: "getMany",
        className: refs[0]?.className ?? "",
        refs: refs.length,
      });
      return attempt(() => refs.map((ref) => getInstance(untracked(state), ctx, ref)));
    });
  }

  invoke(
    target: CimRef,
    method: string,
    args: CimArguments,
    options?: CimCallOptions,
  ): Promise<CimMethodResult> {
    const call = { target, method, args };
    return this.call(
      options,
      (state, ctx) => invokeMethod(state, ctx, call),
      (state, ctx, error) => logUnreachable(state, ctx, call, error),
    );
  }

  associators(ref: CimRef, associators: AssociatorOptions, options?: CimCallOptions): Promise<CimInstance[]> {
    return this.call(options, (state, ctx) => {
      state.reads.push({ at: ctx.now, op: "associators", className: ref.className });
      return attempt(() => associatorsOf(untracked(state), ctx, ref, associators));
    });
  }

  /** Get-CimClass: a read, logged with the others, that changes nothing. */
  classes(names: readonly string[], namespace: CimNamespace): Promise<(CimClassDefinition | undefined)[]> {
    return this.call({ namespace }, (state, ctx) => {
      for (const className of names) state.reads.push({ at: ctx.now, op: "classes", className });
      return { ok: true, value: names.map((name) => classDefinition(name, namespace)) };
    });
  }

  /** The simulator has no PowerShell and no account; its clock is the host's. */
  hostFacts(): Promise<HostFacts> {
    return this.call(undefined, (_state, ctx) => ({
      ok: true,
      value: {
        psVersion: null,
        psEdition: "Simulator",
        cimCmdlets: null,
        hostTime: new Date(ctx.now).toISOString(),
        account: null,
        hyperVAdministrator: null,
      },
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /**
   * Transport faults are taken first. Without a delay the call is answered in the same transaction; with one, the
   * session waits on the clock outside any lock and answers afterwards, at the later time.
   */
  private async call<T>(
    options: CimCallOptions | undefined,
    op: Operation<T>,
    onUnreachable?: UnreachableHook,
  ) {
    const signal = options?.signal;
    const namespace = options?.namespace;
    if (this.closed) throw new CimError("protocol", `the session to ${this.target} is closed`);
    signal?.throwIfAborted();
    const first = await this.cluster.transact((state, ctx) => {
      const faults = takeTransportFaults(state, ctx.hostName);
      const outcome =
        faults.delayMs === undefined
          ? this.reach(state, { ...ctx, namespace }, faults, op, onUnreachable)
          : undefined;
      return { faults, outcome };
    });
    let outcome = first.outcome;
    if (!outcome) {
      await this.cluster.clock.sleep(first.faults.delayMs ?? 0, signal);
      outcome = await this.cluster.transact((state, ctx) =>
        this.reach(state, { ...ctx, namespace }, first.faults, op, onUnreachable),
      );
    }
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  private reach<T>(
    state: SimState,
    ctx: InvokeContext,
    faults: TransportFaults,
    op: Operation<T>,
    onUnreachable?: UnreachableHook,
  ): Outcome<T> {
    if (!faults.unreachable) return op(state, ctx);
    const error = new CimError("unreachable", `${this.target} did not answer (simulated outage)`);
    onUnreachable?.(state, ctx, error);
    return { ok: false, error };
  }
}
