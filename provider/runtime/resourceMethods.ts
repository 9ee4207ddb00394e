/** The methods one resource type implements, the same for every door: the dynamic provider and a native plugin. */
import type * as dynamic from "@pulumi/pulumi/dynamic";

export type Props = Record<string, unknown>;

export interface ResourceMethods {
  check(olds: Props, news: Props): Promise<dynamic.CheckResult>;
  diff(id: string, olds: Props, news: Props): Promise<dynamic.DiffResult>;
  create(inputs: Props): Promise<dynamic.CreateResult>;
  read(id: string, props: Props): Promise<dynamic.ReadResult>;
  update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult>;
  delete(id: string, props: Props): Promise<void>;
}
