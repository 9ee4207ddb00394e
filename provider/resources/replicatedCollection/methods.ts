/**
 * ReplicatedCollection's methods: check, diff, create, read, update and delete. Each unpacks its arguments, returns
 * early where nothing needs the hosts, and hands the work to the two-site driver over one session per site.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { SiteProbe, SiteRead, SiteTarget } from "../../failover/sites/observe";
import { probeSite } from "../../failover/sites/observe";
import { acknowledgedLine } from "../../failover/dataLoss";
import type { SitesRequest, SitesResult } from "../../failover/sites/drive";
import { previewSites, runSites, SitesFailure } from "../../failover/sites/drive";
import type { HostMismatchError } from "../../failover/identity";
import { recordedHostOf } from "../../failover/identity";
import type { SitesPlan } from "../../failover/sites/types";
import { HyperVError } from "../../hyperv";
import type { RuntimeContext } from "../../runtime/context";
import { withoutPassword } from "../../runtime/mergeConnection";
import { partialFailure } from "../../runtime/partialFailure";
import type { Props, ResourceMethods } from "../../runtime/resourceMethods";
import type { ConnectionInputs } from "../../runtime/types";
import { UNKNOWN } from "../../runtime/types";
import { activeCollection, collectionKey, pairOf, storedUnder } from "./identity";
import { describePlan, outputsFor, planFromOutputs } from "./outputs";
import type {
  ChangeOutput,
  ReplicatedCollectionInputs,
  ReplicatedCollectionOutputs,
  SiteOutput,
} from "./types";
import type { PreviewStep } from "./preview";
import { previewSteps } from "./preview";
import { applied, DEFAULTS } from "./types";
import { validateInputs } from "./validate";

type Targets = readonly [SiteTarget, SiteTarget];

/** How log lines and errors name the pair: its two site names. */
const nameOf = (inputs: ReplicatedCollectionInputs) => Object.keys(inputs.sites).join("+");

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
  ): Promise<{ result: SitesResult; change: ChangeOutput }> {
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
      const result = await withSites(inputs, (sites) =>
        runSites(sitesRequest(inputs, sites), { ...deps, polling: ctx.polling(), lock: ctx.lock }),
      );
      return { result, change: change("completed", result) };
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
    recorded: Sites = {},
  ) {
    const typed = inputs as unknown as ReplicatedCollectionInputs;
    try {
      const { result, change } = await apply(typed);
      const last = result.steps.length > 0 ? change : previous;
      return outputsFor(typed, result.reads, last, deps.clock.now(), recorded);
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
      throw partialFailure(id ?? idOf(typed), outs, inputs.__provider, error.error);
    }
  }

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
      const replaces = pairChanged(olds, news, config) ? ["sites"] : [];
      const stored = olds as unknown as ReplicatedCollectionOutputs;
      const applies = applied(news as unknown as ReplicatedCollectionInputs) as Record<string, unknown>;
      const inputsChanged =
        olds.activeSite !== news.activeSite ||
        Object.keys(applies).some((k) => JSON.stringify(withDefault(olds, k)) !== JSON.stringify(applies[k]));
      const sitesChanged = JSON.stringify(siteInputs(olds)) !== JSON.stringify(siteInputs(news));
      const pending = Array.isArray(stored.pendingSteps) && stored.pendingSteps.length > 0;
      const changes = replaces.length > 0 || inputsChanged || sitesChanged || pending;
      if (changes && news.activeSite !== UNKNOWN && stored.sites) {
        if (replaces.length > 0) await previewReplacement(news);
        else await previewPlan(stored, news);
      }
      return { changes, replaces, deleteBeforeReplace: false };
    },

    async create(inputs: Props): Promise<dynamic.CreateResult> {
      const outs = await run(undefined, inputs, null);
      return { id: idOf(inputs as unknown as ReplicatedCollectionInputs), outs };
    },

    async update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
      const previous = (olds.lastChange ?? null) as ChangeOutput | null;
      return { outs: await run(id, news, previous, (olds.sites ?? {}) as Sites) };
    },

    async read(id: string, props: Props): Promise<dynamic.ReadResult> {
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

  /**
   * Prints, during preview, the plan made from the state recorded at the last read, with each recorded site under
   * the name the program now gives its collection. A plan that throws writes away is planned again from the hosts:
   * what it loses depends on how long VMs ran, which the stack does not record, and the lines must say what the run
   * will say (failover/dataLoss.ts).
   */
  async function previewPlan(stored: ReplicatedCollectionOutputs, news: Props): Promise<void> {
    const inputs = news as unknown as ReplicatedCollectionInputs;
    const config = ctx.config().connection;
    const sites = storedUnder(stored.sites, news.sites, config);
    if (!sites) return;
    const active = activeCollection(news, config);
    const was = Object.entries(stored.sites).find(([, s]) => collectionKey(s, config) === active)?.[0];
    const moved =
      was !== undefined && was !== inputs.activeSite ? ` (the collection recorded as site ${was})` : "";
    const recorded = planFromOutputs(sites, inputs, deps.clock.now());
    const fromHosts = losesData(recorded)
      ? await withSites(inputs, (targets) => previewSites(sitesRequest(inputs, targets), deps.clock.now()))
          .then((r) => r.plan)
          .catch(() => undefined)
      : undefined;
    const plan = fromHosts ?? recorded;
    const from = fromHosts
      ? "plan from both hosts now, because what it would lose depends on how long VMs ran"
      : `plan from the state recorded at ${stored.observedAt}; preview with --refresh to plan from the hosts now`;
    printSteps(
      `[${nameOf(inputs)}] activeSite ${inputs.activeSite}${moved}: ${from}`,
      previewSteps(plan, sites, inputs),
    );
    if (plan.kind === "steps") {
      for (const loss of plan.losses ?? [])
        deps.log(`[${nameOf(inputs)}] ${acknowledgedLine(loss)}`, "warning");
    }
  }

  /**
   * Prints, during preview, what the replacement's create would do: the stack has not read the collections it
   * would act on, so both sites are read now (reads only; nothing is called).
   */
  async function previewReplacement(news: Props): Promise<void> {
    const inputs = news as unknown as ReplicatedCollectionInputs;
    const head = `[${nameOf(inputs)}] replacement: sites names another collection, and creating the new resource brings it to activeSite ${inputs.activeSite}`;
    if (pairOf(news.sites, ctx.config().connection) === undefined) return;
    try {
      const { plan } = await withSites(inputs, (sites) =>
        previewSites(sitesRequest(inputs, sites), deps.clock.now()),
      );
      printPlan(`${head}; plan from both sites read now`, describePlan(plan));
    } catch (error) {
      deps.log(
        `${head}; it cannot be planned now: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  function printPlan(head: string, lines: readonly string[]): void {
    printSteps(
      head,
      lines.map((line) => ({ line, details: [] })),
    );
  }

  /** Each step on a line of its own, numbered; the VMs a StopVMs step shuts down (or powers off) below it. */
  function printSteps(head: string, steps: readonly PreviewStep[]): void {
    deps.log(steps.length === 0 ? `${head}: nothing to do` : `${head}:`);
    steps.forEach(({ line, details }, i) => {
      deps.log(`  ${i + 1}. ${line}`);
      for (const detail of details) deps.log(`       ${detail}`);
    });
  }
}

/** Whether a plan throws writes away: an acknowledged loss, or a refusal for want of one. */
const losesData = (plan: SitesPlan) =>
  (plan.kind === "steps" && (plan.losses?.length ?? 0) > 0) ||
  (plan.kind === "refuse" && plan.dataLoss === true);

/** What the two-site driver is asked to do, from the inputs and the sites' sessions. */
function sitesRequest(inputs: ReplicatedCollectionInputs, sites: Targets): SitesRequest {
  return {
    name: nameOf(inputs),
    sites,
    activeSite: inputs.activeSite,
    acknowledged: inputs.acknowledgeDataLoss ?? [],
    rehearsalMinutes: inputs.rehearsalMinutes ?? DEFAULTS.rehearsalMinutes,
    commitFailover: inputs.commitFailover ?? DEFAULTS.commitFailover,
    recoveryPoint: inputs.recoveryPoint ?? DEFAULTS.recoveryPoint,
    timeoutSeconds: inputs.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
    certificateThumbprints: thumbprintsOf(inputs),
    shutdownTimeoutSeconds: inputs.shutdownTimeoutSeconds ?? DEFAULTS.shutdownTimeoutSeconds,
    allowHardPowerOff: inputs.allowHardPowerOff ?? DEFAULTS.allowHardPowerOff,
  };
}

/** An input as applied: a stack recorded before an input existed ran with its default. */
const withDefault = (props: Props, key: string): unknown =>
  props[key] ?? (DEFAULTS as Readonly<Record<string, unknown>>)[key];

const isMissing = (probe: SiteProbe | undefined): boolean => probe !== undefined && "missing" in probe;

type Sites = Readonly<Record<string, SiteOutput | undefined>>;

const otherClusterOf = (probe: SiteProbe | undefined): HostMismatchError | undefined =>
  probe !== undefined && "otherCluster" in probe ? probe.otherCluster : undefined;

/** Refresh reached, on one site, a cluster that is not the one recorded for it: both are named, nothing dropped. */
function differentCluster(site: string, mismatch: HostMismatchError): HyperVError {
  const was =
    mismatch.recorded === undefined
      ? `site ${site} has no recorded host (its state was written before hosts were recorded)`
      : `site ${site} was recorded on host '${mismatch.recorded}'`;
  return new HyperVError(
    `Different cluster: refresh of site ${site} reached host '${mismatch.answering ?? "unknown (no Msvm_CollectionReplicationService)"}', which has no collection with CollectionID ${mismatch.trackedId}, but ${was} [collection '${mismatch.trackedId}', host ${mismatch.context.host ?? "unknown"}]. The pair was kept in the stack. ` +
      `Point sites.${site}.connection at the cluster the collection lives on, then refresh again; if the collection was really removed from that cluster, remove the resource from the stack with pulumi state delete <urn>`,
    mismatch.context,
  );
}

/** Refresh found the pair's collection on some sites only: the stack keeps the resource and says why. */
function halfMissing(id: string, missing: string[], probes: Record<string, SiteProbe>): HyperVError {
  const present = Object.keys(probes).filter((name) => !missing.includes(name));
  const details = missing.map((name) => {
    const probe = probes[name];
    return probe && "missing" in probe ? probe.missing.message : name;
  });
  return new HyperVError(
    `Refresh kept the pair: its collection answers on ${present.join(", ")} but not on ${missing.join(", ")} (${details.join("; ")}). ` +
      `If sites.${missing[0]}.connection points at the wrong cluster, fix it and refresh again; if replication was ` +
      `removed on that side on purpose, re-enable it, or remove this resource from the stack with \`pulumi state delete\``,
    { collection: id },
  );
}

/** The sites' declared certificate thumbprints, by site name. */
function thumbprintsOf(inputs: ReplicatedCollectionInputs): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs.sites).flatMap(([name, site]) =>
      site.certificateThumbprint === undefined ? [] : [[name, site.certificateThumbprint]],
    ),
  );
}

function idOf(inputs: ReplicatedCollectionInputs): string {
  return Object.keys(inputs.sites)
    .sort()
    .map((name) => `${name}:${inputs.sites[name]?.collectionId.toLowerCase() ?? ""}`)
    .join(",");
}

/** Another collection, or the same CollectionID on another host, is another resource; site names are not. */
function pairChanged(olds: Props, news: Props, config: ConnectionInputs): boolean {
  const after = pairOf(news.sites, config);
  return after !== undefined && JSON.stringify(pairOf(olds.sites, config)) !== JSON.stringify(after);
}

/** The sites as the program gives them, without passwords: a rename or another connection field is an update. */
function siteInputs(props: Props): unknown[] {
  const sites = (props.sites ?? {}) as Record<string, { collectionId?: unknown; connection?: unknown }>;
  return Object.keys(sites)
    .sort()
    .map((name) => {
      const { collectionId, connection } = sites[name] ?? {};
      return [
        name,
        typeof collectionId === "string" ? collectionId.toLowerCase() : collectionId,
        connection && typeof connection === "object" ? withoutPassword(connection as ConnectionInputs) : null,
      ];
    });
}

/** Refresh only has the outputs: the inputs as applied are rebuilt from them (connections without passwords). */
function inputsFromOutputs(stored: ReplicatedCollectionOutputs): ReplicatedCollectionInputs {
  const sites = Object.fromEntries(
    Object.entries(stored.sites).map(([name, s]) => [
      name,
      { collectionId: s.collectionId, ...(s.connection ? { connection: s.connection } : {}) },
    ]),
  );
  return {
    sites,
    activeSite: stored.activeSite,
    acknowledgeDataLoss: stored.acknowledgeDataLoss ?? [],
    rehearsalMinutes: stored.rehearsalMinutes ?? DEFAULTS.rehearsalMinutes,
    recoveryPoint: stored.recoveryPoint ?? DEFAULTS.recoveryPoint,
    commitFailover: stored.commitFailover ?? DEFAULTS.commitFailover,
    jobTimeoutSeconds: stored.jobTimeoutSeconds,
    shutdownTimeoutSeconds: stored.shutdownTimeoutSeconds ?? DEFAULTS.shutdownTimeoutSeconds,
    allowHardPowerOff: stored.allowHardPowerOff ?? DEFAULTS.allowHardPowerOff,
  };
}
