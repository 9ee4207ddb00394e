/**
 * The runtime against the simulator on a fake clock, as the Pulumi plugin runs it, plus a tap on the CIM seam that
 * records every read and can stand in for a host that loses a reply or answers an association from one end only.
 */
import type {
  AssociatorOptions,
  CimArguments,
  CimCallOptions,
  CimFilter,
  CimInstance,
  CimMethodResult,
  CimRef,
  CimSession,
} from "../../provider/cim";
import { FakeClock } from "../../provider/clock";
import type { ProgressCadence } from "../../provider/hyperv";
import { createRuntime } from "../../provider/doors/dynamic";
import type { BusyReturnCode, SeedCollection } from "../../provider/simulator";
import { HyperVSimulator } from "../../provider/simulator";

export const ID = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
export const T0 = Date.UTC(2026, 10, 23, 21, 0, 0);
export const HOST = "hv-replica01 (simulator)";
export const SERVICE: CimRef = {
  className: "Msvm_CollectionReplicationService",
  keys: {
    CreationClassName: "Msvm_CollectionReplicationService",
    Name: "vmms",
    SystemCreationClassName: "Msvm_ComputerSystem",
    SystemName: "hv-replica01",
  },
};
export const COLLECTION: CimRef = { className: "Msvm_VirtualSystemCollection", keys: { CollectionID: ID } };

/** The bracket every error carries: the collection, the method when one was being called, and the host. */
export const where = (method?: string) =>
  `[collection 'sql-cluster', ${method ? `method ${method}, ` : ""}host ${HOST}]`;

/** One seam call the provider made, as the tap saw it. */
export interface SeamCall {
  readonly at: number;
  readonly op: "query" | "get" | "getMany" | "invoke" | "associators";
  readonly className: string;
}

/** Hooks that may answer in the host's place; `next` is the real answer. */
export interface Tap {
  invoke?(next: () => Promise<CimMethodResult>, method: string): Promise<CimMethodResult>;
  query?(next: () => Promise<CimInstance[]>, className: string): Promise<CimInstance[]>;
  associators?(
    next: () => Promise<CimInstance[]>,
    ref: CimRef,
    options: AssociatorOptions,
  ): Promise<CimInstance[]>;
}

export class TappedSession implements CimSession {
  readonly target: string;

  constructor(
    private readonly inner: CimSession,
    private readonly clock: FakeClock,
    private readonly seen: SeamCall[],
    private readonly tap: Tap,
  ) {
    this.target = inner.target;
  }

  private note(op: SeamCall["op"], className: string): void {
    this.seen.push({ at: this.clock.now(), op, className });
  }

  query(className: string, filter?: CimFilter, options?: CimCallOptions): Promise<CimInstance[]> {
    this.note("query", className);
    const next = () => this.inner.query(className, filter, options);
    return this.tap.query ? this.tap.query(next, className) : next();
  }

  get(ref: CimRef, options?: CimCallOptions): Promise<CimInstance | undefined> {
    this.note("get", ref.className);
    return this.inner.get(ref, options);
  }

  getMany(refs: readonly CimRef[], options?: CimCallOptions): Promise<(CimInstance | undefined)[]> {
    this.note("getMany", refs[0]?.className ?? "");
    return this.inner.getMany(refs, options);
  }

  invoke(
    target: CimRef,
    method: string,
    args: CimArguments,
    options?: CimCallOptions,
  ): Promise<CimMethodResult> {
    this.note("invoke", target.className);
    const next = () => this.inner.invoke(target, method, args, options);
    return this.tap.invoke ? this.tap.invoke(next, method) : next();
  }

  associators(ref: CimRef, options: AssociatorOptions, callOptions?: CimCallOptions): Promise<CimInstance[]> {
    this.note("associators", ref.className);
    const next = () => this.inner.associators(ref, options, callOptions);
    return this.tap.associators ? this.tap.associators(next, ref, options) : next();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export interface SetupOptions {
  readonly seed?: Partial<SeedCollection>;
  /** How long the simulated host keeps a finished job; 0 removes it as soon as it ends. */
  readonly timeBeforeRemovalMs?: number;
  readonly tap?: Tap;
  /** Sees each progress line as it is written, to act at a given moment of a run. */
  readonly onLog?: (line: string) => void;
  /** What the host answers a call on a collection that runs a job: 32774 (the default) or 32775. */
  readonly busyReturnCode?: BusyReturnCode;
  /** How often a job's progress is a line; null: every change, as the native plugin writes them. Default paced. */
  readonly progressCadence?: ProgressCadence | null;
}

export async function setup(options: SetupOptions = {}) {
  const clock = new FakeClock(T0);
  const sim = new HyperVSimulator({
    clock,
    hostName: "hv-replica01",
    ...(options.timeBeforeRemovalMs !== undefined
      ? { timeBeforeRemovalMs: options.timeBeforeRemovalMs }
      : {}),
  });
  await sim.addCollection({ id: ID, name: "sql-cluster", members: ["sql-a", "sql-b"], ...options.seed });
  if (options.busyReturnCode !== undefined) await sim.setBusyReturnCode(options.busyReturnCode);
  const lines: string[] = [];
  const seam: SeamCall[] = [];
  const rt = createRuntime({
    clock,
    log: (line) => {
      lines.push(line);
      options.onLog?.(line);
    },
    openSession: async () => new TappedSession(sim.session(), clock, seam, options.tap ?? {}),
    ...(options.progressCadence !== undefined ? { progressCadence: options.progressCadence } : {}),
  });
  return { clock, sim, rt, lines, seam };
}

export const inputs = (failoverState: string, extra: Record<string, unknown> = {}) => ({
  collectionId: ID,
  failoverState,
  recoveryPoint: "latest",
  jobTimeoutSeconds: 1800,
  cancelJobOnTimeout: false,
  // These tests are about the failover methods and their jobs; starting VMs is tested in test/failover/vmStartResume.test.ts
  // and, through the plugin, test/e2e/plugin.test.ts.
  startVirtualMachines: false,
  ...extra,
});

/** The stored state of a stack whose last run left the collection in `failoverState`. */
export const olds = (failoverState: string, replicationState: number) => ({
  ...inputs(failoverState),
  collectionName: "sql-cluster",
  replicationState,
  replicationMode: "Replica",
  lastOperation: null,
});

/**
 * The methods the simulated host received, in order, without GetReplicationStatistics: a read for the health
 * outputs after every operation, which test/provider/health.test.ts asserts on its own.
 */
export const methods = async (sim: HyperVSimulator) =>
  (await sim.calls()).filter((c) => c.method !== "GetReplicationStatistics").map((c) => c.method);

/** The calls that act (without the GetReplicationStatistics read the health outputs make after each operation). */
export const actingCalls = async (sim: HyperVSimulator) =>
  (await sim.calls()).filter((c) => c.method !== "GetReplicationStatistics");

/** The ReplicationState the simulated host shows now. */
export const hostState = async (sim: HyperVSimulator) => (await sim.collection(ID))?.replicationState;

/** What a plugin killed mid-job leaves behind: its call went through, and the job runs on. Returns the job id. */
export async function interruptedRun(sim: HyperVSimulator, method: string): Promise<string> {
  const result = await sim.session().invoke(SERVICE, method, { Collection: COLLECTION });
  if (result.returnValue !== 4096) throw new Error(`${method} returned ${result.returnValue}, not 4096`);
  const [call] = (await sim.calls()).slice(-1);
  return call!.jobId!;
}

/** Resolves with what the promise rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected a rejection, but the call succeeded");
}
