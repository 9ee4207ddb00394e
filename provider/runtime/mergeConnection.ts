import type { ConnectionInputs } from "../cim/connection";

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== null),
  ) as Partial<T>;
}

/**
 * The effective connection. Fields the resource sets win; fields it leaves out come from stack config, unless the
 * resource names a different transport than the config does, in which case the config is not mixed in.
 */
export function mergeConnection(
  input: ConnectionInputs | null | undefined,
  fromConfig: ConnectionInputs,
): ConnectionInputs {
  const own = stripUndefined(input ?? {});
  const merged =
    own.transport !== undefined &&
    fromConfig.transport !== undefined &&
    own.transport !== fromConfig.transport
      ? own
      : { ...fromConfig, ...own };
  return { ...merged, transport: merged.transport ?? "local" };
}

/** The connection as stored in the outputs: the password never leaves the provider. */
export function withoutPassword(input: ConnectionInputs): Omit<ConnectionInputs, "password"> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { password, ...rest } = stripUndefined(input);
  return rest;
}

export { describeTarget } from "../cim/connection";
