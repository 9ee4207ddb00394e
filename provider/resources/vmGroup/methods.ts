/**
 * VmGroup's methods. The resource's id is the group's CollectionID. Create defines the group and adds its members,
 * update renames it and changes its members in place, delete destroys it unless it still replicates, and read
 * (refresh, import) only reads. Every write is followed by a read of what the host shows, and a run that stops
 * part-way records that read as a partial failure.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { confirmGone, recordedHostOf } from "../../failover/identity";
import type { CimSession } from "../../cim";
import type { ErrorContext, MethodOptions } from "../../hyperv";
import { findCollection, findVms, hostSystemName, readMembers } from "../../hyperv";
import type { RuntimeContext } from "../../runtime/context";
import { partialFailure } from "../../runtime/partialFailure";
import type { Props, ResourceMethods } from "../../runtime/resourceMethods";
import { changedInputs } from "../../runtime/storedInputs";
import type { ConnectionInputs } from "../../runtime/types";
import { defineGroup, destroyGroup, refuseTakenName, setMembers, setName } from "./apply";
import { groupOutputs } from "./outputs";
import { entriesOf, previewLine, recordedMembers, sameMembers } from "./plan";
import type { VmGroupInputs, VmGroupOutputs } from "./types";
import { DEFAULTS } from "./types";
import { validateVmGroupInputs } from "./validate";

/** Inputs recorded in the outputs as applied: a change to them alone is an update that calls nothing. */
const RECORDED_INPUTS = ["members", "jobTimeoutSeconds", "connection"] as const;

const withDefaults = (news: Props): Props => ({
  ...news,
  members: news.members ?? [],
  jobTimeoutSeconds: news.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
});

export function vmGroupMethods(ctx: RuntimeContext): ResourceMethods {
  const { deps } = ctx;
  const options = (inputs: VmGroupInputs, name: string): MethodOptions => ({
    clock: deps.clock,
    polling: ctx.polling(),
    busyRetries: deps.busyRetries,
    readRetries: deps.readRetries,
    timeoutSeconds: inputs.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
    cancelOnTimeout: false,
    progress: (line) => deps.log(`[${name}] ${line}`),
  });

  /** Runs the writes, then reads the host; a failure part-way is recorded with what the host shows. */
  async function writeThenRead(
    session: CimSession,
    id: string,
    inputs: Props,
    host: string | null,
    context: ErrorContext,
    writes: () => Promise<void>,
  ): Promise<VmGroupOutputs> {
    const typed = inputs as unknown as VmGroupInputs;
    try {
      await writes();
    } catch (error) {
      const outs = await groupOutputs(session, id, typed, host, context).catch(() => undefined);
      if (outs === undefined) throw error;
      throw partialFailure(id, outs, inputs.__provider, error);
    }
    return groupOutputs(session, id, typed, host, context);
  }

  return {
    async check(_olds, news) {
      const failures = validateVmGroupInputs(news, ctx.config().connection, ctx.config().failures);
      if (failures.length > 0) return { inputs: news, failures };
      return { inputs: withDefaults(news) };
    },

    async diff(_id, olds, news): Promise<dynamic.DiffResult> {
      const line = previewLine(olds, news);
      if (line !== undefined) deps.log(line);
      const members = !sameMembers(entriesOf(news), recordedMembers(olds));
      const inputs = changedInputs(olds, news, RECORDED_INPUTS, DEFAULTS);
      return {
        changes: news.name !== olds.name || members || inputs.length > 0,
        replaces: [],
        deleteBeforeReplace: false,
      };
    },

    async create(inputs) {
      const typed = inputs as unknown as VmGroupInputs;
      return ctx.withSession(typed.connection, typed.name, async (session) => {
        const context = { collection: typed.name, host: session.target };
        await refuseTakenName(session, typed.name, context);
        const vms = await findVms(session, typed.members ?? [], context);
        const host = (await hostSystemName(session, context)) ?? null;
        const run = options(typed, typed.name);
        const id = await defineGroup(session, typed.name, context, run);
        const outs = await writeThenRead(session, id, inputs, host, context, () =>
          setMembers(session, id, vms, context, run),
        );
        return { id, outs };
      });
    },

    async read(id, props) {
      const stored = props as unknown as Partial<VmGroupOutputs>;
      const name = String(stored.name ?? id);
      return ctx.withSession(connectionOf(props), name, async (session) => {
        const context = { collection: name, host: session.target };
        const group = await findCollection(session, { id }, undefined, context);
        if (group === undefined) {
          await confirmGone(session, id, recordedHostOf(stored.hostSystemName), context);
          return {};
        }
        const imported = Object.keys(props).length === 0;
        const host =
          recordedHostOf(stored.hostSystemName) ?? (await hostSystemName(session, context)) ?? null;
        const inputs = imported
          ? await importedInputs(session, group.id, group.name, context)
          : storedInputs(stored);
        const outs = await groupOutputs(session, group.id, inputs, host, context);
        return {
          id: group.id,
          props: { ...props, ...outs },
          ...(imported ? { inputs: withDefaults({ ...inputs }) } : {}),
        };
      });
    },

    async update(id, olds, news) {
      const typed = news as unknown as VmGroupInputs;
      const stored = olds as unknown as VmGroupOutputs;
      return ctx.withSession(typed.connection, stored.name, async (session) => {
        const context = { collection: stored.name, host: session.target };
        const host = stored.hostSystemName ?? null;
        // A group deleted outside the stack is named as such before anything is called.
        await groupOutputs(session, id, typed, host, context);
        const vms = await findVms(session, typed.members ?? [], context);
        const run = options(typed, stored.name);
        const outs = await writeThenRead(session, id, news, host, context, async () => {
          await setMembers(session, id, vms, context, run);
          await setName(session, id, typed.name, context, run);
        });
        return { outs };
      });
    },

    async delete(id, props) {
      const stored = props as unknown as VmGroupOutputs;
      await ctx.withSession(connectionOf(props), stored.name ?? id, async (session) => {
        const context = { collection: stored.name ?? id, host: session.target };
        const inputs = { jobTimeoutSeconds: stored.jobTimeoutSeconds } as VmGroupInputs;
        const destroyed = await destroyGroup(session, id, context, options(inputs, stored.name ?? id));
        if (!destroyed)
          deps.log(`[${stored.name ?? id}] the VM group is gone from the host already; nothing to destroy`);
        const left = await findCollection(session, { id }, undefined, context);
        if (left !== undefined)
          throw new Error(
            `DestroyCollection returned, but the host still shows VM group '${left.name}' (CollectionID ${id}); refresh the stack, then run again`,
          );
      });
    },
  };
}

const connectionOf = (props: Props) => (props.connection ?? null) as ConnectionInputs | null;

/** A refresh keeps the inputs the stack recorded. */
function storedInputs(stored: Partial<VmGroupOutputs>): VmGroupInputs {
  return {
    name: stored.name ?? "",
    members: stored.members ?? [],
    jobTimeoutSeconds: stored.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
    ...(stored.connection ? { connection: stored.connection } : {}),
  };
}

/** `pulumi import` reads with nothing stored: the group's name and members, by name, as the host shows them. */
async function importedInputs(
  session: CimSession,
  collectionId: string,
  name: string,
  context: ErrorContext,
): Promise<VmGroupInputs> {
  const members = await readMembers(session, collectionId, context);
  return { name, members: members.map((m) => m.name) };
}
