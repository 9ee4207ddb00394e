/**
 * The runtime the dynamic provider objects load by name inside the Pulumi plugin
 * (`require("pulumi-hyperv-replica/runtime")`), so that a serialized provider stays a few lines long. One context
 * (config, locks, sessions) serves every resource type in the process.
 *
 * `runtime.check` … `runtime.delete` are CollectionFailover's, for stacks whose serialized provider was written
 * before there was more than one resource type; newer provider objects call `runtime.resources.<Type>`.
 */
import { collectionFailoverMethods } from "../resources/collectionFailover/methods";
import { collectionTestFailoverMethods } from "../resources/collectionTestFailover/methods";
import { getRecoveryPointsFunction } from "../resources/getRecoveryPoints/invoke";
import { replicatedCollectionMethods } from "../resources/replicatedCollection/methods";
import type { RuntimeDeps } from "../runtime/context";
import { createContext } from "../runtime/context";
import type { FunctionMethod, Registry, ResourceMethods } from "../runtime/resourceMethods";

export function createRuntime(overrides: Partial<RuntimeDeps> = {}) {
  const ctx = createContext(overrides);
  const resources = {
    CollectionFailover: collectionFailoverMethods(ctx),
    CollectionTestFailover: collectionTestFailoverMethods(ctx),
    ReplicatedCollection: replicatedCollectionMethods(ctx),
  } satisfies Record<string, ResourceMethods>;
  /** Functions (Pulumi invokes) by name: the program-side SDK calls them in-process, a native plugin via Invoke. */
  const functions: Record<string, FunctionMethod> = {
    getRecoveryPoints: getRecoveryPointsFunction(ctx),
  };
  return {
    configure: (get: (key: string) => unknown) => ctx.configure(get),
    resources,
    functions,
    ...resources.CollectionFailover,
  } satisfies Registry;
}

export type Runtime = ReturnType<typeof createRuntime>;

/** The runtime the plugin uses. */
export const runtime = createRuntime();
