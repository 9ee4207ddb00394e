/**
 * ReplicatedCollection's methods: check, diff, create, read, update and delete. Each unpacks its arguments, returns
 * early where nothing needs the hosts, and hands the work to the two-site driver over one session per site.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { SiteRead, SiteTarget } from "../../failover/sites/observe";
import { probeSite } from "../../failover/sites/observe";
import type { SitesResult } from "../../failover/sites/drive";
import { previewSites, runSites, SitesFailure } from "../../failover/sites/drive";
import { recordedHostOf } from "../../failover/identity";
import type { RuntimeContext } from "../../runtime/context";
import { partialFailure } from "../../runtime/partialFailure";
import type { Props, ResourceMethods } from "../../runtime/resourceMethods";
import { UNKNOWN } from "../../runtime/types";
import { nameOf } from "./identity";
import type { MoveFailure } from "./report";
import { reportingMove } from "./report";
import type { Report } from "../../runtime/report";
import { startReport } from "../../runtime/report";
import { importedInputs, readImported } from "./importPair";
import { outputsFor } from "./outputs";
import type { PreviewContext } from "./previewPlan";
import { previewPlan, previewReplacement } from "./previewPlan";
import { differentCluster, halfMissing, isMissing, otherClusterOf } from "./refreshErrors";
import type { ChangeOutput, ReplicatedCollectionInputs, ReplicatedCollectionOutputs } from "./types";
import { applied, DEFAULTS } from "./types";
import { validateInputs } from "./validate";
import {
  idOf,
  inputsFromOutputs,
  pairChanged,
  pairUnknown,
  refuseUnknownSiteVms,
  siteInputs,
  sitesRequest,
  unknownPairLine,
  withDefault,
  type Sites,
} from "./inputs";

type Targets = readonly [SiteTarget, SiteTarget];

export function replicatedCollectionMethods(ctx: RuntimeContext): ResourceMethods {
  const { deps } = ctx;

  /** Opens one session per site; a site whose session cannot be opened is passed on as unreachable. */
  async function withSites<T>(
    inputs: ReplicatedCollectionInputs,
    fn: (targets: Targets) => Promise<T>,
  ): Promise<T> {
    const [first, second] = Object.keys(inputs.sites) as [string, string];
    const open = async (name: string, inner: (t: SiteTarget) => Promise<T>): Promise<T> => {
      const site = inputs.sites[name];
      const collectionId = site?.collectionId ?? "";
      let entered = false;
      try {
        return await ctx.withSession(site?.connection ?? null, `${name}/${collectionId}`, (session) => {
          entered = true;
          return inner({ name, collectionId, session });
        });
      } catch (error) {
        if (entered) throw error;
        return inner({
          name,
          collectionId,
          session: { error: error instanceof Error ? error.message : String(error) },
        });
      }
    };
    return open(first, (a) => open(second, (b) => fn([a, b])));
  }

  async function apply(
    inputs: ReplicatedCollectionInputs,
    expectMove: boolean,
  ): Promise<{ result: SitesResult; change: ChangeOutput; report: Report | null }> {
    const report = startReport(
      ctx,
      "ReplicatedCollection",
      nameOf(inputs),
      inputs.reportDirectory,
      Object.values(inputs.sites).map((site) => site.connection),
    );
    const startedAt = new Date(deps.clock.now()).toISOString();
    const change = (
      outcome: ChangeOutput["outcome"],
      r: Pick<SitesResult, "path" | "steps">,
    ): ChangeOutput => ({
      path: r.path,
      activeSite: inputs.activeSite,
      outcome,
      startedAt,
      finishedAt: new Date(deps.clock.now()).toISOString(),
      steps: [...r.steps],
    });
    try {
      const { result, lastReport } = await withSites(inputs, (sites) =>
        reportingMove(report, inputs, sites, expectMove, () =>
          runSites(sitesRequest(inputs, sites), { ...deps, polling: ctx.polling(), lock: ctx.lock }),
        ),
      );
      return { result, change: change("completed", result), report: lastReport };
    } catch (error) {
      if (error instanceof SitesFailure) throw Object.assign(error, { change: change("failed", error) });
      throw error;
    }
  }

  /** The outputs after a run, or the partial failure that records where a failed run left both sites. */
  async function run(
    id: string | undefined,
    inputs: Props,
    previous: ChangeOutput | null,
    expectMove: boolean,
    recorded: Sites = {},
  ) {
    const typed = inputs as unknown as ReplicatedCollectionInputs;
    const previousReport = (inputs.lastReport ?? null) as Report | null;
    try {
      const { result, change, report } = await apply(typed, expectMove);
      const last = result.steps.length > 0 ? change : previous;
      const outs = outputsFor(typed, result.reads, last, deps.clock.now(), recorded);
      return { ...outs, lastReport: report ?? previousReport };
    } catch (error) {
      if (!(error instanceof SitesFailure) || !error.reads) throw error;
      const failed = (error as SitesFailure & { change?: ChangeOutput }).change ?? previous;
      if (error.steps.length === 0 && id === undefined) throw error.error;
      const outs = outputsFor(
        typed,
        error.reads,
        error.steps.length > 0 ? failed : previous,
        deps.clock.now(),
        recorded,
      );
      const lastReport = (error as MoveFailure).report ?? previousReport;
      // The run's failure, with what it says when no site runs the whole group any more.
      throw partialFailure(id ?? idOf(typed), { ...outs, lastReport }, inputs.__provider, error);
    }
  }

  /** The preview's reads of both sites now, and the plan made from them; nothing is called. */
  const preview: PreviewContext = {
    ctx,
    readAndPlan: (inputs) =>
      withSites(inputs, (sites) => previewSites(sitesRequest(inputs, sites), deps.clock.now())),
  };

  return {
    async check(_olds: Props, news: Props): Promise<dynamic.CheckResult> {
      const failures = validateInputs(news, ctx.config().connection, ctx.config().failures);
      if (failures.length > 0) return { inputs: news, failures };
      return {
        inputs: {
          ...news,
          jobTimeoutSeconds: news.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
          shutdownTimeoutSeconds: news.shutdownTimeoutSeconds ?? DEFAULTS.shutdownTimeoutSeconds,
          allowHardPowerOff: news.allowHardPowerOff ?? DEFAULTS.allowHardPowerOff,
        },
      };
    },

    async diff(_id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
      const config = ctx.config().connection;
      // A collectionId that is another resource's output is unknown during preview: it may name another pair.
      const unknownPair = pairUnknown(news, config);
      const replaces = unknownPair || pairChanged(olds, news, config) ? ["sites"] : [];
      const stored = olds as unknown as ReplicatedCollectionOutputs;
      const applies = applied(news as unknown as ReplicatedCollectionInputs) as Record<string, unknown>;
      const inputsChanged =
        olds.activeSite !== news.activeSite ||
        Object.keys(applies).some((k) => JSON.stringify(withDefault(olds, k)) !== JSON.stringify(applies[k]));
      const sitesChanged = JSON.stringify(siteInputs(olds)) !== JSON.stringify(siteInputs(news));
      const pending = Array.isArray(stored.pendingSteps) && stored.pendingSteps.length > 0;
      const changes = replaces.length > 0 || inputsChanged || sitesChanged || pending;
      if (replaces.length === 0 && stored.sites) refuseUnknownSiteVms(stored, news);
      if (unknownPair) deps.log(unknownPairLine(news));
      else if (changes && news.activeSite !== UNKNOWN && stored.sites) {
        if (replaces.length > 0) await previewReplacement(news, preview);
        else await previewPlan(stored, news, preview);
      }
      return { changes, replaces, deleteBeforeReplace: false };
    },

    async create(inputs: Props): Promise<dynamic.CreateResult> {
      const outs = await run(undefined, inputs, null, true);
      return { id: idOf(inputs as unknown as ReplicatedCollectionInputs), outs };
    },

    async update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
      const previous = (olds.lastChange ?? null) as ChangeOutput | null;
      const pending = Array.isArray(olds.pendingSteps) && olds.pendingSteps.length > 0;
      const expectMove = pending || olds.activeSite !== news.activeSite;
      const keep = { ...news, lastReport: olds.lastReport ?? null };
      return { outs: await run(id, keep, previous, expectMove, (olds.sites ?? {}) as Sites) };
    },

    async read(id: string, props: Props): Promise<dynamic.ReadResult> {
      if (Object.keys(props).length === 0) {
        const inputs = importedInputs(id);
        const outs = await withSites(inputs, (sites) => readImported(inputs, sites, deps.clock.now()));
        return { id, props: { ...outs } };
      }
      const stored = props as unknown as ReplicatedCollectionOutputs;
      const inputs = inputsFromOutputs(stored);
      const recordedHost = (name: string) => recordedHostOf(stored.sites[name]?.hostSystemName);
      const probes = await withSites(inputs, async ([a, b]) => ({
        [a.name]: await probeSite(a, recordedHost(a.name)),
        [b.name]: await probeSite(b, recordedHost(b.name)),
      }));
      // A site that answered from another cluster than the one recorded proves nothing about the pair.
      for (const [name, probe] of Object.entries(probes)) {
        const mismatch = otherClusterOf(probe);
        if (mismatch !== undefined) throw differentCluster(name, mismatch);
      }
      const missing = Object.keys(probes).filter((name) => isMissing(probes[name]));
      // The pair is gone only when every site answers without it. One site without it is more likely a connection
      // pointed at the wrong cluster, or replication removed on one side: dropping the resource would hide both.
      if (missing.length === Object.keys(probes).length) return {};
      if (missing.length > 0) throw halfMissing(id, missing, probes);
      const reads = probes as Record<string, SiteRead>;
      const outs = outputsFor(inputs, reads, stored.lastChange ?? null, deps.clock.now(), stored.sites);
      return { id, props: { ...props, ...outs } };
    },

    async delete(id: string): Promise<void> {
      deps.log(
        `[${id}] removed from the stack; both collections are left as they are: deleting this resource never calls Hyper-V`,
      );
    },
  };
}
