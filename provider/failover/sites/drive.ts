/**
 * The two-site driver: observe both sites, plan, take one step, observe both again, until the plan is empty. It
 * is the only part of failover/sites that touches the hosts. Jobs already running on either site (an interrupted
 * run's, or an operator's) are waited for first, so no call is repeated whose job ran.
 */
import type { CimArguments, CimSession } from "../../cim";
import type { ErrorContext, JobSnapshot, MethodOptions, OperationRecord } from "../../hyperv";
import {
  callServiceMethod,
  DataLossNotAcknowledgedError,
  HyperVError,
  HyperVReturnCodeError,
  InvalidStateError,
  jobRef,
  recoveryPointRef,
  relationshipSettings,
  ReturnCode,
  requestVmState,
  seeJobThrough,
  VmRequestedState,
} from "../../hyperv";
import { chooseRecoveryPoint } from "../choosePoint";
import type { DataLossEvent } from "../dataLoss";
import { acknowledgedLine } from "../dataLoss";
import type { ReconcileDeps } from "../request";
import { evidenceLabel } from "./evidence";
import type { SiteRead, SiteTarget } from "./observe";
import { hasSession, readSite, toObservation, withMeasuredRuns } from "./observe";
import { planSites } from "./plan";
import type { PairObservation, PathName, SiteStep, SitesDesire, SitesPlan } from "./types";

/** One call made on a site, as the outputs show it. */
export interface StepRecord extends OperationRecord {
  readonly site: string;
  /** The planner's step this call belongs to (StartVMs and StopVMs make one call per VM). */
  readonly action: SiteStep["action"] | "WaitForJob";
  /** The VM acted on, for StartVMs and StopVMs. */
  readonly vm: string | null;
  readonly evidence: "documented" | "per-VM docs" | "inferred" | null;
}

export interface SitesRequest {
  readonly name: string;
  readonly sites: readonly [SiteTarget, SiteTarget];
  readonly activeSite: string;
  /** The data-loss tokens the program acknowledged (failover/dataLoss.ts). */
  readonly acknowledged: readonly string[];
  readonly rehearsalMinutes: number;
  /** Commit an unplanned failover once its VMs run (otherwise only when reprotect needs it). */
  readonly commitFailover: boolean;
  /** The recovery point selector an unplanned failover uses (`latest` by default). */
  readonly recoveryPoint: string;
  readonly timeoutSeconds: number;
}

export interface SitesResult {
  readonly reads: Readonly<Record<string, SiteRead>>;
  readonly path: PathName | null;
  readonly steps: readonly StepRecord[];
}

/** A run that failed part-way, with what both sites showed afterwards and the calls made. */
export class SitesFailure extends Error {
  override name = "SitesFailure";
  constructor(
    readonly error: unknown,
    readonly reads: Readonly<Record<string, SiteRead>> | undefined,
    readonly path: PathName | null,
    readonly steps: readonly StepRecord[],
  ) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

const MAX_ROUNDS = 40;

export function runSites(request: SitesRequest, deps: ReconcileDeps): Promise<SitesResult> {
  const key = request.sites
    .map((s) => `${s.name}|${s.collectionId.toLowerCase()}`)
    .sort()
    .join("+");
  return deps.lock(key, () => new SitesDriver(request, deps).run());
}

/** Observes both sites (in order) and plans, without calling anything: what preview shows. */
export async function previewSites(
  request: SitesRequest,
  now: number,
): Promise<{ reads: Record<string, SiteRead>; plan: SitesPlan }> {
  const reads = await readBoth(request);
  return { reads, plan: planSites(observationOf(reads), desireOf(request), now) };
}

/** Both sites; the active one with the point `recoveryPoint` selects, which an unplanned failover would use. */
async function readBoth(request: SitesRequest): Promise<Record<string, SiteRead>> {
  const reads: Record<string, SiteRead> = {};
  for (const site of request.sites) {
    const point = site.name === request.activeSite ? request.recoveryPoint : undefined;
    reads[site.name] = await readSite(site, point);
  }
  return reads;
}

const observationOf = (reads: Record<string, SiteRead>): PairObservation =>
  Object.fromEntries(Object.entries(reads).map(([name, read]) => [name, toObservation(read)]));

function desireOf(request: SitesRequest): SitesDesire {
  const other = request.sites.find((s) => s.name !== request.activeSite)?.name ?? "";
  const { activeSite, acknowledged, rehearsalMinutes, commitFailover } = request;
  return { activeSite, otherSite: other, acknowledged, rehearsalMinutes, commitFailover };
}

class SitesDriver {
  private readonly steps: StepRecord[] = [];
  private reads: Record<string, SiteRead> | undefined;
  private path: PathName | null = null;
  private refusedAt: string | undefined;
  private readonly noted = new Set<string>();
  /** How long each VM this run turned off had run just before (see observe). */
  private readonly measured = new Map<string, number | null>();

  constructor(
    private readonly request: SitesRequest,
    private readonly deps: ReconcileDeps,
  ) {}

  private log(site: string, line: string): void {
    this.deps.log(`[${this.request.name}] [${site}] ${line}`);
  }

  async run(): Promise<SitesResult> {
    try {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        this.reads = await readBoth(this.request);
        if (await this.followRunningJobs(this.reads)) continue;
        const plan = planSites(this.observe(this.reads), desireOf(this.request), this.deps.clock.now());
        if (plan.kind === "none") return { reads: this.reads, path: this.path, steps: this.steps };
        if (plan.kind === "refuse") {
          const Refusal = plan.dataLoss ? DataLossNotAcknowledgedError : InvalidStateError;
          throw new Refusal(plan.reason, plan.advice, { collection: this.request.name });
        }
        if (plan.kind === "wait") {
          await this.deps.clock.sleep(this.deps.polling.initialMs * 4);
          continue;
        }
        this.path ??= plan.path;
        this.noteLosses(plan.losses ?? []);
        const [next] = plan.steps;
        if (next) await this.take(next, this.reads);
      }
      throw new InvalidStateError(
        `the sites did not settle after ${MAX_ROUNDS} rounds of observe-and-act`,
        "Something else keeps changing the collections; stop it, refresh the stack, then run again",
        { collection: this.request.name },
      );
    } catch (error) {
      let reads = this.reads;
      try {
        reads = await readBoth(this.request);
      } catch {
        // The failure itself is what the user needs to see; the last reads stand.
      }
      throw new SitesFailure(error, reads, this.path, this.steps);
    }
  }

  private observe(reads: Record<string, SiteRead>): PairObservation {
    return withMeasuredRuns(observationOf(reads), this.measured);
  }

  /** Prints each acknowledged loss once, before the step that causes it is taken. */
  private noteLosses(losses: readonly DataLossEvent[]): void {
    for (const loss of losses) {
      if (this.noted.has(loss.token)) continue;
      this.noted.add(loss.token);
      this.deps.log(`[${this.request.name}] ${acknowledgedLine(loss)}`, "warning");
    }
  }

  /** Waits for unfinished jobs on either site's collection; true when it waited (so both are read again). */
  private async followRunningJobs(reads: Record<string, SiteRead>): Promise<boolean> {
    let waited = false;
    for (const site of this.request.sites) {
      const read = reads[site.name];
      if (!read?.reachable || !hasSession(site)) continue;
      for (const job of read.reading.runningJobs) {
        this.log(
          site.name,
          `job ${job.id} (JobType ${job.jobType}) is already running; waiting for it instead of calling again`,
        );
        await this.follow(site.session, site.name, job);
        waited = true;
      }
    }
    return waited;
  }

  private async follow(session: CimSession, site: string, job: JobSnapshot): Promise<void> {
    const context: ErrorContext = {
      collection: this.request.name,
      method: `job ${job.id}`,
      host: session.target,
    };
    await this.recorded(site, "WaitForJob", null, null, () =>
      seeJobThrough(
        session,
        `JobType ${job.jobType}`,
        jobRef(job.id),
        this.deps.clock.now(),
        context,
        this.options(site),
      ),
    );
  }

  private async take(next: SiteStep, reads: Record<string, SiteRead>): Promise<void> {
    const site = this.request.sites.find((s) => s.name === next.site);
    const read = reads[next.site];
    if (!site || !hasSession(site) || !read?.reachable)
      throw new Error(`step on unreachable site ${next.site}`);
    const { session } = site;
    const { collection, members } = read.reading;
    const label = evidenceLabel(next.evidence);
    this.log(next.site, `${next.action} (${label})`);
    if (next.action === "StartVMs" || next.action === "StopVMs") {
      const requested = next.action === "StartVMs" ? VmRequestedState.Running : VmRequestedState.Off;
      for (const vm of members.filter((m) => m.enabledState !== requested)) {
        if (requested === VmRequestedState.Off && vm.enabledState === VmRequestedState.Running) {
          const since = vm.timeOfLastStateChange;
          this.measured.set(vm.id, vm.onTimeMs ?? (since === null ? null : this.deps.clock.now() - since));
        }
        await this.recorded(next.site, next.action, vm.name, label, () =>
          requestVmState(session, vm, requested, {
            ...this.options(next.site),
            context: { collection: collection.name, host: session.target },
          }),
        );
      }
      return;
    }
    const extra: Record<string, CimArguments[string]> = {};
    if (next.action === "ReverseReplicationRelationship")
      extra.CollectionReplicationSettingData = await this.settings(session, next.site, collection);
    if (next.action === "InitiateFailover") {
      // The shared rule (failover/choosePoint.ts): NULL for `latest`, as documented, else the point's REF.
      const context = { collection: collection.name, host: session.target };
      const { pass } = await chooseRecoveryPoint(session, collection, this.request.recoveryPoint, context);
      if (pass !== null) extra.CollectionRecoveryPoint = recoveryPointRef(collection.id, pass);
    }
    try {
      await this.recorded(next.site, next.action, null, label, () =>
        callServiceMethod(session, collection, next.action, extra, this.options(next.site)),
      );
    } catch (error) {
      // 32775: the host moved under us, or refuses. Observe again; calling the same step twice is an error.
      if (!(error instanceof HyperVReturnCodeError && error.returnValue === ReturnCode.InvalidState))
        throw error;
      const again = `${next.site}|${next.action}`;
      if (this.refusedAt === again) throw error;
      this.refusedAt = again;
      this.log(next.site, `${next.action} returned 32775 (Invalid state); observing both sites again`);
    }
  }

  private async settings(
    session: CimSession,
    site: string,
    collection: Parameters<typeof relationshipSettings>[1],
  ): Promise<string> {
    const settings = await relationshipSettings(session, collection);
    if (settings !== undefined) return settings;
    throw new InvalidStateError(
      `site ${site} shows no Msvm_CollectionReplicationSettingData for the collection, and ReverseReplicationRelationship needs the relationship's settings`,
      "Check the replication settings of the VM group on that cluster (Get-VMReplication on its nodes), then run again",
      { collection: this.request.name, host: session.target },
    );
  }

  /** Runs one call and keeps its record, also when its job failed or timed out. */
  private async recorded<T extends { record: OperationRecord }>(
    site: string,
    action: StepRecord["action"],
    vm: string | null,
    evidence: StepRecord["evidence"],
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      const result = await call();
      this.steps.push({ ...result.record, site, action, vm, evidence });
      return result;
    } catch (error) {
      if (error instanceof HyperVError && error.operation) {
        this.steps.push({ ...(error.operation as OperationRecord), site, action, vm, evidence });
      }
      throw error;
    }
  }

  private options(site: string): MethodOptions {
    return {
      ...this.deps,
      timeoutSeconds: this.request.timeoutSeconds,
      cancelOnTimeout: false,
      progress: (line) => this.log(site, line),
    };
  }
}
