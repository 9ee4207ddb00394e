import type { CimArguments, CimMethodResult, CimRef } from "../../cim";
import { JobState, RequestedJobState, ReturnCode, sameText } from "../constants";
import { argument, returnOnly } from "./args";
import { instanceXml } from "../model/cimXml";
import { finishJob, isRunning, terminatedEnd } from "./jobs";
import { withKey } from "../store/keyIndex";
import { JOB_ID, type JobEnd, type SimState, type StoredJob } from "../store/state";

/** The job a Msvm_ConcreteJob REF names, by InstanceID. */
export function jobOf(state: SimState, ref: CimRef): StoredJob | undefined {
  const key = Object.keys(ref.keys).find((k) => sameText(k, "InstanceID"));
  const id = key === undefined ? undefined : ref.keys[key];
  return typeof id === "string" ? withKey(state.jobs, JOB_ID, id)[0] : undefined;
}

/** GetErrorEx, GetError and RequestStateChange on a job; other job methods are 32770. */
export function invokeJob(
  state: SimState,
  now: number,
  ref: CimRef,
  method: string,
  args: CimArguments,
): CimMethodResult {
  const known = ["GetErrorEx", "GetError", "RequestStateChange"].find((m) => sameText(m, method));
  if (!known) return returnOnly(ReturnCode.notSupported);
  const job = jobOf(state, ref);
  if (!job) return returnOnly(ReturnCode.invalidParameter);
  if (known === "RequestStateChange") return requestStateChange(state, now, job, args);
  if (!job.finished || job.finished.jobState === JobState.completed) return returnOnly(ReturnCode.completed);
  const error = cimErrorXml(job.collectionId, job.finished);
  return {
    returnValue: ReturnCode.completed,
    outParameters: known === "GetErrorEx" ? { Errors: [error] } : { Error: error },
  };
}

/** Only Terminate is modelled, and only InitiateFailover jobs are cancellable. */
function requestStateChange(
  state: SimState,
  now: number,
  job: StoredJob,
  args: CimArguments,
): CimMethodResult {
  const requested = argument(args, "RequestedState");
  if (typeof requested !== "number") return returnOnly(ReturnCode.invalidParameter);
  if (requested !== RequestedJobState.terminate) return returnOnly(ReturnCode.notSupported);
  if (!isRunning(job) || !job.cancellable) return returnOnly(ReturnCode.invalidState);
  finishJob(state, job, terminatedEnd(job), now);
  return returnOnly(ReturnCode.completed);
}

/** A CIM-XML (DSP0201) instance of Msvm_Error, the CIM_Error subclass Hyper-V returns; shape inferred. */
export function cimErrorXml(collectionId: string, end: JobEnd): string {
  return instanceXml("Msvm_Error", [
    ["ErrorSource", "string", collectionId],
    ["ErrorType", "uint16", 4],
    ["Message", "string", end.errorDescription],
    ["MessageID", "string", String(end.errorCode)],
    ["OwningEntity", "string", "Microsoft-Windows-Hyper-V-VMMS"],
    ["PerceivedSeverity", "uint16", 6],
  ]);
}
