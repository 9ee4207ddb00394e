/**
 * An error Pulumi records as a partial failure: the step fails, and the outputs saved are the host's real state.
 * The dynamic-provider plugin reads `id`, `properties` and `reasons` from the error it is given.
 */
export function partialFailure(id: string, outs: object, provider: unknown, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return Object.assign(new Error(message, { cause: error }), {
    id,
    properties: { ...outs, __provider: provider },
    reasons: [message],
  });
}
