/**
 * ReplicaNetworks' methods. The resource's id is the replica collection's CollectionID. Create and update set, on the
 * member VMs' adapters, the switch each test copy connects to in a drill and the addresses each guest takes after a
 * failover; update and delete clear what this resource set and no longer asks for (test switch: none; failover
 * settings: DHCP). Every change is followed by a read of the host, and the run fails if the host does not show it.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { CimSession } from "../../cim";
import { confirmGone, notFound, recordedHostOf } from "../../failover/identity";
import type { Collection, ErrorContext } from "../../hyperv";
import { DHCP_ONLY, findCollection, hostSystemName, InvalidStateError, ReplicationMode } from "../../hyperv";
import type { RuntimeContext } from "../../runtime/context";
import { partialFailure } from "../../runtime/partialFailure";
import type { Props, ResourceMethods } from "../../runtime/resourceMethods";
import type { ConnectionInputs } from "../../runtime/types";
import { applyChanges, describeChange } from "./apply";
import type { HostNetworks } from "./outputs";
import { networksOutputs, readHostNetworks } from "./outputs";
import type { NetworkChange } from "./plan";
import { planClearing, planNetworks } from "./plan";
import type { ManagedSetting, ReplicaNetworksInputs, ReplicaNetworksOutputs } from "./types";
import { DEFAULTS } from "./types";
import { validateReplicaNetworksInputs } from "./validate";

const INPUTS = ["defaults", "virtualMachines", "jobTimeoutSeconds", "connection"] as const;

export function replicaNetworksMethods(ctx: RuntimeContext): ResourceMethods {
  const { deps } = ctx;

  /** Plans against the host, refuses before any call, runs the calls, and reads back until the host agrees. */
  async function converge(
    session: CimSession,
    collection: Collection,
    typed: ReplicaNetworksInputs,
    before: readonly ManagedSetting[],
    hostName: string | null,
    provider: unknown,
  ): Promise<ReplicaNetworksOutputs> {
    const context = { collection: collection.name, host: session.target };
    const host = await readHostNetworks(session, collection.id, context);
    const plan = planNetworks(typed, host.members, host.adapters, host.switches);
    if (plan.refusals.length > 0) throw refused(plan.refusals, context);
    const clearing = planClearing(before, plan.managed, host.members, host.adapters, DHCP_ONLY);
    const options = {
      clock: deps.clock,
      timeoutSeconds: typed.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
      context,
    };
    const log = (line: string) => deps.log(`[${collection.name}] ${line}`);
    const outputs = (read: HostNetworks) => networksOutputs(collection, read, typed, plan.managed, hostName);
    try {
      await applyChanges(session, [...plan.changes, ...clearing], options, log);
      const after = await readHostNetworks(session, collection.id, context);
      refuseUnapplied(planNetworks(typed, after.members, after.adapters, after.switches).changes, context);
      return outputs(after);
    } catch (error) {
      const read = await readHostNetworks(session, collection.id, context).catch(() => undefined);
      if (read === undefined) throw error;
      throw partialFailure(collection.id, outputs(read), provider, error);
    }
  }

  async function replica(session: CimSession, id: string, context: ErrorContext) {
    const collection = await findCollection(session, { id }, undefined, context);
    if (collection === undefined) throw notFound(session, { id });
    if (collection.replicationMode !== ReplicationMode.Replica) throw notReplica(collection, context);
    return collection;
  }

  return {
    async check(_olds, news) {
      const failures = validateReplicaNetworksInputs(news, ctx.config().connection, ctx.config().failures);
      if (failures.length > 0) return { inputs: news, failures };
      return { inputs: { ...news, jobTimeoutSeconds: news.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds } };
    },

    async diff(_id, olds, news): Promise<dynamic.DiffResult> {
      const name = String(olds.collectionName ?? olds.collectionId);
      if (String(news.collectionId).toLowerCase() !== String(olds.collectionId).toLowerCase()) {
        deps.log(`[${name}] another collection: the new one gets its settings, then this one's are cleared`);
        return { changes: true, replaces: ["collectionId"], deleteBeforeReplace: false };
      }
      const changed = INPUTS.filter(
        (k) => JSON.stringify(news[k] ?? null) !== JSON.stringify(olds[k] ?? null),
      );
      if (changed.length > 0)
        deps.log(
          `[${name}] will apply ${changed.join(", ")} to the replica VMs' adapters, and clear what is no longer asked for`,
        );
      return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
    },

    async create(inputs) {
      const typed = inputs as unknown as ReplicaNetworksInputs;
      return ctx.withSession(typed.connection, typed.collectionId, async (session) => {
        const context = { collection: typed.collectionId, host: session.target };
        const collection = await replica(session, typed.collectionId, context);
        const hostName = (await hostSystemName(session, context)) ?? null;
        const outs = await converge(session, collection, typed, [], hostName, inputs.__provider);
        return { id: collection.id, outs };
      });
    },

    async read(id, props) {
      const stored = props as unknown as Partial<ReplicaNetworksOutputs>;
      const name = String(stored.collectionName ?? id);
      return ctx.withSession(connectionOf(props), name, async (session) => {
        const context = { collection: name, host: session.target };
        const collection = await findCollection(session, { id }, undefined, context);
        if (collection === undefined) {
          await confirmGone(session, id, recordedHostOf(stored.hostSystemName), context, {
            importing: Object.keys(props).length === 0,
          });
          return {};
        }
        const host = await readHostNetworks(session, collection.id, context);
        const inputs = { ...stored, connection: stored.connection ?? undefined } as ReplicaNetworksInputs;
        const outs = networksOutputs(
          collection,
          host,
          inputs,
          stored.managed ?? [],
          stored.hostSystemName ?? null,
        );
        return { id, props: { ...props, ...outs } };
      });
    },

    async update(id, olds, news) {
      const stored = olds as unknown as ReplicaNetworksOutputs;
      const typed = news as unknown as ReplicaNetworksInputs;
      return ctx.withSession(typed.connection, stored.collectionName, async (session) => {
        const context = { collection: stored.collectionName, host: session.target };
        const collection = await replica(session, id, context);
        const outs = await converge(
          session,
          collection,
          typed,
          stored.managed ?? [],
          stored.hostSystemName,
          news.__provider,
        );
        return { outs };
      });
    },

    async delete(id, props) {
      const stored = props as unknown as ReplicaNetworksOutputs;
      await ctx.withSession(connectionOf(props), stored.collectionName ?? id, async (session) => {
        const context = { collection: stored.collectionName ?? id, host: session.target };
        const collection = await findCollection(session, { id }, undefined, context);
        if (collection === undefined) {
          deps.log(`[${context.collection}] the collection is gone from the host; nothing to clear`);
          return;
        }
        const host = await readHostNetworks(session, collection.id, context);
        const clearing = planClearing(stored.managed ?? [], [], host.members, host.adapters, DHCP_ONLY);
        const options = {
          clock: deps.clock,
          timeoutSeconds: stored.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
          context,
        };
        await applyChanges(session, clearing, options, (line) => deps.log(`[${collection.name}] ${line}`));
        const after = await readHostNetworks(session, collection.id, context);
        refuseUnapplied(
          planClearing(stored.managed ?? [], [], after.members, after.adapters, DHCP_ONLY),
          context,
        );
      });
    },
  };
}

const connectionOf = (props: Props) => (props.connection ?? null) as ConnectionInputs | null;

function refused(refusals: readonly string[], context: ErrorContext): InvalidStateError {
  return new InvalidStateError(
    `Refused before any call: ${refusals.join("; ")}`,
    "Correct the program (or the replica host), then run again; nothing was changed",
    context,
  );
}

function refuseUnapplied(left: readonly NetworkChange[], context: ErrorContext): void {
  if (left.length === 0) return;
  throw new InvalidStateError(
    `the calls returned, but the host does not show ${left.map(describeChange).join("; ")}`,
    "Refresh the stack to record what the host holds, then run again",
    context,
  );
}

function notReplica(collection: Collection, context: ErrorContext): InvalidStateError {
  return new InvalidStateError(
    `collection '${collection.name}' (${collection.id}) has ReplicationMode ${collection.replicationMode}, not 2 (Replica); ReplicaNetworks sets what the replica VMs do in a drill and after a failover`,
    "Set collectionId to the recovery-side (replica) collection's CollectionID and point the connection at the replica cluster",
    context,
  );
}
