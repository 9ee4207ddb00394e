/**
 * The two-site driver: observe both sites, plan, take one step, observe both again, until the plan is empty. It
 * is the only part of failover/sites that touches the hosts. Jobs already running on either site (an interrupted
 * run's, or an operator's) are waited for first, so no call is repeated whose job ran.
 */
import type { CimArguments, CimSession } from "../../cim";
import type { Collection, MethodOptions } from "../../hyperv";
import {
  callServiceMethod,
  DataLossNotAcknowledgedError,
  InvalidStateError,
  recoveryPointRef,
} from "../../hyperv";
import type { BootGroup } from "../bootOrder";
import { refuseUnknownBootNames } from "../bootOrder";
import { chooseRecoveryPoint } from "../choosePoint";
import type { ReconcileDeps } from "../request";
import { evidenceLabel } from "./evidence";
import { describeAction, describeSource } from "./stepWords";
import { groupDownNote } from "./groupDown";
import { LossNotes } from "./lossNotes";
import type { SiteRead, SiteTarget } from "./observe";
import { hasSession, readSite, toObservation } from "./observe";
import { planSites } from "./plan";
import { RefusedSteps } from "./refusedSteps";
import { ReverseStep } from "./reverseStep";
import type { JobFollowing, StepRecord } from "./runRecords";
import { followRunningJobs, RunRecords } from "./runRecords";
import type { PairObservation, PathName, SitesDesire, SitesPlan, SiteStep } from "./types";
import type { PowerStep } from "./powerStep";
import { runsElsewhere, startVMs, stopVMs } from "./vmSteps";

export type { StepRecord } from "./runRecords";

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
  /** Each site's own certificate thumbprint, by site name, for a reverse under certificate authentication. */
  readonly certificateThumbprints?: Readonly<Record<string, string>>;
  /** How long each guest has to shut down (Msvm_ShutdownComponent.InitiateShutdown) before StopVMs gives up on it. */
  readonly shutdownTimeoutSeconds: number;
  /** Whether StopVMs may power a VM off hard (RequestStateChange 3) when its guest cannot be shut down. */
  readonly allowHardPowerOff: boolean;
  /** The order StartVMs starts the VMs in, and StopVMs stops them in reverse (failover/bootOrder.ts). */
  readonly bootGroups?: readonly BootGroup[];
}

export interface SitesResult {
  readonly reads: Readonly<Record<string, SiteRead>>;
  readonly path: PathName | null;
  readonly steps: readonly StepRecord[];
}

/**
 * A run that failed part-way, with what both sites showed afterwards and the calls made. Its message is the
 * failure's, and says when no site runs the whole group any more (groupDown.ts).
 */
export class SitesFailure extends Error {
  override name = "SitesFailure";
  constructor(
    readonly error: unknown,
    readonly reads: Readonly<Record<string, SiteRead>> | undefined,
    readonly path: PathName | null,
    readonly steps: readonly StepRecord[],
    note?: string,
  ) {
    const message = error instanceof Error ? error.message : String(error);
    super(note === undefined ? message : `${message}. ${note}`, { cause: error });
  }
}

const MAX_ROUNDS = 40;

/**
 * Runs are serialized per pair of collections, named by where each is reached and its CollectionID, not by the
 * site names of the program: two resources (or a renamed one) over the same pair in one process share the lock.
 */
export function runSites(request: SitesRequest, deps: ReconcileDeps): Promise<SitesResult> {
  const key = request.sites
    .map((s) => `${hasSession(s) ? s.session.target : s.name}|${s.collectionId.toLowerCase()}`)
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
  private readonly records = new RunRecords();
  private reads: Record<string, SiteRead> | undefined;
  private path: PathName | null = null;
  private readonly refused: RefusedSteps;
  private readonly reverse: ReverseStep;
  private readonly losses: LossNotes;

  constructor(
    private readonly request: SitesRequest,
    private readonly deps: ReconcileDeps,
  ) {
    const log = (site: string, line: string) => this.log(site, line);
    this.refused = new RefusedSteps({
      deps,
      timeoutSeconds: request.timeoutSeconds,
      log,
      readBoth: () => readBoth(request),
      plan: (reads) => planSites(this.observe(reads), desireOf(request), deps.clock.now()),
    });
    this.reverse = new ReverseStep({ ...request, log });
    this.losses = new LossNotes(request.name, deps);
  }

  private log(site: string, line: string, kind?: "status"): void {
    this.deps.log(`[${this.request.name}] [${site}] ${line}`, kind);
  }

  async run(): Promise<SitesResult> {
    const { steps } = this.records;
    try {
      // A call answered 32774 does not use up a round: its patience is bounded by jobTimeoutSeconds instead.
      for (let round = 0; round < MAX_ROUNDS + this.refused.busyCalls; round++) {
        this.reads = await readBoth(this.request);
        this.refuseUnknownBootNames(this.reads);
        if (await followRunningJobs(this.reads, this.following())) {
          this.refused.clear();
          continue;
        }
        const plan = planSites(this.observe(this.reads), desireOf(this.request), this.deps.clock.now());
        if (plan.kind === "none") return { reads: this.reads, path: this.path, steps };
        if (plan.kind === "refuse") {
          const Refusal = plan.dataLoss ? DataLossNotAcknowledgedError : InvalidStateError;
          throw new Refusal(plan.reason, plan.advice, { collection: this.request.name });
        }
        if (plan.kind === "wait") {
          await this.deps.clock.sleep(this.deps.polling.initialMs * 4);
          continue;
        }
        this.path ??= plan.path;
        this.losses.noteLosses(plan.losses ?? []);
        await this.reverse.check(plan.steps, this.reads);
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
      const note = groupDownNote(reads, this.request.activeSite, steps.length);
      throw new SitesFailure(error, reads, this.path, steps, note);
    }
  }

  /** Boot groups that name a VM neither site has are refused before any call (a site that did not answer aside). */
  private refuseUnknownBootNames(reads: Record<string, SiteRead>): void {
    const reachable = Object.values(reads).flatMap((read) => (read.reachable ? [read.reading] : []));
    const members = reachable.flatMap((reading) => reading.members);
    if (reachable.length > 0)
      refuseUnknownBootNames(members, this.request.bootGroups, { collection: this.request.name });
  }

  private observe(reads: Record<string, SiteRead>): PairObservation {
    return this.losses.observe(observationOf(reads));
  }

  private async take(next: SiteStep, reads: Record<string, SiteRead>): Promise<void> {
    const site = this.request.sites.find((s) => s.name === next.site);
    const read = reads[next.site];
    if (!site || !hasSession(site) || !read?.reachable)
      throw new Error(`step on unreachable site ${next.site}`);
    const { session } = site;
    const { collection, members } = read.reading;
    const label = evidenceLabel(next.evidence);
    this.log(next.site, `${describeAction(next.action)} (${describeSource(label)})`);
    if (next.action === "StartVMs" || next.action === "StopVMs") {
      if (next.action === "StopVMs") this.losses.measureRunTimes(members);
      const power = this.power(next.site, session, collection);
      if (next.action === "StartVMs") await startVMs(power, members, label);
      else await stopVMs(power, members, label, runsElsewhere(this.request, next.site, reads));
      this.refused.clear();
      return;
    }
    const refusedBefore = this.refused.refusal(next);
    if (refusedBefore) throw refusedBefore;
    const extra: Record<string, CimArguments[string]> =
      next.action === "ReverseReplicationRelationship" ? await this.reverse.arguments(next.site, reads) : {};
    if (next.action === "InitiateFailover") {
      // The shared rule (failover/choosePoint.ts): NULL for `latest`, as documented, else the point's REF.
      const context = { collection: collection.name, host: session.target };
      const { pass } = await chooseRecoveryPoint(session, collection, this.request.recoveryPoint, context);
      if (pass !== null) extra.CollectionRecoveryPoint = recoveryPointRef(collection.id, pass);
    }
    // 32774 comes back at once: a call made again from the same read would be a stale step.
    const options = { ...this.options(next.site), busyRetries: { ...this.deps.busyRetries, attempts: 0 } };
    try {
      await this.records.recorded(next.site, next.action, null, label, () =>
        callServiceMethod(session, collection, next.action, extra, options),
      );
      this.refused.clear();
    } catch (error) {
      await this.refused.whenRefused(next, error);
    }
  }

  /** What following the jobs already running on either site needs from the driver. */
  private following(): JobFollowing {
    return {
      name: this.request.name,
      sites: this.request.sites,
      deps: this.deps,
      records: this.records,
      log: (site: string, line: string) => this.log(site, line),
      options: (site: string) => this.options(site),
    };
  }

  /** What a StartVMs or StopVMs step on `site` needs from the driver. */
  private power(site: string, session: CimSession, collection: Collection): PowerStep {
    return {
      site,
      session,
      request: this.request,
      context: { collection: collection.name, host: session.target },
      options: this.options(site),
      log: (line) => this.log(site, line),
      clock: this.deps.clock,
      recorded: (action, vm, evidence, call) => this.records.recorded(site, action, vm, evidence, call),
      keep: (action, vm, evidence, record) => this.records.keep(site, action, vm, evidence, record),
    };
  }

  private options(site: string): MethodOptions {
    return {
      ...this.deps,
      timeoutSeconds: this.request.timeoutSeconds,
      cancelOnTimeout: false,
      progress: (line, kind) => this.log(site, line, kind),
    };
  }
}
