import type { CheckFailure } from "./rules";

/**
 * A function's arguments refused before any call: each door reports the failures as its caller expects (the native
 * plugin as Invoke's `failures`, which the engine shows per argument; the program-side SDK as this error's message).
 */
export class ArgumentsError extends Error {
  override name = "ArgumentsError";
  constructor(
    fn: string,
    readonly failures: readonly CheckFailure[],
  ) {
    super(`${fn}: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  }
}
