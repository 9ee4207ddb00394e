/**
 * The native plugin's provider: every resource and function of the runtime's registry under the token
 * `hyperv-replica:index:<name>`, the schema's provider config (CheckConfig, Configure), and Diff with a per-property
 * diff. It holds no behaviour of its own: each method finds the registry entry for the token and calls it, the
 * same entry the dynamic provider calls.
 */
import type { Clock } from "../../clock";
import { systemClock } from "../../clock";
import type { CheckFailure } from "../../runtime/rules";
import { withEngineTimeout } from "../../runtime/engineTimeout";
import { CONFIG_NAMESPACE, readProviderConfig } from "../../runtime/connection";
import type { FunctionMethod, Registry, ResourceMethods } from "../../runtime/resourceMethods";
import type { PropertyDiff } from "./detailedDiff";
import { detailedDiff } from "./detailedDiff";
import type { Props } from "./rpc";

export const PACKAGE = CONFIG_NAMESPACE;
export const tokenOf = (name: string) => `${PACKAGE}:index:${name}`;

export interface CheckResult {
  readonly inputs: Props;
  readonly failures: readonly CheckFailure[];
}

export interface DiffResult {
  readonly changes: boolean;
  readonly replaces: readonly string[];
  readonly deleteBeforeReplace: boolean;
  readonly detailedDiff: Readonly<Record<string, PropertyDiff>>;
}

export interface ReadResult {
  /** Undefined when the resource is gone from the host. */
  readonly id: string | undefined;
  readonly props: Props;
  readonly inputs: Props | undefined;
}

/** A URN's type token: `urn:pulumi:<stack>::<project>::<parent$type>::<name>` ends its type with the token. */
export function typeOfUrn(urn: string): string {
  return urn.split("::")[2]?.split("$").at(-1) ?? "";
}

/**
 * The engine sends config as `args` (`transport`) or, from older engines, only as `variables`, whose keys read
 * `hyperv-replica:config:transport`: both become `hyperv-replica:transport`-style keys here.
 */
function configKeys(config: Props): Props {
  const variable = `${PACKAGE}:config:`;
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [
      k.startsWith(variable) ? `${PACKAGE}:${k.slice(variable.length)}` : k,
      v,
    ]),
  );
}

/** Config keys as the engine sends them (`transport`, or `hyperv-replica:transport` in the older map). */
function configReader(config: Props): (key: string) => unknown {
  return (key) => {
    const short = key.startsWith(`${PACKAGE}:`) ? key.slice(PACKAGE.length + 1) : key;
    return config[short] ?? config[key];
  };
}

/** Every key sent, namespaced as the user sets it: `transport` is `hyperv-replica:transport`. */
const keysOf = (config: Props) => Object.keys(config).map((k) => (k.includes(":") ? k : `${PACKAGE}:${k}`));

/** `clock`: the one the runtime waits on, so that the engine's timeout and the runtime's waits share one time. */
export function createNativeProvider(registry: Registry, clock: Clock = systemClock) {
  const byToken = <T>(entries: Readonly<Record<string, T>>) =>
    new Map(Object.entries(entries).map(([name, entry]) => [tokenOf(name), entry]));
  const resources = byToken(registry.resources);
  const functions = byToken(registry.functions);

  function resource(urn: string): ResourceMethods {
    const type = typeOfUrn(urn);
    const found = resources.get(type);
    if (found === undefined) {
      throw new Error(
        `${PACKAGE} has no resource type '${type}'; it serves ${[...resources.keys()].join(", ")}`,
      );
    }
    return found;
  }

  return {
    tokens: { resources: [...resources.keys()], functions: [...functions.keys()] },

    /** Failures name the key as the user sets it: `hyperv-replica:port`. */
    checkConfig(news: Props): CheckResult {
      return { inputs: news, failures: readProviderConfig(configReader(news), keysOf(news)).failures };
    },

    configure(sent: Props): void {
      const config = configKeys(sent);
      registry.configure(configReader(config), keysOf(config));
    },

    async check(urn: string, olds: Props, news: Props): Promise<CheckResult> {
      const result = await resource(urn).check(olds, news);
      return { inputs: (result.inputs ?? news) as Props, failures: result.failures ?? [] };
    },

    async diff(
      urn: string,
      id: string,
      olds: Props,
      news: Props,
      oldInputs?: Props,
      ignoreChanges: readonly string[] = [],
    ): Promise<DiffResult> {
      const result = await resource(urn).diff(id, olds, news, { ignoreChanges });
      const changes = result.changes !== false;
      const replaces = result.replaces ?? [];
      return {
        changes,
        replaces,
        deleteBeforeReplace: result.deleteBeforeReplace ?? false,
        detailedDiff: detailedDiff({ olds, news, oldInputs, changes, replaces }),
      };
    },

    /** `timeout`: the engine's customTimeouts.create in seconds, 0 when none (so for every operation below). */
    async create(urn: string, inputs: Props, timeout = 0): Promise<{ id: string; outs: Props }> {
      const result = await withEngineTimeout("create", timeout, clock.now(), () =>
        resource(urn).create(inputs),
      );
      return { id: result.id, outs: (result.outs ?? {}) as Props };
    },

    /** `inputs` are the stored inputs (refresh) or none (import); the runtime may return fresher ones. */
    async read(urn: string, id: string, props: Props, inputs: Props): Promise<ReadResult> {
      const result = await resource(urn).read(id, props);
      const found = result.id !== undefined && result.id !== "";
      return {
        id: found ? result.id : undefined,
        props: (result.props ?? {}) as Props,
        inputs: found ? ((result.inputs as Props | undefined) ?? inputs) : undefined,
      };
    },

    async update(
      urn: string,
      id: string,
      olds: Props,
      news: Props,
      ignoreChanges: readonly string[] = [],
      timeout = 0,
    ): Promise<Props> {
      const result = await withEngineTimeout("update", timeout, clock.now(), () =>
        resource(urn).update(id, olds, news, { ignoreChanges }),
      );
      return (result.outs ?? {}) as Props;
    },

    async delete(urn: string, id: string, props: Props, timeout = 0): Promise<void> {
      await withEngineTimeout("delete", timeout, clock.now(), () => resource(urn).delete(id, props));
    },

    async invoke(token: string, args: Props): Promise<Props> {
      const fn: FunctionMethod | undefined = functions.get(token);
      if (fn === undefined) {
        const served = [...functions.keys()];
        throw new Error(
          `${PACKAGE} has no function '${token}'; ${served.length > 0 ? `it serves ${served.join(", ")}` : "it serves none yet"}`,
        );
      }
      return fn(args);
    },
  };
}

export type NativeProvider = ReturnType<typeof createNativeProvider>;
