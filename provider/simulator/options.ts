import { systemClock } from "../clock";
import { DEFAULT_HOST_NAME, DEFAULT_TIME_BEFORE_REMOVAL_MS } from "./constants";
import type { SimulatorOptions } from "./types";

type ResolvedOptions = Required<Omit<SimulatorOptions, "stateFile">> & Pick<SimulatorOptions, "stateFile">;

const DEFAULT_OPTIONS: ResolvedOptions = {
  clock: systemClock,
  hostName: DEFAULT_HOST_NAME,
  timeBeforeRemovalMs: DEFAULT_TIME_BEFORE_REMOVAL_MS,
};

export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const resolved = { ...DEFAULT_OPTIONS, ...options };
  if (typeof resolved.hostName !== "string" || resolved.hostName === "") {
    throw new TypeError("hostName must be a non-empty string");
  }
  if (!(resolved.timeBeforeRemovalMs >= 0)) {
    throw new RangeError(`timeBeforeRemovalMs must be 0 or more, got ${resolved.timeBeforeRemovalMs}`);
  }
  if (resolved.stateFile !== undefined && resolved.stateFile === "") {
    throw new TypeError("stateFile must be a path");
  }
  return resolved;
}
