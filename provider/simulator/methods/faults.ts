import { sameText } from "../constants";
import type { SimState } from "../store/state";
import type { Fault } from "../types";

type FaultOf<K extends Fault["kind"]> = Extract<Fault, { kind: K }>;

/** Stores a fault with its count made explicit, so the count can be decremented in the state file. */
export function addFault(state: SimState, fault: Fault): void {
  const times = fault.times ?? 1;
  if (times !== "always" && (!Number.isInteger(times) || times < 1)) {
    throw new RangeError(`fault times must be a positive integer or "always", got ${String(times)}`);
  }
  if (fault.kind === "slow" && !(fault.delayMs >= 0)) {
    throw new RangeError(`slow fault delayMs must be 0 or more, got ${fault.delayMs}`);
  }
  state.faults.push({ ...fault, times });
}

/** Fires the first stored fault of one of `kinds` that `matches`: counts it down and returns it. */
function take<K extends Fault["kind"]>(
  state: SimState,
  kinds: readonly K[],
  matches: (fault: FaultOf<K>) => boolean = () => true,
): FaultOf<K> | undefined {
  const index = state.faults.findIndex(
    (fault) => (kinds as readonly string[]).includes(fault.kind) && matches(fault as FaultOf<K>),
  );
  if (index < 0) return undefined;
  const fault = state.faults[index] as FaultOf<K>;
  if (fault.times !== "always") {
    const left = (fault.times ?? 1) - 1;
    if (left > 0) state.faults[index] = { ...fault, times: left };
    else state.faults.splice(index, 1);
  }
  return fault;
}

/** Faults of the transport, which every seam call meets before it reaches the host. */
export interface TransportFaults {
  delayMs?: number;
  unreachable: boolean;
}

export function takeTransportFaults(state: SimState, hostName: string): TransportFaults {
  const slow = take(state, ["slow"]);
  const forThisHost = (f: { host?: string }) => f.host === undefined || sameText(f.host, hostName);
  const unreachable = take(state, ["unreachable"], forThisHost) !== undefined;
  return slow ? { delayMs: slow.delayMs, unreachable } : { unreachable };
}

/** A fault that answers a method call in place of the host. */
export function takeCallFault(
  state: SimState,
  method: string,
): FaultOf<"returnCode" | "wbemError"> | undefined {
  return take(state, ["returnCode", "wbemError"], (fault) => sameText(fault.method, method));
}

/** A fault that changes how a job started by `method` ends; fired only when a job actually starts. */
export function takeJobFault(state: SimState, method: string): FaultOf<"jobFails" | "jobHangs"> | undefined {
  return take(state, ["jobFails", "jobHangs"], (fault) => sameText(fault.method, method));
}
