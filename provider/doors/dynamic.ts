/**
 * The runtime the dynamic provider objects load by name inside the Pulumi plugin
 * (`require("pulumi-hyperv-replica/runtime")`), so that a serialized provider stays a few lines long. One context
 * (config, locks, sessions) serves every resource type in the process.
 *
 * `runtime.check` … `runtime.delete` are CollectionFailover's, for stacks whose serialized provider was written
 * before there was more than one resource type; newer provider objects call `runtime.resources.<Type>`.
 */
import { collectionFailoverMethods } from "../resources/collectionFailover/methods";
import { collectionReplicationMethods } from "../resources/collectionReplication/methods";
import { collectionTestFailoverMethods } from "../resources/collectionTestFailover/methods";
import { getRecoveryPointsFunction } from "../resources/getRecoveryPoints/invoke";
import { replicatedCollectionMethods } from "../resources/replicatedCollection/methods";
import { replicaNetworksMethods } from "../resources/replicaNetworks/methods";
import { vmGroupMethods } from "../resources/vmGroup/methods";
import type { RuntimeDeps } from "../runtime/context";
import { createContext } from "../runtime/context";
import type { FunctionMethod, Registry, ResourceMethods } from "../runtime/resourceMethods";
import { warmOnCheck } from "../runtime/warmOnCheck";
import { settlePluginProcess } from "./pluginProcess";

export function createRuntime(overrides: Partial<RuntimeDeps> = {}) {
  const ctx = createContext(overrides);
  const resources = warmOnCheck(ctx, {
    CollectionFailover: collectionFailoverMethods(ctx),
    CollectionTestFailover: collectionTestFailoverMethods(ctx),
    CollectionReplication: collectionReplicationMethods(ctx),
    ReplicatedCollection: replicatedCollectionMethods(ctx),
    VmGroup: vmGroupMethods(ctx),
    ReplicaNetworks: replicaNetworksMethods(ctx),
  } satisfies Record<string, ResourceMethods>);
  /** Functions (Pulumi invokes) by name: the program-side SDK calls them in-process, a native plugin via Invoke. */
  const functions: Record<string, FunctionMethod> = {
    getRecoveryPoints: getRecoveryPointsFunction(ctx),
  };
  const registry = {
    configure: (get: (key: string) => unknown, keys?: readonly string[]) => ctx.configure(get, keys),
    resources,
    functions,
    ...resources.CollectionFailover,
  } satisfies Registry;
  return {
    ...registry,
    /**
     * Configures from the dynamic provider's `req.config`. The plugin's Config object holds the whole stack config
     * in `rawConfig` (the engine gives dynamic providers every key, namespaced), which is how a misspelt
     * `hyperv-replica:` key is found; `get` alone could only look up the keys it already knows.
     *
     * Only the plugin calls it, so this is also where the runtime settles into the plugin's process: it starts
     * watching for the engine to go away, and bounds the heap's growth.
     */
    configureFrom(config: { get(key: string): string | undefined }) {
      settlePluginProcess();
      const raw = (config as { rawConfig?: unknown }).rawConfig;
      const keys = typeof raw === "object" && raw !== null ? Object.keys(raw) : undefined;
      ctx.configure((key) => config.get(key), keys);
    },
  };
}

export type Runtime = ReturnType<typeof createRuntime>;

/** The runtime the plugin uses. */
export const runtime = createRuntime();
