/**
 * The dynamic provider object of each resource. Pulumi serializes it into the stack as JavaScript text and runs it in
 * a separate plugin process, so it captures nothing but the resource's type name: each method loads the package's
 * runtime by name inside the plugin, where the Pulumi project's node_modules resolves it. Only types are imported.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { Runtime } from "../doors/dynamic";

export type ResourceType = keyof Runtime["resources"];

export function dynamicProviderFor(type: ResourceType): dynamic.ResourceProvider {
  return {
    async configure(req) {
      const rt: Runtime = require("pulumi-hyperv-replica/runtime").runtime;
      rt.configureFrom(req.config);
    },
    async check(olds, news) {
      const rt: Runtime = require("pulumi-hyperv-replica/runtime").runtime;
      return rt.resources[type].check(olds, news);
    },
    async diff(id, olds, news) {
      const rt: Runtime = require("pulumi-hyperv-replica/runtime").runtime;
      return rt.resources[type].diff(id, olds, news);
    },
    async create(inputs) {
      const rt: Runtime = require("pulumi-hyperv-replica/runtime").runtime;
      return rt.resources[type].create(inputs);
    },
    async read(id, props) {
      const rt: Runtime = require("pulumi-hyperv-replica/runtime").runtime;
      return rt.resources[type].read(id, props ?? {});
    },
    async update(id, olds, news) {
      const rt: Runtime = require("pulumi-hyperv-replica/runtime").runtime;
      return rt.resources[type].update(id, olds, news);
    },
    async delete(id, props) {
      const rt: Runtime = require("pulumi-hyperv-replica/runtime").runtime;
      return rt.resources[type].delete(id, props);
    },
  };
}
