/** The methods one resource type implements, the same for every door: the dynamic provider and a native plugin. */
import type * as dynamic from "@pulumi/pulumi/dynamic";

export type Props = Record<string, unknown>;

/**
 * What the engine tells a provider besides the properties. The native plugin receives the resource's
 * `ignoreChanges` in DiffRequest and UpdateRequest; the dynamic-provider plugin of @pulumi/pulumi does not pass it
 * on, so there it is always absent.
 */
export interface ChangeOptions {
  readonly ignoreChanges?: readonly string[];
}

export interface ResourceMethods {
  check(olds: Props, news: Props): Promise<dynamic.CheckResult>;
  diff(id: string, olds: Props, news: Props, options?: ChangeOptions): Promise<dynamic.DiffResult>;
  create(inputs: Props): Promise<dynamic.CreateResult>;
  read(id: string, props: Props): Promise<dynamic.ReadResult>;
  update(id: string, olds: Props, news: Props, options?: ChangeOptions): Promise<dynamic.UpdateResult>;
  delete(id: string, props: Props): Promise<void>;
}

/** A function (a Pulumi invoke such as `getRecoveryPoints`): arguments in, a result object out. */
export type FunctionMethod = (args: Props) => Promise<Props>;

/**
 * Everything one runtime serves, by name: each door maps these names to its own tokens (the native plugin serves
 * `hyperv-replica:index:<name>`), so a resource or function added here appears in every door.
 */
export interface Registry {
  /** `keys`: every stack config key, namespaced, when the door knows them (for unknown-key checks). */
  configure(get: (key: string) => unknown, keys?: readonly string[]): void;
  readonly resources: Readonly<Record<string, ResourceMethods>>;
  readonly functions: Readonly<Record<string, FunctionMethod>>;
}
