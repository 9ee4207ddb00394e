import { CimError, isCimRef, type CimArguments, type CimMethodResult, type CimRef } from "../../cim";
import type { RenderContext } from "../model/classes";
import { classNamed } from "../model/classes";
import { Cls, NAMESPACE, sameText } from "../constants";
import { argument, type JobContext } from "./args";
import { takeCallFault } from "./faults";
import { invokeJob, jobOf } from "./jobMethods";
import { invokeManagement, isManagementService } from "./collectionManagement";
import { invokeVm, memberOf } from "./members";
import { componentOwner, invokeShutdownComponent } from "./shutdownComponent";
import { serviceInstance } from "../model/render";
import { hasSites } from "./recoverySide";
import { invokeNetwork } from "../networks/methods";
import { invokeService } from "./service";
import type { SimState, StoredCall } from "../store/state";

/** A result or the CimError to throw, so a failed call still commits the state (its log entry, its spent fault). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: CimError };

export type InvokeContext = RenderContext & JobContext;

export interface Invocation {
  readonly target: CimRef;
  readonly method: string;
  readonly args: CimArguments;
}

/** Answers one method call and appends it to the call log, whatever the answer. */
export function invokeMethod(
  state: SimState,
  ctx: InvokeContext,
  call: Invocation,
): Outcome<CimMethodResult> {
  const entry = logCall(state, ctx, call);
  const outcome = answer(state, ctx, call);
  if (!outcome.ok) {
    entry.error = outcome.error.message;
    return outcome;
  }
  entry.returnValue = outcome.value.returnValue;
  const job = outcome.value.outParameters["Job"];
  if (isCimRef(job)) entry.jobId = String(job.keys["InstanceID"]);
  return outcome;
}

/** Logs a call that never reached the host because it was unreachable. */
export function logUnreachable(
  state: SimState,
  ctx: Pick<InvokeContext, "now" | "namespace" | "hostName">,
  call: Invocation,
  error: CimError,
): void {
  logCall(state, ctx, call).error = error.message;
}

function logCall(
  state: SimState,
  { now, namespace, hostName }: Pick<InvokeContext, "now" | "namespace" | "hostName">,
  { target, method, args }: Invocation,
): StoredCall {
  const entry: StoredCall = {
    at: now,
    // Both sides of a pair may hold the same CollectionID: in a two-site file the log says which host was called.
    ...(hasSites(state) ? { host: hostName } : {}),
    ...(namespace !== undefined && namespace !== NAMESPACE ? { namespace } : {}),
    className: target.className,
    method,
    arguments: structuredClone(args),
  };
  const collection = argument(args, "Collection");
  if (isCimRef(collection) && typeof collection.keys["CollectionID"] === "string") {
    entry.collectionId = collection.keys["CollectionID"];
  }
  if (sameText(target.className, Cls.job)) {
    const job = jobOf(state, target);
    if (job) entry.collectionId = job.collectionId;
    if (typeof target.keys["InstanceID"] === "string") entry.jobId = target.keys["InstanceID"];
  }
  if (sameText(target.className, Cls.computerSystem)) {
    // For the log only: the VM's collection on whichever host it lives.
    const found = memberOf(state, target);
    if (found) {
      entry.collectionId = found.collection.id;
      entry.vmId = found.member.id;
    }
  }
  if (sameText(target.className, Cls.shutdownComponent)) {
    const found = componentOwner(state, target);
    if (found) {
      entry.collectionId = found.collection.id;
      entry.vmId = found.member.id;
    }
  }
  state.calls.push(entry);
  return entry;
}

/** Injected faults answer first, before the target or any state is looked at. */
function answer(
  state: SimState,
  ctx: InvokeContext,
  { target, method, args }: Invocation,
): Outcome<CimMethodResult> {
  const fault = takeCallFault(state, method);
  if (fault?.kind === "wbemError") {
    return { ok: false, error: new CimError("wbem", fault.message ?? "The method call failed.") };
  }
  if (fault) return { ok: true, value: { returnValue: fault.code, outParameters: {} } };
  // Each class lives in one namespace: a REF to it in another finds nothing, as on a host.
  if (!classNamed(target.className, ctx.namespace)) return notFound(target);
  if (sameText(target.className, Cls.shutdownComponent)) {
    const answered = invokeShutdownComponent(state, ctx, target, method, args);
    return answered ? { ok: true, value: answered } : notFound(target);
  }
  if (sameText(target.className, Cls.job))
    return { ok: true, value: invokeJob(state, ctx.now, target, method, args) };
  const network = invokeNetwork(state, ctx, target, method, args);
  if (network) return { ok: true, value: network };
  if (isManagementService(target, ctx.hostName)) {
    return { ok: true, value: invokeManagement(state, ctx, method, args) };
  }
  if (sameText(target.className, Cls.service) && isTheService(target, ctx.hostName)) {
    return { ok: true, value: invokeService(state, ctx, method, args) };
  }
  const vm = sameText(target.className, Cls.computerSystem)
    ? invokeVm(state, ctx, target, method, args)
    : undefined;
  if (vm) return { ok: true, value: vm };
  return notFound(target);
}

const notFound = (target: CimRef): Outcome<CimMethodResult> => ({
  ok: false,
  error: new CimError("wbem", `Not found: no ${target.className} instance matches the REF`),
});

/** The singleton: every key the REF gives must match (an empty REF is taken to mean the singleton). */
function isTheService(ref: CimRef, hostName: string): boolean {
  const service = serviceInstance(hostName).properties;
  return Object.entries(ref.keys).every(([key, value]) => {
    const name = Object.keys(service).find((k) => sameText(k, key));
    const actual = name === undefined ? undefined : service[name];
    return typeof actual === "string" && typeof value === "string" && sameText(actual, value);
  });
}
