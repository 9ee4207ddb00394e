import type { Clock } from "../clock";
import { Cluster } from "./cluster";
import { NAMESPACE, sameText } from "./constants";
import { resolveOptions } from "./options";
import { addFault } from "./methods/faults";
import { FileStore } from "./store/fileStore";
import { finishJob, jobAt } from "./methods/jobs";
import { collectionView, recoveryPointsOf, seedRecords } from "./seed/records";
import { checkPatch, jobDurationMethod, patchCollection, type CollectionPatch } from "./seed/patch";
import {
  addMembers,
  addRecoveryPoint,
  setHealth,
  setGuestShutdown,
  setVmState,
  type SeedHealth,
  toMillis,
  type SeedRecoveryPoint,
} from "./seed/seeding";
import { SimulatorSession } from "./session";
import { addHostVms } from "./model/hostVms";
import type { BusyReturnCode } from "./store/state";
import {
  collectionById,
  findCollection,
  requireCollection,
  setBusyReturnCode,
  type GuestShutdown,
} from "./store/state";
import { MemoryStore } from "./store/store";
import { untracked } from "./store/tracking";
import { addPair, type SeedPair } from "./seed/pairSeed";
import { addSite } from "./methods/recoverySide";
import { adaptersOf, setAdapters, vmById, type StoredAdapter } from "./networks/model";

export type { CollectionPatch };
import type {
  Fault,
  MethodCall,
  SeedCollection,
  SimCollection,
  SimJob,
  SimMember,
  SimRead,
  SimRecoveryPoint,
  SimulatorOptions,
} from "./types";

/**
 * An in-memory (or file-backed) Hyper-V cluster that serves the `root/HyperVCluster/v2` classes the provider uses:
 * VM collections, their recovery points and member VMs, every method of `Msvm_CollectionReplicationService` (the
 * TRANSITIONS table in transitions.ts says what each does and what is documented), the member VMs'
 * RequestStateChange, and the jobs they start. Use {@link HyperVSimulator.session} wherever a
 * `CimSession` is expected to rehearse a DR pipeline without a host; seed collections, inject faults and read the
 * call log through the other methods.
 *
 * Jobs advance with the clock, not with timers: pass a `FakeClock` and advance it to move them along.
 */
export class HyperVSimulator {
  /** The CIM namespace the simulator stands in for. */
  static readonly namespace: "root/HyperVCluster/v2" = NAMESPACE;

  private readonly cluster: Cluster;

  /** @throws TypeError or RangeError when an option is malformed. */
  constructor(options: SimulatorOptions = {}) {
    const { clock, stateFile, hostName, timeBeforeRemovalMs } = resolveOptions(options);
    const store = stateFile === undefined ? new MemoryStore() : FileStore.at(stateFile);
    this.cluster = new Cluster(store, clock, hostName, timeBeforeRemovalMs);
  }

  /** The clock this simulator reads. */
  get clock(): Clock {
    return this.cluster.clock;
  }

  /** Creates the state file, holding an empty cluster, if `stateFile` is set and the file does not exist yet. */
  init(): Promise<void> {
    return this.cluster.store.init();
  }

  /**
   * Adds a collection with its member VMs and recovery points.
   * @throws Error when a collection with the same id exists, TypeError/RangeError when the seed is malformed.
   */
  addCollection(seed: SeedCollection): Promise<SimCollection> {
    return this.cluster.transact((state, { now }) => {
      const { collection, points } = seedRecords(seed, now);
      if (collectionById(state, collection.id))
        throw new Error(`a collection with id ${collection.id} exists`);
      state.collections.push(collection);
      state.recoveryPoints.push(...points);
      return collectionView(collection);
    });
  }

  /**
   * Adds a replicated pair: a primary collection on `primary.host` and its replica on `replica.host`, linked so
   * that planned failover, reverse replication and reprotect move both together (pair.ts). Open a simulator with
   * `hostName` set to either host on the same state file to talk to that site.
   * @throws Error when an id exists, TypeError/RangeError when the seed is malformed.
   */
  addPair(seed: SeedPair): Promise<{ primary: SimCollection; replica: SimCollection }> {
    return this.cluster.transact((state, { now }) => addPair(state, seed, now));
  }

  /**
   * Registers a site (a host of its own cluster) in this state file: a relationship created towards its connection
   * point (default `<host>-broker`) makes the recovery-side collection there, with the primary's CollectionID
   * (recoverySide.ts), and collections defined on its host live on it.
   * @throws TypeError for an empty host, Error when the host is registered already.
   */
  addSite(site: { host: string; connectionPoint?: string; certificateThumbprint?: string }): Promise<void> {
    return this.cluster.transact((state) => {
      addSite(state, site);
    });
  }

  /**
   * Changes a collection behind the provider's back, as an operator or a failure would (drift); `name` renames it,
   * as RenameCollection would. Running jobs are
   * not touched: when they end they still set their own result.
   * @param idOrName the CollectionID, or the ElementName when no id matches.
   * @throws Error when no collection (or more than one by name) matches; RangeError for a value outside uint16.
   */
  async setCollection(idOrName: string, patch: CollectionPatch): Promise<SimCollection> {
    checkPatch(patch);
    return this.cluster.transact((state) => collectionView(patchCollection(state, idOrName, patch)));
  }

  /**
   * Removes a collection with its member VMs and recovery points. Its jobs stay until they are removed as usual.
   * @throws Error when no collection (or more than one by name) matches.
   */
  removeCollection(idOrName: string): Promise<void> {
    return this.cluster.transact((state) => {
      const collection = requireCollection(state, idOrName);
      state.collections = state.collections.filter((c) => c !== collection);
      state.recoveryPoints = state.recoveryPoints.filter((p) => p.collectionId !== collection.id);
    });
  }

  /** Every collection, in the order they were added. */
  collections(): Promise<SimCollection[]> {
    return this.cluster.transact((state) => state.collections.map(collectionView));
  }

  /**
   * One collection by CollectionID (any letter case), else by exact ElementName; `undefined` when none matches.
   * @throws Error when the name matches more than one collection.
   */
  collection(idOrName: string): Promise<SimCollection | undefined> {
    return this.cluster.transact((state) => {
      const found = findCollection(state, idOrName);
      return found && collectionView(found);
    });
  }

  /** The recovery points of a collection, oldest first; empty when it has none or does not exist. */
  recoveryPoints(collectionId: string): Promise<SimRecoveryPoint[]> {
    return this.cluster.transact((state) => recoveryPointsOf(state, collectionId));
  }

  /** The jobs that still exist, as they read now, in the order they were started. */
  jobs(): Promise<SimJob[]> {
    return this.cluster.transact((state, { now }) => state.jobs.map((job) => jobAt(job, now)));
  }

  /** Every `invoke` the host received, in order, refused and faulted ones included. */
  calls(): Promise<MethodCall[]> {
    return this.cluster.store.calls();
  }

  /**
   * Every read the host answered (query, get, getMany, associators), in order: with {@link calls}, everything the
   * provider asked of the host.
   */
  reads(): Promise<SimRead[]> {
    return this.cluster.store.reads();
  }

  /**
   * Adds a fault. Faults fire in the order they were added, before the host looks at the call, and are counted
   * down as they fire.
   * @throws RangeError when `times` or `delayMs` is malformed.
   */
  injectFault(fault: Fault): Promise<void> {
    return this.cluster.transact((state) => addFault(state, structuredClone(fault)));
  }

  /** Removes every pending fault. */
  clearFaults(): Promise<void> {
    return this.cluster.transact((state) => {
      state.faults = [];
    });
  }

  /**
   * Sets how long the jobs `method` starts from now on take; `null` = they never finish. Defaults: InitiateFailover
   * 3000 ms, RevertFailover 2000 ms, CommitFailover 1500 ms, the others as in TRANSITIONS; `RequestStateChange`
   * (member VMs) 1000 ms. Jobs already running keep their duration. `InitiateShutdown` starts no job: its duration
   * is how long a guest takes to shut down (default GUEST_SHUTDOWN_MS, 5000 ms).
   * @throws RangeError when `method` starts no job or `ms` is negative.
   */
  async setJobDuration(method: string, ms: number | null): Promise<void> {
    const known = jobDurationMethod(method, ms);
    return this.cluster.transact((state) => {
      state.jobDurations[known] = ms;
    });
  }

  /**
   * Gives a VM its network adapters (networks/model.ts), replacing what it had: the switch each is connected to, its
   * test-failover switch and its failover TCP/IP settings.
   * @throws Error when no VM has the id, TypeError when an adapter is malformed.
   */
  setNetworkAdapters(vmId: string, adapters: readonly StoredAdapter[]): Promise<void> {
    return this.cluster.transact((state) => setAdapters(state, vmId, adapters));
  }

  /** A VM's network adapters as the host keeps them; the default one for a VM given none. */
  networkAdapters(vmId: string): Promise<StoredAdapter[]> {
    return this.cluster.transact((state) => {
      const vm = vmById(untracked(state), vmId);
      if (vm === undefined) throw new Error(`no simulated VM has the id ${vmId}`);
      return structuredClone([...adaptersOf(vm)]);
    });
  }

  /**
   * Sets what a job-starting call on a collection that runs a job answers: 32774 (the default) or 32775. Nothing
   * public shows which Hyper-V gives; the state file keeps it (`busyReturnCode`) for every process on it.
   * @throws RangeError for any other code.
   */
  setBusyReturnCode(code: BusyReturnCode): Promise<void> {
    return this.cluster.transact((state) => setBusyReturnCode(state, code));
  }

  /**
   * Ends every running job of `method` now, as its time being up would (completed, unless a fault planned another
   * end): with setJobDuration(method, null), a test decides exactly when jobs end. Returns how many ended.
   */
  finishRunningJobs(method: string): Promise<number> {
    return this.cluster.transact((state, { now }) => {
      const running = state.jobs.filter((job) => !job.finished && sameText(job.method, method));
      for (const job of running) finishJob(state, job, job.plannedEnd, now);
      return running.length;
    });
  }

  /**
   * Adds a recovery point taken at `creationTime` (default now) with `consistencyLevel` (default 2 Crash) for every
   * member VM. The newest point sets the collection's LastApplyTime and LastApplyConsistencyLevel.
   * @throws Error when no collection matches; RangeError for a bad time or level.
   */
  addRecoveryPoint(idOrName: string, seed: SeedRecoveryPoint = {}): Promise<SimRecoveryPoint> {
    return this.cluster.transact((state, { now }) => addRecoveryPoint(state, now, idOrName, seed));
  }

  /**
   * Seeds what GetReplicationStatistics reports: health issues, ReplicationHealth, per-VM health and counters.
   * Everything is checked before anything changes.
   * @throws Error when no collection or VM matches; RangeError/TypeError for bad values.
   */
  setHealth(idOrName: string, health: SeedHealth): Promise<SimCollection> {
    return this.cluster.transact((state) => {
      setHealth(state, idOrName, health);
      return collectionView(requireCollection(state, idOrName));
    });
  }

  /**
   * Adds VMs that belong to no collection, running, as a host has them before they join a VM group (AddMember);
   * in a two-site state file, on `site`. Returns them with their generated ids. @throws Error for an empty name.
   */
  addVirtualMachines(names: string[], site?: string): Promise<SimMember[]> {
    return this.cluster.transact((state, { now }) =>
      addHostVms(state, names, now, site).map(({ id, name }) => ({
        id,
        name,
        enabledState: 2,
        replicationHealth: 0,
      })),
    );
  }

  /** Adds member VMs to a collection. @throws Error when no collection matches. */
  addMembers(idOrName: string, names: string[]): Promise<SimCollection> {
    return this.cluster.transact((state, { now }) => {
      addMembers(state, idOrName, names, now);
      return collectionView(requireCollection(state, idOrName));
    });
  }

  /**
   * Sets a member VM's EnabledState (2 running, 3 off, ...) behind the provider's back, as of `since` (its
   * TimeOfLastStateChange: a Date, epoch ms or ISO string; default now), so that a test can seed VMs that have
   * run for days.
   * @throws Error when no collection or VM matches; RangeError outside uint16 or for a malformed time.
   */
  setVmState(
    idOrName: string,
    vm: string,
    enabledState: number,
    since?: Date | number | string,
  ): Promise<SimCollection> {
    return this.cluster.transact((state, { now }) => {
      setVmState(state, idOrName, vm, enabledState, since === undefined ? now : toMillis("since", since));
      return collectionView(requireCollection(state, idOrName));
    });
  }

  /**
   * Sets how a member VM's guest answers Msvm_ShutdownComponent.InitiateShutdown: `shutsDown` (the default; Off
   * after GUEST_SHUTDOWN_MS), `neverShutsDown` (accepted, never finishes) or `noComponent` (no such instance).
   * @throws Error when no collection or VM matches; RangeError for another value.
   */
  setGuestShutdown(idOrName: string, vm: string, guest: GuestShutdown): Promise<SimCollection> {
    return this.cluster.transact((state) => {
      setGuestShutdown(state, idOrName, vm, guest);
      return collectionView(requireCollection(state, idOrName));
    });
  }

  /**
   * A `CimSession` on this cluster: `root/HyperVCluster/v2` by default, and Msvm_ShutdownComponent in
   * `root/virtualization/v2` for calls that name it; its `target` is `<hostName> (simulator)`.
   */
  session(): SimulatorSession {
    return new SimulatorSession(this.cluster);
  }
}
