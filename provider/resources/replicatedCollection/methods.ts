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
import type { SitesPlan } from "../../failover/sites/types";
import { HyperVError } from "../../hyperv";
import type { RuntimeContext } from "../../runtime/context";
import { withoutPassword } from "../../runtime/mergeConnection";
import { partialFailure } from "../../runtime/partialFailure";
import type { Props, ResourceMethods } from "../../runtime/resourceMethods";
import type { ConnectionInputs } from "../../runtime/types";
import { UNKNOWN } from "../../runtime/types";
import { describePlan, outputsFor, planFromOutputs } from "./outputs";
import type { ChangeOutput, ReplicatedCollectionInputs, ReplicatedCollectionOutputs } from "./types";
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
  async function run(id: string | undefined, inputs: Props, previous: ChangeOutput | null) {
    const typed = inputs as unknown as ReplicatedCollectionInputs;
    try {
      const { result, change } = await apply(typed);
      return outputsFor(typed, result.reads, result.steps.length > 0 ? change : previous, deps.clock.now());
    } catch (error) {
      if (!(error instanceof SitesFailure) || !error.reads) throw error;
      const failed = (error as SitesFailure & { change?: ChangeOutput }).change ?? previous;
      if (error.steps.length === 0 && id === undefined) throw error.error;
      const outs = outputsFor(
        typed,
        error.reads,
        error.steps.length > 0 ? failed : previous,
        deps.clock.now(),
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
        },
      };
    },

    async diff(_id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
      const replaces = identityChanges(olds, news);
      const stored = olds as unknown as ReplicatedCollectionOutputs;
      const applies = applied(news as unknown as ReplicatedCollectionInputs) as Record<string, unknown>;
      const inputsChanged =
        olds.activeSite !== news.activeSite ||
        Object.keys(applies).some((k) => JSON.stringify(olds[k]) !== JSON.stringify(applies[k]));
      const connectionsChanged = JSON.stringify(connections(olds)) !== JSON.stringify(connections(news));
      const pending = Array.isArray(stored.pendingSteps) && stored.pendingSteps.length > 0;
      const changes = replaces.length > 0 || inputsChanged || connectionsChanged || pending;
      if (changes && replaces.length === 0 && news.activeSite !== UNKNOWN && stored.sites)
        await previewPlan(stored, news);
      return { changes, replaces, deleteBeforeReplace: false };
    },

    async create(inputs: Props): Promise<dynamic.CreateResult> {
      const outs = await run(undefined, inputs, null);
      return { id: idOf(inputs as unknown as ReplicatedCollectionInputs), outs };
    },

    async update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
      const previous = (olds.lastChange ?? null) as ChangeOutput | null;
      return { outs: await run(id, news, previous) };
    },

    async read(id: string, props: Props): Promise<dynamic.ReadResult> {
      const stored = props as unknown as ReplicatedCollectionOutputs;
      const inputs = inputsFromOutputs(stored);
      const probes = await withSites(inputs, async ([a, b]) => ({
        [a.name]: await probeSite(a),
        [b.name]: await probeSite(b),
      }));
      const missing = Object.keys(probes).filter((name) => isMissing(probes[name]));
      // The pair is gone only when every site answers without it. One site without it is more likely a connection
      // pointed at the wrong cluster, or replication removed on one side: dropping the resource would hide both.
      if (missing.length === Object.keys(probes).length) return {};
      if (missing.length > 0) throw halfMissing(id, missing, probes);
      const reads = probes as Record<string, SiteRead>;
      const outs = outputsFor(inputs, reads, stored.lastChange ?? null, deps.clock.now());
      return { id, props: { ...props, ...outs } };
    },

    async delete(id: string): Promise<void> {
      deps.log(
        `[${id}] removed from the stack; both collections are left as they are: deleting this resource never calls Hyper-V`,
      );
    },
  };

  /**
   * Prints, during preview, the plan made from the state recorded at the last read. A plan that throws writes away
   * is planned again from the hosts: what it loses depends on how long VMs ran, which the stack does not record,
   * and the lines must say what the run will say (failover/dataLoss.ts).
   */
  async function previewPlan(stored: ReplicatedCollectionOutputs, news: Props): Promise<void> {
    const inputs = news as unknown as ReplicatedCollectionInputs;
    const recorded = planFromOutputs(stored.sites, inputs, deps.clock.now());
    const fromHosts = losesData(recorded)
      ? await withSites(inputs, (sites) => previewSites(sitesRequest(inputs, sites), deps.clock.now()))
          .then((r) => r.plan)
          .catch(() => undefined)
      : undefined;
    const plan = fromHosts ?? recorded;
    const from = fromHosts
      ? "plan from both hosts now, because what it would lose depends on how long VMs ran"
      : `plan from the state recorded at ${stored.observedAt}; preview with --refresh to plan from the hosts now`;
    const lines = describePlan(plan);
    const head = `[${nameOf(inputs)}] activeSite ${inputs.activeSite}: ${from}`;
    deps.log(lines.length === 0 ? `${head}: nothing to do` : `${head}:`);
    lines.forEach((line, i) => deps.log(`  ${i + 1}. ${line}`));
    if (plan.kind === "steps") {
      for (const loss of plan.losses ?? [])
        deps.log(`[${nameOf(inputs)}] ${acknowledgedLine(loss)}`, "warning");
    }
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
  };
}

const isMissing = (probe: SiteProbe | undefined): boolean => probe !== undefined && "missing" in probe;

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

function idOf(inputs: ReplicatedCollectionInputs): string {
  return Object.keys(inputs.sites)
    .sort()
    .map((name) => `${name}:${inputs.sites[name]?.collectionId.toLowerCase() ?? ""}`)
    .join(",");
}

/** Another site name or another collection on a site is another resource. */
function identityChanges(olds: Props, news: Props): string[] {
  if (news.sites === UNKNOWN || typeof news.sites !== "object" || news.sites === null) return [];
  const ids = (sites: unknown) =>
    Object.entries((sites ?? {}) as Record<string, { collectionId?: unknown }>)
      .map(([name, s]) => `${name}:${String(s?.collectionId).toLowerCase()}`)
      .sort()
      .join(",");
  return ids(olds.sites) === ids(news.sites) ? [] : ["sites"];
}

function connections(props: Props): unknown[] {
  const sites = (props.sites ?? {}) as Record<string, { connection?: unknown }>;
  return Object.keys(sites)
    .sort()
    .map((name) => {
      const connection = sites[name]?.connection;
      return connection && typeof connection === "object"
        ? withoutPassword(connection as ConnectionInputs)
        : null;
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
  };
}
