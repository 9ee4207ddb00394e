/**
 * getRecoveryPoints inside the runtime: validate the arguments, open a session for the connection, look the
 * collection up, list its points newest first, and with `recoveryPoint` set, the point it picks, chosen (and refused)
 * exactly as a failover with that selector would. The same code serves the program-side SDK function and a native
 * plugin's Invoke.
 */
import { notFound } from "../../failover/identity";
import { chooseRecoveryPoint } from "../../failover/choosePoint";
import type { CollectionSelector, RecoveryPoint } from "../../hyperv";
import { describeSelector, findCollection, listRecoveryPoints } from "../../hyperv";
import { ArgumentsError } from "../../runtime/argumentsError";
import { checkConnection } from "../../runtime/connectionRules";
import type { RuntimeContext } from "../../runtime/context";
import { recoveryPointRule } from "../../runtime/recoveryPointRule";
import type { Props } from "../../runtime/resourceMethods";
import type { CheckFailure } from "../../runtime/rules";
import { checkObject, checkSelector, GUID, show, text } from "../../runtime/rules";
import type { ConnectionInputs } from "../../runtime/types";

type PointOutput = { instanceId: string; creationTime: string | null; consistencyLevel: string };

export type GetRecoveryPointsResult = {
  collectionId: string;
  collectionName: string;
  recoveryPoints: PointOutput[];
  chosen?: PointOutput;
};

const KEYS = ["collectionId", "collectionName", "recoveryPoint", "connection"] as const;

const output = (p: RecoveryPoint): PointOutput => ({
  instanceId: p.instanceId,
  creationTime: p.creationTime,
  consistencyLevel: p.consistencyLevelName,
});

export function validateArgs(args: Props, ctx: RuntimeContext): CheckFailure[] {
  const failures = checkObject(
    args,
    {
      collectionId: (v) =>
        typeof v === "string" && GUID.test(v)
          ? undefined
          : `${show(v)} is not a GUID; use the collection's CollectionID`,
      collectionName: text("the collection's name (its ElementName)", 256),
      recoveryPoint: recoveryPointRule,
      connection: () => undefined,
    },
    KEYS,
    "",
  );
  failures.push(...checkSelector(args));
  failures.push(...checkConnection(args.connection, ctx.config().connection, ctx.config().failures));
  return failures;
}

export function getRecoveryPointsFunction(ctx: RuntimeContext) {
  return async function getRecoveryPoints(args: Props): Promise<GetRecoveryPointsResult> {
    const failures = validateArgs(args, ctx);
    if (failures.length > 0) throw new ArgumentsError("getRecoveryPoints", failures);
    const selector: CollectionSelector =
      typeof args.collectionId === "string"
        ? { id: args.collectionId }
        : { name: String(args.collectionName) };
    const connection = (args.connection ?? null) as ConnectionInputs | null;
    return ctx.withSession(connection, describeSelector(selector), async (session) => {
      const collection = await findCollection(session, selector);
      if (collection === undefined) throw notFound(session, selector);
      const context = { collection: collection.name, host: session.target };
      const points = await listRecoveryPoints(session, collection.id, context);
      const result = {
        collectionId: collection.id,
        collectionName: collection.name,
        recoveryPoints: points.map(output),
      };
      if (typeof args.recoveryPoint !== "string") return result;
      // The same choice, and the same refusals, as a failover with this recoveryPoint would make.
      const { point } = await chooseRecoveryPoint(session, collection, args.recoveryPoint, context);
      return { ...result, chosen: output(point) };
    });
  };
}
